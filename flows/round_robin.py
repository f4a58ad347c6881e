"""The scheduled flows of a live round-robin: send, check mail, chase, publish.

`home` is the workspace: by default $FOI_HOME of the worker, else ./foi-data in the
working directory (prefect.yaml's FOITRACK_DIR)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import as_completed

from extract.reading.documents import DocumentText
from flows.artifacts import progress_artifact, run_summary
from flows.credentials import secret_text, smtp_transport_from_block, with_secret_password
from flows.runs import RETRY_WHEN_BUSY, document_task_runner, name_this_run, reading_batches
from flows.steps.chase import chase_campaign, chase_throttle
from flows.steps.extract import (
    ExtractionPlan,
    PendingDocument,
    ReadingLimits,
    plan_extraction,
    read_documents,
    reading_limits,
    store_and_extract,
)
from flows.steps.ingest import eml_files, ingest_files
from flows.steps.mailbox import ingest_configured_imap
from flows.steps.report import campaign_headlines, publish_campaign
from flows.steps.send import send_campaign
from flows.steps.session import workspace_db
from foi.mail.throttle import throttle_from_settings
from foi.mail.transports import SmtpTransport, Transport, configured_transport
from foi.workspace import Workspace
from warehouse.queries import request_rows


def _transport(workspace: Workspace, credentials_block: str | None,
               password_secret: str | None = None) -> Transport:
    """SMTP from a Prefect EmailServerCredentials block when named; else what foi.toml says,
    with the password from a Prefect Secret block when one is named."""
    if credentials_block:
        return smtp_transport_from_block(
            credentials_block, ca_file=workspace.setting("smtp", "ca_file"))
    transport = configured_transport(workspace.outbox, workspace.settings)
    if password_secret and isinstance(transport, SmtpTransport):
        return with_secret_password(transport, password_secret)
    return transport


@task(**RETRY_WHEN_BUSY)
def send_task(home: str | None, campaign_id: str, credentials_block: str | None,
              password_secret: str | None = None) -> dict[str, int]:
    """Send the campaign's unsent letters, once each."""
    with workspace_db(home) as (workspace, con):
        report = send_campaign(con, workspace, campaign_id,
                               _transport(workspace, credentials_block, password_secret),
                               throttle=throttle_from_settings(workspace.settings),
                               progress=progress_artifact(f"{campaign_id}-send", "letters sent"))
    for ref, reason in report.failed:
        get_run_logger().warning("%s not sent: %s", ref, reason)
    return {"sent": len(report.sent), "already_sent": len(report.already_sent),
            "failed": len(report.failed)}


def _campaigns(home: str | None, campaign_id: str | None) -> list[str]:
    """The one campaign asked for, or every campaign of the workspace."""
    if campaign_id:
        return [campaign_id]
    with workspace_db(home, read_only=True) as (_, con):
        return [r[0] for r in con.execute("SELECT id FROM campaigns ORDER BY id").fetchall()]


def _overdue(home: str | None, campaign_id: str | None = None) -> int:
    """How many requests (of one campaign, or all) are past their due date now."""
    ids = _campaigns(home, campaign_id)
    with workspace_db(home, read_only=True) as (_, con):
        return sum(1 for cid in ids for r in request_rows(con, cid) if r["overdue"])


@flow(name="foitrack-send")
def send_letters(campaign_id: str, home: str | None = None,
                 credentials_block: str | None = None,
                 password_secret: str | None = None) -> dict:
    """Send a campaign's letters (a re-run sends only what is still unsent)."""
    name_this_run()
    done = send_task(home, campaign_id, credentials_block, password_secret)
    return run_summary(f"{campaign_id}-send-run", f"Letters of {campaign_id}",
                       {**done, "overdue": _overdue(home, campaign_id)})


@task(**RETRY_WHEN_BUSY)
def ingest_task(home: str | None, eml_dir: str | None = None,
                imap_password_secret: str | None = None
                ) -> tuple[dict[str, int], ExtractionPlan, ReadingLimits]:
    """Ingest new .eml files (default: the workspace's inbox/) and the IMAP mailbox of
    foi.toml's [imap] table, if any; what is left to read and extract."""
    password = secret_text(imap_password_secret) if imap_password_secret else None
    with workspace_db(home) as (workspace, con):
        inbox = Path(eml_dir) if eml_dir else workspace.inbox
        ingested = ingest_files(con, workspace, eml_files(inbox))
        imap = ingest_configured_imap(con, workspace, password=password)
        plan = plan_extraction(con, workspace)
    reports = [ingested, *([imap.ingest] if imap else [])]
    counts = {"received": sum(len(r.matched) + len(r.holding_pen) for r in reports),
              "matched": sum(len(r.matched) for r in reports),
              "holding_pen": sum(len(r.holding_pen) for r in reports),
              "already_ingested": sum(r.duplicates for r in reports),
              "problems": sum(len(r.problems) for r in reports),
              "left_on_server": len(imap.left) if imap else 0}
    return counts, plan, reading_limits(workspace)


@task
def read_task(documents: list[PendingDocument], limits: ReadingLimits
              ) -> dict[str, DocumentText]:
    """Read one batch of documents (no warehouse: runs wherever the task runner puts it)."""
    return read_documents(documents, limits, workers=1)  # the batches are one per core


