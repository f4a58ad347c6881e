"""Taking in mail from a mailbox (IMAP, Maildir) and replies that came by post or portal.

Each batch goes through the ingest core (flows.steps.ingest.ingest_group, which commits it in
one transaction); only then are its messages marked on the mailbox. A message already stored,
byte for byte or as another copy of it (same Message-ID and content, other trace headers or
line endings), is marked and counted as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from flows.steps.ingest import IngestReport, ingest_group, ingest_raw, rematch
from foi.mail.imap import ImapMailbox, imap_settings
from foi.mail.mailbox import Identity, MailboxSource, Received, identity
from foi.mail.offline_replies import offline_reply
from foi.store import sha256
from foi.workspace import Workspace
from warehouse.campaigns import campaign_prefixes
from warehouse.db import transaction
from warehouse.mail import known_requests
from warehouse.mailboxes import problem_known, request_addresses, stored_copies
from warehouse.problems import record_problem


@dataclass
class MailboxReport:
    """What one run over a mailbox did."""

    ingest: IngestReport = field(default_factory=IngestReport)
    taken_in: int = 0                                      # marked on the mailbox
    left: list[tuple[str, str]] = field(default_factory=list)   # not fetched, and why


class _StoredIdentities:
    """Identities of the messages stored so far, looked up by Message-ID a batch at a time."""

    def __init__(self, con: duckdb.DuckDBPyConnection, store: Path) -> None:
        self.con, self.store = con, store
        self.known: set[Identity] = set()
        self.looked_up: set[str | None] = set()

    def load(self, identities: Sequence[Identity]) -> None:
        ids = list({i.message_id for i in identities} - self.looked_up)
        if not ids:
            return
        for _, raw_path in stored_copies(self.con, ids):
            try:
                self.known.add(identity((self.store / raw_path).read_bytes()))
            except OSError:
                continue   # a damaged store: the exact-bytes check still applies
        self.looked_up.update(ids)


def ingest_mailbox(con: duckdb.DuckDBPyConnection, workspace: Workspace, source: MailboxSource,
                   *, progress: Callable[[int, int, str], None] | None = None) -> MailboxReport:
    """Store every new message of the source, then mark it there; returns what was done."""
    report = MailboxReport()
    requests = known_requests(con)
    prefixes = list(campaign_prefixes(con))
    stored = _StoredIdentities(con, workspace.store)
    done = 0
    for batch in source.batches():
        fetched = [(item, identity(item.raw)) for item in batch if item.raw is not None]
        stored.load([ident for _, ident in fetched])
        for item in batch:
            if item.raw is None:
                _left(con, report, item)
        fresh = []
        for item, ident in fetched:
            if ident in stored.known:
                report.ingest.duplicates += 1
            else:
                fresh.append((item.raw or b"", item.source))
                stored.known.add(ident)
        ingest_group(con, workspace, fresh, requests, prefixes, report.ingest)
        # ingest_group has committed the batch: only now may the mailbox mark them.
        source.taken_in([item for item, _ in fetched])
        done += len(batch)
        if progress and batch:
            progress(done, source.expected, batch[-1].source.rsplit("/", 1)[-1])
        report.taken_in += len(fetched)
    return report


def _left(con: duckdb.DuckDBPyConnection, report: MailboxReport, item: Received) -> None:
    reason = item.problem or "not fetched"
    report.left.append((item.source, reason))
    if not problem_known(con, "ingest", item.source):
        with transaction(con):
            record_problem(con, "ingest", item.source, reason)


def ingest_configured_imap(con: duckdb.DuckDBPyConnection, workspace: Workspace, *,
                           password: str | None = None) -> MailboxReport | None:
    """Take in the mailbox of foi.toml's [imap] table; None when it names no host."""
    configured = workspace.settings.get("imap", {})
    if not configured.get("host"):
        return None
    with ImapMailbox(imap_settings(configured, password=password)) as source:
        return ingest_mailbox(con, workspace, source)


@dataclass(frozen=True)
class Attached:
    """A reply recorded by `foi attach`."""

    message_sha: str
    reference: str
    documents: int
    already_stored: bool


def attach_reply(con: duckdb.DuckDBPyConnection, workspace: Workspace, reference: str,
                 files: Sequence[Path], *, received: date, channel: str = "post") -> Attached:
    """Store documents that came by post or portal as a reply to the request `reference`."""
    request = request_addresses(con, reference)
    if request is None:
        raise ValueError(f"no request {reference!r}: `foi status CAMPAIGN` lists the references")
    contents = []
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(f"{path} is not a file")
        contents.append((path.name, path.read_bytes()))
    raw = offline_reply(reference=reference, authority_addr=request["authority_addr"] or "",
                        desk_addr=request["desk_addr"] or "",
                        letter_message_id=request["message_id"], received=received,
                        channel=channel, files=contents)
    report = IngestReport()
    ingest_raw(con, workspace, raw, f"attach:{channel}:" + ",".join(p.name for p in files),
               known_requests(con), list(campaign_prefixes(con)), report)
    digest = sha256(raw)
    if not report.duplicates and report.matched.get(digest) != reference:
        rematch(con, digest, reference, "attached")
    return Attached(digest, reference, len(contents), bool(report.duplicates))
