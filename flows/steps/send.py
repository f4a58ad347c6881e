"""Sending a campaign's letters: render all, record each before handing it over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from foi.campaigns import Campaign, select_recipients
from foi.letters import Letter, render_letter
from foi.mail.outgoing import letter_message, new_message_id
from foi.mail.throttle import Throttle
from foi.mail.transports import DeliveryError, Transport, TransportError
from foi.references import make_reference
from foi.store import put
from foi.workspace import Workspace
from warehouse.clock import refresh_deadlines
from warehouse.db import transaction
from warehouse.mail import save_message
from warehouse.registry import load_authorities, load_campaign
from warehouse.requests import (
    add_events,
    forget_unsent,
    planned_requests,
    record_send_failure,
    record_sending,
    record_sent,
)

Progress = Callable[[int, int, str], None]


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
        elif row is not None and row["status"] != "sending":
            report.already_sent.append(letter.reference)
        else:
            todo.append((letter, row))
    if limit is not None:
        todo = todo[:limit]
    report.rendered = len(todo)
    for done, (letter, row) in enumerate(todo, start=1):
        if not dry_run:
            try:
                _send_one(con, workspace, campaign, letter, row, transport, now, report,
                          throttle or Throttle())
            except TransportError as exc:
                left = len(todo) - done + 1
                raise TransportError(f"{exc}. Sent {len(report.sent)} before it; {left} letters "
                                     "are still due and go out on the next `foi send`") from exc
        if progress:
            progress(done, len(todo), letter.reference)
    # Also catches requests a killed run sent but never gave a due date.
    undated = [r[0] for r in con.execute(
        "SELECT reference FROM requests WHERE campaign_id = ? AND sent_on IS NOT NULL"
        " AND due_on IS NULL", [campaign_id]).fetchall()]
    if undated:
        with transaction(con):
            refresh_deadlines(con, undated)
    return report


def _send_one(con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign: Campaign,
              letter: Letter, row: dict | None, transport: Transport, now: datetime,
              report: SendReport, throttle: Throttle) -> None:
    if row is None:
        message_id = new_message_id(letter.reference, campaign.sender.email)
        dated = now
        with transaction(con):
            record_sending(con, reference=letter.reference, campaign_id=campaign.id,
                           authority_id=letter.authority_id, to_addr=letter.to_addr,
                           message_id=message_id, regime=campaign.regime)
    else:
        message_id, dated = row["message_id"], row["created_at"]
    message = letter_message(letter, campaign.sender, message_id, dated)
    raw = message.as_bytes()
    # Kept before handing over, so that after the server's "250" only one commit remains:
    # that commit is the whole ambiguous window.
    sha, path = put(workspace.store, "messages", raw, ".eml")
    if row is not None and transport.delivered(message_id, letter.reference):
        detail = "found already delivered on re-run"
    else:
        if row is not None:
            # Recorded before the attempt, so every possible duplicate leaves a trace.
            with transaction(con):
                add_events(con, [{"request_reference": letter.reference, "happened_at": now,
                                  "kind": "resent_after_interruption",
                                  "detail": f"same Message-ID {message_id}: a run stopped "
                                            "between handing the letter over and recording it"}])
        throttle.wait(letter.to_addr.rpartition("@")[2])
        try:
            detail = transport.deliver(message)
        except TransportError:
            if row is None:  # never handed over: the letter is simply still due
                with transaction(con):
                    forget_unsent(con, letter.reference)
            raise
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
            "from_addr": campaign.sender.email, "to_addr": letter.to_addr, "dated": dated,
            "raw_path": str(path), "size": len(raw), "source": transport.name,
        })
    report.sent.append(letter.reference)
