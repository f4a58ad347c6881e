"""Reading the replies' documents and turning them into answers and request outcomes.

The warehouse is never held while documents are read (that can take minutes); this is what
extract_replies() does, and the check-mail flow the same with reading spread over tasks:

    with workspace_db(home, publish=False) as (workspace, con):   # a moment: what is new?
        plan = plan_extraction(con, workspace)
    readings = read_documents(plan.pending, reading_limits(workspace))   # no lock held
    with workspace_db(home) as (workspace, con):                  # one transaction
        report = store_and_extract(con, workspace, readings)

A crash before the last step loses nothing: the documents are still pending. Two runs that
read the same documents store them once: the second finds them read and skips them. Only
requests whose inputs changed (new documents read, a message assigned, the questions or the
reader version) are extracted again; `everything` re-reads them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from extract import READER_VERSION
from extract.answers import PageText, QuestionSpec, read_whole_reply
from extract.judging.confidence import calibration_digest, review_threshold
from extract.judging.outcomes import ReplyOutcome
from extract.reading.documents import DocumentText
from extract.reading.isolation import ReadJob, read_documents_isolated
from extract.tables.tidy import TABLES_VERSION
from flows.steps.ingest import rematch
from flows.steps.limits import ReadingLimits, reading_limits
from flows.steps.session import workspace_db
from flows.steps.tables import read_table_answers
from foi.mail.matching import match_message
from foi.statuses import EventError, status_after
from foi.workspace import Workspace, open_workspace, resolve_home
from warehouse.access import DEFAULT_WAIT_SECONDS, extraction_lock
from warehouse.answers import replace_answers
from warehouse.campaigns import campaign_prefixes, load_campaign
from warehouse.db import rows, transaction
from warehouse.extractions import (
    extraction_inputs,
    forget_extractions,
    record_extractions,
    stale_requests,
)
from warehouse.mail import (
    documents_to_read,
    holding_pen,
    known_requests,
    reply_pages,
    save_reading,
    still_pending,
    stored_message,
)
from warehouse.problems import record_problem
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
    already_read: int = 0     # stored meanwhile by another run: not stored twice
    rematched: int = 0
    requests: int = 0         # requests whose answers were read (again)
    unchanged: int = 0        # requests with nothing new: answers left as they were
    dropped: int = 0          # requests left with no reply document: answers removed
    answers: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    table_figures: int = 0    # figures read from the data returns of table questions


@dataclass(frozen=True)
class PendingDocument:
    """A stored document still to be read: enough to read it without the warehouse."""

    key: str
    path: Path
    filename: str
    media_type: str | None


@dataclass(frozen=True)
class ExtractionPlan:
    """What a run has to do: documents to read, and requests to extract again."""

    pending: list[PendingDocument]
    stale: int        # requests whose answers are out of date
    unchanged: int    # requests whose answers are up to date

    @property
    def nothing_to_do(self) -> bool:
        """No document to read and no request whose answers are out of date."""
        return not self.pending and not self.stale


def pending_documents(con: duckdb.DuckDBPyConnection, workspace: Workspace
                      ) -> list[PendingDocument]:
    """Every document not read yet."""
    return [PendingDocument(d["id"], workspace.store / d["store_path"], d["filename"] or "",
                            d["media_type"]) for d in documents_to_read(con)]


def campaign_ids(con: duckdb.DuckDBPyConnection, campaign_id: str | None = None) -> list[str]:
    """The one campaign asked for (checked), or every campaign of the workspace."""
    if campaign_id:
        load_campaign(con, campaign_id)
        return [campaign_id]
    return [r[0] for r in con.execute("SELECT id FROM campaigns ORDER BY id").fetchall()]


def reader_version(workspace: Workspace) -> str:
    """The reader's version, its calibration and the review threshold answers are judged by:
    a change to any reads every replied request again."""
    return f"{READER_VERSION}+{calibration_digest()}/review<{review_below(workspace):g}"


def review_below(workspace: Workspace) -> float:
    """The review threshold: [extract] review_below in foi.toml, else the calibrated one."""
    setting = workspace.setting("extract", "review_below")
    return review_threshold() if setting is None else float(setting)


def plan_extraction(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                    campaigns: Sequence[str] | None = None, *, everything: bool = False
                    ) -> ExtractionPlan:
    """The documents to read and how many requests' answers are out of date."""
    found = [stale_requests(con, cid, reader_version(workspace), everything=everything,
                            tables_version=TABLES_VERSION)
             for cid in (campaigns if campaigns is not None else campaign_ids(con))]
    return ExtractionPlan(pending_documents(con, workspace),
                          sum(len(s.changed) + len(s.gone) for s in found),
                          sum(s.unchanged for s in found))


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


