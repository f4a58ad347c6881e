"""Messages, the documents they carry, and the text read from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from foi.mail.incoming import IncomingMessage
from foi.mail.matching import KnownRequest
from foi.statuses import EXPECTING_MAIL
from warehouse.db import rows, upsert


def known_requests(con: duckdb.DuckDBPyConnection) -> list[KnownRequest]:
    """Every request with the Message-IDs of the letters sent for it."""
    out = []
    for r in rows(con, """
        SELECT r.reference, r.to_addr, r.status,
               list(DISTINCT m.message_id) FILTER (WHERE m.message_id IS NOT NULL) AS sent_ids,
               r.message_id
        FROM requests r
        LEFT JOIN messages m ON m.request_reference = r.reference AND m.direction = 'outgoing'
        GROUP BY ALL"""):
        ids = tuple({*(r["sent_ids"] or ()), *([r["message_id"]] if r["message_id"] else [])})
        out.append(KnownRequest(r["reference"], ids, r["to_addr"] or "",
                                r["status"] in EXPECTING_MAIL))
    return out


def has_message(con: duckdb.DuckDBPyConnection, message_sha: str) -> bool:
    """Whether these exact bytes were ingested before."""
    return con.execute("SELECT 1 FROM messages WHERE id = ?", [message_sha]).fetchone() is not None


def stored_messages(con: duckdb.DuckDBPyConnection, message_shas: Sequence[str]) -> set[str]:
    """Those of these messages (by sha256) that were ingested before: one query a group."""
    if not message_shas:
        return set()
    return {r[0] for r in con.execute(
        "SELECT id FROM messages WHERE id IN (SELECT unnest(?))", [list(message_shas)]
    ).fetchall()}


def save_message(con: duckdb.DuckDBPyConnection, message: dict[str, Any]) -> None:
    """Store one message row (raw bytes are already in the store); stored once, by sha256."""
    # OR IGNORE, not OR REPLACE: a few ms less on every letter sent, and a message's
    # bytes, hence its row, never change
    con.execute("INSERT OR IGNORE INTO messages BY NAME SELECT unnest(r)"
                " FROM (SELECT unnest($rows) AS r)", {"rows": [message]})


def save_messages(con: duckdb.DuckDBPyConnection, messages: Sequence[dict[str, Any]]) -> None:
    """Store message rows in one statement (raw bytes are already in the store)."""
    upsert(con, "messages", messages)


def save_documents(
    con: duckdb.DuckDBPyConnection, documents: Sequence[dict[str, Any]],
    links: Sequence[dict[str, Any]],
) -> None:
    """Store documents once by sha256 (a known one keeps its reading: the primary key
    turns it away) and link them to their message."""
    new = list({d["id"]: d for d in documents}.values())
    if new:
        con.execute("INSERT OR IGNORE INTO documents BY NAME SELECT unnest(r)"
                    " FROM (SELECT unnest($rows) AS r)", {"rows": new})
    upsert(con, "message_documents", links)


def assign_message(con: duckdb.DuckDBPyConnection, message_sha: str, reference: str,
                   method: str) -> None:
    """Take a message out of the holding pen and give it to a request."""
    con.execute("UPDATE messages SET request_reference = ?, match_method = ? WHERE id = ?",
                [reference, method, message_sha])


def stored_message(con: duckdb.DuckDBPyConnection, message_sha: str) -> IncomingMessage:
    """An incoming message as ingest read it (headers and body; attachments are documents)."""
    r = rows(con, "SELECT * FROM messages WHERE id = ?", [message_sha])[0]
    return IncomingMessage(
        message_id=r["message_id"], in_reply_to=tuple((r["in_reply_to"] or "").split()),
        subject=r["subject"] or "", from_addr=r["from_addr"] or "",
        to_addrs=tuple(a for a in (r["to_addr"] or "").split(", ") if a), dated=r["dated"],
        kind=r["kind"], body_text=r["body_text"] or "", attachments=(),
        problems=tuple(r["problems"] or ()), evidence=r["kind_evidence"] or "",
        case_reference=r["case_reference"], until=r["until_on"])


def holding_pen(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Incoming messages not matched to any request."""
    return rows(con, "SELECT id, subject, from_addr, dated, kind, source FROM messages"
                     " WHERE direction = 'incoming' AND request_reference IS NULL"
                     " ORDER BY received_at")


def documents_to_read(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Documents not read yet, with a filename they arrived under."""
    return rows(con, """
        SELECT d.id, d.media_type, d.store_path, min(md.filename) AS filename
        FROM documents d LEFT JOIN message_documents md ON md.document_id = d.id
        WHERE d.status = 'pending' GROUP BY ALL ORDER BY d.id""")


def save_reading(con: duckdb.DuckDBPyConnection, document_id: str, *, kind: str, status: str,
                 error: str | None, pages: Sequence[str], ocr: Sequence[bool] = ()) -> None:
    """Store what reading a document gave: its status, the text of each page and whether
    the page was read by OCR."""
    con.execute(
        "UPDATE documents SET kind = ?, status = ?, error = ?, page_count = ?,"
        " read_at = current_timestamp WHERE id = ?",
        [kind, status, error, len(pages), document_id])
    con.execute("DELETE FROM document_pages WHERE document_id = ?", [document_id])
    upsert(con, "document_pages", [
        {"document_id": document_id, "page": n, "text": text,
         "ocr": n <= len(ocr) and bool(ocr[n - 1])}
        for n, text in enumerate(pages, start=1)
    ])


def still_pending(con: duckdb.DuckDBPyConnection, document_ids: Sequence[str]) -> set[str]:
    """Those of these documents that no one has stored a reading of yet."""
    if not document_ids:
        return set()
    return {r[0] for r in con.execute(
        "SELECT id FROM documents WHERE status = 'pending' AND list_contains(?, id)",
        [list(document_ids)]).fetchall()}


def reply_pages(con: duckdb.DuckDBPyConnection, campaign_id: str,
                references: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Page texts of every reply to the campaign's requests (or to these), in arrival order."""
    return rows(con, """
        SELECT m.request_reference AS reference, m.id AS message_sha, m.kind,
               md.part, md.filename, d.kind AS document_kind, md.document_id, p.page, p.text,
               p.ocr
        FROM messages m
        JOIN requests r ON r.reference = m.request_reference
        JOIN message_documents md ON md.message_id = m.id
        JOIN documents d ON d.id = md.document_id
        JOIN document_pages p ON p.document_id = md.document_id
        WHERE r.campaign_id = $campaign AND m.direction = 'incoming' AND m.kind = 'reply'
          AND ($references IS NULL OR list_contains($references, m.request_reference))
        ORDER BY m.request_reference, coalesce(m.dated, m.received_at), m.id, md.part, p.page""",
        {"campaign": campaign_id, "references": None if references is None else list(references)})
