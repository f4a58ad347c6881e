"""What an answer says when it gives no value: not held (and why), refused (and under which
sections), not applicable; the law quoted to explain, as opposed to applied."""

from __future__ import annotations

import re
from typing import NamedTuple

from extract.interpreting.sections import cited_sections
from extract.passages.text import clean_text, sentences

NOT_HELD_RE = re.compile(
    r"\b(?:do(?:es)?\s+not|don't|doesn't|did\s+not|cannot|can't)\s+hold\b"
    r"|\bnot\s+(?:currently\s+)?held\b"
    r"|\bhold\s+no\s+(?:recorded\s+)?information\b"
    r"|\bno\s+(?:recorded\s+)?information\s+(?:is\s+|was\s+)?held\b"
    r"|\bno\s+(?:relevant\s+|such\s+)?(?:records?|data)\s+(?:is\s+|are\s+)?held\b"
    r"|\bnot\s+(?:routinely\s+|centrally\s+|currently\s+)?(?:recorded|collected|captured)\b"
    r"|\bdo(?:es)?\s+not\s+(?:routinely\s+|centrally\s+|currently\s+)?(?:record|collect|capture)\b"
    r"|\bunable\s+to\s+(?:quantify|identify|determine|say\s+how\s+many)\b"
    r"|\bno\s+(?:central|centrally\s+held)\s+(?:record|register|list|data)\b"
    r"|\bnot\s+(?:something|information)\s+(?:that\s+)?(?:we|the\s+\w+)\s+(?:hold|record|collect)",
    re.I,
)
REFUSAL_RE = re.compile(
    r"\bexempt(?:ion|ions|ed)?\b|\bwithh(?:eld|old|olding)\b|\brefus(?:e|ed|al|ing)\b"
    r"|\bnot\s+(?:be\s+)?(?:able\s+to\s+)?(?:disclos|releas|provid|shar)\w*"
    r"|\b(?:cost|appropriate)\s+limit\b|\bvexatious\b",
    re.I,
)
NOT_APPLICABLE_RE = re.compile(r"^\W{0,3}(?:n/?a|not\s+applicable|not\s+relevant)\b", re.I)
_NOT_APPLICABLE_ANY = re.compile(r"\bnot\s+applicable\b|\bN/A\b", re.I)
# "published on our website at <url>": information reasonably accessible elsewhere (FOIA s21)
ACCESSIBLE_ELSEWHERE_RE = re.compile(
    r"\breasonably\s+accessible\s+to\s+you\b|\balready\s+(?:publicly\s+)?(?:available|published)\b"
    r"|\b(?:is|are)\s+(?:published|available|accessible)\s+(?:on|from|via|at)\s+(?:our|the)\s+"
    r"(?:[\w'\u2019]+\s+)?(?:website|web\s*site|internet|intranet\s+and\s+website)\b", re.I)
_ATTACHED_RE = re.compile(r"\battach(?:ed|ment)\b|\benclosed?\b|\bplease\s+find\b", re.I)
# part of a document left out of what is released: names, personal data, signatures
_REDACTED_PART = re.compile(
    r"\bredact\w*\b|\b(?:names?|personal\s+(?:data|information|details)|contact\s+details"
    r"|signatures?|telephone\s+numbers?|e-?mail\s+addresses)\b[^.]{0,80}\b(?:removed|withheld"
    r"|redacted|blanked|obscured)\b", re.I)


def provided_with_redactions(text: str) -> str | None:
    """The sentence saying a document is released with parts left out under a section
    ('attached; names have been redacted under section 40'), if the answer says so."""
    clean = clean_text(text)
    if not _ATTACHED_RE.search(clean):
        return None
    return next((s[:200] for s in sentences(clean)
                 if _REDACTED_PART.search(s) and cited_sections(s)), None)
# For a question asking for a document: "the Trust does not have a specific protocol" is the
# document not held (for a yes/no question about having one, it is "no").
NO_DOCUMENT_RE = re.compile(
    r"\b(?:do(?:es)?|did)\s+not\s+have\s+(?:a|an|any)\s+(?:specific\s+|separate\s+|formal\s+"
    r"|written\s+|dedicated\s+)?(?:protocol|policy|procedure|guidance|document)s?\b"
    r"|\bthere\s+is\s+no\s+(?:specific\s+|separate\s+|formal\s+|written\s+|dedicated\s+)?"
    r"(?:protocol|policy|procedure|guidance|document)\b", re.I)
