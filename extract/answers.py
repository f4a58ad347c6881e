"""Find each numbered question's answer in a reply's pages and parse it to the question's type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from rapidfuzz import fuzz, process

from extract.outcomes import cited_sections

ANSWER_TYPES = ("yes_no", "count", "number", "money", "date", "choice", "document", "text")
SNIPPET_CHARS = 300
SEGMENT_CHARS = 1500
RESTATED_MIN_SCORE = 78.0


@dataclass(frozen=True)
class QuestionSpec:
    """A numbered question of the request letter."""

    number: int
    key: str
    text: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageText:
    """The text of one page of one document of a reply ('body' for the email body)."""

    document_id: str
    page: int
    text: str


@dataclass(frozen=True)
class ExtractedAnswer:
    """The answer found for one question, with where it came from and how sure we are."""

    question_key: str
    status: str  # 'answered' | 'not_held' | 'refused' | 'not_applicable' | 'unanswered'
    value: str | None
    confidence: float
    document_id: str | None
    page: int | None
    snippet: str | None
    method: str
    sections: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Normalising text

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\t": " ",
        "\r": " ",
        "\u00a3": "£",
    }
)


def _normalise(text: str) -> str:
    """Lower-case, straight quotes and dashes, one space: for fuzzy comparison."""
    return " ".join(text.translate(_TRANSLATE).lower().split())


def _clean(text: str) -> str:
    """Straight quotes and dashes, whitespace collapsed: the form every parser reads."""
    return " ".join(text.translate(_TRANSLATE).split())


# ---------------------------------------------------------------------------
# Parsers of one answer text

_LEADING_YES = re.compile(r"^\W{0,3}(yes|yeah|yep|correct|affirmative)\b", re.I)
_LEADING_NO = re.compile(r"^\W{0,3}no\b(?!\.?\s*(?:\d|of\b))", re.I)
_NOT_HELD_RE = re.compile(
    r"\b(?:do(?:es)?\s+not|don't|doesn't|did\s+not|cannot|can't)\s+hold\b"
    r"|\bnot\s+(?:currently\s+)?held\b"
    r"|\bhold\s+no\s+(?:recorded\s+)?information\b"
    r"|\bno\s+(?:recorded\s+)?information\s+(?:is\s+|was\s+)?held\b"
    r"|\bno\s+(?:relevant\s+|such\s+)?(?:records?|data)\s+(?:is\s+|are\s+)?held\b"
    r"|\bnot\s+recorded\b|\bdo(?:es)?\s+not\s+record\b|\bnot\s+collected\b",
    re.I,
)
_REFUSAL_RE = re.compile(
    r"\bexempt(?:ion|ions|ed)?\b|\bwithh(?:eld|old|olding)\b|\brefus(?:e|ed|al|ing)\b"
    r"|\bnot\s+(?:be\s+)?(?:able\s+to\s+)?(?:disclos|releas|provid|shar)\w*"
    r"|\b(?:cost|appropriate)\s+limit\b|\bvexatious\b",
    re.I,
)
_NOT_APPLICABLE_RE = re.compile(r"^\W{0,3}(?:n/?a|not\s+applicable|not\s+relevant)\b", re.I)
_NOT_APPLICABLE_ANY = re.compile(r"\bnot\s+applicable\b|\bN/A\b", re.I)
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


def parse_yes_no(text: str) -> tuple[str | None, float]:
    """'yes'/'no' from an answer text, with confidence; (None, 0.0) when it does not say."""
    clean = _clean(text)
    if not clean:
        return None, 0.0
    if _LEADING_YES.match(clean):
        return "yes", 0.95
    if _LEADING_NO.match(clean):
        return "no", 0.95
    if _NO_PLANS_RE.match(clean):
        return "no", 0.85
    sentence = _first_sentence(clean)
    confirm = _CONFIRM_RE.search(sentence)
    if confirm:
        rest = sentence[confirm.end() :]
        if _NOT_HELD_RE.search(rest) and not _POSITIVE_RE.search(rest.replace("hold", "")):
            return None, 0.0
        return ("no", 0.8) if _NEGATION_RE.search(rest) else ("yes", 0.8)
    if _NOT_HELD_RE.search(sentence) or _HOLDING_WORDS.search(sentence):
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
_NIL_RE = re.compile(r"^\W{0,3}(?:nil|none|zero|nothing|no\s+cost|no\s+charge)\b", re.I)
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


def parse_money(text: str) -> tuple[str | None, float]:
    """An amount of money as a decimal string with pence ('125000.00'), with confidence."""
    clean = _clean(text)
    if _NIL_RE.match(clean):
        return "0.00", 0.85
    amounts = _amounts(clean)
    if not amounts:
        return None, 0.0
    marked = [a for a, cur in amounts if cur]
    pool = marked or [a for a, _ in amounts]
    value = pool[0]
    confidence = 0.9 if marked else 0.6
    if len(set(pool)) > 1:
        confidence -= 0.3  # several different amounts: the first may not be the answer
    return f"{value.quantize(Decimal('0.01'))}", round(confidence, 2)


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_COUNT_RE = re.compile(r"(?<![\w.£$€/-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]?\d)(?![%/])")
_SUPPRESSED_RE = re.compile(
    r"\b(?:fewer|less)\s+than\s+(?:\d+|five|ten)\b|<\s*\d+|\bunder\s+(?:5|five)\b", re.I
)
_NONE_COUNT_RE = re.compile(
    r"^\W{0,3}(?:none|nil|zero|nought|no\s+\w+(?:\s+\w+)?\s+(?:were|was|have|has|had))\b"
    r"|^\W{0,3}there\s+(?:were|are|have\s+been|was)\s+no\b",
    re.I,
)


def parse_count(text: str) -> tuple[str | None, float]:
    """A whole number count as a string ('none'/'nil' are '0'), with confidence."""
    clean = _clean(text)
    if not clean:
        return None, 0.0
    if _NONE_COUNT_RE.match(clean):
        return "0", 0.85
    if _SUPPRESSED_RE.search(clean):
        return None, 0.2  # a suppressed small number ("fewer than 5"): a person must decide
    numbers: list[int] = []
    for m in _COUNT_RE.finditer(_mask_year_spans(clean)):
        raw = m.group(1).replace(",", "")
        before = clean[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"\b(?:section|s\.?|reg\w*|regulation|page|q|question|no\.?)\s*$", before):
            continue
        if _YEAR_RE.match(raw) or (raw.startswith("0") and len(raw) > 1):
            continue
        if re.match(
            r"\s*(?:st|nd|rd|th)?\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
            clean[m.end() : m.end() + 12],
            re.I,
        ):
            continue  # a day of a date
        numbers.append(int(raw))
    if not numbers:
        word = re.match(r"^\W{0,3}(" + "|".join(_NUMBER_WORDS) + r")\b", clean, re.I)
        if word:
            return str(_NUMBER_WORDS[word.group(1).lower()]), 0.8
        return None, 0.0
    confidence = 0.9 if len(set(numbers)) == 1 else 0.55
    if not re.match(r"^\W{0,3}\d", clean):
        confidence -= 0.1
    return str(numbers[0]), round(confidence, 2)


def parse_number(text: str) -> tuple[str | None, float]:
    """A decimal number as a normalised string ('12.5'), with confidence."""
    clean = _clean(text)
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
    clean = _clean(text)
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
    clean = _normalise(text)
    if not clean or not choices:
        return None, 0.0
    named = [c for c in choices if re.search(r"\b" + re.escape(_normalise(c)) + r"\b", clean)]
    if len(named) == 1:
        return named[0], 0.9
    best = process.extractOne(
        clean[:200], list(choices), scorer=fuzz.partial_ratio, processor=_normalise
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
    clean = _clean(text)
    if _PROVIDED_RE.search(clean):
        return "provided", 0.8
    return None, 0.0


# ---------------------------------------------------------------------------
# Statuses other than answered


def answer_status(text: str) -> tuple[str, tuple[str, ...], float] | None:
    """('refused'|'not_held'|'not_applicable', sections, confidence) if the text says so."""
    clean = _clean(text)
    if not clean:
        return None
    if _NOT_APPLICABLE_RE.match(clean):
        return "not_applicable", (), 0.9
    sections = cited_sections(clean)
    if sections and _REFUSAL_RE.search(clean):
        return "refused", sections, 0.85
    if sections and re.search(r"\bappl(?:y|ies|ied)\b|\bengaged?\b|\brel(?:y|ied)\b", clean, re.I):
        return "refused", sections, 0.75
    if _NOT_HELD_RE.search(clean):
        return "not_held", (), 0.85
    if _REFUSAL_RE.search(_first_sentence(clean)):
        return "refused", sections, 0.6
    if _NOT_APPLICABLE_ANY.search(_first_sentence(clean)):
        return "not_applicable", (), 0.7
    return None


def _typed_value(text: str, question: QuestionSpec) -> tuple[str | None, float]:
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
    clean = _clean(text)
    return (clean[:SNIPPET_CHARS] or None), (0.7 if clean else 0.0)


@dataclass(frozen=True)
class _Reading:
    status: str
    value: str | None
    confidence: float
    sections: tuple[str, ...]


def read_answer(text: str, question: QuestionSpec) -> _Reading:
    """Status, typed value and confidence of one answer text for one question."""
    clean = _clean(text)
    if not clean:
        return _Reading("unanswered", None, 0.0, ())
    if question.type == "yes_no" and (_LEADING_YES.match(clean) or _LEADING_NO.match(clean)):
        value, confidence = parse_yes_no(clean)
        return _Reading("answered", value, confidence, ())
    if question.type in ("count", "money") and _NIL_RE.match(clean):
        value, confidence = _typed_value(clean, question)
        return _Reading("answered", value, confidence, ())
    status = answer_status(clean)
    if status is not None:
        return _Reading(status[0], None, status[2], status[1])
    value, confidence = _typed_value(clean, question)
    if value is None:
        return _Reading("answered", None, 0.25, ())  # something is there; a person must read it
    return _Reading("answered", value, confidence, ())


# ---------------------------------------------------------------------------
# Finding the answer of each question in the reply

_MARKER_RE = re.compile(
    r"""^[ \t"'\u201c\u2018*•>]*
    (?:
        (?:Q(?:uestion)?|Request|Item)\s*\.?\s*(?P<q>\d{1,2})\s*(?:[.):\-\u2013\u2014|]|\s)
      | \(\s*(?P<paren>\d{1,2})\s*\)
      | (?P<num>\d{1,2})\s*(?:[.):](?!\d)|\s[\-\u2013\u2014](?=\s)|\s*\|)
      | \(?(?P<letter>[a-hA-H])\)
    )[ \t]*""",
    re.X | re.I,
)
_INLINE_MARKER_RE = re.compile(r"(?<=[.!?:;])\s+(?:Q\s*)?(\d{1,2})[.)]\s+(?=\S)")
_LABEL_RE = re.compile(
    r"^(?:[\s|:;,.\-?\"')\]]|\u201d)*"
    r"(?:(?:our\s+|the\s+)?(?:response|answer|reply|a)\s*(?:\d{1,2}\s*)?[:.\-\u2013]+\s*"
    # "CCG response:", "Council's answer -": who answers, then the label, then a colon or dash
    r"|(?:(?!(?:yes|no|not|nil|none)\b)[A-Za-z][\w'\u2019]*\s+){1,3}(?:response|answer|reply)"
    r"\s*(?:\d{1,2}\s*)?[:\-\u2013]+\s*)?",
    re.I,
)
_BOILERPLATE_RE = re.compile(
    r"\bif\s+you\s+are\s+(?:not\s+satisfied|unhappy|dissatisfied)"
    r"|\byou\s+(?:have\s+the\s+right|may\s+(?:ask|request|apply))\b.{0,80}"
    r"(?:review|complain|commissioner)"
    r"|\binternal\s+review\b|\binformation\s+commissioner\b|\byours\s+(?:sincerely|faithfully)\b"
    r"|\bkind\s+regards\b|\bre-?use\s+of\s+(?:public\s+sector\s+)?information\b"
    r"|\bcopyright\b.{0,40}\b(?:council|trust|crown|owned)\b",
    re.I | re.S,
)


@dataclass(frozen=True)
class _Segment:
    """A stretch of one document between two anchors (numbers or restated questions)."""

    document_id: str
    page: int
    position: int  # order across the whole reply
    number: int | None  # the digit it was numbered with
    letter: int | None  # 'a)' -> 1
    restates: int | None  # index of the question its start restates
    restated_score: float
    text: str  # after the marker
    answer: str  # after the marker, the restated question and any 'Answer:' label


def _restatement(question_norm: str, text: str) -> tuple[float, int]:
    """How well a text starts with a question (0-100) and where the restatement ends in it."""
    if not question_norm:
        return 0.0, 0
    window = text[: int(len(question_norm) * 1.3) + 40]
    norm_window = _normalise(window)
    if len(norm_window) < min(20, len(question_norm)) * 0.6:
        return 0.0, 0
    alignment = fuzz.partial_ratio_alignment(
        question_norm, norm_window, score_cutoff=RESTATED_MIN_SCORE
    )
    if alignment is None or alignment.dest_start > 6:
        return 0.0, 0
    covered = (alignment.src_end - alignment.src_start) / len(question_norm)
    score = alignment.score * min(1.0, covered / 0.8)
    return score, _raw_offset(window, alignment.dest_end)


def _raw_offset(raw: str, norm_offset: int) -> int:
    """Map an offset in _normalise(raw) back to an offset in raw."""
    seen = 0
    in_space = True
    for i, ch in enumerate(raw.translate(_TRANSLATE)):
        if ch.isspace():
            if not in_space:
                seen += 1
                in_space = True
        else:
            seen += 1
            in_space = False
        if seen >= norm_offset:
            return i + 1
    return len(raw)


def _strip_restatement(text: str, end: int) -> str:
    """Drop the restated question, finishing its sentence if it stopped just short."""
    rest = text[end:]
    tail = re.match(r"^[^\n.?!|£]{0,25}[?.!]+", rest)
    if tail and not re.search(r"\b(?:yes|no)\b", tail.group(0), re.I):
        rest = rest[tail.end() :]
    return rest


def _cut_boilerplate(text: str) -> str:
    m = _BOILERPLATE_RE.search(text)
    return text[: m.start()] if m else text


def _anchors(text: str) -> list[tuple[int, int, int | None, int | None]]:
    """(start, content start, number, letter) of each numbered item in a document's text."""
    found: list[tuple[int, int, int | None, int | None]] = []
    offset = 0
    last_number = 0
    for line in text.splitlines(keepends=True):
        m = _MARKER_RE.match(line)
        if m:
            digits = m.group("q") or m.group("paren") or m.group("num")
            letter = m.group("letter")
            number = int(digits) if digits else None
            if number is not None and number > 0:
                found.append((offset, offset + m.end(), number, None))
                last_number = number
            elif letter is not None:
                found.append((offset, offset + m.end(), None, ord(letter.lower()) - 96))
        for inline in _INLINE_MARKER_RE.finditer(line):
            number = int(inline.group(1))
            if number == last_number + 1:  # only a continuing sequence, not any '2.' in prose
                found.append((offset + inline.start(), offset + inline.end(), number, None))
                last_number = number
        offset += len(line)
    return found


