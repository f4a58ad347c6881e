"""What the review desk reads from the warehouse: the queue, its progress, the summary, a reply."""

from __future__ import annotations

from typing import Any, Literal

import duckdb

from warehouse.db import rows

Order = Literal["confidence", "question"]
ORDERS: tuple[Order, ...] = ("confidence", "question")

# The reading was doubtful, whatever a person did since: v_answers.needs_review before checks.
_DOUBTFUL = """coalesce(a.confidence < coalesce(a.review_below, 0.6) OR a.status = 'unclear'
    OR (a.status IN ('answered', 'partly') AND a.value IS NULL), false)"""

_SKIPPED = """LEFT JOIN (SELECT DISTINCT request_reference, question_key FROM review_marks
                   WHERE mark = 'skipped') s
    ON s.request_reference = v.request_reference AND s.question_key = v.question_key"""

_ORDER_BY: dict[Order, str] = {
    "confidence": "v.confidence NULLS FIRST, v.request_reference, v.question_number",
    "question": "v.question_number, v.confidence NULLS FIRST, v.request_reference",
}

_QUEUE_SQL = """
    SELECT v.request_reference AS reference, v.authority_name AS authority, v.question_number,
           v.question_key, q.text AS question, q.type AS question_type, q.choices, v.status,
           v.value, v.sections, round(v.confidence, 2) AS confidence, v.reason, v.detail,
           v.document_id, v.document_filename AS document, v.page, v.snippet AS passage,
           d.media_type, d.kind, s.request_reference IS NOT NULL AS skipped
    FROM v_answers v
    JOIN questions q ON q.campaign_id = v.campaign_id AND q.key = v.question_key
    LEFT JOIN documents d ON d.id = v.document_id
    {skipped}
    WHERE v.campaign_id = ? AND v.needs_review
    ORDER BY skipped, {order}"""

_PROGRESS_SQL = f"""
    SELECT count(*) FILTER (WHERE {_DOUBTFUL})                                   AS total,
           count(*) FILTER (WHERE {_DOUBTFUL} AND (v.checked OR v.overridden))   AS checked,
           count(*) FILTER (WHERE v.needs_review)                                AS waiting,
           count(*) FILTER (WHERE v.needs_review AND s.request_reference IS NOT NULL) AS skipped
    FROM v_answers v
    LEFT JOIN answers a ON a.request_reference = v.request_reference
                       AND a.question_key = v.question_key
    {_SKIPPED}
    WHERE v.campaign_id = ?"""

_QUESTIONS_SQL = f"""
    SELECT q.number, q.key, q.text, q.type,
           count(v.request_reference)                                            AS answers,
           count(*) FILTER (WHERE NOT {_DOUBTFUL} AND NOT v.overridden AND NOT v.checked)
                                                                                 AS read_sure,
           count(*) FILTER (WHERE v.checked AND NOT v.overridden)                AS accepted,
           count(*) FILTER (WHERE v.overridden)                                  AS corrected,
           count(*) FILTER (WHERE v.needs_review)                                AS waiting
    FROM questions q
    LEFT JOIN v_answers v ON v.campaign_id = q.campaign_id AND v.question_key = q.key
    LEFT JOIN answers a ON a.request_reference = v.request_reference
                       AND a.question_key = v.question_key
    WHERE q.campaign_id = ?
    GROUP BY ALL ORDER BY q.number"""

_AUTHORITIES_SQL = """
    SELECT r.reference, r.authority_name AS authority, r.status, r.replies, r.responded_on,
           coalesce(w.waiting, 0) AS waiting, coalesce(w.corrected, 0) AS corrected
    FROM v_requests r
    LEFT JOIN (SELECT request_reference, count(*) FILTER (WHERE needs_review) AS waiting,
                      count(*) FILTER (WHERE overridden) AS corrected
               FROM v_answers GROUP BY 1) w ON w.request_reference = r.reference
    WHERE r.campaign_id = ?
    ORDER BY r.replies = 0, r.authority_name, r.reference"""

