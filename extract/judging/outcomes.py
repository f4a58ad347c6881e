"""Classify a whole reply: successful, refused (and the sections cited), not held, and so on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.interpreting.extracted import ExtractedAnswer
from extract.interpreting.sections import cited_sections

OUTCOMES = (
    "successful",
    "partially_successful",
    "refused",
    "not_held",
    "acknowledgement",
    "clarification",
    "unknown",
)


@dataclass(frozen=True)
class ReplyOutcome:
    """What a reply amounts to, the sections it relies on, and the sentence that shows it."""

    outcome: str
    sections: tuple[str, ...]
    evidence: str | None


_ACKNOWLEDGEMENT_RE = re.compile(
    r"\b(?:we|i)\s+(?:have|has)\s+received\s+your\s+(?:request|e-?mail)"
    r"|\backnowledge\s+(?:receipt|your\s+request)|\bthank\s+you\s+for\s+your\s+request\b.{0,80}"
    r"\b(?:will\s+(?:respond|reply)|aim\s+to\s+respond|within\s+20\s+working\s+days)"
    r"|\bwill\s+(?:respond|reply)\s+(?:to\s+you\s+)?(?:within|by|no\s+later)\b"
    r"|\bwithin\s+(?:the\s+statutory\s+)?(?:20|twenty)\s+working\s+days\b",
    re.I | re.S,
)
_CLARIFICATION_RE = re.compile(
    r"\bplease\s+(?:could\s+you\s+)?clarify\b|\b(?:could|can|would)\s+you\s+(?:please\s+)?"
    r"(?:clarify|confirm\s+(?:what|which|whether)|specify|provide\s+(?:more|further)\s+detail)"
    r"|\bclarification\s+(?:of|on|regarding|about)\s+(?:your|the)\s+request"
    r"|\bneed\s+(?:some\s+)?(?:further\s+)?clarification\b|\bsection\s+1\s?\(\s?3\s?\)",
    re.I,
)
_REFUSED_RE = re.compile(
    r"\bexempt(?:ion)?\b|\bwithh(?:eld|old|olding)\b|\brefus(?:e|ed|al|ing)\b"
    r"|\bnot\s+to\s+disclose\b|\bdecided\s+not\s+to\b|\bexceed\w*\s+the\s+(?:appropriate|cost)"
    r"\s+limit\b|\bvexatious\b",
    re.I,
)
_NOT_HELD_TEXT_RE = re.compile(
    r"\b(?:do(?:es)?\s+not|don't|doesn't)\s+hold\b|\bnot\s+held\b|\bno\s+(?:recorded\s+)?"
    r"information\s+(?:is\s+)?held\b",
    re.I,
)
_BOILERPLATE_RE = re.compile(
    r"internal\s+review|information\s+commissioner|section\s+50|not\s+satisfied|unhappy"
    r"|dissatisfied|complain",
    re.I,
)


def _sentences(text: str) -> list[str]:
    clean = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", clean) if s]


def _evidence(text: str, pattern: re.Pattern[str]) -> str | None:
    """The first non-boilerplate sentence matching a pattern, shortened."""
    for sentence in _sentences(text):
        if pattern.search(sentence) and not _BOILERPLATE_RE.search(sentence):
            return sentence[:300]
    return None


def _from_answers(
    answers: Sequence[ExtractedAnswer], sections: tuple[str, ...]
) -> ReplyOutcome | None:
    statuses = [a.status for a in answers if a.status not in ("unanswered", "unclear")]
    if not statuses:
        return None
    for answer in answers:
        sections += tuple(s for s in answer.sections if s not in sections)
    # a suppressed small number is an answer; a partly answered question is not all of one
    answered = sum(1 for s in statuses if s in ("answered", "not_applicable", "suppressed"))
    if "partly" in statuses:
        evidence = next((a.detail or a.snippet for a in answers if a.status == "partly"), None)
        return ReplyOutcome("partially_successful", sections, evidence)
    refused = statuses.count("refused")
    not_held = statuses.count("not_held")
    first_unhappy = next((a.snippet for a in answers if a.status in ("refused", "not_held")), None)
    if answered == len(statuses):
        evidence = next((a.snippet for a in answers if a.status == "answered"), None)
        return ReplyOutcome("successful", (), evidence)
    if answered:
        return ReplyOutcome("partially_successful", sections, first_unhappy)
    if refused:
        return ReplyOutcome("refused", sections, first_unhappy)
    if not_held:
        return ReplyOutcome("not_held", (), first_unhappy)
    return None


def classify_reply(text: str, answers: Sequence[ExtractedAnswer] = ()) -> ReplyOutcome:
    """The outcome of a whole reply, from its text and the per-question answers found in it."""
    sections = cited_sections(text)
    from_answers = _from_answers(answers, sections)
    if from_answers is not None:
        return from_answers
    clarification = _evidence(text, _CLARIFICATION_RE)
    if clarification:
        return ReplyOutcome("clarification", (), clarification)
    refusal = _evidence(text, _REFUSED_RE)
    if refusal and (sections or "limit" in refusal.lower() or "vexatious" in refusal.lower()):
        return ReplyOutcome("refused", sections, refusal)
    not_held = _evidence(text, _NOT_HELD_TEXT_RE)
    if not_held:
        return ReplyOutcome("not_held", (), not_held)
    if refusal:
        return ReplyOutcome("refused", sections, refusal)
    acknowledgement = _evidence(text, _ACKNOWLEDGEMENT_RE)
    if acknowledgement:
        return ReplyOutcome("acknowledgement", (), acknowledgement)
    return ReplyOutcome("unknown", sections, None)
