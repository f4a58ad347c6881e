"""Requests and their event timelines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

import duckdb

from warehouse.db import insert, rows

# The error of a request whose letter could not even be built: never handed over, so the
# next `foi send` tries it again (after the registry or campaign is put right).
NOT_BUILT = "letter could not be built: "


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
    to_addr: str, message_id: str, regime: str = "foia",
) -> None:
    """Record a request and its Message-ID before the letter is handed over."""
    con.execute(
        "INSERT INTO requests (reference, campaign_id, authority_id, status, to_addr, message_id,"
        " regime) VALUES (?, ?, ?, 'sending', ?, ?, ?)",
        [reference, campaign_id, authority_id, to_addr, message_id, regime],
    )


def record_sending_batch(con: duckdb.DuckDBPyConnection, requests: Sequence[dict[str, Any]]
                         ) -> int:
    """Record a batch of requests and their Message-IDs (reference, campaign_id, authority_id,
    to_addr, message_id, regime, created_at: the letters' date) in one statement, before any
    letter is handed over."""
    return insert(con, "requests", [{**r, "status": "sending"} for r in requests])


def forget_unsent(con: duckdb.DuckDBPyConnection, references: Sequence[str]) -> None:
    """Drop requests whose letters were never handed over (recorded as sending, or failed
    before they could be built); their timelines stay."""
    if references:
        con.execute("DELETE FROM requests WHERE list_contains(?, reference) AND (status ="
                    " 'sending' OR (status = 'error_message' AND sent_at IS NULL AND"
                    " starts_with(error, ?)))", [list(references), NOT_BUILT])


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


def add_events(con: duckdb.DuckDBPyConnection, events: Sequence[dict[str, Any]]) -> int:
    """Append lines to request timelines."""
    return insert(con, "events", events)



def import_requests(
    con: duckdb.DuckDBPyConnection, campaign_id: str, regime: str, prefix: str,
    imported: Sequence[Any],
) -> tuple[list[str], list[tuple[int, str]]]:
    """Track requests sent outside foitrack; returns (references added, (line, reason) rejects)."""
    from foi.references import make_reference

    authorities = {r[0] for r in con.execute("SELECT id FROM authorities").fetchall()}
    existing = planned_requests(con, campaign_id)
    taken = {r[0] for r in con.execute("SELECT reference FROM requests").fetchall()}
    added: list[dict[str, Any]] = []
    rejected: list[tuple[int, str]] = []
    for item in imported:
        reference = item.reference or make_reference(prefix, item.authority_id)
        if item.authority_id not in authorities:
            rejected.append((item.line, f"no authority {item.authority_id!r} in the registry"))
        elif item.authority_id in existing:
            rejected.append((item.line, f"{item.authority_id} already has request "
                                        f"{existing[item.authority_id]['reference']}"))
        elif reference in taken:
            rejected.append((item.line, f"reference {reference} is already used"))
        else:
            taken.add(reference)
            existing[item.authority_id] = {"reference": reference}
            added.append({"reference": reference, "campaign_id": campaign_id,
                          "authority_id": item.authority_id, "status": "awaiting_response",
                          "sent_on": item.sent_on, "channel": item.channel, "url": item.url,
                          "regime": regime})
    insert(con, "requests", added)
    add_events(con, [{"request_reference": r["reference"], "kind": "sent",
                      "happened_at": datetime.combine(r["sent_on"], time(12), tzinfo=UTC),
                      "detail": f"imported ({r['channel']})"} for r in added])
    return [r["reference"] for r in added], rejected
