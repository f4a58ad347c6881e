"""Classify a whole reply: successful, refused (and the sections cited), not held, and so on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.extracted import ExtractedAnswer

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


# Only sections that are reasons to refuse are counted. A whitelist does the filtering:
# FOIA/FOISA s12 (cost limit), s14 (vexatious/repeated) and the Part II exemptions s21-s44
# (FOISA's exemptions s25-s41 fall inside that range); EIR regulations 12 and 13.
# Procedural sections in every letter are thereby never counted: s1 (right of access),
# s8/s10/s11 (valid request, time, means), s16 (advice and assistance), s17 (refusal notice),
# s45/s46 (codes of practice), s50 (appeal to the ICO), s77 (offence), reg 14 (EIR notice).
# A citation followed by "of the <other> Act" (Data Protection Act, Equality Act …) is dropped.
_EXEMPTION_SECTIONS = frozenset({12, 14, *range(21, 45)})
_EIR_REGULATIONS = frozenset({12, 13})

_SUBSECTION = r"(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*"
_SECTION_RE = re.compile(
    r"(?<![\w'\u2019])(?:sections?|ss?\.?)\s?(?P<list>\d{1,2}(?!\d)"
    + _SUBSECTION
    + r"(?:\s?(?:,|and|&|or)\s?(?:s\.?\s?)?\d{1,2}(?!\d)"
    + _SUBSECTION
    + r")*)",
    re.I,
)
_REGULATION_RE = re.compile(
    r"(?<![\w'])(?:regulations?|regs?\.?|r\.)\s?(?P<list>\d{1,2}(?!\d)"
    + _SUBSECTION
    + r"(?:\s?(?:,|and|&|or)\s?\d{1,2}(?!\d)"
    + _SUBSECTION
    + r")*)",
    re.I,
)
_ITEM_RE = re.compile(r"(\d{1,2})(?!\d)(" + _SUBSECTION + ")")
_OTHER_ACT_RE = re.compile(
    r"^\s*(?:of|under)\s+the\s+(?!freedom\s+of\s+information|environmental\s+information)"
    r"[A-Z][\w ]{0,60}?\s(?:Act|Regulations)\b",
    re.I,
)
# "Section 12 - Supplementary Financial Information", "section 3 of the questionnaire":
# a part of a form or report, not a statute.
_NOT_STATUTE_RE = re.compile(
    r"^\s*(?:[-\u2013\u2014:]\s+[A-Z]|(?:of|in|to)\s+(?:the|this|our)\s+(?:questionnaire|form"
    r"|guidance|report|document|letter|return|template|policy|plan|spreadsheet|appendix)\b)",
)


def _normal_item(prefix: str, number: str, subsection: str) -> str:
    parts = re.findall(r"\(\s?([0-9a-z]{1,4})\s?\)", subsection, re.I)
    return prefix + number + "".join(f"({p.lower()})" for p in parts)


def cited_sections(text: str) -> tuple[str, ...]:
    """FOIA/FOISA sections and EIR regulations cited as reasons to refuse, normalised, in order."""
    clean = " ".join(text.replace("\u2019", "'").split())
    found: list[str] = []
    for pattern, prefix, allowed in (
        (_SECTION_RE, "s", _EXEMPTION_SECTIONS),
        (_REGULATION_RE, "reg", _EIR_REGULATIONS),
    ):
        for m in pattern.finditer(clean):
            after = clean[m.end() : m.end() + 90]
            if _OTHER_ACT_RE.match(after) or _NOT_STATUTE_RE.match(after):
                continue
            for item in _ITEM_RE.finditer(m.group("list")):
                if int(item.group(1)) in allowed:
                    section = _normal_item(prefix, item.group(1), item.group(2))
                    if section not in found:
                        found.append(section)
    return tuple(found)


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
    statuses = [a.status for a in answers if a.status != "unanswered"]
    if not statuses:
        return None
    for answer in answers:
        sections += tuple(s for s in answer.sections if s not in sections)
    answered = sum(1 for s in statuses if s in ("answered", "not_applicable"))
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