_DOCUMENTS_SQL = """
    SELECT m.request_reference AS reference, m.id AS message_id, md.part, md.document_id,
           coalesce(md.filename, CASE WHEN md.part = 0 THEN 'message body' END, 'attachment')
                                                                          AS filename,
           d.kind, d.media_type, d.status, d.error, d.store_path,
           coalesce(d.page_count, (SELECT count(*) FROM document_pages p
                                   WHERE p.document_id = d.id))           AS pages
    FROM messages m
    JOIN message_documents md ON md.message_id = m.id
    JOIN documents d ON d.id = md.document_id
    JOIN requests r ON r.reference = m.request_reference
    WHERE r.campaign_id = ? AND m.direction = 'incoming' {only}
    ORDER BY m.request_reference, coalesce(m.dated, m.received_at), m.id, md.part"""

_MESSAGES_SQL = """
    SELECT m.id, m.kind, m.subject, m.from_addr, coalesce(m.dated, m.received_at) AS dated,
           substr(m.body_text, 1, ?) AS body_text, length(m.body_text) AS body_chars, m.problems
    FROM messages m JOIN requests r ON r.reference = m.request_reference
    WHERE r.campaign_id = ? AND m.request_reference = ? AND m.direction = 'incoming'
    ORDER BY coalesce(m.dated, m.received_at), m.id"""

_DOCUMENT_SQL = """
    SELECT DISTINCT d.id, d.media_type, d.store_path, d.kind, d.page_count
    FROM documents d JOIN message_documents md ON md.document_id = d.id
    JOIN messages m ON m.id = md.message_id JOIN requests r ON r.reference = m.request_reference
    WHERE d.id = ? AND r.campaign_id = ?"""


def queue(con: duckdb.DuckDBPyConnection, campaign: str, order: Order = "confidence"
          ) -> list[dict[str, Any]]:
    """The answers waiting for a person, skipped ones last, in the desk's order."""
    sql = _QUEUE_SQL.format(skipped=_SKIPPED, order=_ORDER_BY[order])
    return rows(con, sql, [campaign])


def progress(con: duckdb.DuckDBPyConnection, campaign: str) -> dict[str, int]:
    """Doubtful readings in all (total), those a person checked or corrected, those waiting."""
    return rows(con, _PROGRESS_SQL, [campaign])[0]


def question_summary(con: duckdb.DuckDBPyConnection, campaign: str) -> list[dict[str, Any]]:
    """Per question: answers read surely, accepted and corrected by a person, and waiting."""
    return rows(con, _QUESTIONS_SQL, [campaign])


def authority_summary(con: duckdb.DuckDBPyConnection, campaign: str) -> list[dict[str, Any]]:
    """Per request: the authority, the reply's outcome (the request's status), its documents."""
    found = rows(con, _AUTHORITIES_SQL, [campaign])
    documents = reply_documents(con, campaign)
    for request in found:
        request["documents"] = documents.get(request["reference"], [])
    return found


def reply_documents(con: duckdb.DuckDBPyConnection, campaign: str, reference: str | None = None
                    ) -> dict[str, list[dict[str, Any]]]:
    """The documents of each reply (message bodies and attachments), by request reference."""
    only, params = ("AND m.request_reference = ?", [campaign, reference]) if reference else (
        "", [campaign])
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows(con, _DOCUMENTS_SQL.format(only=only), params):
        found.setdefault(row["reference"], []).append(row)
    return found


def reply_messages(con: duckdb.DuckDBPyConnection, campaign: str, reference: str,
                   chars: int = 200_000) -> list[dict[str, Any]]:
    """The incoming messages of one request, oldest first, each body's first `chars`
    characters (body_chars says how many it has)."""
    return rows(con, _MESSAGES_SQL, [chars, campaign, reference])


def document(con: duckdb.DuckDBPyConnection, campaign: str, document_id: str
             ) -> dict[str, Any] | None:
    """One document of a reply to this campaign (None for any other document)."""
    found = rows(con, _DOCUMENT_SQL, [document_id, campaign])
    return found[0] if found else None


def page_text(con: duckdb.DuckDBPyConnection, document_id: str, number: int,
              chars: int | None = None) -> str | None:
    """The stored text of one page of a document (its first `chars` characters when given)."""
    row = con.execute("SELECT substr(text, 1, coalesce(?, length(text))) FROM document_pages"
                      " WHERE document_id = ? AND page = ?", [chars, document_id, number]
                      ).fetchone()
    return None if row is None else row[0]


