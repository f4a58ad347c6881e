"""What taking mail in from a mailbox needs to look up: stored copies, known problems, and a
request's addresses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.sql import rows


def stored_copies(con: duckdb.DuckDBPyConnection,
                  message_ids: Sequence[str | None]) -> list[tuple[str | None, str]]:
    """(Message-ID, raw path) of incoming messages with these Message-IDs; None stands for
    messages that have none."""
    ids = [m for m in message_ids if m is not None]
    found = con.execute(
        "SELECT message_id, raw_path FROM messages WHERE direction = 'incoming'"
        " AND (list_contains($ids, message_id) OR ($none AND message_id IS NULL))",
        {"ids": ids, "none": None in message_ids}).fetchall()
    return [(r[0], r[1]) for r in found]


def problem_known(con: duckdb.DuckDBPyConnection, stage: str, item: str) -> bool:
    """Whether this item's problem was recorded before (say it once, not every run)."""
    return con.execute("SELECT 1 FROM problems WHERE stage = ? AND item = ? LIMIT 1",
                       [stage, item]).fetchone() is not None


def request_addresses(con: duckdb.DuckDBPyConnection, reference: str) -> dict[str, Any] | None:
    """A request's letter Message-ID, the authority's address and the desk's address."""
    found = rows(con, """
        SELECT r.reference, r.message_id, coalesce(r.to_addr, a.email) AS authority_addr,
               a.name AS authority_name, c.sender_email AS desk_addr
        FROM requests r
        LEFT JOIN authorities a ON a.id = r.authority_id
        LEFT JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.reference = ?""", [reference])
    return found[0] if found else None
