"""The demo: one campaign end to end on the 209 CCGs, with simulated authorities replying."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task

from flows.artifacts import progress_artifact
from flows.round_robin import chase_task, publish_task, take_in_mail
from flows.runs import document_task_runner
from flows.steps.send import send_campaign
from flows.steps.session import workspace_db
from foi.authorities import demo_ccgs
from foi.campaigns import read_campaign
from foi.mail.transports import FileOutbox
from foi.workspace import init_workspace
from simulator.replies import SentLetter, SimQuestion, simulate_replies, write_replies
from warehouse.authorities import import_authorities
from warehouse.campaigns import load_campaign, save_campaign
from warehouse.db import rows

# The seed story's letters went out at the start of 2016-17; the simulated replies follow.
STORY_SENT_AT = datetime(2016, 4, 4, 9, 30, tzinfo=ZoneInfo("Europe/London"))
EXAMPLE_CAMPAIGN = Path(__file__).resolve().parents[1] / "examples" / "qof-local-schemes.toml"


@task
def prepare(home: str, campaign_file: str, sample: int | None = None) -> str:
    """Create the workspace, import the 209 CCGs (or the first `sample`) and add the campaign."""
    init_workspace(Path(home))
    campaign = read_campaign(Path(campaign_file))
    with workspace_db(home) as (_, con):
        counts = import_authorities(con, demo_ccgs()[:sample], "builtin:ccgs-2016")
        save_campaign(con, campaign, Path(campaign_file).read_text(encoding="utf-8"))
    get_run_logger().info("registry: %s added, %s updated, %s unchanged",
                          counts.added, counts.updated, counts.unchanged)
    return campaign.id


@task
def send(home: str, campaign_id: str, sent_at: datetime) -> int:
    """Send every letter through the file outbox, once."""
    with workspace_db(home) as (workspace, con):
        report = send_campaign(con, workspace, campaign_id, FileOutbox(workspace.outbox),
                               now=sent_at, progress=progress_artifact("demo-send", "letters sent"))
    get_run_logger().info("%d sent, %d already sent, %d failed", len(report.sent),
                          len(report.already_sent), len(report.failed))
    return len(report.sent) + len(report.already_sent)


@task
def simulate(home: str, campaign_id: str, seed: int) -> str:
    """Let the simulated CCGs answer: reply emails with PDF and Word letters."""
    with workspace_db(home, read_only=True) as (workspace, con):
        campaign = load_campaign(con, campaign_id)
        sent = rows(con, """
            SELECT r.reference, r.authority_id, a.name, a.email, r.message_id, m.subject, r.sent_at
            FROM requests r JOIN authorities a ON a.id = r.authority_id
            JOIN messages m ON m.request_reference = r.reference AND m.kind = 'letter'
            WHERE r.campaign_id = ? ORDER BY r.reference""", [campaign_id])
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                          campaign.sender.name, campaign.sender.email, r["message_id"],
                          r["subject"], r["sent_at"]) for r in sent]
    questions = [SimQuestion(n, q.key, q.text, q.type, tuple(q.choices), q.only_if)
                 for n, q in campaign.numbered()]
    inbox = workspace.home / "inbox-simulated"
    paths = write_replies(simulate_replies(letters, questions, seed=seed), inbox)
    get_run_logger().info("%d simulated reply emails in %s", len(paths), inbox)
    return str(inbox)


@flow(name="foitrack-demo", log_prints=True, task_runner=document_task_runner())
def demo_flow(home: str = "foi-data", seed: int = 2016,
              campaign_file: str = str(EXAMPLE_CAMPAIGN), sample: int | None = None,
              sent_at: datetime = STORY_SENT_AT) -> str:
    """Send, simulate replies, ingest, extract and publish one campaign."""
    campaign_id = prepare(home, campaign_file, sample)
    sent = send(home, campaign_id, sent_at)
    inbox = simulate(home, campaign_id, seed)
    mail = take_in_mail(home, inbox)
    chased = chase_task(home, campaign_id, None)
    page = publish_task(home, campaign_id)
    get_run_logger().info("sent %d; mail %s; chased %s; page %s", sent, mail, chased, page)
    return page
