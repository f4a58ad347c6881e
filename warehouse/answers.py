"""Answers extracted from replies, and people's overrides of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.db import WarehouseError, upsert


def save_answers(con: duckdb.DuckDBPyConnection, reference: str,
                 answers: Sequence[dict[str, Any]]) -> int:
    """Replace the extracted answers of one request (overrides are untouched)."""
    con.execute("DELETE FROM answers WHERE request_reference = ?", [reference])
    return upsert(con, "answers", [{**a, "request_reference": reference} for a in answers])


def add_override(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                 status: str, value: str | None, reason: str, author: str) -> None:
    """Record a person's correction of an answer; the latest one wins."""
    row = con.execute(
        "SELECT 1 FROM requests r JOIN questions q ON q.campaign_id = r.campaign_id"
        " WHERE r.reference = ? AND q.key = ?", [reference, question_key]).fetchone()
    if row is None:
        raise WarehouseError(f"no question {question_key!r} in request {reference!r}")
    con.execute(
        "INSERT INTO overrides (request_reference, question_key, status, value, reason, author)"
        " VALUES (?, ?, ?, ?, ?, ?)", [reference, question_key, status, value, reason, author])
