"""Requests and their event timelines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb

from warehouse.db import insert, rows

RESPONDED = ("successful", "partially_successful", "refused", "not_held")


def planned_requests(
    con: duckdb.DuckDBPyConnection, campaign_id: str
) -> dict[str, dict[str, Any]]:
    """The campaign's requests by authority id, whatever their state."""
    return {
        r["authority_id"]: r
        for r in rows(con, "SELECT * FROM requests WHERE campaign_id = ?", [campaign_id])
    }


def record_sending(
    con: duckdb.DuckDBPyConnection, *, reference: str, campaign_id: str, authority_id: str,
    to_addr: str, message_id: str,
) -> None:
    """Record a request and its Message-ID before the letter is handed over."""
    con.execute(
        "INSERT INTO requests (reference, campaign_id, authority_id, status, to_addr, message_id)"
        " VALUES (?, ?, ?, 'sending', ?, ?)",
        [reference, campaign_id, authority_id, to_addr, message_id],
    )


def record_sent(con: duckdb.DuckDBPyConnection, reference: str, sent_at: datetime,
                detail: str) -> None:
    """Mark a request sent: the statutory clock starts on the day it was sent."""
    con.execute(
        "UPDATE requests SET status = 'awaiting_response', sent_at = ?, sent_on = ?::DATE,"
        " error = NULL WHERE reference = ?",
        [sent_at, sent_at, reference],
    )
    add_events(con, [{"request_reference": reference, "happened_at": sent_at, "kind": "sent",
                      "detail": detail}])


def record_send_failure(con: duckdb.DuckDBPyConnection, reference: str, reason: str) -> None:
    """Mark a request whose letter could not be delivered."""
    con.execute("UPDATE requests SET status = 'error_message', error = ? WHERE reference = ?",
                [reason, reference])
    add_events(con, [{"request_reference": reference, "kind": "send_failed", "detail": reason}])


def set_status(con: duckdb.DuckDBPyConnection, reference: str, status: str) -> None:
    """Set a request's current status (its event says why)."""
    con.execute("UPDATE requests SET status = ? WHERE reference = ?", [status, reference])


def add_events(con: duckdb.DuckDBPyConnection, events: Sequence[dict[str, Any]]) -> int:
    """Append lines to request timelines."""
    return insert(con, "events", events)

