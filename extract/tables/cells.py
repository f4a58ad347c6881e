"""One cell's value read as what a data return means by it: a period, a count, a marker."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime

from extract.tables.grids import Value, as_text

MONTHS = {m: n for n, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for m in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"

# periods as authorities write them: Jan-18, Jan 2018, January 2018, 2018-01, 2018 04, 01/2018,
# 01/01/2018, 31-Jan-18, 1st January 2018
_PERIOD_PATTERNS = (
    (re.compile(rf"^(?:\d{{1,2}}(?:st|nd|rd|th)?[\s\-/.]*)?({_MONTH})[\s\-/.',]*"
                rf"((?:19|20)?\d\d)$", re.I), "my"),
    (re.compile(rf"^({_YEAR})[\-/. ](\d{{1,2}})(?:[\-/.]\d{{1,2}})?(?:[ T]00:00(?::00)?)?$"),
     "ym"),
    (re.compile(r"^\d{1,2}[\-/.](\d{1,2})[\-/.]((?:19|20)?\d\d)(?: 00:00(?::00)?)?$"),
     "dmy"),
    (re.compile(rf"^(\d{{1,2}})[\-/.]({_YEAR})$"), "my_number"),
    (re.compile(rf"^({_YEAR})[\s\-/.]*({_MONTH})$", re.I), "ym_name"),
)
# words around a period that do not change it: 'Month ending 31/01/2018', 'Jan-18 snapshot'
_PERIOD_WORDS = re.compile(
    r"^(?:(?:month|period|quarter|year|week)\s+(?:ending|end|to)|as\s+(?:at|of)|snapshot(?:\s+at)?"
    r"|end\s+of|position\s+(?:at|as\s+at)|w/?e|m/?e|at)\s*:?\s+|"
    r"\s+(?:snapshot|position|total|data|figures?)$", re.I)
# financial years: 2018/19, 2018-19, 2018/2019, FY 18/19, Financial Year 2018-19
_FISCAL = re.compile(r"^(?:f\.?y\.?|fin(?:ancial)?\.?\s*y(?:ea)?r\.?)?\s*((?:19|20)?\d\d)\s*"
                     r"[/\-–]\s*((?:19|20)?\d\d)$", re.I)
_QUARTER = re.compile(r"^(?:q([1-4])\s*[\-/ ,]?\s*(.+)|(.+?)\s*[\-/ ,]?\s*q([1-4]))$", re.I)
_SUPPRESSED = re.compile(
    r"^(?:\*+|[<≤]\s*=?\s*\d{1,2}|fewer than \d{1,2}|less than \d{1,2}|under \d{1,2}|"
    r"1\s*-\s*[45]|suppressed|redacted|s\.?\s*40(?:\s*\(2\))?|~|x|c)$", re.I)
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CODE = re.compile(r"^([A-Z]{2}\d{2})\b")
_YEAR_ONLY = re.compile(rf"^({_YEAR})$")


@dataclass(frozen=True)
class Period:
    """What a figure is for: a month (2018-01), a year (2018), a financial year starting in
    April (2018/19), or a quarter of either (2018-Q1, 2018/19-Q1)."""

    year: int
    month: int | None = None
    quarter: int | None = None
    fiscal: bool = False

    def __str__(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        base = f"{self.year}/{(self.year + 1) % 100:02d}" if self.fiscal else f"{self.year}"
        return base if self.quarter is None else f"{base}-Q{self.quarter}"

    @property
    def span(self) -> str:
        """month, quarter, year or financial_year: what one figure covers."""
        if self.month is not None:
            return "month"
        if self.quarter is not None:
            return "quarter"
        return "financial_year" if self.fiscal else "year"


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_period(text: str) -> Period | None:
    for pattern, shape in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if shape == "my":
            return Period(_full_year(m.group(2)), MONTHS[m.group(1).lower()])
        if shape == "ym_name":
            return Period(int(m.group(1)), MONTHS[m.group(2).lower()])
        if shape == "ym":
            year, month = int(m.group(1)), int(m.group(2))
        elif shape == "my_number":
            year, month = int(m.group(2)), int(m.group(1))
        else:
            year, month = _full_year(m.group(2)), int(m.group(1))
        if 1 <= month <= 12 and 1990 <= year <= 2039:
            return Period(year, month)
    return None


def parse_period(value: Value) -> Period | None:
    """A month from a date or a text like 'Jan-18', '2018-01', '2018 04', '01/2018',
    '31/01/2018', 'Month ending 31 Jan 2018'; else None."""
    if isinstance(value, datetime | date):
        return Period(value.year, value.month)
    text = as_text(value)
    if not text or len(text) > 40:
        return None
    found = _month_period(text)
    if found is None and (bare := _PERIOD_WORDS.sub("", text)) != text:
        found = _month_period(bare.strip())
    return found


def parse_fiscal_year(value: Value) -> int | None:
    """The first year of a financial year written '2018/19', '2018-19', 'FY 18/19'; else
    None (the two years must follow each other)."""
    if not isinstance(value, str):
        return None
    m = _FISCAL.match(as_text(value))
    if not m:
        return None
    first, second = _full_year(m.group(1)), _full_year(m.group(2))
    if len(m.group(2)) == 2:
        second = first - first % 100 + second % 100
    return first if second == first + 1 and 1990 <= first <= 2039 else None


def parse_span(value: Value) -> Period | None:
    """A period of any span: a month, a financial year, a quarter ('Q1 2018/19', '2018 Q2'),
    a calendar year; else None."""
    if (p := parse_period(value)) is not None:
        return p
    if (fy := parse_fiscal_year(value)) is not None:
        return Period(fy, fiscal=True)
    text = as_text(value)
    m = _QUARTER.match(text) if isinstance(value, str) and len(text) <= 24 else None
    if m:
        quarter = int(m.group(1) or m.group(4))
        rest = (m.group(2) or m.group(3)).strip()
        if (fy := parse_fiscal_year(rest)) is not None:
            return Period(fy, quarter=quarter, fiscal=True)
        if (y := parse_year(rest)) is not None or (
                re.fullmatch(r"\d\d", rest) and (y := _full_year(rest))):
            return Period(y, quarter=quarter)
    if (y := parse_year(value)) is not None:
        return Period(y)
    return None


def fiscal_month(start_year: int, month: int) -> Period:
    """A month of the financial year starting in April of start_year."""
    return Period(start_year + (month < 4), month)


SERIAL_DAYS = range(32874, 51136)   # Excel's day numbers of 1990-01-01 to 2039-12-31


def serial_date(value: Value) -> date | None:
    """The date an Excel day number stands for (a date cell saved without its format)."""
    number = parse_number(value)
    if number is None or not number.is_integer() or int(number) not in SERIAL_DAYS:
        return None
    value = number
    from datetime import timedelta
    return date(1899, 12, 30) + timedelta(days=int(value))


_FULL_MONTHS = {name: n for name, n in MONTHS.items() if len(name) >= 5}


def parse_month(value: Value) -> int | None:
    """A month named on its own ('Jan', 'January', and a long name mistyped by two letters
    at most: 'Janaury', 'Feburary'), which needs a year from elsewhere."""
    if not isinstance(value, str):
        return None
    text = as_text(value).lower().rstrip(".")
    if text in MONTHS:
        return MONTHS[text]
    if len(text) >= 6 and text.isalpha():
        from rapidfuzz.distance import DamerauLevenshtein

        close = {n for name, n in _FULL_MONTHS.items() if name[0] == text[0]
                 and DamerauLevenshtein.distance(text, name) <= (1 if len(text) < 7 else 2)}
        if len(close) == 1:
            return close.pop()
    return None


_QUANTITY = re.compile(
    r"^(?:approx(?:\.|imately)?\s+)?([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*"
    r"(kgs?|g|grams?|tonnes?|l|ltrs?|litres?|liters?|ml|cl|cigarettes|cigars|packs?|pouches|"
    r"bottles?|cans?|tins?|pairs?|items?|units?|discs?|sets?|boxes|cartons?|sachets|pieces?)\b"
    r"(.*)$", re.I | re.S)


def parse_quantity(value: Value) -> tuple[float, str, str] | None:
    """A quantity written with its unit ('1400 L', '98,000 cigarettes', '250kg fake tobacco',
    'Approx. 1,000 discs'): (number, unit, the words after); None for anything else, and for
    a cell naming two quantities ('200,000 cigarettes, 80kgs of tobacco')."""
    if not isinstance(value, str):
        return None
    text = as_text(value)
    m = _QUANTITY.match(text)
    if not m or re.search(r"\d", m.group(3)):
        return None
    return float(m.group(1).replace(",", "")), m.group(2).lower(), m.group(3).strip(" ,.-")


def parse_year(value: Value) -> int | None:
    """A year on its own (2018 or '2018'), between 1990 and 2039."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        year = int(value)
    else:
        m = _YEAR_ONLY.match(as_text(value))
        if not m:
            return None
        year = int(m.group(1))
    return year if 1990 <= year <= 2039 else None


