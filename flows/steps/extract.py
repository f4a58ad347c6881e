"""Reading the replies' documents and turning them into answers and request outcomes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from extract.answers import PageText, QuestionSpec, extract_answers
from extract.documents import DocumentText
from extract.isolation import ReadJob, read_documents_isolated
from extract.outcomes import classify_reply
from flows.steps.ingest import rematch
from foi.mail.incoming import read_message
from foi.mail.matching import match_message
from foi.statuses import EventError, status_after
from foi.workspace import Workspace
from warehouse.answers import save_answers
from warehouse.db import rows, transaction
from warehouse.mail import documents_to_read, holding_pen, known_requests, reply_pages, save_reading
from warehouse.problems import record_problem
from warehouse.registry import campaign_prefixes, load_campaign
from warehouse.timeline import record_event

# The timeline event each reply outcome records (and so the status it leaves).
EVENT_OF_OUTCOME = {
    "successful": "successful", "partially_successful": "partially_successful",
    "refused": "refused", "not_held": "not_held", "clarification": "clarification_requested",
}

Progress = Callable[[int, int, str], None]


@dataclass
class ExtractReport:
    """What one extract run did."""

    documents_read: int = 0
    documents_failed: list[tuple[str, str]] = field(default_factory=list)
    rematched: int = 0
    requests: int = 0
    answers: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingDocument:
    """A stored document still to be read: enough to read it without the warehouse."""

    key: str
    path: Path
    filename: str
    media_type: str | None


@dataclass(frozen=True)
class ReadingLimits:
    """The caps on one document's worker process ([extract] in foi.toml)."""

    timeout_s: float = 60
    memory_mb: int = 1024
    max_pages: int = 500


def reading_limits(workspace: Workspace) -> ReadingLimits:
    """The workspace's reading limits."""
    return ReadingLimits(float(workspace.setting("extract", "timeout_seconds", 60)),
                         int(workspace.setting("extract", "memory_mb", 1024)),
                         int(workspace.setting("extract", "max_pages", 500)))


def pending_documents(con: duckdb.DuckDBPyConnection, workspace: Workspace
                      ) -> list[PendingDocument]:
    """Every document not read yet."""
    return [PendingDocument(d["id"], workspace.store / d["store_path"], d["filename"] or "",
                            d["media_type"]) for d in documents_to_read(con)]


def read_documents(documents: list[PendingDocument], limits: ReadingLimits,
                   on_done: Callable[[str, DocumentText], None] | None = None,
                   workers: int | None = None) -> dict[str, DocumentText]:
    """Read documents in limited worker processes (default one per core); touches only the
    files, never the warehouse, so batches can be read anywhere the store is mounted."""
    # The workers open the stored files themselves: this process never holds their bytes.
    jobs = (ReadJob(d.key, filename=d.filename, media_type=d.media_type, path=d.path)
            for d in documents)
    return read_documents_isolated(jobs, timeout_s=limits.timeout_s,
                                   memory_mb=limits.memory_mb, max_pages=limits.max_pages,
                                   on_done=on_done, workers=workers)


def save_document_reading(con: duckdb.DuckDBPyConnection, key: str, text: DocumentText,
                          report: ExtractReport) -> None:
    """Store one document's text, or record why it has none."""
    with transaction(con):
        save_reading(con, key, kind=text.kind, status=text.status, error=text.error,
                     pages=text.pages, ocr=text.ocr)
        if text.status == "error":
            record_problem(con, "extract", key, text.error or "unreadable")
    if text.status == "ok":
        report.documents_read += 1
    else:
        report.documents_failed.append((key, f"{text.status}: {text.error}"))


def read_pending_documents(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                           report: ExtractReport, progress: Progress | None = None) -> None:
    """Read every document not read yet, each in a limited worker process, saving as it goes."""
    pending = pending_documents(con, workspace)
    done = 0

    def on_done(key: str, text: DocumentText) -> None:
        nonlocal done
        done += 1
        save_document_reading(con, key, text, report)
        if progress:
            progress(done, len(pending), key[:12])

    read_documents(pending, reading_limits(workspace), on_done)


def rematch_holding_pen(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                        report: ExtractReport) -> None:
    """Try again to match held messages, now with their documents' text."""
    held = holding_pen(con)
    if not held:
        return
    requests = known_requests(con)
    prefixes = list(campaign_prefixes(con))
    for msg in held:
        raw_path = con.execute("SELECT raw_path FROM messages WHERE id = ?", [msg["id"]]).fetchone()
        texts = [r["text"] for r in rows(con,
                 "SELECT p.text FROM message_documents md JOIN document_pages p"
                 " ON p.document_id = md.document_id WHERE md.message_id = ? AND md.part > 0"
                 " ORDER BY md.part, p.page", [msg["id"]])]
        message = read_message((workspace.store / raw_path[0]).read_bytes())
        match = match_message(message, requests, prefixes, extra_texts=texts)
        if match.reference:
            rematch(con, msg["id"], match.reference, match.method or "")
            report.rematched += 1


def extract_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str,
                     report: ExtractReport, progress: Progress | None = None) -> None:
    """Extract every replied request's answers and set its status from the outcome."""
    campaign = load_campaign(con, campaign_id)
    specs = [QuestionSpec(n, q.key, q.text, q.type, tuple(q.choices))
             for n, q in campaign.numbered()]
    pages_by_request: dict[str, list[PageText]] = defaultdict(list)
    for r in reply_pages(con, campaign_id):
        pages_by_request[r["reference"]].append(PageText(r["document_id"], r["page"], r["text"]))
    statuses = dict(con.execute("SELECT reference, status FROM requests WHERE campaign_id = ?",
                                [campaign_id]).fetchall())
    replied_on = dict(con.execute(
        "SELECT request_reference, min(coalesce(dated, received_at))::DATE FROM messages"
        " WHERE direction = 'incoming' AND kind = 'reply' GROUP BY ALL").fetchall())
    for n, (reference, pages) in enumerate(sorted(pages_by_request.items()), start=1):
        answers = extract_answers(pages, specs)
        outcome = classify_reply("\n".join(p.text for p in pages), answers)
        with transaction(con):
            report.answers += save_answers(con, reference, [
                {"question_key": a.question_key, "status": a.status, "value": a.value,
                 "confidence": a.confidence, "document_id": a.document_id, "page": a.page,
                 "snippet": a.snippet, "method": a.method, "sections": list(a.sections)}
                for a in answers])
        kind = EVENT_OF_OUTCOME.get(outcome.outcome)
        if kind and statuses.get(reference) != status_after(kind, statuses[reference]):
            detail = "read from the reply" + (f"; cites {', '.join(outcome.sections)}"
                                              if outcome.sections else "")
            try:
                record_event(con, reference, kind, on=replied_on.get(reference), detail=detail,
                             sections=outcome.sections)
            except EventError as exc:  # e.g. a reply to a withdrawn request: keep, say why
                with transaction(con):
                    record_problem(con, "extract", reference, f"outcome {kind} not recorded: {exc}")
        report.requests += 1
        report.outcomes[reference] = outcome.outcome
        if progress:
            progress(n, len(pages_by_request), reference)
