"""Ingesting incoming mail: keep the raw bytes, store attachments, match to a request."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from foi.files import read_regular_file
from foi.mail.incoming import MAX_MESSAGE_BYTES, IncomingMessage, read_message
from foi.mail.matching import KnownRequest, match_message
from foi.store import put, sha256
from foi.workspace import Workspace
from warehouse.arrivals import note_arrival
from warehouse.campaigns import campaign_prefixes
from warehouse.db import transaction
from warehouse.mail import (
    assign_message,
    known_requests,
    save_documents,
    save_messages,
    stored_message,
    stored_messages,
)
from warehouse.problems import record_problem

# Messages committed together: one transaction per group, not per message.
GROUP_MESSAGES = 200
GROUP_BYTES = 64 << 20


@dataclass
class IngestReport:
    """What one ingest run did."""

    matched: dict[str, str] = field(default_factory=dict)      # message sha -> reference
    holding_pen: list[str] = field(default_factory=list)       # message shas
    duplicates: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


def eml_files(directory: Path) -> list[Path]:
    """The .eml files of a directory, in name order."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory of .eml files")
    # Links and FIFOs are listed too, so that reading them is refused and recorded.
    return sorted(p for p in directory.iterdir()
                  if p.suffix.lower() == ".eml" and (p.is_symlink() or not p.is_dir()))


def ingest_files(con: duckdb.DuckDBPyConnection, workspace: Workspace, paths: Iterable[Path],
                 *, progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
    """Ingest raw message files in groups (one transaction each); a file that cannot be read
    is recorded, the rest go on."""
    paths = list(paths)
    report = IngestReport()
    requests = known_requests(con)
    prefixes = list(campaign_prefixes(con))
    group: list[tuple[bytes, str]] = []
    for n, path in enumerate(paths, start=1):
        try:
            group.append((read_regular_file(path), f"eml:{path}"))
        except OSError as exc:
            _problem(con, report, str(path), f"cannot read the file: {exc}")
        if len(group) >= GROUP_MESSAGES or sum(len(raw) for raw, _ in group) >= GROUP_BYTES:
            ingest_group(con, workspace, group, requests, prefixes, report)
            group = []
        if progress:
            progress(n, len(paths), path.name)
    ingest_group(con, workspace, group, requests, prefixes, report)
    return report


def ingest_raw(con: duckdb.DuckDBPyConnection, workspace: Workspace, raw: bytes, source: str,
               requests: list[KnownRequest], prefixes: list[str], report: IngestReport) -> None:
    """Keep one raw message, read it, store its parts and match it."""
    ingest_group(con, workspace, [(raw, source)], requests, prefixes, report)


def ingest_group(con: duckdb.DuckDBPyConnection, workspace: Workspace,
                 messages: Sequence[tuple[bytes, str]], requests: list[KnownRequest],
                 prefixes: list[str], report: IngestReport) -> None:
    """Keep each raw message (bytes, source label), read it, store its parts and match it,
    all committed in one transaction: when this returns, every one is stored (a mailbox may
    mark them read). Messages ingested before, here or earlier, are counted as duplicates."""
    if not messages:
        return
    known = stored_messages(con, [sha256(raw) for raw, _ in messages])
    arrivals: list[tuple[str, IncomingMessage, str | None, str, Path]] = []
    stored: list[dict] = []
    documents: list[dict] = []
    links: list[dict] = []
    for raw, source in messages:
        digest, raw_path = put(workspace.store, "messages", raw, ".eml")
        if digest in known:
            report.duplicates += 1
            continue
        known.add(digest)
        message = read_message(raw, max_bytes=max_message_bytes(workspace))
        match = match_message(message, requests, prefixes)
        docs, doc_links = _documents(workspace, digest, message)
        documents += docs
        links += doc_links
        stored.append({
            "id": digest, "direction": "incoming", "request_reference": match.reference,
            "kind": message.kind, "match_method": match.method, "message_id": message.message_id,
            "in_reply_to": " ".join(message.in_reply_to) or None, "subject": message.subject,
            "from_addr": message.from_addr, "to_addr": ", ".join(message.to_addrs),
            "dated": message.dated, "received_at": datetime.now(UTC),
            "body_text": message.body_text, "raw_path": str(raw_path), "size": len(raw),
            "source": source, "problems": list(message.problems),
            "kind_evidence": message.evidence, "case_reference": message.case_reference,
            "until_on": message.until,
        })
        # the attachments' bytes are in the store now: only what matching needs is kept
        arrivals.append((digest, replace(message, attachments=()), match.reference, source,
                         raw_path))
    with transaction(con):
        save_messages(con, stored)
        save_documents(con, documents, links)
        for digest, message, reference, source, raw_path in arrivals:
            if message.problems:  # read as far as it went: `foi problems` says what was not
                reason = f"kept raw at {raw_path}; " + "; ".join(message.problems)
                record_problem(con, "ingest", f"{source} ({digest[:12]})", reason[:4000])
            if reference:
                note_arrival(con, reference, digest, message)
    for digest, message, reference, source, raw_path in arrivals:
        if message.problems:
            report.problems.append((source, (f"kept raw at {raw_path}; "
                                             + "; ".join(message.problems))[:4000]))
        if reference:
            report.matched[digest] = reference
        else:
            report.holding_pen.append(digest)


def max_message_bytes(workspace: Workspace) -> int:
    """The size over which a message is kept raw but not read ([ingest] max_message_mb)."""
    return int(float(workspace.setting("ingest", "max_message_mb", MAX_MESSAGE_BYTES >> 20))
               * (1 << 20))


def _documents(workspace: Workspace, digest: str,
               message: IncomingMessage) -> tuple[list[dict], list[dict]]:
    parts: list[tuple[int, str, str, bytes]] = []
    if message.body_text.strip():
        parts.append((0, "message body", "text/plain", message.body_text.encode("utf-8")))
    parts += [(a.part, a.filename, a.media_type, a.data) for a in message.attachments]
    documents, links = [], []
    for part, filename, media_type, data in parts:
        doc_id, path = put(workspace.store, "documents", data, Path(filename).suffix[:10])
        documents.append({"id": doc_id, "media_type": media_type, "size": len(data),
                          "store_path": str(path), "status": "pending"})
        links.append({"message_id": digest, "part": part, "document_id": doc_id,
                      "filename": filename})
    return documents, links


def rematch(con: duckdb.DuckDBPyConnection, message_sha: str, reference: str, method: str) -> None:
    """Give a held message to a request found later (e.g. from its attachment's text)."""
    with transaction(con):
        assign_message(con, message_sha, reference, method)
        note_arrival(con, reference, message_sha, stored_message(con, message_sha), method)


def _problem(con: duckdb.DuckDBPyConnection, report: IngestReport, item: str, reason: str) -> None:
    with transaction(con):
        record_problem(con, "ingest", item, reason)
    report.problems.append((item, reason))
