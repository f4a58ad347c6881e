"""Interpreting one located answer: its status, its value in the question's type, the rule
that read it and any detail (a breakdown, the reason information is not held)."""

from __future__ import annotations

from dataclasses import dataclass

from extract.counts import read_count
from extract.statuses import answer_status
from extract.text import clean_text, sentences
from extract.values import LEADING_NO, LEADING_YES, NIL_RE, QuestionLike, parse_yes_no, typed_value


@dataclass(frozen=True)
class Reading:
    """What one answer text says: status, typed value, confidence, sections, rule, detail."""

    status: str
    value: str | None
    confidence: float
    sections: tuple[str, ...]
    rule: str = ""
    detail: str | None = None


def read_answer(text: str, question: QuestionLike) -> Reading:
    """Status, typed value and confidence of one answer text for one question."""
    clean = clean_text(text)
    if not clean:
        return Reading("unanswered", None, 0.0, (), "empty")
    if question.type == "yes_no" and (LEADING_YES.match(clean) or LEADING_NO.match(clean)):
        value, confidence = parse_yes_no(clean)
        return Reading("answered", value, confidence, (), "leading yes/no")
    if question.type in ("count", "money") and NIL_RE.match(clean):
        value, confidence = typed_value(clean, question)
        return Reading("answered", value, confidence, (), "nil or none")
    status = answer_status(clean)
    if status is not None and status.status == "not_held" and question.type in _PARTLY_TYPES:
        first = sentences(clean)[0]
        if answer_status(first) is None:
            given = read_answer(first, question)  # a value first, then what is not held
            if given.status == "answered" and given.value is not None:
                return _partly(given, clean)
    if status is not None:
        return Reading(status.status, None, status.confidence, status.sections, status.rule,
                       status.detail)
    if question.type == "count":
        count = read_count(clean, getattr(question, "text", ""))
        if count.status != "answered" or count.value is not None:
            reading = Reading(count.status, count.value, count.confidence, (), count.rule,
                              count.detail)
            return _partly(reading, clean) if count.status == "answered" else reading
        return Reading("answered", None, 0.25, (), "no count in the answer")
    value, confidence = typed_value(clean, question)
    if value is None:  # something is there; a person must read it
        return Reading("answered", None, 0.25, (), f"no {question.type} in the answer")
    return _partly(Reading("answered", value, confidence, (), f"{question.type} read"), clean)


_PARTLY_TYPES = ("document", "count", "number", "money")


def _partly(reading: Reading, clean: str) -> Reading:
    """An answer that gives a value and says part of what was asked is not held."""
    if reading.value is None:
        return reading
    later = " ".join(sentences(clean)[1:])
    held = answer_status(later) if later else None
    if held is None or held.status != "not_held":
        return reading
    return Reading("partly", reading.value, min(reading.confidence, 0.6), (),
                   f"{reading.rule}, part not held", held.detail)
