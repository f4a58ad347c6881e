"""One cell's value read as what a data return means by it: a period, a count, a marker."""

from __future__ import annotations

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

# periods as authorities write them: Jan-18, Jan 2018, January 2018, 2018-01, 01/01/2018
_PERIOD_PATTERNS = (
    (re.compile(rf"^({_MONTH})[\s\-/.']*((?:19|20)?\d\d)$", re.I), "my"),
    (re.compile(rf"^({_YEAR})[\-/.](\d{{1,2}})(?:[\-/.]\d{{1,2}})?(?:[ T]00:00(?::00)?)?$"),
     "ym"),
    (re.compile(rf"^\d{{1,2}}[\-/.](\d{{1,2}})[\-/.]({_YEAR})(?: 00:00(?::00)?)?$"), "dmy"),
    (re.compile(rf"^({_YEAR})\s+({_MONTH})$", re.I), "ym_name"),
)
_SUPPRESSED = re.compile(
    r"^(?:\*+|[<≤]\s*=?\s*\d{1,2}|fewer than \d{1,2}|less than \d{1,2}|under \d{1,2}|"
    r"1\s*-\s*[45]|suppressed|redacted|s\.?\s*40(?:\s*\(2\))?|~|x|c)$", re.I)
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CODE = re.compile(r"^([A-Z]{2}\d{2})\b")
_YEAR_ONLY = re.compile(rf"^({_YEAR})$")


@dataclass(frozen=True)
class Period:
    """A month (YYYY-MM) or a whole year (YYYY) a figure is for."""

    year: int
    month: int | None = None

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_period(value: Value) -> Period | None:
    """A month from a date or a text like 'Jan-18', '2018-01', '01/01/2018'; else None."""
    if isinstance(value, datetime | date):
        return Period(value.year, value.month)
    text = as_text(value)
    if not text or len(text) > 24:
        return None
    for pattern, shape in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if shape == "my":
            return Period(_full_year(m.group(2)), MONTHS[m.group(1).lower()])
        if shape == "ym_name":
            return Period(int(m.group(1)), MONTHS[m.group(2).lower()])
        year, month = (int(m.group(1)), int(m.group(2))) if shape == "ym" else \
            (int(m.group(2)), int(m.group(1)))
        if 1 <= month <= 12:
            return Period(year, month)
    return None


def parse_month(value: Value) -> int | None:
    """A month named on its own ('Jan', 'January'), which needs a year from elsewhere."""
    if not isinstance(value, str):
        return None
    return MONTHS.get(as_text(value).lower().rstrip("."))


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


def is_figure(value: Value) -> bool:
    """A cell that holds a figure or a suppressed one."""
    return parse_number(value) is not None or is_suppressed(value)


_TOTAL = re.compile(r"\btotals?\b|^all$|^sum$", re.I)


def is_total(text: str) -> bool:
    """A label or header naming a total ('Grand Total', 'Total', '2021 Total')."""
    return bool(_TOTAL.search(text))


def code_of(text: str) -> str | None:
    """The code a label starts with ('MA01 - Owner occupier' -> 'MA01')."""
    m = CODE.match(text.strip())
    return m.group(1) if m else None