def extract_replies(home: Path | str | None, campaign_id: str | None = None, *,
                    everything: bool = False, progress: Progress | None = None
                    ) -> ExtractReport:
    """Read new documents with the warehouse free for other runs, then store them and extract
    the requests with something new in one transaction (every replied request: `everything`).
    With nothing new it writes nothing, so the readers' snapshot is left as it is. A second
    run waits for the first (the extraction lock), then finds what it read already stored."""
    workspace = open_workspace(resolve_home(home))
    wait = float(workspace.setting("warehouse", "wait_seconds", DEFAULT_WAIT_SECONDS))
    with extraction_lock(workspace.database, wait):
        with workspace_db(home, publish=False) as (workspace, con):
            ids = campaign_ids(con, campaign_id)
            plan = plan_extraction(con, workspace, ids, everything=everything)
        if plan.nothing_to_do and not everything:
            return ExtractReport(unchanged=plan.unchanged)
        read = 0

        def on_done(key: str, _: DocumentText) -> None:
            nonlocal read
            read += 1
            if progress:
                progress(read, len(plan.pending), f"read {key[:12]}")

        readings = read_documents(plan.pending, reading_limits(workspace), on_done)
        with workspace_db(home) as (workspace, con):
            return store_and_extract(con, workspace, readings, ids, everything=everything,
                                     progress=progress)


def save_document_readings(con: duckdb.DuckDBPyConnection,
                           readings: Mapping[str, DocumentText], report: ExtractReport) -> None:
    """Store each document's text, or why it has none; one another run stored is skipped."""
    with transaction(con):
        pending = still_pending(con, list(readings))
        for key, text in readings.items():
            if key not in pending:
                report.already_read += 1
                continue
            save_reading(con, key, kind=text.kind, status=text.status, error=text.error,
                         pages=text.pages, ocr=text.ocr)
            if text.status == "error":
                record_problem(con, "extract", key, text.error or "unreadable")
            if text.status == "ok":
                report.documents_read += 1
            else:
                report.documents_failed.append((key, f"{text.status}: {text.error}"))


def rematch_holding_pen(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                        report: ExtractReport) -> None:
    """Try again to match held messages, now with their documents' text (from what ingest
    stored: the raw message is never parsed again)."""
    held = holding_pen(con)
    if not held:
        return
    requests = known_requests(con)
    prefixes = list(campaign_prefixes(con))
    for msg in held:
        try:
            texts = [r["text"] for r in rows(con,
                     "SELECT p.text FROM message_documents md JOIN document_pages p"
                     " ON p.document_id = md.document_id WHERE md.message_id = ? AND md.part > 0"
                     " ORDER BY md.part, p.page", [msg["id"]])]
            match = match_message(stored_message(con, msg["id"]), requests, prefixes,
                                  extra_texts=texts)
            if match.reference:
                rematch(con, msg["id"], match.reference, match.method or "")
                report.rematched += 1
        except Exception as exc:  # one held message never stops a run
            record_problem(con, "extract", f"held message {msg['id'][:12]}",
                           f"could not be matched again: {exc!r}")


def store_and_extract(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                      readings: Mapping[str, DocumentText],
                      campaigns: Sequence[str] | None = None, *, everything: bool = False,
                      progress: Progress | None = None) -> ExtractReport:
    """In one transaction: store the readings, match held messages again if anything new was
    read, and extract the requests whose inputs changed (all with `everything`)."""
    report = ExtractReport()
    with transaction(con):
        save_document_readings(con, readings, report)
        if report.documents_read or everything:
            rematch_holding_pen(con, workspace, report)
        for cid in campaigns if campaigns is not None else campaign_ids(con):
            extract_campaign(con, cid, report, progress, everything=everything,
                             review_below=review_below(workspace),
                             version=reader_version(workspace), store=workspace.store,
                             limits=reading_limits(workspace))
    return report