_APPLIED_RE = re.compile(r"\bappl(?:y|ies|ied)\b|\bengaged?\b|\brel(?:y|ied|ying)\b", re.I)
# The Act quoted or explained ("Section 21 provides that information reasonably accessible to
# the applicant otherwise is exempt") is not the authority refusing anything.
_EXPLAINS_LAW = re.compile(
    r"\b(?:section|s\.?)\s?\d{1,2}\b[^.]{0,80}\b(?:provides|states|says|means\s+that|allows|entitles"
    r"|sets\s+out|defines|makes\s+provision|enables|permits)\b|\binformation\s+is\s+exempt\s+(?:if|where|when)\b"
    r"|\bexempt(?:ion)?\s+(?:applies\s+)?(?:if|where|when)\b|\bthe\s+act\s+(?:provides|states)\b"
    r"|\breasonably\s+accessible\s+to\s+the\s+applicant\s+otherwise\b", re.I)
_REFUSES_HERE = re.compile(
    r"\b(?:we|i|the\s+(?:trust|council|ccg|board|authority))\s+(?:are|is|am|have|has|will|do|does"
    r"|consider|believe)\b[^.]{0,60}\b(?:withh|exempt|refus|relying|apply|applying|not\s+(?:able"
    r"|obliged))|\b(?:is|are|has\s+been|have\s+been)\s+(?:being\s+)?(?:withheld|refused|redacted)\b"
    r"|\bapplies\s+to\s+(?:this|the|your|part)\b|\bavailable\s+(?:at|from|on|via)\b"
    r"|\b(?:is|are)\s+(?:therefore\s+)?exempt\b", re.I)


class StatusReading(NamedTuple):
    """A status other than answered, the sections cited, confidence, rule and reason."""

    status: str
    sections: tuple[str, ...]
    confidence: float
    rule: str
    detail: str | None = None


def first_sentence(text: str) -> str:
    """The first sentence of a clean text."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z(\"'])", text)
    return text[: match.start()] if match else text


def explains_law(sentence: str) -> bool:
    """Whether a sentence quotes or explains the Act rather than applying it."""
    return bool(_EXPLAINS_LAW.search(sentence)) and not _REFUSES_HERE.search(sentence)


def _reason(clean: str, pattern: re.Pattern[str]) -> str:
    """The sentence that gives the reason, shortened."""
    return next((s for s in sentences(clean) if pattern.search(s)), clean)[:200]


def answer_status(text: str) -> StatusReading | None:
    """Not applicable, refused (with sections), or not held (with the reason), if the text says
    so; None when it may give a value."""
    clean = clean_text(text)
    if not clean:
        return None
    if NOT_APPLICABLE_RE.match(clean):
        return StatusReading("not_applicable", (), 0.9, "says not applicable")
    applied = " ".join(s for s in sentences(clean) if not explains_law(s))
    sections = cited_sections(applied)
    if sections and REFUSAL_RE.search(applied):
        return StatusReading("refused", sections, 0.85, "refusal citing a section",
                             _reason(applied, REFUSAL_RE))
    if sections and _APPLIED_RE.search(applied):
        return StatusReading("refused", sections, 0.75, "a section applied",
                             _reason(applied, _APPLIED_RE))
    accessible = _reason(applied, ACCESSIBLE_ELSEWHERE_RE)
    if ACCESSIBLE_ELSEWHERE_RE.search(applied) and not _ATTACHED_RE.search(
            accessible + " " + first_sentence(applied)):
        return StatusReading("refused", sections or ("s21",), 0.8,
                             "accessible elsewhere (section 21)", accessible)
    if NOT_HELD_RE.search(applied):
        return StatusReading("not_held", (), 0.85, "says not held", _reason(applied, NOT_HELD_RE))
    if REFUSAL_RE.search(first_sentence(applied)):
        return StatusReading("refused", sections, 0.6, "refusal without a section",
                             first_sentence(applied)[:200])
    if _NOT_APPLICABLE_ANY.search(first_sentence(clean)):
        return StatusReading("not_applicable", (), 0.7, "says not applicable")
    return None
