"""The clock in the warehouse: stored bank holidays, the working-day index, due dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import duckdb

from foi.bank_holidays import DEFAULT_YEARS, HolidayCalendar, default_calendar, merge_calendars
from foi.clock import ClockEvent, Deadline, deadline_with_events, internal_review_due
from warehouse.sql import rows, transaction, upsert

CLOCK_EVENTS = ("clarification_requested", "clarification_received", "fees_notice", "fees_paid",
                "extended")
FIRST_DAY = date(DEFAULT_YEARS.start, 1, 1)
LAST_DAY = date(DEFAULT_YEARS.stop - 1, 12, 31)


def store_holidays(con: duckdb.DuckDBPyConnection, calendar: HolidayCalendar, source: str) -> int:
    """Upsert a calendar's bank holidays under a source name."""
    return upsert(con, "bank_holidays", [
        {"day": day, "nation": nation, "name": name, "source": source}
        for day, entries in calendar.days.items() for nation, name in entries
    ])


def ensure_holidays(con: duckdb.DuckDBPyConnection) -> None:
    """Seed bank holidays from the `holidays` package once, so dates are reproducible offline."""
    if con.execute("SELECT count(*) FROM bank_holidays").fetchone()[0]:
        return
    with transaction(con):
        store_holidays(con, default_calendar(), "holidays-package")
        rebuild_working_days(con)


def load_calendar(con: duckdb.DuckDBPyConnection) -> HolidayCalendar:
    """The stored calendar (GOV.UK entries win over the package's)."""
    days: dict[date, list[tuple[str, str]]] = defaultdict(list)
    for r in rows(con, "SELECT day, nation, name FROM bank_holidays ORDER BY day, nation"):
        days[r["day"]].append((r["nation"], r["name"]))
    stored = HolidayCalendar({d: tuple(e) for d, e in days.items()}, frozenset(DEFAULT_YEARS))
    return merge_calendars(stored)


def rebuild_working_days(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the working-day index from the stored holidays (FOIA: any nation; FOISA:
    Scotland). Good Friday is a bank holiday in every nation, so only Christmas Day needs
    naming here, as s10(6) does."""
    con.execute("DELETE FROM working_days")
    con.execute("""
        INSERT INTO working_days
        WITH days AS (
            SELECT d::DATE AS day, r.regime
            FROM generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY) g(d),
                 (VALUES ('foia'), ('foisa')) r(regime)
        ), marked AS (
            SELECT regime, day,
                   NOT (dayofweek(day) IN (0, 6)
                        OR (month(day) = 12 AND day(day) = 25)
                        OR EXISTS (SELECT 1 FROM bank_holidays h WHERE h.day = days.day
                                   AND (days.regime = 'foia' OR h.nation = 'scotland')))
                   AS working
            FROM days
        )
        SELECT regime, day, working,
               sum(working::INTEGER) OVER (PARTITION BY regime ORDER BY day) AS n
        FROM marked""", [FIRST_DAY, LAST_DAY])


def _events_by_request(con: duckdb.DuckDBPyConnection,
                       references: Sequence[str] | None) -> dict[str, list[ClockEvent]]:
    sql = ("SELECT request_reference, kind, happened_at::DATE AS on_day, until_on FROM events"
           " WHERE list_contains(?, kind)")
    params: list = [list(CLOCK_EVENTS)]
    if references is not None:
        sql += " AND list_contains(?, request_reference)"
        params.append(list(references))
    found: dict[str, list[ClockEvent]] = defaultdict(list)
    for r in rows(con, sql + " ORDER BY happened_at, id", params):
        found[r["request_reference"]].append(ClockEvent(r["kind"], r["on_day"], r["until_on"]))
    return found


def refresh_deadlines(con: duckdb.DuckDBPyConnection,
                      references: Sequence[str] | None = None) -> int:
    """Recompute due dates of sent requests from their clock events; returns how many."""
    calendar = load_calendar(con)
    sql = """SELECT r.reference, r.sent_on, coalesce(r.regime, c.regime) AS regime,
                    a.kind = 'school' AS school, r.review_requested_on
             FROM requests r JOIN campaigns c ON c.id = r.campaign_id
             LEFT JOIN authorities a ON a.id = r.authority_id
             WHERE r.sent_on IS NOT NULL"""
    params: list = []
    if references is not None:
        sql += " AND list_contains(?, r.reference)"
        params.append(list(references))
    targets = rows(con, sql, params)
    events = _events_by_request(con, references)
    plain: dict[tuple, Deadline] = {}  # requests without events share a deadline per day
    updates = []
    for r in targets:
        evs = events.get(r["reference"], [])
        key = (r["sent_on"], r["regime"], bool(r["school"]))
        if evs:
            d = deadline_with_events(r["sent_on"], evs, r["regime"], school=bool(r["school"]),
                                     calendar=calendar)
        else:
            if key not in plain:
                plain[key] = deadline_with_events(r["sent_on"], (), r["regime"],
                                                  school=bool(r["school"]), calendar=calendar)
            d = plain[key]
        review_due = (internal_review_due(r["review_requested_on"], calendar=calendar,
                                          regime=r["regime"])
                      if r["review_requested_on"] else None)
        updates.append({"reference": r["reference"], "regime": r["regime"],
                        "due_on": d.effective_due, "very_overdue_after": d.very_overdue_after,
                        "clock_stopped_since": d.stopped_since,
                        "review_due_on": review_due})
    if updates:
        con.execute("""
            UPDATE requests SET regime = u.regime, due_on = u.due_on,
                   very_overdue_after = u.very_overdue_after,
                   clock_stopped_since = u.clock_stopped_since, review_due_on = u.review_due_on
            FROM (SELECT unnest(x) FROM (SELECT unnest($updates) AS x)) u
            WHERE requests.reference = u.reference""", {"updates": updates})
    return len(updates)


def clock_objection(con: duckdb.DuckDBPyConnection, reference: str, kind: str, on: date,
                    until: date | None = None) -> str | None:
    """Why the clock cannot take this event for the request (an extension beyond the cap, a
    second fees notice ...), or None: asked before recording what a message says."""
    if kind not in CLOCK_EVENTS:
        return None
    found = rows(con, """SELECT r.sent_on, coalesce(r.regime, c.regime) AS regime,
                                a.kind = 'school' AS school
                         FROM requests r JOIN campaigns c ON c.id = r.campaign_id
                         LEFT JOIN authorities a ON a.id = r.authority_id
                         WHERE r.reference = ? AND r.sent_on IS NOT NULL""", [reference])
    if not found:
        return None
    events = [*_events_by_request(con, [reference]).get(reference, []),
              ClockEvent(kind, on, until)]
    try:
        deadline_with_events(found[0]["sent_on"], sorted(events, key=lambda e: e.on),
                             found[0]["regime"], school=bool(found[0]["school"]),
                             calendar=load_calendar(con))
    except ValueError as exc:
        return str(exc)
    return None


def replace_holidays(con: duckdb.DuckDBPyConnection, calendar: HolidayCalendar,
                     source: str) -> int:
    """Make an authoritative calendar the truth for the years it covers, then re-date."""
    years = sorted({d.year for d in calendar.days})
    with transaction(con):
        con.execute("DELETE FROM bank_holidays WHERE list_contains(?, year(day))", [years])
        added = store_holidays(con, calendar, source)
        rebuild_working_days(con)
        refresh_deadlines(con)
    return added
