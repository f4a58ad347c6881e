"""The demo: one campaign end to end on the 209 CCGs, with simulated authorities replying."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
)

from flows.artifacts import progress_artifact
from flows.steps.chase import chase_campaign
from flows.steps.extract import (
    ExtractReport,
    extract_campaign,
    read_pending_documents,
    rematch_holding_pen,
)
from flows.steps.ingest import eml_files, ingest_files
from flows.steps.report import campaign_headlines, publish_campaign
from flows.steps.send import send_campaign
from foi.authorities import demo_ccgs
from foi.campaigns import read_campaign
from foi.mail.transports import FileOutbox
from foi.simulator import SentLetter, SimQuestion, simulate_replies, write_replies
from foi.workspace import init_workspace, open_workspace
from warehouse.db import connect, rows
from warehouse.registry import import_authorities, load_campaign, save_campaign

# The seed story's letters went out at the start of 2016-17; the simulated replies follow.
STORY_SENT_AT = datetime(2016, 4, 4, 9, 30, tzinfo=ZoneInfo("Europe/London"))
EXAMPLE_CAMPAIGN = Path(__file__).resolve().parents[1] / "examples" / "qof-local-schemes.toml"


@task
def prepare(home: str, campaign_file: str, sample: int | None = None) -> str:
    """Create the workspace, import the 209 CCGs (or the first `sample`) and add the campaign."""
    workspace = init_workspace(Path(home))
    campaign = read_campaign(Path(campaign_file))
    con = connect(workspace.database)
    try:
        counts = import_authorities(con, demo_ccgs()[:sample], "builtin:ccgs-2016")
        save_campaign(con, campaign, Path(campaign_file).read_text(encoding="utf-8"))
    finally:
        con.close()
    get_run_logger().info("registry: %s added, %s updated, %s unchanged",
                          counts.added, counts.updated, counts.unchanged)
    return campaign.id


@task
def send(home: str, campaign_id: str, sent_at: datetime) -> int:
    """Send every letter through the file outbox, once."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database)
    try:
        report = send_campaign(con, workspace, campaign_id, FileOutbox(workspace.outbox),
                               now=sent_at, progress=progress_artifact("demo-send", "letters sent"))
    finally:
        con.close()
    get_run_logger().info("%d sent, %d already sent, %d failed", len(report.sent),
                          len(report.already_sent), len(report.failed))
    return len(report.sent) + len(report.already_sent)


@task
def simulate(home: str, campaign_id: str, seed: int) -> str:
    """Let the simulated CCGs answer: reply emails with PDF and Word letters."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database, read_only=True)
    try:
        campaign = load_campaign(con, campaign_id)
        sent = rows(con, """
            SELECT r.reference, r.authority_id, a.name, a.email, r.message_id, m.subject, r.sent_at
            FROM requests r JOIN authorities a ON a.id = r.authority_id
            JOIN messages m ON m.request_reference = r.reference AND m.direction = 'outgoing'
            WHERE r.campaign_id = ? ORDER BY r.reference""", [campaign_id])
    finally:
        con.close()
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                          campaign.sender.name, campaign.sender.email, r["message_id"],
                          r["subject"], r["sent_at"]) for r in sent]
    questions = [SimQuestion(n, q.key, q.text, q.type, tuple(q.choices), q.only_if)
                 for n, q in campaign.numbered()]
    inbox = workspace.home / "inbox-simulated"
    paths = write_replies(simulate_replies(letters, questions, seed=seed), inbox)
    get_run_logger().info("%d simulated reply emails in %s", len(paths), inbox)
    return str(inbox)


@task
def ingest(home: str, inbox: str) -> dict[str, int]:
    """Ingest the reply emails and match them to requests."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database)
    try:
        report = ingest_files(con, workspace, eml_files(Path(inbox)),
                              progress=progress_artifact("demo-ingest", "emails ingested"))
    finally:
        con.close()
    return {"matched": len(report.matched), "holding_pen": len(report.holding_pen),
            "duplicates": report.duplicates, "problems": len(report.problems)}


@task
def extract(home: str, campaign_id: str) -> dict[str, int]:
    """Read every document and extract answers and outcomes."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database)
    report = ExtractReport()
    try:
        read_pending_documents(con, workspace, report,
                               progress_artifact("demo-read", "documents read"))
        rematch_holding_pen(con, workspace, report)
        extract_campaign(con, campaign_id, report)
    finally:
        con.close()
    return {"documents_read": report.documents_read,
            "documents_failed": len(report.documents_failed),
            "rematched": report.rematched, "requests": report.requests,
            "answers": report.answers}


@task
def chase(home: str, campaign_id: str) -> dict[str, int]:
    """Chase the late ones (to the outbox) and draft internal reviews for refusals."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database)
    try:
        report = chase_campaign(con, workspace, campaign_id, FileOutbox(workspace.outbox),
                                progress=progress_artifact("demo-chase", "chasers and drafts"))
    finally:
        con.close()
    return {"chasers": len(report.sent), "drafts": len(report.drafted)}


@task
def publish(home: str, campaign_id: str) -> str:
    """Render the campaign page and leave its sentences as a Prefect artifact."""
    workspace = open_workspace(Path(home))
    con = connect(workspace.database)
    try:
        page = publish_campaign(con, workspace.site, campaign_id)
        lines = campaign_headlines(con, campaign_id)
    finally:
        con.close()
    create_markdown_artifact(
        key="demo-findings",
        markdown="\n".join([f"# {campaign_id}", "", *(f"- **Q{h.number}** {h.sentence}"
                                                       for h in lines), "",
                            f"Published: `{page}`"]),
        description="The published sentences")
    return str(page)


@flow(name="foitrack-demo", log_prints=True)
def demo_flow(home: str = "foi-data", seed: int = 2016,
              campaign_file: str = str(EXAMPLE_CAMPAIGN), sample: int | None = None,
              sent_at: datetime = STORY_SENT_AT) -> str:
    """Send, simulate replies, ingest, extract and publish one campaign."""
    campaign_id = prepare(home, campaign_file, sample)
    sent = send(home, campaign_id, sent_at)
    inbox = simulate(home, campaign_id, seed)
    ingested = ingest(home, inbox)
    extracted = extract(home, campaign_id)
    chased = chase(home, campaign_id)
    page = publish(home, campaign_id)
    get_run_logger().info("sent %d; ingested %s; extracted %s; chased %s; page %s",
                          sent, ingested, extracted, chased, page)
    return page
