"""Interpreting one located answer: its status, its value in the question's type, the rule
that read it and any detail (a breakdown, the reason information is not held)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.interpreting.counts import read_count
from extract.interpreting.sections import cited_sections
from extract.interpreting.statuses import NO_DOCUMENT_RE, answer_status, provided_with_redactions
from extract.interpreting.values import (
    LEADING_NO,
    LEADING_YES,
    NIL_RE,
    QuestionLike,
    hedged_yes_no,
    parse_yes_no,
    typed_value,
)
from extract.passages.text import clean_text, sentences


@dataclass(frozen=True)
class Reading:
    """What one answer text says: status, typed value, confidence, sections, rule, detail."""

    status: str
    value: str | None
    confidence: float
    sections: tuple[str, ...]
    rule: str = ""
    detail: str | None = None
    unit: str | None = None   # of a count, when the answer gives one


_LEADING_FIGURE = re.compile(
    r"^\W{0,3}(?:[£$€]?\d|c\.\s*\d|approx\w*\s+\d|<\s*\d|\*"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)", re.I)
_CLAUSES = re.compile(r"(?<=[.!?;])\s+")
_PARTLY_TYPES = ("document", "count", "number", "money")


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
    first = sentences(clean)[0]
    if question.type in ("count", "number", "money") and _LEADING_FIGURE.match(clean):
        # "0 - the Trust does not employ ...", "<5 (see note)": the figure first is the answer;
        # the paragraphs of law after it are not
        lead = _value(text if first == clean else first, first, question)
        if lead.status == "suppressed":
            return Reading("suppressed", None, lead.confidence, cited_sections(clean), lead.rule,
                           lead.detail)
        if lead.status == "answered" and lead.value is not None:
            return _partly(lead, clean)
    redacted = provided_with_redactions(clean) if question.type == "document" else None
    if redacted:   # released with a name left out: provided, never a refusal
        return Reading("answered", "provided", 0.8, cited_sections(redacted),
                       "provided, partly redacted", redacted)
    status = answer_status(clean)
    no_document = question.type == "document" and bool(NO_DOCUMENT_RE.search(first))
    not_held = no_document or (question.type == "document" and status is not None
                               and status.status == "not_held")
    if not_held and described_instead(clean, getattr(question, "text", "")):
        return Reading("answered", "described", 0.7, (), "no document, described instead",
                       first[:200])
    if status is None and no_document:
        return Reading("not_held", None, 0.8, (), "says there is no such document", first[:200])
    if status is not None and status.status == "not_held" and question.type in _PARTLY_TYPES:
        for clause in _CLAUSES.split(clean):  # a value first, then what is not held
            if answer_status(clause) is not None:
                break
            given = _value(clause, clause, question)
            if given.status == "answered" and given.value is not None:
                return Reading("partly", given.value, min(given.confidence, 0.6), (),
                               f"{given.rule}, part not held", status.detail, given.unit)
    if status is not None and question.type == "yes_no" and status.status == "refused" and (
            status.sections and all(x.startswith("s21") for x in status.sections)):
        # "exempt under section 21: it is already published" answers "do you publish…?"
        return Reading("answered", "yes", 0.7, status.sections,
                       "published elsewhere (section 21): a yes", status.detail)
    if status is not None:
        return Reading(status.status, None, status.confidence, status.sections, status.rule,
                       status.detail)
    reading = _value(text, clean, question)
    return _partly(reading, clean) if reading.status == "answered" else reading


# "a copy of your protocol or, if there is none, a description of what you do"
_ASKS_DESCRIPTION = re.compile(
    r"\b(?:if|where)\s+(?:there\s+is\s+|you\s+have\s+|the\s+\w+\s+has\s+)?(?:no|none|not)\b"
    r".{0,60}\b(?:describ\w*|description|explain\w*|outline|set\s+out|summar\w+)\b"
    r"|\bor\s+(?:a\s+)?(?:description|summary|outline)\s+of\b", re.I)
_DESCRIBES = re.compile(r"\b(?:the\s+(?:process|procedure|protocol|approach|practice)\s+(?:is|"
                        r"involves)|we\s+(?:follow|use|work|refer|ensure|liaise)|staff\s+(?:will"
                        r"|would|are\s+expected)|(?:is|are)\s+(?:referred|assessed|supported))\b",
                        re.I)


def described_instead(clean: str, question_text: str) -> bool:
    """Whether a reply with no document describes instead, as the question allowed: after the
    sentence saying there is none, at least a sentence of how it is done."""
    if not _ASKS_DESCRIPTION.search(question_text):
        return False
    rest = " ".join(sentences(clean)[1:])
    return bool(_DESCRIBES.search(rest)) and len(rest.split()) >= 12


def _value(text: str, clean: str, question: QuestionLike) -> Reading:
    """The value of an answer in the question's type (a count from the text with its lines)."""
    if question.type == "count":
        count = read_count(text, getattr(question, "text", ""), getattr(question, "unit", None))
        if count.status != "answered" or count.value is not None:
            return Reading(count.status, count.value, count.confidence, (), count.rule,
                           count.detail, count.unit)
        return Reading("answered", None, 0.25, (), "no count in the answer")
    hedged = hedged_yes_no(clean) if question.type == "yes_no" else None
    if hedged:
        return Reading("answered", hedged[0], hedged[1], (), hedged[2])
    value, confidence = typed_value(clean, question)
    if value is None:  # something is there; a person must read it
        return Reading("answered", None, 0.25, (), f"no {question.type} in the answer")
    return Reading("answered", value, confidence, (), f"{question.type} read")


def _partly(reading: Reading, clean: str) -> Reading:
    """An answer that gives a value and says part of what was asked is not held."""
    if reading.value is None:
        return reading
    later = " ".join(sentences(clean)[1:])
    held = answer_status(later) if later else None
    if held is None or held.status != "not_held":
        return reading
    return Reading("partly", reading.value, min(reading.confidence, 0.6), (),
                   f"{reading.rule}, part not held", held.detail, reading.unit)
