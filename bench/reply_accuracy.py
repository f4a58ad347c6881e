"""Reading real replies: accuracy, located passages, review share and calibration.

    python bench/reply_accuracy.py [--corpus NAME ...] [--threshold C] [--errors N] [--json OUT]
                                   [--limit N] [--tiny]

Scores the reader on the labelled real replies of ../shared/corpus (labels in tests/labels,
written by reading the documents; for localgov-foi-admin-2018, the researchers' coding of the
A-M councils' answers, each composed into a reply) and on the generated replies in real
styles (labels written with them). Sealed halves first (tests.corpora.halves; EVALUATION.md):
their figures and their reliability table, never their mistakes; then the tuning halves; then
each whole set. For each: passage located, answers right, share auto-accepted (confidence at
or above the review threshold) and their precision, the review share, the reply outcome; then
a reliability table (confidence band -> share right).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from extract.judging.confidence import review_threshold  # noqa: E402
from tests.corpora import (  # noqa: E402
    CORPORA,
    LABELLED_SETS,
    LOCALGOV_QUESTIONS,
    LabelledReply,
    halves,
    localgov_replies,
    reliability,
    score,
)


def labelled_sets(names: Sequence[str]) -> list[tuple[str, Callable[[], list[LabelledReply]],
                                                       Sequence]]:
    """The labelled sets to score, by name."""
    return [(name, LABELLED_SETS[name][0], LABELLED_SETS[name][1]) for name in names]


def main() -> None:
    """Score the reader on every labelled set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=sorted(LABELLED_SETS))
    parser.add_argument("--threshold", type=float, default=None,
                        help="review threshold (default: the calibrated one)")
    parser.add_argument("--errors", type=int, default=20, help="errors to print per set")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--limit", type=int, help="score only the first N replies of each set")
    args = parse_args(parser, limit=1)
    if args.threshold is None:
        args.threshold = review_threshold()
    results = []
    families = []
    for name, load, questions in labelled_sets(args.corpus or sorted(LABELLED_SETS)):
        replies = load(limit=args.limit)
        results.append(score(name, replies, questions, args.threshold))
        for family in sorted({r.corpus for r in replies if r.corpus.startswith("generated:")}):
            families.append(score(f"  {family.split(':')[1]}",
                                  [r for r in replies if r.corpus == family], questions,
                                  args.threshold))
    print(f"review threshold {args.threshold:.2f}")
    split = [(name, halves(load(limit=args.limit)), questions)
             for name, load, questions in labelled_sets(sorted(CORPORA))]
    split.append(("localgov-foi-admin-2018", halves(localgov_replies(args.limit)),
                  LOCALGOV_QUESTIONS))
    for which in ("sealed", "tuning"):
        print(f"{which} halves:")
        found = [score(f"  {name} {which}", parts[which], questions, args.threshold)
                 for name, parts, questions in split]
        for s in found:
            print(s.line())
        if which == "sealed":
            print("reliability (sealed halves): band, answers, share right")
            for band, count, share in reliability([p for s in found for p in s.scored]):
                print(f"  {band}  {count:4}  {'-' if share is None else f'{100 * share:.0f}%'}")
    print("whole sets (tuning and sealed):")
    for s in results:
        print(s.line())
    if families:
        print("generated replies by family:")
    for s in families:
        print(s.line())
    everything = [pair for s in results for pair in s.scored]
    print("reliability (all sets): band, answers, share right")
    for band, count, share in reliability(everything):
        print(f"  {band}  {count:4}  {'-' if share is None else f'{100 * share:.0f}%'}")
    for s in results:
        for e in s.errors[:args.errors]:
            print(f"  ERR {s.name[:4]} {e}")
    if args.json:
        args.json.write_text(json.dumps({s.name: s.as_dict() for s in results}, indent=2))


if __name__ == "__main__":
    main()
