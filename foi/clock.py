"""The UK statutory clock: FOIA, EIR and FOISA due dates that explain themselves."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from foi.bank_holidays import (
    HolidayCalendar,
    calendar_from_govuk,
    default_calendar,
    merge_calendars,
    nations_label,
)

__all__ = [
    "ClockEvent",
    "Deadline",
    "HolidayCalendar",
    "Regime",
    "SkippedDay",
    "add_working_days",
    "calendar_from_govuk",
    "deadline",
    "deadline_with_events",
    "default_calendar",
    "explain",
    "ico_complaint_deadline",
    "internal_review_due",
    "merge_calendars",
    "non_working_reason",
    "working_days_between",
]

Regime = Literal["foia", "eir", "foisa"]

RESPONSE_DAYS = 20
EXTENSION_CAP_DAYS = 40
VERY_OVERDUE_DAYS = 40
VERY_OVERDUE_DAYS_SCHOOL = 60
ICO_COMPLAINT_WINDOW = timedelta(weeks=6)

_ONE_DAY = timedelta(days=1)
_WEEKEND = {5: "Saturday", 6: "Sunday"}


@dataclass(frozen=True)
class SkippedDay:
    """A non-working day passed over while counting, with why it does not count."""

    day: date
    reason: str


@dataclass(frozen=True)
class Deadline:
    """A request's due dates and how they were reached (`skipped` runs to `effective_due`)."""

    received: date
    regime: Regime
    due: date
    very_overdue_after: date
    skipped: tuple[SkippedDay, ...]
    paused_days: int = 0
    extended_to: date | None = None
    notes: tuple[str, ...] = ()
    stopped_since: date | None = None

    @property
    def effective_due(self) -> date:
        """The date a response is owed by: the extended date if there is one."""
        return self.extended_to or self.due


@dataclass(frozen=True)
class ClockEvent:
    """Something that stops, restarts, pauses or extends the clock."""

    kind: str
    on: date
    until: date | None = None


