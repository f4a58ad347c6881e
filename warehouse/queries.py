"""Read-only queries behind the CLI tables and the published reports."""

from __future__ import annotations

from datetime import date
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
                  "working_days_late", "responded_on", "next_action", "error")


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


def request_clock(con: duckdb.DuckDBPyConnection, campaign_id: str,
                  as_of: date | None = None) -> list[dict[str, Any]]:
    """Each request's working days to reply, and working days late counted to `as_of`
    (the campaign's cut-off; today when None)."""
    return rows(con, """
        WITH r AS (
            SELECT *, CASE WHEN regime = 'foisa' THEN 'foisa' ELSE 'foia' END AS clock_regime,
                   coalesce(?::DATE, current_date) AS as_of
            FROM v_requests WHERE campaign_id = ?
        )
        SELECT r.reference, r.status, r.responded, r.open, r.sent_on, r.due_on,
               r.responded_on, r.as_of,
               CASE WHEN r.responded AND r.responded_on IS NOT NULL THEN rep.n - sent.n END
                   AS working_days_to_reply,
               CASE WHEN r.responded AND r.responded_on IS NOT NULL
                    THEN r.responded_on > r.due_on END AS replied_late,
               r.open AND r.clock_stopped_since IS NULL AND r.as_of > r.due_on AS overdue,
               CASE WHEN r.open AND r.clock_stopped_since IS NULL AND r.as_of > r.due_on
                    THEN upto.n - due.n END AS working_days_late
        FROM r
        LEFT JOIN working_days sent ON sent.regime = r.clock_regime AND sent.day = r.sent_on
        LEFT JOIN working_days rep ON rep.regime = r.clock_regime AND rep.day = r.responded_on
        LEFT JOIN working_days due ON due.regime = r.clock_regime AND due.day = r.due_on
        LEFT JOIN working_days upto ON upto.regime = r.clock_regime AND upto.day = r.as_of
        ORDER BY r.reference""", [as_of, campaign_id])


def refusal_sections(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """How many requests cited each exemption, in a refusal or against one answer."""
    return rows(con, """
        WITH cited AS (
            SELECT reference, unnest(sections) AS section FROM requests
            WHERE campaign_id = ? AND sections IS NOT NULL
            UNION ALL
            SELECT request_reference, unnest(sections) FROM v_answers
            WHERE campaign_id = ? AND sections IS NOT NULL
        )
        SELECT section, count(DISTINCT reference) AS requests FROM cited
        GROUP BY section ORDER BY requests DESC, section""", [campaign_id, campaign_id])


def method_figures(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, Any]:
    """Who was asked, when, and how the answers were read and checked."""
    sent = rows(con, """
        SELECT count(*) FILTER (WHERE sent_on IS NOT NULL) AS asked,
               min(sent_on) AS first_sent, max(sent_on) AS last_sent,
               count(*) FILTER (WHERE responded) AS responded
        FROM v_requests WHERE campaign_id = ?""", [campaign_id])[0]
    kinds = rows(con, """
        SELECT coalesce(authority_kind, 'unknown') AS kind, count(*) AS n FROM v_requests
        WHERE campaign_id = ? AND sent_on IS NOT NULL GROUP BY ALL ORDER BY n DESC, kind""",
                 [campaign_id])
    read = rows(con, """
        SELECT count(*) AS answers,
               count(*) FILTER (WHERE NOT overridden AND method IS NOT NULL) AS read_automatically,
               count(*) FILTER (WHERE overridden) AS corrected,
               count(*) FILTER (WHERE checked AND NOT overridden) AS checked,
               count(*) FILTER (WHERE needs_review) AS needs_review,
               mode(review_below) AS review_below
        FROM v_answers WHERE campaign_id = ?""", [campaign_id])[0]
    return {**sent, **read, "kinds": kinds}
