"""Answers extracted from replies, and people's overrides and checks of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from foi.corrections import ANSWER_STATUSES
from warehouse.db import WarehouseError, upsert


def save_answers(con: duckdb.DuckDBPyConnection, reference: str,
                 answers: Sequence[dict[str, Any]]) -> int:
    """Replace the extracted answers of one request (overrides are untouched)."""
    return replace_answers(con, [reference],
                           [{**a, "request_reference": reference} for a in answers])


def replace_answers(con: duckdb.DuckDBPyConnection, references: Sequence[str],
                    answers: Sequence[dict[str, Any]]) -> int:
    """Replace the extracted answers of these requests in bulk (each row names its request)."""
    if references:
        con.execute("DELETE FROM answers WHERE list_contains(?, request_reference)",
                    [list(references)])
    return upsert(con, "answers", answers)


def question_of(con: duckdb.DuckDBPyConnection, reference: str, question_key: str
                ) -> tuple[str, tuple[str, ...]]:
    """The type and choices of one question of a request."""
    row = con.execute(
        "SELECT q.type, q.choices FROM requests r JOIN questions q ON q.campaign_id = r.campaign_id"
        " WHERE r.reference = ? AND q.key = ?", [reference, question_key]).fetchone()
    if row is None:
        raise WarehouseError(f"no question {question_key!r} in request {reference!r}")
    return row[0], tuple(row[1] or ())


def _check_question(con: duckdb.DuckDBPyConnection, reference: str, question_key: str) -> None:
    question_of(con, reference, question_key)


def add_override(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                 status: str, value: str | None, reason: str, author: str,
                 sections: Sequence[str] | None = None) -> None:
    """Record a person's correction of an answer; the latest one wins."""
    if status not in ANSWER_STATUSES:
        raise WarehouseError(f"status {status!r}: use {', '.join(ANSWER_STATUSES)}")
    _check_question(con, reference, question_key)
    con.execute(
        "INSERT INTO overrides (request_reference, question_key, status, value, reason, author,"
        " sections) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [reference, question_key, status, value, reason, author,
         None if sections is None else list(sections)])


def has_override(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                 status: str, value: str | None, sections: Sequence[str] | None = None) -> bool:
    """Whether this correction (status, value, sections) was recorded before, by anyone."""
    return con.execute(
        "SELECT 1 FROM overrides WHERE request_reference = ? AND question_key = ?"
        " AND status = ? AND value IS NOT DISTINCT FROM ? AND sections IS NOT DISTINCT FROM ?",
        [reference, question_key, status, value,
         None if sections is None else list(sections)]).fetchone() is not None


def check_answer(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                 status: str, value: str | None, note: str | None, author: str) -> bool:
    """Mark the extracted answer (this status and value) as checked by a person; False if it
    was already."""
    _check_question(con, reference, question_key)
    answer = con.execute("SELECT status, value FROM answers WHERE request_reference = ?"
                         " AND question_key = ?", [reference, question_key]).fetchone()
    if answer is None or tuple(answer) != (status, value):
        raise WarehouseError(f"{reference} {question_key}: the answer read is no longer "
                             f"{status} {value or ''}".rstrip())
    if con.execute("SELECT 1 FROM answer_checks WHERE request_reference = ? AND question_key = ?"
                   " AND status = ? AND value IS NOT DISTINCT FROM ?",
                   [reference, question_key, status, value]).fetchone():
        return False
    con.execute("INSERT INTO answer_checks (request_reference, question_key, status, value,"
                " note, author) VALUES (?, ?, ?, ?, ?, ?)",
                [reference, question_key, status, value, note, author])
    return True


def mark_skipped(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                 author: str) -> None:
    """Put an answer aside in the review queue (until the marks are cleared)."""
    _check_question(con, reference, question_key)
    con.execute("INSERT INTO review_marks (request_reference, question_key, mark, author)"
                " VALUES (?, ?, 'skipped', ?)", [reference, question_key, author])


def clear_skipped(con: duckdb.DuckDBPyConnection, campaign_id: str) -> int:
    """Bring a campaign's skipped answers back into its review queue; how many marks went."""
    found = con.execute(
        "DELETE FROM review_marks WHERE mark = 'skipped' AND request_reference IN"
        " (SELECT reference FROM requests WHERE campaign_id = ?) RETURNING id",
        [campaign_id]).fetchall()
    return len(found)
