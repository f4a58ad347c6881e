"""Reading real replies: accuracy, located passages, review share and calibration.

    python bench/reply_accuracy.py [--corpus NAME ...] [--threshold C] [--errors N] [--json OUT]

Scores the reader on the labelled real replies of ../shared/corpus (labels in tests/labels,
written by reading the documents) and on the generated replies in real styles (labels
written with them). For each set: passage located, answers right, share auto-accepted
(confidence at or above the review threshold) and their precision, the review share, the
reply outcome; then a reliability table (confidence band -> share right).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import extract  # noqa: E402
from extract.answers import extract_answers  # noqa: E402
from extract.outcomes import classify_reply  # noqa: E402
from tests.corpora import (  # noqa: E402
    CORPORA,
    LabelledReply,
    is_located,
    is_right,
    reliability,
)

DEFAULT_THRESHOLD = getattr(extract, "REVIEW_THRESHOLD", 0.6)


@dataclass
class Scores:
    """The figures of one set of labelled replies."""

    name: str
    answers: int = 0
    right: int = 0
    located: int = 0
    auto: int = 0
    auto_right: int = 0
    outcomes: int = 0
    outcomes_right: int = 0
    scored: list[tuple[float, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line of the figures."""
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "-"
        return (f"{self.name:24} answers {self.answers:3}  right {pct(self.right, self.answers):14}"
                f" located {pct(self.located, self.answers):14}"
                f" auto-accepted {pct(self.auto, self.answers):14}"
                f" precision {pct(self.auto_right, self.auto):14}"
                f" review {pct(self.answers - self.auto, self.answers):14}"
                f" outcome {pct(self.outcomes_right, self.outcomes)}")

    def as_dict(self) -> dict[str, object]:
        """The figures for --json."""
        return {"answers": self.answers, "right": self.right, "located": self.located,
                "auto": self.auto, "auto_right": self.auto_right, "outcomes": self.outcomes,
                "outcomes_right": self.outcomes_right,
                "reliability": reliability(self.scored)}


def score(name: str, replies: Sequence[LabelledReply], questions: Sequence, threshold: float
          ) -> Scores:
    """Read every labelled reply and compare with its labels."""
    scores = Scores(name)
    for reply in replies:
        if not reply.labels:
            continue
        answers = extract_answers(list(reply.pages), list(questions))
        if reply.outcome:
            text = "\n".join(p.text for p in reply.pages)
            outcome = classify_reply(text, answers).outcome
            scores.outcomes += 1
            expected = {reply.outcome}
            if all(lb.status in ("answered", "partly") for lb in reply.labels.values()):
                expected.add("successful")  # how complete the data is, is judged in the data
            scores.outcomes_right += outcome in expected
            if outcome not in expected:
                scores.errors.append(f"{reply.authority[:30]:30} outcome  want {reply.outcome}"
                                     f" got {outcome}")
        for spec, answer in zip(questions, answers, strict=True):
            label = reply.labels.get(spec.number)
            if label is None:
                continue
            ok = is_right(label, answer.status, answer.value)
            scores.answers += 1
            scores.right += ok
            scores.located += is_located(label, answer.document_id, answer.page)
            scores.scored.append((answer.confidence, ok))
            if answer.confidence >= threshold:
                scores.auto += 1
                scores.auto_right += ok
            if not ok:
                scores.errors.append(
                    f"{reply.authority[:30]:30} Q{spec.number} want {label.status}/{label.value}"
                    f" got {answer.status}/{answer.value} @{answer.confidence:.2f}"
                    f" {answer.method} {answer.document_id}:{answer.page}"
                    f" {(answer.snippet or '')[:80]!r}")
    return scores


def labelled_sets(names: Sequence[str]) -> list[tuple[str, Callable[[], list[LabelledReply]],
                                                       Sequence]]:
    """The labelled sets to score, by name."""
    return [(name, CORPORA[name][0], CORPORA[name][1]) for name in names]


def main() -> None:
    """Score the reader on every labelled set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--errors", type=int, default=20, help="errors to print per set")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    results = []
    for name, load, questions in labelled_sets(args.corpus or sorted(CORPORA)):
        results.append(score(name, load(), questions, args.threshold))
    print(f"review threshold {args.threshold:.2f}")
    for s in results:
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
