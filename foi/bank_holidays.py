"""UK bank-holiday calendars per nation, from the `holidays` package or GOV.UK's JSON."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

__all__ = [
    "NATIONS",
    "HolidayCalendar",
    "calendar_from_govuk",
    "default_calendar",
    "merge_calendars",
    "nations_label",
]

NATIONS: tuple[str, ...] = ("england-and-wales", "scotland", "northern-ireland")
NATION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "england-and-wales": "England and Wales",
        "scotland": "Scotland",
        "northern-ireland": "Northern Ireland",
    }
)
DEFAULT_YEARS = range(2000, 2041)

_SUBDIVISIONS = (
    ("ENG", "england-and-wales"),
    ("WLS", "england-and-wales"),
    ("SCT", "scotland"),
    ("NIR", "northern-ireland"),
)
_RENAMES = MappingProxyType(
    {
        "New Year Holiday": "2 January",
        "Saint Andrew's Day": "St Andrew's Day",
        "Saint Patrick's Day": "St Patrick's Day",
    }
)
# `holidays` starts St Andrew's Day in 2006, but the St Andrew's Day Bank Holiday
# (Scotland) Act 2007 got Royal Assent on 15 January 2007: 30 Nov 2006 was a working day.
_NOT_BANK_HOLIDAYS = frozenset({(date(2006, 11, 30), "scotland", "St Andrew's Day")})

Entries = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class HolidayCalendar:
    """Bank holidays by date, each a (nation, name) pair; `years` is the coverage, if known."""

    days: Mapping[date, Entries]
    years: frozenset[int] | None = None


def nations_label(nations: Iterable[str]) -> str:
    """'all UK' for every nation, else the nations' display names in a fixed order."""
    present = set(nations)
    if present >= set(NATIONS):
        return "all UK"
    ordered = [n for n in NATIONS if n in present] + sorted(present - set(NATIONS))
    return ", ".join(NATION_NAMES.get(n, n) for n in ordered)


def _build(
    days: Mapping[date, Iterable[tuple[str, str]]], years: frozenset[int] | None
) -> HolidayCalendar:
    order = {n: i for i, n in enumerate(NATIONS)}
    frozen = {
        d: tuple(sorted(dict.fromkeys(entries), key=lambda e: (order.get(e[0], 99), e[0], e[1])))
        for d, entries in sorted(days.items())
    }
    return HolidayCalendar(MappingProxyType(frozen), years)


def _holidays_name(name: str) -> str:
    """Normalise a `holidays` name: 'Saint X (observed)' -> 'St X substitute'."""
    observed = name.endswith(" (observed)")
    base = name.removesuffix(" (observed)")
    base = _RENAMES.get(base, base)
    return f"{base} substitute" if observed else base


@functools.cache
def default_calendar(years: range | None = None) -> HolidayCalendar:
    """Bank holidays of all UK nations from the `holidays` package (default 2000-2040)."""
    import holidays  # only when the package's calendar is asked for: a reader never needs it

    span = DEFAULT_YEARS if years is None else years
    days: dict[date, list[tuple[str, str]]] = {}
    for subdiv, nation in _SUBDIVISIONS:
        uk = holidays.UK(subdiv=subdiv, years=span)
        for day in list(uk):
            for name in uk.get_list(day):
                entry = (nation, _holidays_name(name))
                if (day, *entry) not in _NOT_BANK_HOLIDAYS:
                    days.setdefault(day, []).append(entry)
    return _build(days, frozenset(span))


def calendar_from_govuk(payload: Mapping) -> HolidayCalendar:
    """Parse GOV.UK's bank-holidays.json ({division: {"division", "events": [...]}})."""
    days: dict[date, list[tuple[str, str]]] = {}
    for key, division in payload.items():
        nation = division.get("division", key)
        for event in division["events"]:
            title = event["title"].replace("\u2019", "'").strip()
            if "substitute" in (event.get("notes") or "").lower():
                title = f"{title} substitute"
            days.setdefault(date.fromisoformat(event["date"]), []).append((nation, title))
    return _build(days, frozenset(d.year for d in days))


def merge_calendars(*cals: HolidayCalendar) -> HolidayCalendar:
    """Union of calendars; for a (day, nation) named by several, the earliest calendar wins."""
    days: dict[date, list[tuple[str, str]]] = {}
    for cal in cals:
        for day, entries in cal.days.items():
            merged = days.setdefault(day, [])
            known = {nation for nation, _ in merged}
            merged.extend(e for e in entries if e[0] not in known)
    years: frozenset[int] | None = frozenset()
    for cal in cals:
        years = None if years is None or cal.years is None else years | cal.years
    return _build(days, years)


GOVUK_URL = "https://www.gov.uk/bank-holidays.json"


def fetch_govuk(url: str = GOVUK_URL, *, timeout: float = 30.0) -> HolidayCalendar:
    """Download GOV.UK's bank holidays (or a mirror of the same JSON) and parse them."""
    import httpx

    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
        payload = response.json()
    except httpx.HTTPError as exc:
        raise ValueError(f"cannot fetch bank holidays from {url}: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"{url} did not return JSON: {exc}") from exc
    try:
        return calendar_from_govuk(payload)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{url} is not in GOV.UK's bank-holidays format: {exc!r}") from exc
