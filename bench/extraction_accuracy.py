"""Extraction accuracy on the demo simulator's replies, scored against the letters' truth.

    python bench/extraction_accuracy.py [--seed 2016] [--n 209] [--errors 15] [--json OUT] [--tiny]

Reads every simulated reply (body and attachments, in-process), extracts the answers and
the outcome, and prints accuracy per scenario and per question, then the first errors.
Document texts are cached under /tmp by seed, n and a digest of the reader's and the
simulator's code, so re-runs measure only extraction.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from extract.answers import PageText, QuestionSpec, extract_answers  # noqa: E402
from extract.judging.outcomes import classify_reply  # noqa: E402
from extract.reading.documents import read_document  # noqa: E402
from foi.authorities import demo_ccgs  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.mail.incoming import read_message  # noqa: E402
from simulator.replies import SentLetter, SimQuestion, simulate_replies  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"


def observed(status: str, value: str | None) -> str | None:
    """Our answer in the simulator's truth vocabulary."""
    if status == "answered":
        return value
    if status == "unanswered":
        return None
    return status


def same(expected: str | None, got: str | None) -> bool:
    """Equal, numerically for decimals."""
    if expected == got:
        return True
    try:
        return Decimal(str(expected)) == Decimal(str(got))
    except (InvalidOperation, ValueError):
        return False


def code_stamp() -> str:
    """A digest of the code the cached texts come from: the reader's and the simulator's."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "extract").glob("*.py"), *(ROOT / "simulator").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def reply_pages(replies, cache: Path) -> dict[str, list[PageText]]:
    """Page texts of each reply's non-automatic messages (cached)."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    pages: dict[str, list[PageText]] = defaultdict(list)
    for reply in replies:
        for raw in reply.messages:
            msg = read_message(raw)
            if msg.kind != "reply":
                continue
            if msg.body_text.strip():
                pages[reply.reference].append(PageText("body", 1, msg.body_text))
            for a in msg.attachments:
                doc = read_document(a.data, a.filename, a.media_type)
                for n, text in enumerate(doc.pages, start=1):
                    pages[reply.reference].append(PageText(a.filename, n, text))
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")  # another run may read it
    partial.write_bytes(pickle.dumps(dict(pages)))
    os.replace(partial, cache)
    return dict(pages)


def main() -> None:
    """Score extraction against the simulator's truth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--n", type=int, default=209)
    parser.add_argument("--errors", type=int, default=15, help="errors to print")
    parser.add_argument("--json", type=Path, help="write the scores here")
    args = parse_args(parser, n=10)
    campaign = read_campaign(EXAMPLE)
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in campaign.numbered()]
    specs = [QuestionSpec(n, q.key, q.text, q.type, q.choices) for n, q in campaign.numbered()]
    letters = [SentLetter(f"QOF16-{a.id}", a.id, a.name, a.email, "Alex Reporter",
                          "foi-desk@newsroom.example", f"<qof16-{a.id.lower()}@newsroom.example>",
                          f"Freedom of Information request QOF16-{a.id}",
                          datetime(2016, 4, 4, 9, tzinfo=UTC)) for a in demo_ccgs()[:args.n]]
    replies = simulate_replies(letters, questions, seed=args.seed)
    started = time.perf_counter()
    pages = reply_pages(replies, Path(f"/tmp/foitrack-accuracy-{args.seed}-{args.n}-"
                                      f"{code_stamp()}.pickle"))
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    by_scenario: dict[str, Counter] = defaultdict(Counter)
    by_question: dict[str, Counter] = defaultdict(Counter)
    outcomes: Counter = Counter()
    errors = []
    for reply in replies:
        if reply.scenario == "silent":
            continue
        answers = extract_answers(pages.get(reply.reference, []), specs)
        outcome = classify_reply("\n".join(p.text for p in pages.get(reply.reference, [])),
                                 answers)
        outcomes["right" if outcome.outcome == reply.outcome else "wrong"] += 1
        if outcome.outcome != reply.outcome:
            errors.append((reply.scenario, reply.reference, "outcome", reply.outcome,
                           outcome.outcome, outcome.evidence))
        for a in answers:
            expected = reply.truth.get(a.question_key)
            got = observed(a.status, a.value)
            ok = same(expected, got)
            by_scenario[reply.scenario]["right" if ok else "wrong"] += 1
            by_question[a.question_key]["right" if ok else "wrong"] += 1
            if ok and a.confidence < 0.6:
                by_question[a.question_key]["right_low_confidence"] += 1
            if not ok:
                errors.append((reply.scenario, reply.reference, a.question_key, expected, got,
                               f"{a.method} {a.confidence:.2f} {(a.snippet or '')[:70]!r}"))
    extract_s = time.perf_counter() - started

    def pct(c: Counter) -> str:
        total = c["right"] + c["wrong"]
        return f"{c['right']}/{total} ({100 * c['right'] / total:.1f}%)" if total else "-"

    print(f"read documents: {read_s:.1f} s (cached when ~0); extraction: {extract_s:.2f} s")
    print("by scenario:")
    for name, c in sorted(by_scenario.items()):
        print(f"  {name:14} {pct(c)}")
    print("by question:")
    for name, c in by_question.items():
        print(f"  {name:14} {pct(c)}  right but below 0.6 confidence: "
              f"{c['right_low_confidence']}")
    total = sum((c for c in by_question.values()), Counter())
    print(f"answers: {pct(total)}; outcomes: {pct(outcomes)}")
    for e in errors[:args.errors]:
        print("  ERR", *e)
    if args.json:
        args.json.write_text(json.dumps({
            "answers_right": total["right"], "answers_total": total["right"] + total["wrong"],
            "outcomes_right": outcomes["right"],
            "outcomes_total": outcomes["right"] + outcomes["wrong"],
            "by_scenario": {k: dict(v) for k, v in by_scenario.items()}}, indent=2))


if __name__ == "__main__":
    main()
