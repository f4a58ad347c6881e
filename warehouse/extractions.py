"""Which reader and which documents each request's answers came from, and whose are stale.

A request's answers depend on the reader version, the campaign's questions and the reply
documents read for it (which messages, which parts, when each was read); for a campaign with
`table` questions also on the table reader's version, the code lists, and a person's
corrections that touch this request: the label -> code mappings of labels it sent, and
"this file or sheet answers question N" for files it sent. Their fingerprint is kept per
request in `extractions`; a request is extracted again only when it changes:

    stale = stale_requests(con, "qof-local-schemes", READER_VERSION)
    ... extract stale.changed, replace their answers, then:
    record_extractions(con, [stale.inputs[r] for r in stale.changed], READER_VERSION)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from warehouse.db import upsert


@dataclass(frozen=True)
class ExtractionInputs:
    """What one request's answers are read from, and their fingerprint."""

    reference: str
    documents: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class StaleRequests:
    """A campaign's requests whose answers must be read again, or dropped."""

    changed: list[str]                   # new, or inputs changed since the last extraction
    gone: list[str]                      # extracted before, no reply document read now
    unchanged: int
    inputs: dict[str, ExtractionInputs]  # every request with reply documents read


def extraction_inputs(con: duckdb.DuckDBPyConnection, campaign_id: str, reader_version: str,
                      tables_version: str = "") -> dict[str, ExtractionInputs]:
    """Every replied request of the campaign with read reply documents, and its fingerprint."""
    # The order is the order reply_pages hands the pages to the reader.
    found = con.execute("""
        WITH q AS (
            SELECT coalesce(md5(string_agg(concat_ws(chr(31), number, key, text, type,
                                                     array_to_string(choices, chr(30))),
                                           chr(29) ORDER BY number)), '') AS questions,
                   CASE WHEN bool_or(type = 'table') THEN $tables ELSE '' END AS tables
            FROM questions WHERE campaign_id = $campaign
        ), codes AS (
            SELECT coalesce(md5(string_agg(concat_ws(chr(31), question_key, code, label),
                                           chr(29) ORDER BY question_key, code)), '') AS codes
            FROM code_lists WHERE campaign_id = $campaign
        ), mapped AS (   -- the mappings of the labels each request sent
            SELECT t.request_reference AS reference,
                   md5(string_agg(concat_ws(chr(31), m.question_key, m.label_key,
                                            coalesce(m.code, '-')), chr(29)
                                  ORDER BY m.question_key, m.label_key)) AS digest
            FROM (SELECT DISTINCT request_reference, question_key, category_key
                  FROM table_answers) t
            JOIN table_label_mappings m ON m.campaign_id = $campaign
             AND m.question_key = t.question_key AND m.label_key = t.category_key
            GROUP BY ALL
        ), told AS (     -- "this file or sheet answers question N" for files it sent
            SELECT m.request_reference AS reference,
                   md5(string_agg(DISTINCT concat_ws(chr(31), s.grid, s.question_key), chr(29)
                                  ORDER BY concat_ws(chr(31), s.grid, s.question_key)))
                       AS digest
            FROM table_sheet_questions s
            JOIN message_documents md
              ON md.filename = CASE WHEN contains(s.grid, '#')
                                    THEN left(s.grid, strpos(s.grid, '#') - 1) ELSE s.grid END
            JOIN messages m ON m.id = md.message_id
            WHERE s.campaign_id = $campaign
            GROUP BY ALL
        ), parts AS (
            SELECT m.request_reference AS reference, m.id AS message_id, md.part,
                   md.document_id, epoch_us(d.read_at) AS read_us,
                   coalesce(m.dated, m.received_at) AS arrived
            FROM messages m
            JOIN requests r ON r.reference = m.request_reference
            JOIN message_documents md ON md.message_id = m.id
            JOIN documents d ON d.id = md.document_id
            WHERE r.campaign_id = $campaign AND m.direction = 'incoming' AND m.kind = 'reply'
              AND d.page_count > 0
        )
        SELECT p.reference,
               list(p.document_id ORDER BY p.arrived, p.message_id, p.part),
               md5(concat_ws('|', $version, q.questions, string_agg(
                   concat_ws(':', p.message_id, p.part, p.document_id, p.read_us), ','
                   ORDER BY p.arrived, p.message_id, p.part))
                   || CASE WHEN q.tables = '' THEN '' ELSE concat_ws('|', '', q.tables,
                          codes.codes, coalesce(any_value(mapped.digest), ''),
                          coalesce(any_value(told.digest), '')) END)
        FROM parts p CROSS JOIN q CROSS JOIN codes
        LEFT JOIN mapped ON mapped.reference = p.reference
        LEFT JOIN told ON told.reference = p.reference
        GROUP BY p.reference, q.questions, q.tables, codes.codes""",
        {"campaign": campaign_id, "version": reader_version,
         "tables": tables_version or "tables"}).fetchall()
    return {ref: ExtractionInputs(ref, tuple(dict.fromkeys(docs)), fingerprint)
            for ref, docs, fingerprint in found}


def stale_requests(con: duckdb.DuckDBPyConnection, campaign_id: str, reader_version: str, *,
                   everything: bool = False, tables_version: str = "") -> StaleRequests:
    """The campaign's requests to extract again (all of them when `everything`)."""
    inputs = extraction_inputs(con, campaign_id, reader_version, tables_version)
    recorded = dict(con.execute(
        "SELECT e.request_reference, e.inputs FROM extractions e"
        " JOIN requests r ON r.reference = e.request_reference WHERE r.campaign_id = ?",
        [campaign_id]).fetchall())
    changed = sorted(ref for ref, i in inputs.items()
                     if everything or recorded.get(ref) != i.fingerprint)
    gone = sorted(ref for ref in recorded if ref not in inputs)
    return StaleRequests(changed, gone, len(inputs) - len(changed), inputs)


def record_extractions(con: duckdb.DuckDBPyConnection, done: Sequence[ExtractionInputs],
                       reader_version: str) -> None:
    """Remember what these requests' answers were just read from."""
    upsert(con, "extractions", [
        {"request_reference": i.reference, "reader_version": reader_version,
         "documents": list(i.documents), "inputs": i.fingerprint} for i in done])


def forget_extractions(con: duckdb.DuckDBPyConnection, references: Sequence[str]) -> None:
    """Drop the records (and answers) of requests with nothing left to read them from."""
    if references:
        con.execute("DELETE FROM extractions WHERE list_contains(?, request_reference)",
                    [list(references)])
        con.execute("DELETE FROM answers WHERE list_contains(?, request_reference)",
                    [list(references)])
