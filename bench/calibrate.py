"""Calibrate the reader's confidence on labelled replies and set the review threshold.

    python bench/calibrate.py [--write] [--target 0.95] [--limit N] [--tiny]

Reads the tuning halves of the real corpora and the generated replies in real styles (never
a sealed half: those measure the calibration, bench/reply_accuracy.py), counts per calibration
key (how the passage was located, which rule read it, the status, and
whether other passages disagreed) how many answers were right, and chooses the review
threshold on held-out figures: each set scored with a calibration made from the other sets
only, the threshold is the lowest confidence at which the auto-accepted real answers are right
at least --target of the time. A confidence is the lower end of an interval (--z standard
errors below the share right), so few examples mean less certainty. Prints the reliability
tables in-sample and held out. --write saves
extract/judging/calibration.json, which the reader ships.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from extract.answers import extract_answers  # noqa: E402
from extract.judging.confidence import (  # noqa: E402
    INTERVAL_Z,
    answer_key,
    reload_calibration,
)
from tests.corpora import CALIBRATION_SETS, is_right, reliability  # noqa: E402

OUT = ROOT / "extract" / "judging" / "calibration.json"
GRID = [round(0.3 + 0.05 * i, 2) for i in range(14)]


def judged(sets: Sequence[str], limit: int | None = None) -> list[tuple[str, str, float, bool]]:
    """(set, key, confidence, right) of every labelled answer of the sets (of the first `limit`
    replies of each)."""
    found = []
    for name in sets:
        load, questions = CALIBRATION_SETS[name]
        for reply in load(limit=limit):
            answers = extract_answers(list(reply.pages), list(questions))
            for spec, answer in zip(questions, answers, strict=True):
                label = reply.labels.get(spec.number)
                if label is None or (answer.status == "unanswered" and not answer.confidence):
                    if label is not None:
                        found.append((name, "unanswered", 0.0,
                                      is_right(label, answer.status, answer.value)))
                    continue
                key = answer_key(answer.method, answer.status, answer.reason)
                found.append((name, key, answer.confidence,
                              is_right(label, answer.status, answer.value)))
    return found


def counts(rows: Sequence[tuple[str, str, float, bool]]) -> dict[str, list[int]]:
    """key -> [right, total]."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for _name, key, _confidence, ok in rows:
        total[key] += 1
        right[key] += ok
    return {key: [right[key], total[key]] for key in sorted(total)}


MAX_REVIEW = 0.30   # issue 19: at most this share sent to review


def threshold(rows: Sequence[tuple[str, str, float, bool]], target: float) -> float:
    """The lowest threshold whose auto-accepted answers are right >= target of the time; when
    none is (held out, none may be), the highest that sends at most MAX_REVIEW to review: as
    careful as the review budget allows."""
    within = []
    for t in GRID:
        accepted = [ok for _n, _k, c, ok in rows if c >= t]
        if len(accepted) < 10:
            continue
        precision = sum(accepted) / len(accepted)
        if precision >= target:
            return t
        if 1 - len(accepted) / len(rows) <= MAX_REVIEW:
            within.append(t)
    if not within:
        return GRID[-1]
    print(f"no threshold reaches {target:.0%}: the highest sending at most {MAX_REVIEW:.0%} to "
          f"review")
    return max(within)


def print_table(title: str, rows: Sequence[tuple[str, str, float, bool]], t: float) -> None:
    """A reliability table and the figures at threshold t."""
    print(title)
    for band, n, share in reliability([(c, ok) for _n, _k, c, ok in rows]):
        print(f"  {band}  {n:4}  {'-' if share is None else f'{100 * share:.0f}%'}")
    accepted = [ok for _n, _k, c, ok in rows if c >= t]
    precision = sum(accepted) / len(accepted) if accepted else 0.0
    print(f"  at threshold {t:.2f}: auto-accepted {len(accepted)}/{len(rows)}, precision "
          f"{100 * precision:.1f}%, review share {100 * (1 - len(accepted) / len(rows)):.0f}%")


def main() -> None:
    """Calibrate, choose the threshold, print the reliability tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="save extract/judging/calibration.json")
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--z", type=float, default=INTERVAL_Z,
                        help="standard errors below the share right (0: the share itself)")
    parser.add_argument("--limit", type=int,
                        help="only the first N replies of each set (not with --write)")
    args = parse_args(parser, limit=1)
    if args.write and args.limit is not None:
        parser.error("--write calibrates on every reply: leave out --limit and --tiny")
    sets = sorted(CALIBRATION_SETS)
    real = [s for s in sets if not s.startswith("generated")]
    reload_calibration({"interval_z": args.z})
    raw = judged(sets, args.limit)
    calibration: dict[str, object] = {"counts": counts(raw), "interval_z": args.z}
    held_out = []
    for name in sets:
        reload_calibration({"counts": counts([r for r in raw if r[0] != name]),
                            "interval_z": args.z})
        held_out += [r for r in judged([name], args.limit) if r[0] in real]
    calibration["review_threshold"] = threshold(held_out, args.target)
    reload_calibration(calibration)
    fitted = judged(sets, args.limit)
    calibration["made_from"] = dict(Counter(r[0] for r in raw))
    t = float(calibration["review_threshold"])  # type: ignore[arg-type]
    print_table("before calibration (the rules' own estimates), real replies:",
                [r for r in raw if r[0] in real], t)
    print_table("calibrated on the other sets only (held out; the threshold chosen here), "
                "real replies:", held_out, t)
    print_table("calibrated, in-sample, real replies:", [r for r in fitted if r[0] in real], t)
    generated = [r for r in fitted if r[0] not in real]
    if generated:
        print_table("calibrated, in-sample, generated replies:", generated, t)
    reload_calibration()
    if args.write:
        OUT.write_text(json.dumps(calibration, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} (review threshold {t:.2f})")


if __name__ == "__main__":
    main()
