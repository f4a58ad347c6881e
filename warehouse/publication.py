"""Read-only queries behind a campaign's published tables (reports/exports.py shapes them)."""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse.db import WarehouseError, rows


def asked_rows(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """One v_requests row per authority asked, with the authority's registry tags."""
    return rows(con, """
        SELECT r.reference, r.authority_id, r.authority_name, r.nation, r.authority_kind,
               coalesce(au.tags, []) AS tags, r.status, r.sent_on, r.due_on, r.responded_on,
               r.working_days_late, r.clock, r.next_action
        FROM v_requests r LEFT JOIN authorities au ON au.id = r.authority_id
        WHERE r.campaign_id = ?
        ORDER BY r.authority_name, r.reference""", [campaign_id])


def answer_detail_rows(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """Every answer of the campaign with where it was read and who corrected it."""
    return rows(con, """
        SELECT request_reference AS reference, authority_id, authority_name, question_number,
               question_key, question_type, status, value, value_number, unit, sections,
               round(confidence, 2) AS confidence, needs_review, checked,
               document_filename AS document, page, snippet AS passage, reason, detail,
               overridden, override_reason, override_author
        FROM v_answers WHERE campaign_id = ?
        ORDER BY authority_name, request_reference, question_number""", [campaign_id])


def campaign_questions(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """The campaign's questions in letter order."""
    return rows(con, "SELECT number, key, text, type, choices, only_if FROM questions"
                     " WHERE campaign_id = ? ORDER BY number", [campaign_id])


def question_key(con: duckdb.DuckDBPyConnection, reference: str, question: str) -> str:
    """The key of a request's question given as its key or its 1-based number."""
    if not question.isdigit():
        return question
    row = con.execute(
        "SELECT q.key FROM requests r JOIN questions q ON q.campaign_id = r.campaign_id"
        " WHERE r.reference = ? AND q.number = ?", [reference, int(question)]).fetchone()
    if row is None:
        raise WarehouseError(f"no question {question} in request {reference!r}")
    return str(row[0])


def has_table_questions(con: duckdb.DuckDBPyConnection, campaign_id: str) -> bool:
    """Whether the campaign asks for data returns (a question of type table)."""
    return con.execute("SELECT count(*) FROM questions WHERE campaign_id = ? AND type = 'table'",
                       [campaign_id]).fetchone()[0] > 0


def table_answer_rows(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """Every figure of the campaign's data returns, tidy, with the cell it was read from."""
    return rows(con, """
        SELECT reference, authority_id, authority_name, question_number, question_key, period,
               category_code, category_label, category_as_sent, match, value, value_as_sent,
               suppressed, repeat, filename, sheet, cell, layout
        FROM v_table_answers WHERE campaign_id = ?
        ORDER BY authority_name, reference, question_number, filename, sheet, period,
                 category_code NULLS LAST, category_as_sent, cell""", [campaign_id])


def table_coverage_rows(con: duckdb.DuckDBPyConnection, campaign_id: str
                        ) -> list[dict[str, Any]]:
    """Per request and table question: periods, categories, suppressed cells and totals."""
    return rows(con, """
        SELECT c.reference, r.authority_id, c.authority_name, c.question_number,
               c.question_key, c.first_period, c.last_period, c.periods, c.figures,
               c.categories_matched, c.labels_unmatched, c.labels_own, c.suppressed, c.totals,
               c.totals_not_adding_up, c.complete
        FROM v_table_coverage c JOIN requests r ON r.reference = c.reference
        WHERE c.campaign_id = ?
        ORDER BY c.authority_name, c.reference, c.question_number""", [campaign_id])


def table_period_sums(con: duckdb.DuckDBPyConnection, campaign_id: str
                      ) -> list[dict[str, Any]]:
    """Per table question, period and code (NULL: not matched): the sum of the figures sent
    (repeats once), the suppressed cells and how many authorities sent any."""
    return rows(con, """
        SELECT question_key, period, category_code,
               coalesce(sum(value) FILTER (WHERE NOT suppressed), 0) AS total,
               count(*) FILTER (WHERE suppressed) AS suppressed,
               count(*) AS figures, list(DISTINCT reference ORDER BY reference) AS references
        FROM v_table_answers WHERE campaign_id = ? AND NOT repeat
        GROUP BY ALL ORDER BY question_key, period, category_code NULLS LAST""",
        [campaign_id])


def table_coverage_labels(con: duckdb.DuckDBPyConnection, campaign_id: str
                          ) -> dict[tuple[str, str], list[str]]:
    """The labels each request sent that match no code (v_table_coverage's labels_unmatched),
    by (reference, question key)."""
    return {(r[0], r[1]): r[2] for r in con.execute("""
        SELECT reference, question_key, list(DISTINCT category_as_sent ORDER BY category_as_sent)
        FROM v_table_answers WHERE campaign_id = ? AND category_code IS NULL AND NOT repeat
          AND match NOT IN ('mapping', 'free')
        GROUP BY ALL""", [campaign_id]).fetchall()}