@task(**RETRY_WHEN_BUSY)
def extract_task(home: str | None, readings: dict[str, DocumentText]) -> dict[str, int]:
    """In one transaction: store the documents' text, match held messages again, and extract
    the requests with something new."""
    with workspace_db(home) as (workspace, con):
        report = store_and_extract(con, workspace, readings)
    return {"documents_read": report.documents_read,
            "documents_failed": len(report.documents_failed), "rematched": report.rematched,
            "requests_extracted": report.requests, "answers": report.answers}


def take_in_mail(home: str | None, eml_dir: str | None = None,
                 imap_password_secret: str | None = None) -> dict[str, int]:
    """Ingest, read the new documents in parallel batches on the flow's task runner, then
    extract: only the first and last steps hold the warehouse, and the last only when there
    is something new."""
    ingested, plan, limits = ingest_task(home, eml_dir, imap_password_secret)
    pending = plan.pending
    n = reading_batches()
    batches = [pending[i::n] for i in range(n)]
    futures = [read_task.submit(batch, limits) for batch in batches if batch]
    readings: dict[str, DocumentText] = {}
    progress = progress_artifact("check-mail-read", "documents read")
    for future in as_completed(futures):
        readings.update(future.result())
        progress(len(readings), len(pending), "")
    if plan.nothing_to_do:
        return {**ingested, "documents_read": 0, "documents_failed": 0, "rematched": 0,
                "requests_extracted": 0, "answers": 0}
    return {**ingested, **extract_task(home, readings)}


@flow(name="foitrack-check-mail", task_runner=document_task_runner())
def check_mail(home: str | None = None, eml_dir: str | None = None,
               imap_password_secret: str | None = None) -> dict:
    """Take in replies from a folder of .eml files (default: the workspace's inbox/) and from
    the IMAP mailbox of foi.toml's [imap] table (password: the Prefect Secret block named by
    `imap_password_secret`, else $FOI_IMAP_PASSWORD), and extract their answers."""
    name_this_run()
    done = take_in_mail(home, eml_dir, imap_password_secret)
    return run_summary("check-mail-run", "Mail taken in", {**done, "overdue": _overdue(home)})


@task(**RETRY_WHEN_BUSY)
def chase_task(home: str | None, campaign_id: str, credentials_block: str | None,
               per_minute: int | None = None,
               password_secret: str | None = None) -> dict[str, int]:
    """Send due chasers and write due drafts; a table artifact lists what is still late.
    Chasers through SMTP are spaced `per_minute` (default: [chase] per_minute, else 6)."""
    with workspace_db(home) as (workspace, con):
        transport = _transport(workspace, credentials_block, password_secret)
        report = chase_campaign(
            con, workspace, campaign_id, transport,
            throttle=chase_throttle(workspace, transport, per_minute),
            progress=progress_artifact(f"{campaign_id}-chase", "chasers and drafts"))
        late = [{"reference": r["reference"], "authority": r["authority_name"],
                 "due_on": str(r["due_on"]), "working_days_late": r["working_days_late"],
                 "next_action": r["next_action"]}
                for r in request_rows(con, campaign_id) if r["overdue"]]
    create_table_artifact(key=f"{campaign_id}-overdue", table=late,
                          description=f"{len(late)} overdue requests")
    return {"sent": len(report.sent), "drafted": len(report.drafted),
            "failed": len(report.failed)}


@flow(name="foitrack-chase")
def chase_late(home: str | None = None, campaign_id: str | None = None,
               credentials_block: str | None = None, password_secret: str | None = None
               ) -> dict:
    """Chase overdue requests and draft internal reviews and ICO complaints (of one campaign,
    or of every campaign in the workspace)."""
    name_this_run()
    totals = {"chased": 0, "drafted": 0, "failed": 0}
    for cid in _campaigns(home, campaign_id):
        done = chase_task(home, cid, credentials_block, password_secret=password_secret)
        for key, value in (("chased", done["sent"]), ("drafted", done["drafted"]),
                           ("failed", done["failed"])):
            totals[key] += value
    return run_summary(f"{campaign_id or 'all'}-chase-run",
                       f"Chasing {campaign_id or 'every campaign'}",
                       {**totals, "overdue": _overdue(home, campaign_id)})


@task(**RETRY_WHEN_BUSY)
def publish_task(home: str | None, campaign_id: str) -> str:
    """Render the campaign page; its sentences become a markdown artifact."""
    with workspace_db(home) as (workspace, con):
        page = publish_campaign(con, workspace.site, campaign_id)
        lines = campaign_headlines(con, campaign_id)
    create_markdown_artifact(
        key=f"{campaign_id}-findings",
        markdown="\n".join([f"# {campaign_id}", *(f"- **Q{h.number}** {h.sentence}"
                                                   for h in lines), "", f"`{page}`"]))
    return str(page)


@flow(name="foitrack-publish")
def publish(home: str | None = None, campaign_id: str | None = None) -> list[str]:
    """Publish the sentences, table and CSV of one campaign, or of every campaign."""
    name_this_run()
    return [publish_task(home, cid) for cid in _campaigns(home, campaign_id)]
