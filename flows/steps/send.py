"""Sending a campaign's letters: render all, record each before handing it over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

import duckdb

from foi.campaigns import Campaign, select_recipients
from foi.letters import Letter, render_letter
from foi.mail.outgoing import letter_message, new_message_id
from foi.mail.throttle import Throttle
from foi.mail.transports import DeliveryError, Transport, TransportError
from foi.references import make_reference
from foi.store import mark, marked, put
from foi.workspace import Workspace
from warehouse.authorities import load_authorities
from warehouse.campaigns import load_campaign
from warehouse.clock import refresh_deadlines
from warehouse.db import transaction
from warehouse.mail import save_message
from warehouse.requests import (
    NOT_BUILT,
    add_events,
    forget_unsent,
    planned_requests,
    record_send_failure,
    record_sending_batch,
    record_sent,
)

Progress = Callable[[int, int, str], None]


def never_built(request: dict) -> bool:
    """Whether the request's letter failed before it was handed over to anyone."""
    return request["status"] == "error_message" and request["sent_at"] is None and \
        (request["error"] or "").startswith(NOT_BUILT)


@dataclass
class SendReport:
    """What one send run did."""

    campaign_id: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)   # authority ids, left unsent
    rendered: int = 0
    dry_run: bool = False


def plan_letters(
    con: duckdb.DuckDBPyConnection, campaign: Campaign, today: datetime
) -> list[Letter]:
    """Render every recipient's letter; any template error stops here, before sending."""
    authorities = select_recipients(campaign, load_authorities(con))
    return [
        render_letter(campaign, a, make_reference(campaign.reference_prefix, a.id), today.date())
        for a in authorities
    ]


def send_campaign(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign_id: str,
    transport: Transport, *, now: datetime | None = None, limit: int | None = None,
    dry_run: bool = False, progress: Progress | None = None, throttle: Throttle | None = None,
) -> SendReport:
    """Send each selected authority its letter exactly once."""
    campaign = load_campaign(con, campaign_id)
    now = now or datetime.now(UTC)
    letters = plan_letters(con, campaign, now)
    existing = {r["reference"]: r for r in planned_requests(con, campaign_id).values()}
    report = SendReport(campaign_id, dry_run=dry_run)
    todo = []
    for letter in letters:
        row = existing.get(letter.reference)
        if row is None and not letter.to_addr:   # from a registry: no FOI address known yet
            report.no_address.append(letter.authority_id)
        elif row is not None and never_built(row):
            todo.append((letter, None))  # never handed over: tried afresh
        elif row is not None and row["status"] != "sending":
            report.already_sent.append(letter.reference)
        else:
            todo.append((letter, row))
    if limit is not None:
        todo = todo[:limit]
    report.rendered = len(todo)
    outgoing = [] if dry_run else _prepare(con, campaign, todo, now, report)
    for done, item in enumerate(outgoing, start=1):
        try:
            _send_one(con, workspace, campaign, item, transport, now, report,
                      throttle or Throttle())
        except TransportError as exc:
            left = outgoing[done - 1:]
            with transaction(con):  # never handed over: the letters are simply still due
                forget_unsent(con, [o.letter.reference for o in left if not o.resumed])
            raise TransportError(f"{exc}. Sent {len(report.sent)} before it; {len(left)} "
                                 "letters are still due and go out on the next `foi send`"
                                 ) from exc
        if progress:
            progress(done, len(outgoing), item.letter.reference)
    if dry_run and progress:
        progress(len(todo), len(todo), "")
    # Also catches requests a killed run sent but never gave a due date.
    undated = [r[0] for r in con.execute(
        "SELECT reference FROM requests WHERE campaign_id = ? AND sent_on IS NOT NULL"
        " AND due_on IS NULL", [campaign_id]).fetchall()]
    if undated:
        with transaction(con):
            refresh_deadlines(con, undated)
    return report