@functools.cache
def _good_friday(year: int) -> date:
    """Good Friday of a Gregorian year (anonymous Gregorian Easter algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1) - timedelta(days=2)


def _check_regime(regime: str) -> None:
    """Raise ValueError for an unknown regime."""
    if regime not in get_args(Regime):
        raise ValueError(f"unknown regime {regime!r}: expected one of {get_args(Regime)}")


def non_working_reason(
    day: date, regime: Regime = "foia", calendar: HolidayCalendar | None = None
) -> str | None:
    """Why `day` is not a working day under `regime`, or None if it is one."""
    if day.weekday() in _WEEKEND:
        return _WEEKEND[day.weekday()]
    cal = default_calendar() if calendar is None else calendar
    if cal.years is not None and day.year not in cal.years:
        raise ValueError(f"the holiday calendar has no data for {day.year}; pass one covering it")
    entries = cal.days.get(day, ())
    if regime == "foisa":
        scottish = {name for nation, name in entries if nation == "scotland"}
        entries = tuple(e for e in entries if e[1] in scottish)
    if entries:
        by_name: dict[str, list[str]] = {}
        for nation, name in entries:
            by_name.setdefault(name, []).append(nation)
        return "; ".join(f"{name} ({nations_label(ns)})" for name, ns in by_name.items())
    # s10(6) FOIA and s73 FOISA name Christmas Day (and FOIA Good Friday) outright,
    # so they count even if a hand-made calendar omits them.
    if (day.month, day.day) == (12, 25):
        return "Christmas Day (all UK)"
    if day == _good_friday(day.year):
        return "Good Friday (all UK)"
    return None


def add_working_days(
    start: date, n: int, regime: Regime = "foia", calendar: HolidayCalendar | None = None
) -> tuple[date, tuple[SkippedDay, ...]]:
    """The `n`th working day after `start` (day 0), and the non-working days passed over."""
    _check_regime(regime)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day, counted, skipped = start, 0, []
    while counted < n:
        day += _ONE_DAY
        reason = non_working_reason(day, regime, calendar)
        if reason is None:
            counted += 1
        else:
            skipped.append(SkippedDay(day, reason))
    return day, tuple(skipped)


def working_days_between(
    start: date, end: date, regime: Regime = "foia", calendar: HolidayCalendar | None = None
) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    _check_regime(regime)
    count, day = 0, start + _ONE_DAY
    while day <= end:
        if non_working_reason(day, regime, calendar) is None:
            count += 1
        day += _ONE_DAY
    return count


# A counting segment: working days after `start`, up to and including `end` (None: open).
_Segment = tuple[date, date | None]


def _nth_counted(
    segments: Sequence[_Segment], n: int, regime: Regime, calendar: HolidayCalendar | None
) -> tuple[date, tuple[SkippedDay, ...]]:
    """The `n`th working day counted across segments (the last open), with skipped days."""
    skipped: list[SkippedDay] = []
    for start, end in segments:
        available = None if end is None else working_days_between(start, end, regime, calendar)
        if available is None or n <= available:
            day, more = add_working_days(start, n, regime, calendar)
            return day, (*skipped, *more)
        n -= available
        assert end is not None
        skipped.extend(
            SkippedDay(d, r)
            for d in (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
            if (r := non_working_reason(d, regime, calendar)) is not None
        )
    raise AssertionError("the last segment must be open")


def deadline(
    received: date,
    regime: Regime = "foia",
    *,
    school: bool = False,
    calendar: HolidayCalendar | None = None,
) -> Deadline:
    """The statutory due date for a request received on `received` (day 0)."""
    return deadline_with_events(received, (), regime, school=school, calendar=calendar)


def deadline_with_events(
    received: date,
    events: Sequence[ClockEvent],
    regime: Regime = "foia",
    *,
    school: bool = False,
    calendar: HolidayCalendar | None = None,
) -> Deadline:
    """The due date after clarifications (restart), fees notices (pause) and extensions."""
    _check_regime(regime)
    closed: list[_Segment] = []
    anchor = received
    stopped: tuple[str, date] | None = None
    paused = 0
    notes: list[str] = []
    extension: ClockEvent | None = None
    for ev in sorted(events, key=lambda e: e.on):
        if ev.on < received:
            raise ValueError(
                f"{ev.kind} on {ev.on} is before the request was received ({received})"
            )
        if ev.kind == "clarification_requested":
            if stopped is not None:
                raise ValueError(
                    f"clarification requested on {ev.on} while the clock is "
                    f"already stopped ({stopped[0]} since {stopped[1]})"
                )
            stopped = ("clarification", ev.on)
            notes.append(f"clock stopped {ev.on}: clarification requested")
        elif ev.kind == "clarification_received":
            if stopped is not None and stopped[0] == "fees":
                raise ValueError(
                    f"clarification received on {ev.on} while a fees notice "
                    f"of {stopped[1]} is unpaid"
                )
            closed, anchor, stopped = [], ev.on, None
            notes.append(
                f"clock restarted {ev.on}: clarification received (20 working days from here)"
            )
        elif ev.kind == "fees_notice":
            if stopped is not None:
                raise ValueError(
                    f"fees notice on {ev.on} while the clock is already stopped "
                    f"({stopped[0]} since {stopped[1]})"
                )
            if ev.on - _ONE_DAY > anchor:
                closed.append((anchor, ev.on - _ONE_DAY))
            used = sum(working_days_between(s, e, regime, calendar) for s, e in closed if e)
            stopped = ("fees", ev.on)
            notes.append(f"clock paused {ev.on}: fees notice issued ({used} working days used)")
        elif ev.kind == "fees_paid":
            if stopped is None or stopped[0] != "fees":
                raise ValueError(f"fees paid on {ev.on} without an unpaid fees notice")
            # s10(2) FOIA: the days from the notice to the payment, both included, are ignored.
            days = working_days_between(max(anchor, stopped[1] - _ONE_DAY), ev.on, regime, calendar)
            paused += days
            anchor, stopped = ev.on, None
            notes.append(
                f"clock resumed after {ev.on}: fee received ({days} working days disregarded)"
            )
        elif ev.kind == "extended":
            if regime == "foisa":
                raise ValueError(
                    "FOISA has no public-interest extension: a Scottish authority "
                    "must respond within 20 working days"
                )
            extension = ev
        else:
            raise ValueError(f"unknown clock event kind {ev.kind!r}")

    if stopped is not None:
        # Still stopped: show the earliest the dates can be, as if resumed today.
        if stopped[0] == "clarification":
            closed = []
        anchor = stopped[1]
        what = "awaiting clarification" if stopped[0] == "clarification" else "awaiting the fee"
        notes.append(
            f"clock stopped since {stopped[1]}, {what}: dates shown are the earliest possible"
        )
    segments = [*closed, (anchor, None)]
    due, skipped = _nth_counted(segments, RESPONSE_DAYS, regime, calendar)
    overdue_days = VERY_OVERDUE_DAYS_SCHOOL if school else VERY_OVERDUE_DAYS
    very_overdue, _ = _nth_counted(segments, overdue_days, regime, calendar)

    extended_to = None
    if extension is not None:
        cap, cap_skipped = _nth_counted(segments, EXTENSION_CAP_DAYS, regime, calendar)
        target = extension.until or cap
        if target > cap:
            rule = (
                "EIR reg 7 allows at most 40 working days"
                if regime == "eir"
                else "the ICO expects at most 20 further working days"
            )
            raise ValueError(f"extension to {target} is beyond the cap: {rule} (latest {cap})")
        if target < due:
            raise ValueError(f"extension to {target} is before the due date {due}")
        extended_to = target
        skipped = tuple(s for s in cap_skipped if s.day <= target)
        why = "complex or voluminous (EIR reg 7)" if regime == "eir" else "public interest test"
        notes.append(f"extended {extension.on} to {target}: {why}")
        if extension.on > due:
            notes.append(f"extension notified {extension.on}, after the due date {due}")

    return Deadline(
        received=received,
        regime=regime,
        due=due,
        very_overdue_after=very_overdue,
        skipped=skipped,
        paused_days=paused,
        extended_to=extended_to,
        notes=tuple(notes),
        stopped_since=None if stopped is None else stopped[1],
    )


def internal_review_due(
    requested: date,
    *,
    complex_case: bool = False,
    calendar: HolidayCalendar | None = None,
    regime: Regime = "foia",
) -> date:
    """Internal review due date: 20 working days, 40 if complex (EIR reg 11: always 40)."""
    _check_regime(regime)
    if regime == "foisa" and complex_case:
        raise ValueError("FOISA s21 allows no extension: a review is due in 20 working days")
    days = EXTENSION_CAP_DAYS if complex_case or regime == "eir" else RESPONSE_DAYS
    return add_working_days(requested, days, regime, calendar)[0]


def ico_complaint_deadline(final_response: date) -> date:
    """Last day to complain to the ICO: 6 calendar weeks after the final response."""
    return final_response + ICO_COMPLAINT_WINDOW


def explain(d: Deadline) -> list[str]:
    """One line per skipped non-weekend day ('2016-12-26 Boxing Day (all UK)'), then the notes."""
    weekend = set(_WEEKEND.values())
    lines = [f"{s.day.isoformat()} {s.reason}" for s in d.skipped if s.reason not in weekend]
    return [*lines, *d.notes]
