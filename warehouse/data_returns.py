"""Data returns in the warehouse: code lists, tidy figures, totals, and people's corrections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.db import WarehouseError, insert, rows, upsert


def save_code_list(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str,
                   codes: Sequence[tuple[str, str]]) -> None:
    """Store (replace) a table question's code list."""
    con.execute("DELETE FROM code_lists WHERE campaign_id = ? AND question_key = ?",
                [campaign_id, question_key])
    upsert(con, "code_lists", [{"campaign_id": campaign_id, "question_key": question_key,
                                "code": c, "label": label, "position": n}
                               for n, (c, label) in enumerate(codes)])


def code_list(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str
              ) -> list[tuple[str, str]]:
    """(code, label) of a table question's code list, in the order of its file."""
    return [tuple(r) for r in con.execute(
        "SELECT code, label FROM code_lists WHERE campaign_id = ? AND question_key = ?"
        " ORDER BY position NULLS LAST, code", [campaign_id, question_key]).fetchall()]


def replace_table_reading(con: duckdb.DuckDBPyConnection, reference: str,
                          cells: Sequence[dict[str, Any]], totals: Sequence[dict[str, Any]],
                          problems: Sequence[dict[str, Any]],
                          records: Sequence[dict[str, Any]] = ()) -> int:
    """Replace everything read from one request's tables; the number of figures stored."""
    for table in ("table_answers", "table_totals", "table_problems", "table_records"):
        con.execute(f"DELETE FROM {table} WHERE request_reference = ?", [reference])
    for table, found in (("table_answers", cells), ("table_totals", totals),
                         ("table_problems", problems), ("table_records", records)):
        insert(con, table, [{"request_reference": reference, **r} for r in found])
    return len(cells)


def label_mappings(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str
                   ) -> dict[str, str]:
    """A person's label -> code mappings for one question ('' for the authority's own)."""
    return {r[0]: r[1] or "" for r in con.execute(
        "SELECT label, code FROM table_label_mappings WHERE campaign_id = ? AND"
        " question_key = ?", [campaign_id, question_key]).fetchall()}


def map_label(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str | None,
              label: str, code: str | None, author: str, *, label_key: str) -> int:
    """Record that a label means a code (None: a category of the authority's own), for one
    table question or all of them; the number of questions it was recorded for. `label_key`
    is the label compared by its words, as table_answers.category_key holds it."""
    keys = [r[0] for r in con.execute(
        "SELECT key FROM questions WHERE campaign_id = ? AND type = 'table'"
        " AND (? IS NULL OR key = ?) ORDER BY number",
        [campaign_id, question_key, question_key]).fetchall()]
    if not keys:
        raise WarehouseError(f"campaign {campaign_id!r} has no table question"
                             + (f" {question_key!r}" if question_key else ""))
    for key in keys:
        if code is not None and code not in {c for c, _ in code_list(con, campaign_id, key)}:
            raise WarehouseError(f"{code!r} is not a code of question {key!r}'s code list")
        con.execute("DELETE FROM table_label_mappings WHERE campaign_id = ? AND"
                    " question_key = ? AND (lower(label) = lower(?) OR label_key = ?)",
                    [campaign_id, key, label, label_key])
        con.execute("INSERT INTO table_label_mappings (campaign_id, question_key, label, code,"
                    " author, label_key) VALUES (?, ?, ?, ?, ?, ?)",
                    [campaign_id, key, label, code, author, label_key])
    return len(keys)


def name_labels(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str,
                dimension: str, labels: list[str], name: str, author: str) -> int:
    """Record one name for labels kept as sent (exactly as sent) of a table question's
    dimension ('' for its categories); how many labels were named."""
    found = con.execute("SELECT type FROM questions WHERE campaign_id = ? AND key = ?",
                        [campaign_id, question_key]).fetchone()
    if found is None or found[0] != "table":
        raise WarehouseError(f"campaign {campaign_id!r} has no table question {question_key!r}")
    sent = {r[0] for r in con.execute(
        "SELECT DISTINCT category_as_sent FROM v_table_answers WHERE campaign_id = ? AND"
        " question_key = ? AND dimension = ? AND match = 'free'",
        [campaign_id, question_key, dimension]).fetchall()}
    unknown = [label for label in labels if label not in sent]
    if unknown:
        raise WarehouseError(f"no body sent {', '.join(map(repr, unknown))} as a label kept as "
                             f"sent of {question_key!r}"
                             + (f" ({dimension})" if dimension else ""))
    for label in labels:
        con.execute("INSERT OR REPLACE INTO table_label_names (campaign_id, question_key,"
                    " dimension, label, name, author) VALUES (?, ?, ?, ?, ?, ?)",
                    [campaign_id, question_key, dimension, label, name, author])
    return len(labels)