def _echoes_as_answer(question_norm: str, text: str, end: int) -> bool:
    """Whether a question's words at the start of a text are an answer stating it back."""
    # "Yes - the Trust did ...", "The Council does not hold ... ." repeat the question's words
    # but as a statement: a restated question is still a question.
    if _LEADING_YES.match(text.lstrip()) or _LEADING_NO.match(text.lstrip()):
        return True
    if not question_norm.endswith("?"):
        return False
    tail = re.match(r"^[^\n.?!|]{0,25}[?.!]", text[end:])
    restated = text[: end + (tail.end() if tail else 0)]
    return "?" not in restated


def _question_lines(text: str, questions_norm: Sequence[str]) -> list[tuple[int, int, int, float]]:
    """(start, restatement end, question index, score) where a line starts by restating one."""
    found: list[tuple[int, int, int, float]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = re.match(
            r"^[\s\"'\u201c\u2018*•>]*(?:(?:Q(?:uestion)?\s*)?\d{1,2}\s*[.):\-\u2013|]?\s*)?"
            r"(?:(?:request|question)\s*[:\-]\s*)?",
            line,
            re.I,
        )
        start = stripped.end() if stripped else 0
        if len(line.strip()) >= 8:
            rest_of_text = text[offset + start : offset + start + 800]
            best: tuple[int, float, int] | None = None
            for index, q_norm in enumerate(questions_norm):
                score, end = _restatement(q_norm, rest_of_text)
                if score < RESTATED_MIN_SCORE or _echoes_as_answer(q_norm, rest_of_text, end):
                    continue
                if best is None or score > best[1]:
                    best = (index, score, end)
            if best is not None:
                found.append((offset, offset + start + best[2], best[0], best[1]))
        offset += len(line)
    return found


def _segments(pages: Sequence[PageText], questions: Sequence[QuestionSpec]) -> list[_Segment]:
    """Cut every document of the reply into numbered or question-anchored segments."""
    questions_norm = [_normalise(q.text) for q in questions]
    by_document: dict[str, list[PageText]] = {}
    for page in pages:
        by_document.setdefault(page.document_id, []).append(page)
    segments: list[_Segment] = []
    position = 0
    for document_id, doc_pages in by_document.items():
        doc_pages = sorted(doc_pages, key=lambda p: p.page)
        starts: list[tuple[int, int]] = []
        text = ""
        for page in doc_pages:
            starts.append((len(text), page.page))
            text += page.text.replace("\r\n", "\n") + "\n"
        numbered = _anchors(text)
        restated = _question_lines(text, questions_norm)
        boundaries: dict[int, tuple[int, int | None, int | None]] = {}
        for start, content, number, letter in numbered:
            boundaries[start] = (content, number, letter)
        for start, _end, _index, _score in restated:
            boundaries.setdefault(start, (start, None, None))
        restated_at = {start: (end, index, score) for start, end, index, score in restated}
        ordered = sorted(boundaries)
        for i, start in enumerate(ordered):
            content, number, letter = boundaries[start]
            stop = ordered[i + 1] if i + 1 < len(ordered) else len(text)
            body = _cut_boilerplate(text[content:stop])[:SEGMENT_CHARS]
            restates, score, answer = None, 0.0, body
            if start in restated_at:
                end, restates, score = restated_at[start]
                answer = _strip_restatement(body, max(0, end - content))
            answer = _LABEL_RE.sub("", answer.strip(), count=1).strip()
            page = max((p for s, p in starts if s <= start), default=doc_pages[0].page)
            segments.append(
                _Segment(document_id, page, position, number, letter, restates, score, body, answer)
            )
            position += 1
    return segments


def _substantive(answer: str) -> bool:
    """Whether a segment's answer part says anything beyond a stray URL or heading."""
    words = re.sub(r"https?://\S+|www\.\S+", " ", answer)
    return len(re.findall(r"[A-Za-z0-9£]+", words)) >= 1


_OCR_DIGITS = {1: (4, 7), 4: (1,), 7: (1,), 3: (8, 5), 5: (6, 3), 6: (5, 8), 8: (3, 6, 0)}


def _candidates(
    index: int, question: QuestionSpec, segments: Sequence[_Segment], n_questions: int
) -> list[tuple[_Segment, str, float]]:
    """Segments that may answer a question, most trusted first, with method and base confidence."""
    restatements = [s for s in segments if s.restates == index]
    after = max((s.position for s in restatements), default=-1)
    own_document = {s.document_id for s in restatements}
    found: list[tuple[_Segment, str, float]] = []
    numbered = [
        s
        for s in segments
        if s.number == question.number and s.restates is None and _substantive(s.answer)
    ]
    # a restated request is answered later, numbered again: take the first after it
    later = [s for s in numbered if s.position > after]
    same_doc = [s for s in later if not own_document or s.document_id in own_document]
    for s in same_doc or later:
        found.append((s, "numbered", 0.95 if restatements else 0.9))
    for s in reversed(restatements):
        if _substantive(s.answer) and _answers_something(s.answer):
            found.append((s, "restated", 0.9 if s.number == question.number else 0.8))
    # OCR may read '1.' as '4.': a later segment numbered with a confusable digit
    confusable = _OCR_DIGITS.get(question.number, ())
    for s in segments:
        if (
            s.number in confusable
            and s.restates is None
            and ((s.number is not None and s.number > n_questions) or s.position > after >= 0)
            and _substantive(s.answer)
        ):
            found.append((s, "numbered-ocr", 0.6))
    for s in segments:
        if s.letter == question.number and s.restates is None and _substantive(s.answer):
            found.append((s, "lettered", 0.75))
    return found


_STRONG_METHODS = ("numbered", "restated")


def _answers_something(answer: str) -> bool:
    """A restatement's remainder that reads like an answer rather than more of the request."""
    clean = _clean(answer)
    if _LEADING_YES.match(clean) or _LEADING_NO.match(clean):
        return True
    more_request = r"^\W{0,3}(?:these\s+are|this\s+is|it\s+is\s+important|please|for\s+example)"
    return not re.match(more_request, clean, re.I)


def _snippet(text: str) -> str:
    return _clean(text)[:SNIPPET_CHARS]


def _whole_text_answer(
    question: QuestionSpec, pages: Sequence[PageText], n_questions: int, used: set[str]
) -> ExtractedAnswer | None:
    """A low-confidence answer from the reply as a whole, when no segment answers a question."""
    for page in pages if not used else ():  # a reply-wide refusal only when nothing else is found
        clean = _cut_boilerplate(_clean(page.text))
        for sentence in re.split(r"(?<=[.!?])\s+", clean):
            status = answer_status(sentence)
            if status is None or status[0] not in ("refused", "not_held"):
                continue
            if status[0] == "refused" and not (status[1] or _WHOLE_REFUSAL_RE.search(sentence)):
                continue
            if status[0] == "not_held" and not _WHOLE_NOT_HELD_RE.search(sentence):
                continue  # "not recorded" in a data sheet is not the authority saying so
            return ExtractedAnswer(
                question.key,
                status[0],
                None,
                0.45,
                page.document_id,
                page.page,
                sentence[:SNIPPET_CHARS],
                "whole-text",
                status[1],
            )
    if question.type == "document":
        letters = {p.document_id for p in pages if _LETTER_RE.search(p.text[:5000])}
        attachments = [
            p
            for p in pages
            if p.document_id not in letters | used | {"body"} and len(p.text.strip()) > 200
        ]
        if attachments:
            first = attachments[0]
            return ExtractedAnswer(
                question.key,
                "answered",
                "provided",
                0.4,
                first.document_id,
                first.page,
                _snippet(first.text),
                "attachment",
            )
    if n_questions == 1:
        for page in pages:
            body = _cut_boilerplate(page.text)
            value, confidence = _typed_value(body, question)
            if value is not None:
                return ExtractedAnswer(
                    question.key,
                    "answered",
                    value,
                    min(confidence, 0.45),
                    page.document_id,
                    page.page,
                    _snippet(body),
                    "whole-text",
                )
    return None


_LETTER_RE = re.compile(
    r"\bdear\b|\byours\s+(?:sincerely|faithfully)\b|\bkind\s+regards\b|\byour\s+request\b",
    re.I,
)
_WHOLE_REFUSAL_RE = re.compile(
    r"\b(?:decided|unable|not\s+able)\s+(?:not\s+)?to\s+(?:disclose|provide|release)\b"
    r"|\brefus\w*\s+(?:your|this|the)\s+request\b|\bis\s+(?:being\s+)?withheld\b",
    re.I,
)
_WHOLE_NOT_HELD_RE = re.compile(
    r"\b(?:we|I|the\s+\w+(?:\s+\w+)?)\s+(?:do|does|did)\s+not\s+hold\b"
    r"|\b(?:we|I)\s+(?:don't|hold\s+no)\b|\binformation\s+(?:you\s+\w+\s+)?(?:is|was)\s+not\s+held",
    re.I,
)
_REQUEST = r"(?:your|this|the)\s+(?:whole\s+|entire\s+)?request"
_WHOLE_REQUEST_REFUSED_RE = re.compile(
    rf"\bnot\s+(?:obliged|required)\s+to\s+comply\s+with\s+{_REQUEST}"
    rf"|\b(?:refus\w*|decline)\s+(?:to\s+comply\s+with\s+)?{_REQUEST}"
    rf"|\b{_REQUEST}\s+(?:is|has\s+been|is\s+being)\s+refused\b"
    rf"|\bcost\s+of\s+complying\s+with\s+{_REQUEST}\s+would\s+exceed\b"
    rf"|\b{_REQUEST}\s+(?:is|as)\s+(?:vexatious|repeated)\b",
    re.I,
)
_WHOLE_REQUEST_NOT_HELD_RE = re.compile(
    r"\b(?:do|does|did)\s+not\s+hold\s+(?:the|any)\s+(?:recorded\s+)?information\s+"
    r"(?:(?:that\s+)?you\s+(?:have\s+)?(?:requested|asked\s+for)|requested)\b"
    r"|\b(?:none\s+of\s+)?the\s+information\s+(?:(?:that\s+)?you\s+(?:have\s+)?requested\s+)?"
    r"is\s+not\s+held\b|\bnone\s+of\s+the\s+information\s+.{0,40}\bis\s+held\b",
    re.I,
)
_CONDITIONAL_ON_YES = re.compile(
    r"^\W*if\s+(?:the\s+answer\s+(?:to\s+(?:the\s+)?(?:above|previous|question\s+\d+)\s+)?"
    r"is\s+|so\b|yes\b)",
    re.I,
)


def _whole_request_statement(
    pages: Sequence[PageText],
) -> tuple[str, tuple[str, ...], PageText, str] | None:
    """(status, sections, page, sentence) where a reply refuses or does not hold it all."""
    for status, pattern in (
        ("refused", _WHOLE_REQUEST_REFUSED_RE),
        ("not_held", _WHOLE_REQUEST_NOT_HELD_RE),
    ):
        for page in pages:
            clean = _cut_boilerplate(_clean(page.text))
            for sentence in re.split(r"(?<=[.!?])\s+", clean):
                if not pattern.search(sentence):
                    continue
                if status == "not_held":
                    return status, (), page, sentence
                return status, cited_sections(sentence) or cited_sections(clean), page, sentence
    return None


def _apply_whole_request(
    pages: Sequence[PageText], answers: list[ExtractedAnswer]
) -> list[ExtractedAnswer]:
    """A reply that answers nothing and refuses, or does not hold, the whole request."""
    if any(a.status in ("answered", "not_applicable") for a in answers):
        return answers  # a refusal of one part: the other questions stay as found
    statement = _whole_request_statement(pages)
    if statement is None:
        return answers
    status, sections, page, sentence = statement
    pattern = _WHOLE_REQUEST_REFUSED_RE if status == "refused" else _WHOLE_REQUEST_NOT_HELD_RE
    whole = [
        ExtractedAnswer(
            a.question_key,
            status,
            None,
            0.6,
            page.document_id,
            page.page,
            sentence[:SNIPPET_CHARS],
            "whole-request",
            sections,
        )
        for a in answers
    ]
    # the segment after the last restated question holds the reply-wide statement, not an answer
    return [
        w if a.status == "unanswered" or pattern.search(a.snippet or "") else a
        for a, w in zip(answers, whole, strict=True)
    ]


def _gives_information(answer: ExtractedAnswer) -> bool:
    """An answer with a value whose text is no refusal, 'not applicable' or 'not held'."""
    # A refusal of the follow-up says nothing about the question before it ("we are not
    # obliged to comply with your request"), nor does "not applicable".
    if answer.status != "answered" or answer.value is None or answer.method == "whole-text":
        return False
    return answer_status(answer.snippet or "") is None


def _infer_from_follow_up(
    questions: Sequence[QuestionSpec], answers: list[ExtractedAnswer]
) -> list[ExtractedAnswer]:
    """'If yes, please send …' answered or provided implies the yes/no before it was yes."""
    out = list(answers)
    for i in range(len(questions) - 1):
        follow_up = questions[i + 1]
        if (
            questions[i].type == "yes_no"
            and out[i].status == "unanswered"
            and _CONDITIONAL_ON_YES.match(follow_up.text)
            and _gives_information(out[i + 1])
        ):
            source = out[i + 1]
            out[i] = ExtractedAnswer(
                questions[i].key,
                "answered",
                "yes",
                0.4,
                source.document_id,
                source.page,
                source.snippet,
                "inferred",
            )
    return out


def _evidence_sentence(clean: str, status: str) -> str:
    pattern = _REFUSAL_RE if status == "refused" else _NOT_HELD_RE
    for sentence in re.split(r"(?<=[.!?])\s+", clean):
        if pattern.search(sentence):
            return sentence[:SNIPPET_CHARS]
    return clean[:SNIPPET_CHARS]


def extract_answers(
    pages: Sequence[PageText], questions: Sequence[QuestionSpec]
) -> list[ExtractedAnswer]:
    """One answer per question, in order, found across all pages of a reply."""
    segments = _segments(pages, questions)
    found: list[ExtractedAnswer | None] = []
    used_documents: set[str] = set()
    for index, question in enumerate(questions):
        chosen: tuple[_Segment, str, float, _Reading] | None = None
        for segment, method, base in _candidates(index, question, segments, len(questions)):
            reading = read_answer(segment.answer, question)
            useful = reading.status != "answered" or (
                reading.value is not None and reading.confidence >= 0.7
            )
            if useful or method in _STRONG_METHODS:
                chosen = (segment, method, base, reading)
                break
        if chosen is None:
            found.append(None)
            continue
        segment, method, base, reading = chosen
        confidence = round(min(base, reading.confidence) if reading.confidence else 0.0, 2)
        if reading.status == "answered" and reading.value is None:
            confidence = min(confidence, 0.3) or 0.25
        found.append(
            ExtractedAnswer(
                question.key,
                reading.status,
                reading.value,
                confidence,
                segment.document_id,
                segment.page,
                _snippet(segment.answer),
                method,
                reading.sections,
            )
        )
        used_documents.add(segment.document_id)
    results: list[ExtractedAnswer] = []
    for question, answer in zip(questions, found, strict=True):
        if answer is None:
            answer = _whole_text_answer(question, pages, len(questions), used_documents)
        if answer is None:
            answer = ExtractedAnswer(
                question.key, "unanswered", None, 0.0, None, None, None, "none"
            )
        results.append(answer)
    return _infer_from_follow_up(questions, _apply_whole_request(pages, results))