def parse_number(value: Value) -> float | None:
    """A figure: a number, or a text like '16,925' or ' 9,669 '; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = as_text(value)
    if _NUMBER.match(text):
        return float(text.replace(",", ""))
    return None


def is_suppressed(value: Value) -> bool:
    """A small-number placeholder: '*', '<5', 'Fewer than 5', '1-4', 'suppressed'."""
    return isinstance(value, str) and bool(_SUPPRESSED.match(as_text(value)))


_NIL = frozenset({"-", "–", "—"})


def is_nil(value: Value) -> bool:
    """A dash where a figure goes: a zero in some tables, 'not yet known' in others (months
    after the extract), so it shapes a table but is never stored as a figure."""
    return isinstance(value, str) and value.strip() in _NIL


def is_figure(value: Value) -> bool:
    """A cell that holds a figure, a dash for nil, or a suppressed figure."""
    return parse_number(value) is not None or is_suppressed(value) or is_nil(value)


def period_cells(row: list[Value]) -> dict[int, Period | int]:
    """Columns of a row naming a period (a Period: a month, or a coarser span when the row
    names no month) or a month alone (its number)."""
    found: dict[int, Period | int] = dict(serial_months(row))
    for c, v in enumerate(row):
        if c in found or (isinstance(v, int | float) and not isinstance(v, bool)):
            continue
        p = parse_span(v)
        if p is not None:
            found[c] = p
            continue
        m = parse_month(v)
        if m is not None:
            found[c] = m
    months = {c: p for c, p in found.items() if isinstance(p, int) or p.month is not None}
    if months:
        return months   # a year or financial-year column beside months is their total
    spans = {p.span for p in found.values() if isinstance(p, Period)}
    if spans == {"year"}:   # years across: two at least, one after another ('1999' is a count)
        years = [found[c].year for c in sorted(found)]  # type: ignore[union-attr]
        if len(years) < 2 or any(b != a + 1 for a, b in itertools.pairwise(years)):
            return {}
    return found if len(spans) == 1 else {}


def serial_months(values: list[Value]) -> dict[int, Period]:
    """Excel day numbers saved without their date format, a month apart (43101, 43132, ...):
    the months they stand for; nothing unless at least two follow each other so."""
    days = {c: d for c, v in enumerate(values) if (d := serial_date(v)) is not None}
    if len(days) < 2:
        return {}
    ordered = sorted(days.items())
    steps = [(b - a).days for (_, a), (_, b) in itertools.pairwise(ordered)]
    if not all(28 <= s <= 31 for s in steps) or \
            len({(d.year, d.month) for d in days.values()}) != len(days):
        return {}
    return {c: Period(d.year, d.month) for c, d in days.items()}


_TOTAL = re.compile(r"\btotals?\b|^all$|^sum$", re.I)


def is_total(text: str) -> bool:
    """A label or header naming a total ('Grand Total', 'Total', '2021 Total')."""
    return bool(_TOTAL.search(text))


def code_of(text: str) -> str | None:
    """The code a label starts with ('MA01 - Owner occupier' -> 'MA01')."""
    m = CODE.match(text.strip())
    return m.group(1) if m else None