def page_names(con: duckdb.DuckDBPyConnection, document_id: str) -> dict[int, str]:
    """The sheet name of each stored page of a spreadsheet ("[Sheet: CPA]"), by page number."""
    found = con.execute(
        "SELECT page, regexp_extract(text, '^\\[Sheet: ([^\\]\\n]*)\\]', 1) FROM document_pages"
        " WHERE document_id = ? ORDER BY page", [document_id]).fetchall()
    return {page: name for page, name in found if name}


def is_answer_of(con: duckdb.DuckDBPyConnection, campaign: str, reference: str,
                 question_key: str) -> bool:
    """Whether a request of this campaign has this question (so an answer to correct)."""
    return con.execute(
        "SELECT 1 FROM requests r JOIN questions q ON q.campaign_id = r.campaign_id"
        " WHERE r.campaign_id = ? AND r.reference = ? AND q.key = ?",
        [campaign, reference, question_key]).fetchone() is not None


def is_label_of(con: duckdb.DuckDBPyConnection, campaign: str, label: str) -> bool:
    """Whether a data return of this campaign wrote this label."""
    return con.execute("SELECT 1 FROM v_table_answers WHERE campaign_id = ? AND"
                       " category_as_sent = ? LIMIT 1", [campaign, label]).fetchone() is not None


def is_grid_of(con: duckdb.DuckDBPyConnection, campaign: str, grid: str) -> bool:
    """Whether a file or sheet ('file#sheet') of this campaign's data returns was not read."""
    return con.execute(
        "SELECT 1 FROM table_problems p JOIN requests r ON r.reference = p.request_reference"
        " WHERE r.campaign_id = ? AND p.filename || CASE WHEN coalesce(p.sheet, '') = ''"
        " THEN '' ELSE '#' || p.sheet END = ? LIMIT 1",
        [campaign, grid]).fetchone() is not None


def is_pdf(found: dict[str, Any]) -> bool:
    """Whether a document can be shown as page images."""
    return found.get("media_type") == "application/pdf" or found.get("kind") == "pdf" or str(
        found.get("store_path", "")).lower().endswith(".pdf")


def table_review(con: duckdb.DuckDBPyConnection, campaign: str) -> dict[str, Any]:
    """The data returns' labels with no code, tables not read and totals that disagree, with
    each table question's code list and the mappings people made that wait for a re-reading."""
    from extract.tables.codes import normalise
    from warehouse.data_returns import code_list, tables_to_review

    found = tables_to_review(con, campaign)
    questions = rows(con, "SELECT number, key, text FROM questions WHERE campaign_id = ? AND"
                          " type = 'table' ORDER BY number", [campaign])
    codes = {q["key"]: code_list(con, campaign, q["key"]) for q in questions}
    mapped = {(m["question_key"], m["label_key"]): m for m in rows(
        con, "SELECT question_key, label_key, code, author FROM table_label_mappings WHERE"
             " campaign_id = ?", [campaign])}
    grouped: dict[str, dict[str, Any]] = {}   # one decision per label, whatever the question
    for label in found["labels"]:
        key = normalise(label["label"])
        row = grouped.setdefault(key, {"label": label["label"], "questions": [], "figures": 0,
                                       "authorities": 0, "example_file": label["example_file"],
                                       "mapping": None})
        row["questions"].append((label["question_key"], label["authorities"]))
        row["figures"] += label["figures"]
        row["authorities"] = max(row["authorities"], label["authorities"])
        row["mapping"] = row["mapping"] or mapped.get((label["question_key"], key))
    labels = sorted(grouped.values(), key=lambda r: (-r["authorities"], -r["figures"],
                                                     r["label"]))
    return {**found, "labels": labels, "questions": questions, "codes": codes}


def has_tables(con: duckdb.DuckDBPyConnection, campaign: str) -> bool:
    """Whether the campaign asks any `table` question."""
    row = con.execute("SELECT count(*) FROM questions WHERE campaign_id = ? AND type = 'table'",
                      [campaign]).fetchone()
    return bool(row and row[0])
