"""Reading a count as FOI officers write one: digits or words, negatives, '3 x', WTE, a
breakdown by site, 'approximately', ranges and suppressed small numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from extract.passages.text import clean_text

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)} | _TENS | {"a single": 1, "nil": 0,
                                                               "nought": 0, "a dozen": 12}
WORD_NUMBER = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
               r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|a\s+single|a\s+dozen|"
               + "|".join(_UNITS) + ")")
_FIGURE = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?<![\w.])\.\d+)"
_NUMBER = rf"(?:{_FIGURE}|{WORD_NUMBER})"

# Nouns of people or posts; with things counted, the nouns of a count besides the question's.
_PEOPLE_NOUNS = (r"staff|posts?|positions?|roles?|workers?|officers?|specialists?|professionals?"
                 r"|leads?|practitioners?|employees?|peoples?|persons?|individuals?|members?|advisers?"
                 r"|advisors?|coordinators?|co-ordinators?|navigators?|managers?|nurses?"
                 r"|social\s+workers?|clinicians?|wte|fte|whole\s+time\s+equivalents?")
_COUNT_NOUNS = (_PEOPLE_NOUNS + r"|patients?|cases?|incidents?|complaints?|claims?|requests?"
                r"|reports?|beds?|vacancies")


def _noun_after(nouns: str) -> re.Pattern[str]:
    """Text right after a figure that starts with one of the nouns, within a few words."""
    return re.compile(rf"^\s*(?:\(\d+\)\s+)?(?:[\w-]+\s+){{0,4}}?(?:{nouns})\b", re.I)


_SKIP_BEFORE = re.compile(r"(?:\b(?:section|s|reg\w*|page|q|question|no|number|band|tier|level"
                          r"|step|stage|version|item|part|para\w*|appendix|table|ref\w*|foi|rfi|eir|case)\.?"
                          r"|\btel\w*:?|\d|[£$€/#-])\s*$", re.I)
_DATE_AFTER = re.compile(r"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug"
                         r"|sep|oct|nov|dec)[a-z]*\b", re.I)
_STREET_AFTER = re.compile(
    r"^\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Street|Lane|Avenue|Way|Drive|Court|Place|Park|Close"
    r"|Crescent|Square|Hill|Row|Terrace|Gardens|Walk|Building|House)\b")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEAR_SPAN = re.compile(r"(?<![\d£$€])(?:19|20)\d\d\s?[-/]\s?(?:(?:19|20)\d\d|\d\d)(?![\d,])")
_APPROX = re.compile(r"\b(?:approx(?:imately|\.)?|around|about|circa|roughly|some|an?\s+estimated"
                     r"|estimated|c\.|ca\.|~)\s*$", re.I)
_RANGE = re.compile(rf"\bbetween\s+({_NUMBER})\s+and\s+({_NUMBER})\b|(?<![\w.])({_FIGURE})\s*(?:-|"
                    rf"\u2013|to)\s*({_FIGURE})(?=\s+(?:[\w-]+\s+){{0,3}}?(?:{_COUNT_NOUNS})\b)",
                    re.I)
_SUPPRESSED = re.compile(
    r"\b(?:fewer|less)\s+than\s+(?:\d+|five|ten|three)\b|(?<![\w.])<\s*\d+|\bunder\s+(?:5|five)\b"
    r"|^\W*\*+\W*$|\bsuppressed\b"
    r"|\bsmall\s+numbers?\b.{0,60}\b(?:suppress|withh|not\s+(?:be\s+)?disclos|redact)",
    re.I)
_ZERO = re.compile(
    r"^\W{0,3}(?:none|nil|zero|nought|no\s+(?:\w+\s+){0,3}(?:were|was|have|has|had|are|is))\b"
    r"|^\W{0,3}there\s+(?:were|are|have\s+been|was|is)\s+no\b"
    r"|\b(?:do(?:es)?|did)\s+not\s+(?:currently\s+|directly\s+)?(?:employ|have|fund|commission"
    r"|retain)\b(?!.{0,40}\b(?:record|information|data|figures?)\b)"
    r"|\bdon'?t\s+(?:currently\s+)?(?:employ|have)\b(?!.{0,40}\b(?:record|information|data)\b)"
    r"|\b(?:has|have)\s+no\s+(?:\w+\s+){0,4}?(?:" + _COUNT_NOUNS + r")\b"
    r"|\bno\s+(?:\w+\s+){0,3}?(?:" + _COUNT_NOUNS
    + r")\s+(?:are|is|were|was)\s+(?:employed|in\s+post)"
    r"|\bnone\s+(?:are|is|were|of\s+(?:our|the|these|them))\b|\bzero\b|\bnil\b",
    re.I)
_ALL_STAFF = re.compile(
    r"\ball\s+(?:\d+\s+)?(?:of\s+)?(?:members\s+of\s+)?(?:our\s+|the\s+|trust\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:staff|teams?|clinicians|workforce|employees|practitioners|nurses|professionals)\b"
    r"|\b(?:every|each)\s+(?:member\s+of\s+staff|clinician|practitioner|team)\b"
    r"|\bpart\s+of\s+every(?:one|body)?(?:'s)?\s+(?:[\w'\u2019-]+\s+){0,2}?(?:role|job"
    r"|responsibility)\b|\bevery\s+(?:inpatient|patient|service\s+user)\s+has\b"
    r"|\bis\s+every(?:one|body)'?s\s+(?:role|job|responsibility)\b", re.I)
# a turn after a denial: what follows may be a count of something close to what was denied
_CONTRAST = re.compile(r"\b(?:however|but|although|though|whereas|except|apart\s+from"
                       r"|other\s+than|instead|rather|in\s+(?:the|our)\s+(?:third|other|remaining)"
                       r"|that\s+said|nevertheless)\b", re.I)
# a figure of people or posts after a denial is a second reading of the answer
_PEOPLE = _noun_after(_PEOPLE_NOUNS)
_COUNTED = _noun_after(_COUNT_NOUNS)
# a figure of people working part of a week: a headcount is one reading of "how many", a
# full-time equivalent another
_PART_TIME = re.compile(
    r"\bhours?\s+(?:per|a|each)\s+week\b|\bpart[-\s]time\b|\d\s*%|\bper\s?cent\b", re.I)
# a count for a service shared with other bodies: the whole team's figure, of which this body's
# share is a judgement ("one officer for 3C Shared Services", "for Mansfield and Ashfield")
_SHARED = re.compile(
    r"\bshared\s+services?\b|\bstrategic\s+partnership\b|\bpartnership\s+between\b"
    r"|\bcouncil\s+and\s+(?:[\w-]+\s+){1,4}?council\b|\bacross\s+(?:[\w-]+\s+){1,4}?councils\b",
    re.I)
# a part of the body a figure counts for: "in the North locality", "at each hospital"
_PART_NAMED = re.compile(
    r"\b(?:in|at|for|within|across)\s+(?:the\s+|our\s+|each\s+|its\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:localit(?:y|ies)|areas?|teams?|sites?|hospitals?|wards?|directorates?|divisions?"
    r"|regions?|departments?|offices?|boroughs?|districts?|units?)\b"
    r"|\b(?:localit(?:y|ies)|area|team|site|hospital|ward|directorate|division|region"
    r"|department|office)\s+(?:has|have|had|employs?|there\s+(?:is|are))\b", re.I)
# or a unit named by its name: "one officer in Planning", "three in Social Care"
_PART_NAME = re.compile(r"\b(?:in|at|for)\s+(?!(?:January|February|March|April|May|June|July"
                        r"|August|September|October|November|December|England|Wales|Scotland"
                        r"|Total|Addition|Post)\b)[A-Z][a-z]+")
_TOTAL = re.compile(
    rf"\b(?:a\s+)?total(?:\s+of)?\s*[:=]?\s*({_NUMBER})\b|\b({_NUMBER})\s+in\s+total\b", re.I)
_TIMES_ITEM = re.compile(
    rf"(?<![\w.])({_FIGURE}|{WORD_NUMBER})\s*(?:x|\u00d7)\s+([A-Za-z][^,;\n.]{{2,60}})", re.I)
# "Head of Corporate Services x 1": the post first, then how many
_ITEM_TIMES = re.compile(
    rf"([A-Za-z][^,;\n.:]{{2,60}}?)\s+(?:x|\u00d7)\s*({_FIGURE}|{WORD_NUMBER})(?![\w.]|\.\d)", re.I)
_LABEL_ITEM = re.compile(
    rf"^[\s\u2022*\-]*([A-Z][^:\n]{{2,50}}?)\s*[:\-\u2013]\s*({_NUMBER})(?:\s*(?:{_COUNT_NOUNS}))?"
    r"\s*\.?\s*$", re.I | re.M)


# The units a count of people comes in, each with the nouns that say it, tried in this order
UNITS = ("fte", "hours", "posts", "people")
_UNIT_AFTER = {
    "fte": _noun_after(r"fte|wte|whole[\s-]time\s+equivalents?|full[\s-]time\s+equivalents?"),
    "hours": _noun_after(r"hours?|hrs?"),
    "posts": _noun_after(r"posts?|roles?|positions?|vacanc(?:y|ies)"),
    "people": _noun_after(_PEOPLE_NOUNS),
}
# a headcount of full-time staff is their FTE; a part-time headcount is doubted apart
_UNITS_AGREE = {("people", "posts"), ("posts", "people"), ("people", "fte"), ("posts", "fte")}


def unit_after(text: str) -> str | None:
    """The unit the words right after a figure give it ('2.5 WTE' -> 'fte'), if any."""
    return next((unit for unit in UNITS if _UNIT_AFTER[unit].match(text)), None)


def units_disagree(read: str | None, asked: str | None) -> bool:
    """Whether a count read in one unit cannot stand for the unit the question asked in."""
    return bool(read and asked and read != asked and (read, asked) not in _UNITS_AGREE)


# a table row read as "Site | Post | 1.0": its first cell and its last, a number
_ROW_ITEM = re.compile(rf"^([A-Za-z][^|\n]{{1,60}}?)\s*\|[^\n]*?\|?\s*({_FIGURE})\s*$", re.M)


@dataclass(frozen=True)
class CountReading:
    """A count read from an answer, the rule that read it, and what else it found."""

    value: str | None
    confidence: float
    rule: str
    detail: str | None = None
    status: str = "answered"  # or 'suppressed' | 'unclear'
    unit: str | None = None  # 'people' | 'posts' | 'fte' | 'hours', when the answer says


def number_value(token: str) -> Decimal | None:
    """A figure or number word as a Decimal ('2,300' -> 2300, 'twenty-one' -> 21)."""
    word = " ".join(token.lower().replace("-", " ").split())
    if word in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[word])
    parts = word.split()
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in NUMBER_WORDS:
        return Decimal(_TENS[parts[0]] + NUMBER_WORDS[parts[1]])
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def _format(value: Decimal) -> str:
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class _Figure:
    value: Decimal
    start: int
    end: int
    counted: bool  # followed by a noun that counts people or things
    word: bool  # written in words


def _figures(clean: str, nouns: str) -> list[_Figure]:
    """Every number in a text that may be a count, with whether a counting noun follows."""
    masked = _YEAR_SPAN.sub(lambda m: " " * len(m.group(0)), clean)
    found: list[_Figure] = []
    noun_re = _noun_after(nouns)
    for m in re.finditer(rf"(?<![\w.£$€/])({_NUMBER})(?=(?:fte|wte)\b|(?![\w%/]|[.,]\d))", masked,
                         re.I):
        token = m.group(1)
        digits = token[0].isdigit()
        if digits and (_YEAR.match(token) or (token.startswith("0") and len(token) > 1
                                               and not token.startswith("0."))):
            continue
        if _SKIP_BEFORE.search(masked[max(0, m.start() - 14): m.start()]):
            continue
        if digits and found and found[-1].word and masked[m.start() - 1: m.start()] == "(":
            continue  # "Two (2) housing officers": the figure repeats the word
        after = masked[m.end(): m.end() + 60]
        if digits and (_DATE_AFTER.match(after) or _STREET_AFTER.match(after)):
            continue
        value = number_value(token)
        if value is None:
            continue
        counted = bool(noun_re.match(after))
        # "One", "One (as part of a role)": the number the answer starts with, and no more
        alone = m.start() <= 3 and re.match(r"^\W*$|^\s*\(", after[:3])
        if not digits and not counted and not alone:
            continue  # "one of the reasons", "two weeks": a number word needs its noun
        found.append(_Figure(value, m.start(), m.end(), counted, not digits))
    return found


def _with_noun(clean: str, figure: _Figure, nouns: str) -> str:
    """A figure with the words up to its noun: '2 housing officers'."""
    after = clean[figure.end:]
    noun = _COUNTED.match(after) or _noun_after(nouns).match(after)
    return clean[figure.start: figure.end + (noun.end() if noun else 0)].strip()


def _breakdown(clean_lines: str) -> list[tuple[str, Decimal]]:
    """Items of a list of counts: '2 x Housing Officer', 'Camden: 2', one per line or clause."""
    items: list[tuple[str, Decimal | None]] = []
    for pattern, figure_first in ((_TIMES_ITEM, True), (_ITEM_TIMES, False),
                                  (_LABEL_ITEM, False), (_ROW_ITEM, False)):
        pairs = [(b, a) if figure_first else (a, b) for a, b in pattern.findall(clean_lines)]
        items = [(" ".join(label.split()), number_value(n)) for label, n in pairs]
        if len(items) >= 2:
            break
    return [(label, v) for label, v in items
            if v is not None and not re.match(r"(?:grand\s+)?total\b", label, re.I)]


def read_count(text: str, question_text: str = "", unit: str | None = None) -> CountReading:
    """The count an answer gives, in the unit it gives it, with the rule that read it (a unit
    other than the question's `unit` a doubt); value None when it gives none."""
    reading = _read_count(text, question_text)
    shared = _SHARED.search(clean_text(text)) if reading.value not in (None, "0") else None
    if shared and not reading.rule.startswith("doubtful"):
        reading = replace(reading, confidence=max(0.0, min(round(reading.confidence - 0.3, 2),
                                                           0.5)),
                          rule=f"doubtful {reading.rule}, shared with other bodies",
                          detail=(f"{reading.detail}; " if reading.detail else "")
                          + shared.group(0))
    if not units_disagree(reading.unit, unit) or reading.value is None:
        return reading
    # "2.5 WTE" where people were asked, "37 hours a week" where posts were: a person decides
    return replace(reading, confidence=max(0.0, min(round(reading.confidence - 0.3, 2), 0.5)),
                   rule=f"unit differs: {reading.rule}, {reading.unit} where {unit} asked",
                   detail=(f"{reading.detail}; " if reading.detail else "")
                   + f"in {reading.unit}, asked in {unit}")


def _read_count(text: str, question_text: str) -> CountReading:
    clean = clean_text(text)
    if not clean:
        return CountReading(None, 0.0, "empty")
    suppressed = _SUPPRESSED.search(re.split(r"(?<=[.!?;])\s", clean, maxsplit=1)[0])
    if suppressed:
        return CountReading(None, 0.8, "suppressed small number", suppressed.group(0),
                            "suppressed")
    nouns = _question_nouns(question_text)
    first = re.split(r"(?<=[.!?;])\s", clean, maxsplit=1)[0]
    zero = _ZERO.search(first)
    figures = _figures(clean, nouns)
    counted = [f for f in figures if f.counted]
    contrast = _CONTRAST.search(clean, zero.end()) if zero else None
    after = [f for f in figures if f.value and contrast and f.start > contrast.start()
             and (f.counted or f.start - contrast.end() < 40)]
    if zero and after:   # "no dedicated officer; however, 3 officers deal with it": two
        return CountReading(None, 0.3, "a denial, then a contrasting count",  # readings
                            f"{zero.group(0).strip()} … {contrast.group(0)} "  # type: ignore[union-attr]
                            f"{_format(after[0].value)}", "unclear")
    people = [f for f in figures if f.value and f.start >= len(first)
              and _PEOPLE.match(clean[f.end: f.end + 60])] if zero else []
    if people:   # "no one is employed for FOI. 4 officers deal with it": two readings
        return CountReading(None, 0.3, "a denial, then a count of people",
                            f"{zero.group(0).strip()} … {_format(people[0].value)}", "unclear")
    if zero and not [f for f in counted if f.value and f.start < len(first)]:
        return CountReading("0", 0.85, "says there are none", zero.group(0).strip())
    items = _breakdown(text.replace("\r", ""))
    total = _TOTAL.search(clean)
    if len(items) >= 2:
        summed = sum((v for _label, v in items), Decimal(0))
        detail = "; ".join(f"{label} {_format(v)}" for label, v in items)
        stated = number_value(next(g for g in total.groups() if g)) if total else None
        if stated is not None and stated != summed:
            return CountReading(_format(stated), 0.5, "stated total disagrees with its parts",
                                detail + f" (sum {_format(summed)})")
        return CountReading(_format(summed), 0.8 if stated is None else 0.9, "sum of breakdown",
                            detail)
    if _ALL_STAFF.search(first) and not [f for f in counted if f.start < len(first)]:
        return CountReading(None, 0.3, "all staff, no specialist count", _ALL_STAFF.search(
            first).group(0), "unclear")
    ranged = _RANGE.search(first)
    if ranged:
        low, high = [g for g in ranged.groups() if g][:2]
        low_value, high_value = number_value(low), number_value(high)
        if low_value is not None and high_value is not None and low_value < high_value:
            return CountReading(_format(low_value), 0.6, "range: the lower bound",
                                f"range {_format(low_value)}-{_format(high_value)}",
                                unit=unit_after(first[ranged.end():]))
    if total:
        stated = number_value(next(g for g in total.groups() if g))
        if stated is not None:
            return CountReading(_format(stated), 0.85, "stated total",
                                unit=unit_after(clean[total.end():]))
    # figures in brackets break down the one before ("five officers (one at Band 6 …)"), and
    # "5 posts (4.2 WTE)" is one count in two units: neither is a count of parts
    parts = [f for f in counted if f.value
             and clean.count("(", 0, f.start) == clean.count(")", 0, f.start)]
    if len(parts) >= 2 and len({unit_after(clean[f.end:]) for f in parts}) == 1 and not (
            figures[0].start <= 3 and not figures[0].counted) and all(
            _PART_NAMED.search(window) or _PART_NAME.search(window)
            for window in (clean[max(0, f.start - 50): f.end + 60] for f in parts)):
        # "2 officers in the North locality, 1 in the South": each figure counts a part; their
        # sum is one reading, the first figure another, "3 now, 2 last year" a third
        summed = sum((f.value for f in parts), Decimal(0))
        return CountReading(_format(summed), 0.5, "doubtful sum of counts given in parts",
                            " + ".join(_with_noun(clean, f, nouns) for f in parts)
                            + f" = {_format(summed)}", unit=unit_after(clean[parts[0].end:]))
    pool = counted or figures
    if not pool:
        return CountReading(None, 0.0, "no number")
    distinct = {f.value for f in pool}
    chosen = pool[0]
    if figures and figures[0].start <= 3 and not figures[0].word:
        chosen = figures[0]  # "2 (plus 1 post out to advert)": the figure the answer starts with
        distinct.add(chosen.value)
    approx = _APPROX.search(clean[max(0, chosen.start - 16): chosen.start])
    rule = ("number word" if chosen.word else "number") + (" with its noun" if chosen.counted
                                                           else " without a noun")
    if chosen.start <= 3 and not chosen.counted:
        rule = "leading number"
    confidence = 0.9 if chosen.counted else 0.7
    detail = None
    all_staff = _ALL_STAFF.search(clean)
    if all_staff:  # a headcount of everyone is never the count of specialists asked for
        return CountReading(None, 0.3, "all staff, no specialist count",
                            f"{all_staff.group(0)} ({_format(chosen.value)} mentioned)", "unclear")
    if len(distinct) > 1:
        confidence -= 0.3
        rule += f", {len(distinct) - 1} other number(s) beside it"
        others = ", ".join(_format(v) for v in sorted(distinct - {chosen.value}))
        detail = (f"{detail}; " if detail else "") + f"also: {others}"
    if approx:
        confidence -= 0.1
        detail = "approximately" + (f"; {detail}" if detail else "")
    if not chosen.counted and chosen.start > 3:
        confidence -= 0.15
    if chosen.start <= 3:
        confidence = max(confidence, 0.75)
    shared = _PART_TIME.search(clean)
    whole = chosen.value >= 1 and chosen.value == chosen.value.to_integral_value()
    if shared and whole and not re.match(r"\s*(?:fte|wte|whole\s+time|full[-\s]time\s+"
                                         r"equivalent)", clean[chosen.end:], re.I):
        # a headcount, where an FTE may be meant: a rule of its own, calibrated apart
        confidence = min(confidence - 0.3, 0.5)
        rule = f"doubtful {rule}, part-time"
        detail = (f"{detail}; " if detail else "") + shared.group(0)
    return CountReading(_format(chosen.value), round(confidence, 2), rule, detail,
                        unit=unit_after(clean[chosen.end:]))


_STOP = frozenset((
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "by", "with", "how", "many",
    "much", "does", "do", "is", "are", "was", "were", "what", "which", "your", "you", "please",
    "provide", "copy", "number", "total", "trust", "council", "ccg", "authority", "board",
    "service", "services", "who", "that", "this", "these", "those", "their", "its", "any",
    "example", "employ", "employed", "has", "have"))


def _question_nouns(question_text: str) -> str:
    """The counting nouns plus the question's own content words, as a regex alternation."""
    words = {w for w in re.findall(r"[a-z]{4,}", question_text.lower()) if w not in _STOP}
    extra = "|".join(sorted(re.escape(w.rstrip("s")) + r"s?" for w in words))
    return _COUNT_NOUNS + (f"|{extra}" if extra else "")
