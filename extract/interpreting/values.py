"""Reading one answer's text: yes/no, amounts, counts, dates, choices, not held, refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from rapidfuzz import fuzz, process

from extract.interpreting.counts import WORD_NUMBER, number_value, read_count
from extract.interpreting.statuses import NOT_HELD_RE
from extract.passages.text import (
    LEADING_NO,
    LEADING_YES,
    LINK_ONLY_RE,
    clean_text,
    normalise_text,
)

SNIPPET_CHARS = 300


class QuestionLike(Protocol):
    """What parsing needs to know of a question."""

    type: str
    choices: tuple[str, ...]

# ---------------------------------------------------------------------------
# Parsers of one answer text

_CONFIRM_RE = re.compile(r"\b(?:can|could|would\s+like\s+to)\s+confirm\s+(?:that\s+)?", re.I)
_NEGATION_RE = re.compile(
    r"\b(?:does\s+not|do\s+not|did\s+not|has\s+not|have\s+not|had\s+not|is\s+not|are\s+not"
    r"|was\s+not|were\s+not|will\s+not|cannot|can\s+not|doesn't|don't|didn't|hasn't|haven't"
    r"|isn't|aren't|wasn't|weren't|won't|can't|no\s+longer|not\s+currently|never|no\s+plans?"
    r"|not\s+at\s+(?:this|the\s+present)\s+time|not\s+in\s+place|neither)\b",
    re.I,
)
_POSITIVE_RE = re.compile(
    r"\b(?:we|it|they|(?:the\s+)?(?:council|trust|ccg|board|service|authority|library"
    r"\s+service|department|force|organisation|borough|university))\s+"
    r"(?:do|does|did|has|have|had|is|are|was|were|will|can|currently|already)\b",
    re.I,
)
_NO_PLANS_RE = re.compile(r"^\W{0,3}(?:there\s+are\s+)?no\s+(?:current\s+)?plans?\b", re.I)
_HOLDING_WORDS = re.compile(r"\b(?:hold|held|exempt\w*|withh\w+|unable|clarif\w+)\b", re.I)


def _first_sentence(text: str) -> str:
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z(\"'])", text)
    return text[: match.start()] if match else text


_NOT_NOW_RE = re.compile(
    r"^\W{0,3}not\s+(?:at\s+)?(?:present|the\s+moment|the\s+present(?:\s+time)?"
    r"|this\s+(?:time|stage)|currently|yet|as\s+yet)\b", re.I)
# a thing planned, proposed or being looked at is not in place now, however positive the words
_PLANS_RE = re.compile(
    r"\b(?:looking\s+(?:at|to|into)|intend(?:s|ing)?\s+to|plan(?:s|ning)?\s+to"
    r"|(?:are|is)\s+(?:currently\s+)?(?:developing|considering|exploring)"
    r"|in\s+the\s+process\s+of|will\s+(?:shortly\s+)?be\s+(?:publish|introduc|launch)\w*"
    r"|proposals?\b|being\s+(?:developed|evaluated|considered|explored))", re.I)


def hedged_yes_no(text: str) -> tuple[str, float, str] | None:
    """A yes/no answered with time, plans or a link: 'Not at present' is a no; 'we are looking
    at publishing one' is a no now, and a doubt; a link alone is a yes. (value, confidence,
    rule), or None."""
    clean = clean_text(text)
    if _NOT_NOW_RE.match(clean):
        return "no", 0.85, "not at present"
    if LINK_ONLY_RE.match(clean):   # "do you publish X?" answered with where it is
        return "yes", 0.65, "a link as the answer"
    if not LEADING_YES.match(clean) and _PLANS_RE.search(_first_sentence(clean)):
        return "no", 0.4, "doubtful: planned, not in place"
    return None


def parse_yes_no(text: str) -> tuple[str | None, float]:
    """'yes'/'no' from an answer text, with confidence; (None, 0.0) when it does not say."""
    clean = clean_text(text)
    if not clean:
        return None, 0.0
    if LEADING_YES.match(clean):
        return "yes", 0.95
    if LEADING_NO.match(clean):
        return "no", 0.95
    if _NO_PLANS_RE.match(clean):
        return "no", 0.85
    sentence = _first_sentence(clean)
    confirm = _CONFIRM_RE.search(sentence)
    if confirm:
        rest = sentence[confirm.end() :]
        if NOT_HELD_RE.search(rest) and not _POSITIVE_RE.search(rest.replace("hold", "")):
            return None, 0.0
        return ("no", 0.8) if _NEGATION_RE.search(rest) else ("yes", 0.8)
    if NOT_HELD_RE.search(sentence) or _HOLDING_WORDS.search(sentence):
        return None, 0.0
    if _NEGATION_RE.search(sentence):
        return "no", 0.7
    if _POSITIVE_RE.search(sentence):
        return "yes", 0.6
    return None, 0.0


_MULTIPLIERS = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mil": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "billion": Decimal(10) ** 9,
}
_MONEY_RE = re.compile(
    r"(?P<cur>£|GBP\s?|€|\$|EUR\s?)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>k|thousand|mn|m|mil|million|bn|b|billion)\b)?(?P<pence>p\b)?",
    re.I,
)
NIL_RE = re.compile(r"^\W{0,3}(?:nil|none|zero|nothing|no\s+cost|no\s+charge)\b", re.I)
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
# a financial or academic year: "2016-17", "2016/17", "2016 - 2017", "FY2016/17"
_YEAR_SPAN_RE = re.compile(r"(?<![\d£$€])(?:19|20)\d\d\s?[-/]\s?(?:(?:19|20)\d\d|\d\d)(?![\d,])")


def _mask_year_spans(clean: str) -> str:
    """Blank out financial-year spans, keeping offsets, so no parser reads '17' as a value."""
    return _YEAR_SPAN_RE.sub(lambda m: " " * len(m.group(0)), clean)


def _amounts(clean: str) -> list[tuple[Decimal, bool]]:
    """Every money-like amount in a text, with whether it carried a currency sign."""
    found: list[tuple[Decimal, bool]] = []
    clean = _mask_year_spans(clean)
    for m in _MONEY_RE.finditer(clean):
        raw = m.group("num").replace(",", "")
        has_currency = bool(m.group("cur"))
        mult = (m.group("mult") or "").lower()
        before = clean[max(0, m.start("num") - 12) : m.start("num")].lower()
        after = clean[m.end() : m.end() + 3]
        if not has_currency and not mult:
            if _YEAR_RE.match(raw) or (raw.startswith("0") and len(raw) > 3):
                continue  # a year or a phone number, not an amount
            if re.search(r"\b(?:section|s\.?|reg\w*|regulation|page|q|question)\s*$", before):
                continue
            if after.startswith(("/", "%", ")")) or (m.start() and clean[m.start() - 1] in "/("):
                continue
            if re.search(r"\d\s$|tel\w*:?\s*$", before):
                continue  # the second group of a phone number
        try:
            value = Decimal(raw)
        except InvalidOperation:
            continue
        if mult:
            value *= _MULTIPLIERS[mult]
        if m.group("pence") and not has_currency:
            value /= 100
        found.append((value, has_currency or bool(mult)))
    return found


_MONEY_WORDS_RE = re.compile(
    rf"\b({WORD_NUMBER})(?:\s+(hundred))?(?:\s+(thousand|million|billion))?\s+(?:pounds|sterling)\b",
    re.I)


def _money_in_words(clean: str) -> tuple[str | None, float]:
    """'two million pounds', 'five thousand pounds': an amount written in words."""
    m = _MONEY_WORDS_RE.search(clean)
    if m is None:
        return None, 0.0
    value = number_value(m.group(1))
    if value is None:
        return None, 0.0
    if m.group(2):
        value *= 100
    if m.group(3):
        value *= _MULTIPLIERS[m.group(3).lower()]
    return f"{value.quantize(Decimal('0.01'))}", 0.75


def parse_money(text: str) -> tuple[str | None, float]:
    """An amount of money as a decimal string with pence ('125000.00'), with confidence."""
    clean = clean_text(text)
    if NIL_RE.match(clean):
        return "0.00", 0.85
    amounts = _amounts(clean)
    if not amounts:
        return _money_in_words(clean)
    marked = [a for a, cur in amounts if cur]
    pool = marked or [a for a, _ in amounts]
    value = pool[0]
    confidence = 0.9 if marked else 0.6
    if len(set(pool)) > 1:
        confidence -= 0.3  # several different amounts: the first may not be the answer
    return f"{value.quantize(Decimal('0.01'))}", round(confidence, 2)


def parse_count(text: str, question_text: str = "") -> tuple[str | None, float]:
    """A count as a string ('none'/'nil' are '0'), with confidence (interpreting.counts)."""
    reading = read_count(text, question_text)
    if reading.status != "answered":
        return None, 0.2 if reading.status == "suppressed" else 0.0
    return reading.value, reading.confidence


def parse_number(text: str) -> tuple[str | None, float]:
    """A decimal number as a normalised string ('12.5'), with confidence."""
    clean = clean_text(text)
    numbers = re.finditer(
        r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?",
        _mask_year_spans(clean),
    )
    m = next((n for n in numbers if not _YEAR_RE.match(n.group(0))), None)
    if not m:
        count, confidence = parse_count(clean)
        return count, confidence
    value = Decimal(m.group(0).replace(",", ""))
    text_value = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return text_value, 0.8


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_DATE_DMY = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3})[a-z]*\.?,?\s+(\d{4})\b", re.I
)
_DATE_MDY = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
_DATE_NUM = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(\d{4})\b", re.I)


def parse_date(text: str) -> tuple[str | None, float]:
    """An ISO date from a UK-style date (day first); month and year only give 'YYYY-MM'."""
    clean = clean_text(text)
    candidates: list[tuple[int, int, int]] = []
    for m in _DATE_ISO.finditer(clean):
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DATE_DMY.finditer(clean):
        if m.group(2).lower() in _MONTHS:
            candidates.append((int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in _DATE_MDY.finditer(clean):
        if m.group(1).lower() in _MONTHS:
            candidates.append((int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
    for m in _DATE_NUM.finditer(clean):
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        candidates.append((year, int(m.group(2)), int(m.group(1))))  # UK: day first
    for year, month, day in candidates:
        try:
            return date(year, month, day).isoformat(), 0.85
        except ValueError:
            continue
    m = _MONTH_YEAR.search(clean)
    if m and m.group(1).lower() in _MONTHS:
        return f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).lower()]:02d}", 0.5
    return None, 0.0


def parse_choice(text: str, choices: Sequence[str]) -> tuple[str | None, float]:
    """The listed choice an answer names (exact word first, then fuzzy), with confidence."""
    clean = normalise_text(text)
    if not clean or not choices:
        return None, 0.0
    named = [c for c in choices if re.search(r"\b" + re.escape(normalise_text(c)) + r"\b", clean)]
    if len(named) == 1:
        return named[0], 0.9
    best = process.extractOne(
        clean[:200], list(choices), scorer=fuzz.partial_ratio, processor=normalise_text
    )
    if best and best[1] >= 85:
        return best[0], round(0.5 + best[1] / 400, 2)
    return None, 0.0


_PROVIDED_RE = re.compile(
    r"\battach(?:ed|ment|ments)?\b|\benclosed?\b|\bplease\s+find\b|\bherewith\b"
    r"|\bprovided\s+(?:below|above|here)\b|\bas\s+follows\b|\bsee\s+(?:the\s+)?(?:below|table)\b"
    r"|https?://|www\.",
    re.I,
)


def parse_document(text: str) -> tuple[str | None, float]:
    """'provided' when the answer says the document is attached, linked or enclosed."""
    clean = clean_text(text)
    if _PROVIDED_RE.search(clean):
        return "provided", 0.8
    return None, 0.0


def typed_value(text: str, question: QuestionLike) -> tuple[str | None, float]:
    """The value of one answer text in the question's type, with confidence."""
    kind = question.type
    if kind == "yes_no":
        return parse_yes_no(text)
    if kind == "count":
        return parse_count(text)
    if kind == "number":
        return parse_number(text)
    if kind == "money":
        return parse_money(text)
    if kind == "date":
        return parse_date(text)
    if kind == "choice":
        return parse_choice(text, question.choices)
    if kind == "document":
        return parse_document(text)
    clean = clean_text(text)
    return (clean[:SNIPPET_CHARS] or None), (0.7 if clean else 0.0)
