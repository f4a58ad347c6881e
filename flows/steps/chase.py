"""Chasing: a polite chaser after the due date, a second when very overdue, and drafts of
an internal-review request and an ICO complaint; each at most once per stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import duckdb

from foi.campaigns import Campaign
from foi.chasers import STAGE_OF_ACTION, STAGES, Chaser, render_chaser, template_environment
from foi.mail.outgoing import new_message_id
from foi.mail.throttle import Throttle
from foi.mail.transports import DeliveryError, Transport
from foi.store import put, write_atomically
from foi.workspace import Workspace
from warehouse.campaigns import load_campaign
from warehouse.db import rows, transaction, upsert
from warehouse.mail import save_message
from warehouse.requests import add_events

Progress = Callable[[int, int, str], None]


@dataclass
class ChaseReport:
    """What one chase run did (or, in a dry run, would do)."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    drafted: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    planned: list[Chaser] = field(default_factory=list)


def due_chases(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[dict]:
    """Requests whose next action is a chaser or a draft, with their letter's subject and id."""
    return rows(con, """
        SELECT v.*, a.email AS authority_email, r.message_id AS letter_message_id,
               coalesce(m.subject, '') AS letter_subject, c.state AS chase_state,
               c.message_id AS chase_message_id, c.created_at AS chase_created_at
        FROM v_requests v
        JOIN requests r ON r.reference = v.reference
        LEFT JOIN authorities a ON a.id = v.authority_id
        LEFT JOIN (SELECT request_reference, min(subject) AS subject FROM messages
                   WHERE kind = 'letter' GROUP BY request_reference) m
            ON m.request_reference = v.reference
        LEFT JOIN chases c ON c.request_reference = v.reference
            AND c.stage = CASE v.next_action
                WHEN 'send first chaser' THEN 'first_chase'
                WHEN 'send second chaser' THEN 'second_chase'
                WHEN 'consider an internal review' THEN 'internal_review'
                WHEN 'complain to the ICO' THEN 'ico_complaint' END
        WHERE v.campaign_id = ? AND list_contains(?, v.next_action)
        ORDER BY v.reference""", [campaign_id, list(STAGE_OF_ACTION)])


def chase_throttle(workspace: Workspace, transport: Transport,
                   per_minute: int | None = None) -> Throttle:
    """Chasers through SMTP are spaced (`per_minute`, else [chase] per_minute, else 6 a
    minute) so a batch does not look like a mail-out; the file outbox needs no spacing."""
    if transport.name == "outbox":
        return Throttle()
    if per_minute is None:
        per_minute = workspace.setting("chase", "per_minute", 6)
    return Throttle(per_minute or None)


def chase_campaign(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign_id: str,
    transport: Transport, *, dry_run: bool = False, throttle: Throttle | None = None,
    now: datetime | None = None, progress: Progress | None = None,
) -> ChaseReport:
    """Send due chasers and write due drafts, each stage at most once per request."""
    campaign = load_campaign(con, campaign_id)
    now = now or datetime.now(UTC)
    templates = workspace.home / "templates"
    env = template_environment(templates if templates.is_dir() else None)
    sender = {"name": campaign.sender.name, "email": campaign.sender.email,
              "organisation": campaign.sender.organisation}
    report = ChaseReport()
    todo = due_chases(con, campaign_id)
    for n, row in enumerate(todo, start=1):
        stage = STAGE_OF_ACTION[row["next_action"]]
        authority = {"id": row["authority_id"], "name": row["authority_name"],
                     "email": row["authority_email"] or row["to_addr"]}
        chaser = render_chaser(env, stage, row, authority, sender, row["letter_subject"])
        if dry_run:
            report.planned.append(chaser)
        elif STAGES[stage] == "draft":
            _draft(con, workspace, chaser, now, report)
        else:
            _send(con, workspace, campaign, chaser, row, transport, throttle or Throttle(),
                  now, report)
        if progress:
            progress(n, len(todo), f"{chaser.reference} {stage}")
    return report


def _draft(con: duckdb.DuckDBPyConnection, workspace: Workspace, chaser: Chaser,
           now: datetime, report: ChaseReport) -> None:
    path = workspace.home / "drafts" / f"{chaser.reference}-{chaser.stage}.txt"
    write_atomically(path, f"Subject: {chaser.subject}\n\n{chaser.body}".encode())
    with transaction(con):
        upsert(con, "chases", [{"request_reference": chaser.reference, "stage": chaser.stage,
                                "state": "drafted", "created_at": now,
                                "draft_path": str(path.relative_to(workspace.home))}])
        add_events(con, [{"request_reference": chaser.reference, "happened_at": now,
                          "kind": "drafted", "detail": f"{chaser.stage}: {path.name}"}])
    report.drafted.append((chaser.reference, chaser.stage))


def _send(con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign: Campaign,
          chaser: Chaser, row: dict, transport: Transport, throttle: Throttle, now: datetime,
          report: ChaseReport) -> None:
    message_id = row["chase_message_id"] or new_message_id(chaser.reference, campaign.sender.email)
    dated = row["chase_created_at"] or now
    if row["chase_state"] is None:
        with transaction(con):
            upsert(con, "chases", [{"request_reference": chaser.reference, "stage": chaser.stage,
                                    "state": "sending", "message_id": message_id,
                                    "created_at": dated}])
    msg = EmailMessage()
    msg["From"] = formataddr((campaign.sender.name, campaign.sender.email))
    msg["To"] = formataddr((row["authority_name"], row["authority_email"] or row["to_addr"]))
    msg["Subject"] = chaser.subject
    msg["Date"] = format_datetime(dated)
    msg["Message-ID"] = message_id
    if row["letter_message_id"]:
        msg["In-Reply-To"] = row["letter_message_id"]
        msg["References"] = row["letter_message_id"]
    msg["X-FOI-Reference"] = chaser.reference
    msg.set_content(chaser.body)
    raw = msg.as_bytes()
    sha, path = put(workspace.store, "messages", raw, ".eml")
    throttle.wait(str(msg["To"]).rpartition("@")[2].rstrip(">"))
    try:
        detail = transport.deliver(msg)
    except DeliveryError as exc:
        if exc.permanent:
            with transaction(con):
                upsert(con, "chases", [{"request_reference": chaser.reference,
                                        "stage": chaser.stage, "state": "failed",
                                        "message_id": message_id, "created_at": dated,
                                        "detail": str(exc)}])
        report.failed.append((chaser.reference, chaser.stage, str(exc)))
        return
    with transaction(con):
        upsert(con, "chases", [{"request_reference": chaser.reference, "stage": chaser.stage,
                                "state": "sent", "message_id": message_id, "created_at": dated,
                                "sent_at": now, "detail": f"{transport.name}: {detail}"}])
        add_events(con, [{"request_reference": chaser.reference, "happened_at": now,
                          "kind": "chased", "detail": chaser.stage}])
        save_message(con, {
            "id": sha, "direction": "outgoing", "request_reference": chaser.reference,
            "kind": "chaser", "message_id": message_id, "subject": chaser.subject,
            "from_addr": campaign.sender.email, "to_addr": str(msg["To"]), "dated": dated,
            "raw_path": str(path), "size": len(raw), "source": transport.name,
        })
    report.sent.append((chaser.reference, chaser.stage))