def sheet_questions(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, str]:
    """A person's 'this file or sheet answers question …' ('file#sheet' -> question key)."""
    return dict(con.execute("SELECT grid, question_key FROM table_sheet_questions"
                            " WHERE campaign_id = ?", [campaign_id]).fetchall())


def set_sheet_question(con: duckdb.DuckDBPyConnection, campaign_id: str, grid: str,
                       question_key: str, author: str) -> None:
    """Record which question a file or sheet ('file#sheet') answers."""
    found = con.execute("SELECT type FROM questions WHERE campaign_id = ? AND key = ?",
                        [campaign_id, question_key]).fetchone()
    if found is None or found[0] != "table":
        raise WarehouseError(f"campaign {campaign_id!r} has no table question {question_key!r}")
    con.execute("DELETE FROM table_sheet_questions WHERE campaign_id = ? AND grid = ?",
                [campaign_id, grid])
    con.execute("INSERT INTO table_sheet_questions (campaign_id, grid, question_key, author)"
                " VALUES (?, ?, ?, ?)", [campaign_id, grid, question_key, author])


def tables_to_review(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, list]:
    """What waits for a person: unmatched labels (with how many authorities wrote each),
    layouts not read, totals that do not add up, and the labels kept as sent (free)."""
    labels = rows(con, """
        SELECT question_key, category_as_sent AS label, count(DISTINCT reference) AS authorities,
               count(*) AS figures, min(filename) AS example_file
        FROM v_table_answers WHERE campaign_id = ? AND category_code IS NULL
          AND match NOT IN ('mapping', 'free') AND NOT repeat
        GROUP BY ALL ORDER BY authorities DESC, figures DESC, label""", [campaign_id])
    problems = rows(con, """
        SELECT p.request_reference AS reference, p.filename, p.sheet, p.kind, p.detail
        FROM table_problems p JOIN requests r ON r.reference = p.request_reference
        WHERE r.campaign_id = ? ORDER BY 1, 2, 3""", [campaign_id])
    totals = rows(con, """
        SELECT t.request_reference AS reference, t.question_key, t.period,
               t.label_as_sent AS label, t.value, t.parts, t.suppressed_parts, t.filename,
               t.sheet, t.cell
        FROM table_totals t JOIN requests r ON r.reference = t.request_reference
        WHERE r.campaign_id = ? AND t.adds_up = false ORDER BY 1, 2, 3, 8, 9""", [campaign_id])
    free = rows(con, """
        SELECT question_key, dimension, category_as_sent AS label, category_name AS name,
               count(DISTINCT reference) AS authorities, count(*) AS figures
        FROM v_table_answers WHERE campaign_id = ? AND match = 'free' AND NOT repeat
        GROUP BY ALL ORDER BY question_key, dimension, authorities DESC, label""", [campaign_id])
    return {"labels": labels, "problems": problems, "totals": totals, "free": free}


def table_documents(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict[str, Any]]:
    """Every document of every reply to the campaign, with where its bytes are stored."""
    return rows(con, """
        SELECT m.request_reference AS reference, d.id AS document_id, d.store_path,
               md.filename
        FROM messages m
        JOIN requests r ON r.reference = m.request_reference
        JOIN message_documents md ON md.message_id = m.id AND md.part > 0
        JOIN documents d ON d.id = md.document_id
        WHERE r.campaign_id = ? AND m.direction = 'incoming' AND m.kind = 'reply'
        ORDER BY m.request_reference, coalesce(m.dated, m.received_at), m.id, md.part""",
        [campaign_id])
