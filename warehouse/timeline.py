"""Recording timeline events and the status and clock changes they bring."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import duckdb

from foi.statuses import RESPONSE_EVENTS, status_after
from warehouse.clock import CLOCK_EVENTS, refresh_deadlines
from warehouse.db import WarehouseError, transaction
from warehouse.requests import add_events


def record_event(con: duckdb.DuckDBPyConnection, reference: str, kind: str, *,
                 on: date | None = None, until: date | None = None, detail: str | None = None,
                 sections: tuple[str, ...] = (), message_id: str | None = None) -> str:
    """Add one event to a request's timeline; returns the request's new status."""
    row = con.execute("SELECT status FROM requests WHERE reference = ?", [reference]).fetchone()
    if row is None:
        raise WarehouseError(f"no request {reference!r}")
    new_status = status_after(kind, row[0])
    when = datetime.combine(on, time(12), tzinfo=UTC) if on else datetime.now(UTC)
    with transaction(con):
        add_events(con, [{"request_reference": reference, "happened_at": when, "kind": kind,
                          "detail": detail, "until_on": until, "message_id": message_id}])
        con.execute("UPDATE requests SET status = ? WHERE reference = ?", [new_status, reference])
        if kind in RESPONSE_EVENTS:
            con.execute("UPDATE requests SET responded_on = ?, sections = ? WHERE reference = ?",
                        [when.date(), list(sections) or None, reference])
        if kind == "internal_review":
            con.execute("UPDATE requests SET review_requested_on = ? WHERE reference = ?",
                        [when.date(), reference])
        if kind in CLOCK_EVENTS or kind == "internal_review":
            refresh_deadlines(con, [reference])
    return new_status