@dataclass(frozen=True)
class _Outgoing:
    """One letter built as an email, recorded as sending, not yet handed over."""

    letter: Letter
    message_id: str
    dated: datetime
    message: EmailMessage
    raw: bytes
    resumed: bool    # recorded as sending by an earlier run that stopped before recording it


def _prepare(con: duckdb.DuckDBPyConnection, campaign: Campaign,
             todo: list[tuple[Letter, dict | None]], now: datetime,
             report: SendReport) -> list[_Outgoing]:
    """Build every letter's email, then record the new ones as sending, all in one
    transaction before any is handed over; a letter that cannot be built fails alone."""
    ready: list[_Outgoing] = []
    failed: list[tuple[Letter, dict | None, str, str]] = []
    for letter, row in todo:
        message_id = row["message_id"] if row else new_message_id(letter.reference,
                                                                  campaign.sender.email)
        dated = row["created_at"] if row else now
        try:
            message = letter_message(letter, campaign.sender, message_id, dated)
            raw = message.as_bytes()
        except (ValueError, TypeError, UnicodeError) as exc:  # e.g. a line break in a name
            failed.append((letter, row, message_id, f"{NOT_BUILT}{exc}"))
            continue
        ready.append(_Outgoing(letter, message_id, dated, message, raw, row is not None))
    new = [(letter, message_id) for letter, row, message_id, _ in failed if row is None] + \
        [(o.letter, o.message_id) for o in ready if not o.resumed]
    with transaction(con):
        forget_unsent(con, [letter.reference for letter, _ in new])  # never built before
        record_sending_batch(con, [
            {"reference": letter.reference, "campaign_id": campaign.id,
             "authority_id": letter.authority_id, "to_addr": letter.to_addr,
             "message_id": message_id, "regime": campaign.regime, "created_at": now}
            for letter, message_id in new])
        for letter, _, _, reason in failed:
            record_send_failure(con, letter.reference, reason)
    report.failed += [(letter.reference, reason) for letter, _, _, reason in failed]
    return ready


def _send_one(con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign: Campaign,
              item: _Outgoing, transport: Transport, now: datetime, report: SendReport,
              throttle: Throttle) -> None:
    letter, message_id = item.letter, item.message_id
    # Kept before handing over, so that after the server's "250" only one commit remains:
    # that commit is the whole ambiguous window. A letter recorded as sending whose attempt
    # marker is missing was never handed over: it goes out with no doubt to record.
    attempted = item.resumed and marked(workspace.store, "attempts", message_id)
    sha, path = put(workspace.store, "messages", item.raw, ".eml")
    if attempted and transport.delivered(message_id, letter.reference):
        detail = "found already delivered on re-run"
    else:
        if attempted:
            # Recorded before the attempt, so every possible duplicate leaves a trace.
            with transaction(con):
                add_events(con, [{"request_reference": letter.reference, "happened_at": now,
                                  "kind": "resent_after_interruption",
                                  "detail": f"same Message-ID {message_id}: a run stopped "
                                            "between handing the letter over and recording it"}])
        throttle.wait(letter.to_addr.rpartition("@")[2])
        mark(workspace.store, "attempts", message_id)
        try:
            detail = transport.deliver(item.message)
        except DeliveryError as exc:
            with transaction(con):
                if exc.permanent:
                    record_send_failure(con, letter.reference, str(exc))
                else:
                    add_events(con, [{"request_reference": letter.reference,
                                      "happened_at": now, "kind": "deferred",
                                      "detail": f"retry later: {exc}"}])
            report.failed.append((letter.reference, str(exc)))
            return
    with transaction(con):
        record_sent(con, letter.reference, now, f"{transport.name}: {detail}")
        save_message(con, {
            "id": sha, "direction": "outgoing", "request_reference": letter.reference,
            "kind": "letter", "message_id": message_id, "subject": letter.subject,
            "from_addr": campaign.sender.email, "to_addr": letter.to_addr,
            "dated": item.dated, "raw_path": str(path), "size": len(item.raw),
            "source": transport.name,
        })
    report.sent.append(letter.reference)
