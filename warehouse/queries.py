"""Read-only queries behind the CLI tables and the published reports."""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse.db import rows


def campaign_info(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, Any]:
    """The campaign row with request counts by status."""
    info = rows(con, "SELECT * EXCLUDE (definition) FROM campaigns WHERE id = ?", [campaign_id])
    if not info:
        raise KeyError(campaign_id)
    counts = dict(con.execute(
        "SELECT status, count(*) FROM requests WHERE campaign_id = ? GROUP BY status",
        [campaign_id]).fetchall())
    return {**info[0], "status_counts": counts}


def question_summary(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """v_campaign_summary rows, plus how many responders the only_if condition admits."""
    summary = rows(con, "SELECT * FROM v_campaign_summary WHERE campaign_id = ?"
                        " ORDER BY question_number", [campaign_id])
    eligible = dict(con.execute("""
        SELECT q.key, count(a.request_reference)
        FROM questions q
        JOIN v_answers a ON a.campaign_id = q.campaign_id AND a.question_key = q.only_if
        WHERE q.campaign_id = ? AND a.status = 'answered' AND a.value = 'yes'
        GROUP BY q.key""", [campaign_id]).fetchall())
    for row in summary:
        row["eligible"] = eligible.get(row["question_key"], 0) if row["only_if"] else None
    return summary


STATUS_COLUMNS = ("reference", "authority_name", "status", "sent_on", "due_on", "clock",
                  "working_days_late", "responded_on", "next_action")


def request_rows(con: duckdb.DuckDBPyConnection, campaign_id: str,
                 statuses: tuple[str, ...] = (), *, overdue_only: bool = False,
                 columns: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """v_requests rows of a campaign (all columns, or the named ones), by authority name."""
    # Naming columns matters at scale: turning 35 columns of 100k rows (time zones, lists)
    # into Python objects costs seconds; the query itself costs tens of milliseconds.
    picked = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    sql = f"SELECT {picked} FROM v_requests WHERE campaign_id = ?"
    params: list[Any] = [campaign_id]
    if overdue_only:
        sql += " AND overdue"
    if statuses:
        sql += " AND list_contains(?, status)"
        params.append(list(statuses))
    return rows(con, sql + " ORDER BY authority_name", params)


def answer_rows(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """v_answers rows of a campaign."""
    return rows(con, "SELECT * FROM v_answers WHERE campaign_id = ?"
                     " ORDER BY authority_name, question_number", [campaign_id])


def review_queue(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """The campaign's answers waiting for a person, with why and where they were read."""
    return rows(con, """
        SELECT a.request_reference AS reference, a.authority_name AS authority,
               a.question_number, a.question_key, q.text AS question, a.status, a.value,
               a.sections, round(a.confidence, 2) AS confidence, a.reason, a.detail,
               a.document_filename AS document, a.page, a.snippet AS passage
        FROM v_answers a JOIN questions q ON q.campaign_id = a.campaign_id
                                         AND q.key = a.question_key
        WHERE a.campaign_id = ? AND a.needs_review
        ORDER BY a.request_reference, a.question_number""", [campaign_id])