def extract_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str,
                     report: ExtractReport, progress: Progress | None = None, *,
                     everything: bool = False, review_below: float | None = None,
                     version: str = READER_VERSION, store: Path | None = None,
                     limits: ReadingLimits | None = None) -> None:
    """Extract the answers of the campaign's requests whose inputs changed (all with
    `everything`) and set each one's status from the reply's outcome; answers below
    `review_below` (default: the calibrated threshold) wait for a person. With the `store`,
    the data returns of `table` questions are read into table_answers too, each file in a
    worker process with the `limits` of documents."""
    campaign = load_campaign(con, campaign_id)
    threshold = review_threshold() if review_below is None else review_below
    stale = stale_requests(con, campaign_id, version, everything=everything,
                           tables_version=TABLES_VERSION)
    report.unchanged += stale.unchanged
    if not stale.changed and not stale.gone:
        return
    # a table question's answer in the text is whether data was sent: a document's
    specs = [QuestionSpec(n, q.key, q.text, "document" if q.type == "table" else q.type,
                          tuple(q.choices), tuple(q.keywords), q.unit)
             for n, q in campaign.numbered()]
    pages_by_request: dict[str, list[PageText]] = defaultdict(list)
    for r in reply_pages(con, campaign_id, stale.changed):
        pages_by_request[r["reference"]].append(PageText(
            r["document_id"], r["page"], r["text"], filename=r["filename"] or "",
            part=r["part"], kind=r["document_kind"] or "", ocr=bool(r["ocr"])))
    statuses = dict(con.execute("SELECT reference, status FROM requests WHERE campaign_id = ?",
                                [campaign_id]).fetchall())
    replied_on = dict(con.execute(
        "SELECT request_reference, min(coalesce(dated, received_at))::DATE FROM messages"
        " WHERE direction = 'incoming' AND kind = 'reply'"
        " AND list_contains(?, request_reference) GROUP BY ALL", [stale.changed]).fetchall())
    answers: list[dict] = []
    outcomes: dict[str, ReplyOutcome] = {}
    for n, reference in enumerate(stale.changed, start=1):
        pages = pages_by_request[reference]
        reading = read_whole_reply(pages, specs)
        found = reading.answers
        outcomes[reference] = reading.outcome
        answers += [{"request_reference": reference, "question_key": a.question_key,
                     "status": a.status, "value": a.value, "confidence": a.confidence,
                     "document_id": a.document_id, "page": a.page, "snippet": a.snippet,
                     "method": a.method, "sections": list(a.sections), "reason": a.reason,
                     "detail": a.detail, "unit": a.unit, "review_below": threshold}
                    for a in found]
        if progress:
            progress(n, len(stale.changed), reference)
    with transaction(con):
        report.answers += replace_answers(con, stale.changed, answers)
        inputs = stale.inputs
        if store is not None:
            report.table_figures += read_table_answers(con, campaign, stale.changed, store,
                                                       limits or ReadingLimits())
            # the fingerprint counts the mappings of the labels just read: take it again
            inputs = extraction_inputs(con, campaign_id, version, TABLES_VERSION)
        record_extractions(con, [inputs[r] for r in stale.changed], version)
        forget_extractions(con, stale.gone)
        for reference, outcome in outcomes.items():
            _record_outcome(con, reference, outcome.outcome, outcome.sections,
                            statuses[reference], replied_on.get(reference))
            report.outcomes[reference] = outcome.outcome
    report.requests += len(stale.changed)
    report.dropped += len(stale.gone)


def _record_outcome(con: duckdb.DuckDBPyConnection, reference: str, outcome: str,
                    sections: tuple[str, ...], status: str, replied_on: date | None) -> None:
    kind = EVENT_OF_OUTCOME.get(outcome)
    if not kind:
        return
    try:
        if status == status_after(kind, status):
            return
        detail = "read from the reply" + (f"; cites {', '.join(sections)}" if sections else "")
        record_event(con, reference, kind, on=replied_on, detail=detail, sections=sections)
    except EventError as exc:  # e.g. a reply to a withdrawn request: keep, say why
        record_problem(con, "extract", reference, f"outcome {kind} not recorded: {exc}")
