"""Which question a block answers: its title, then its sheet's name, then its file's name.

Each text is scored for every table question: the question's number written as a question
("Q2", "Question 2", "Part two", "2." at the start of a title) counts 3, each of its campaign
`keywords` ("CPA", "Section 117") 1. The nearest title naming a question by number decides,
else the nearest naming one at all; a tie between a question and a later one goes to the
later one, the narrower count ("on CPA" among "people in contact"). Without such a title,
the sheet's name, then the file's. A block naming nothing answers what the block before it
in the same grid (or PDF) answered; if none, a person says (`foi tables answers`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
          8: "eight", 9: "nine"}


@dataclass(frozen=True)
class TableQuestion:
    """A table question as the reader needs it: number, key, and words that name it."""

    number: int
    key: str
    keywords: tuple[str, ...] = ()
    # further breakdowns a table may be by instead of the categories: (name, keywords)
    breakdowns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    part_of: int | None = None   # the question whose figures hold this one's


def breakdown_of(label: str, titles: Sequence[str], question: TableQuestion) -> str:
    """The further breakdown a table is by, from the header over its labels, else its nearest
    title ('' for the question's own categories)."""
    for text in [label, *[t for t in titles if t != label][:1]]:
        found = [name for name, words in question.breakdowns
                 if any(_keyword_pattern(w).search(text) for w in words)]
        if found:
            return found[0] if len(found) == 1 else ""
    return ""


def _number_pattern(n: int) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:q(?:uestion)?\s*\.?\s*{n}(?!\d)|part\s+(?:{n}|{_WORDS.get(n, n)})\b)"
        rf"|^\s*\(?{n}[.):\t ]", re.I)


def _keyword_pattern(word: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"\s+", word.strip()) if p]
    return re.compile(r"(?<![A-Za-z])" + r"\s*".join(parts) + r"(?![a-z])", re.I)


def score_text(text: str, questions: Sequence[TableQuestion]) -> dict[int, int]:
    """Each question's score in one text."""
    scores = {}
    for q in questions:
        s = 3 * bool(_number_pattern(q.number).search(text))
        s += sum(1 for k in q.keywords if _keyword_pattern(k).search(text))
        if s:
            scores[q.number] = s
    return scores


def decide(scores: dict[int, int]) -> int | None:
    """The best-scored question; a tie goes to the later (narrower) question."""
    if not scores:
        return None
    best = max(scores.values())
    return max(n for n, s in scores.items() if s == best)


def assign_question(titles: Sequence[str], names: Sequence[str],
                    questions: Sequence[TableQuestion]) -> int | None:
    """The question a block's titles name (the nearest title naming a question by its
    number, else the nearest naming one by its words), else the first of its names (sheet,
    file) that names one."""
    scored = [score_text(t, questions) for t in titles]
    numbered = next((s for s in scored if any(v >= 3 for v in s.values())), None)
    worded = next((s for s in scored if s), None)
    found = decide(numbered or worded or {})
    if found is not None:
        return found
    for text in names:   # 'All_MH.xlsx', 'cpa-2019.csv': words between the marks
        found = decide(score_text(re.sub(r"[_\-.]+", " ", text), questions))
        if found is not None:
            return found
    return None
