"""The scheduled flows as real Prefect runs, and prefect.yaml's deployments."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import yaml
from prefect import Flow
from prefect.artifacts import Artifact

from flows.steps.send import send_campaign
from foi.campaigns import read_campaign
from foi.mail.transports import FileOutbox
from foi.simulator import SentLetter, SimQuestion, simulate_replies, write_replies
from warehouse.db import connect, rows

from .conftest import EXAMPLE, ROOT


def test_every_deployment_names_a_flow_and_london_time() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    for deployment in config["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, name), Flow), deployment["name"]
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == "Europe/London", deployment["name"]


def test_check_mail_chase_and_publish_flows(prefect_harness, qof_workspace,
                                            tmp_path: Path) -> None:
    from flows.round_robin import chase_late, check_mail, publish, send_letters

    ws = qof_workspace
    con = connect(ws.database)
    sent_day = date.today() - timedelta(days=40)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=12,
                  now=datetime.combine(sent_day, time(10), tzinfo=UTC))
    campaign = read_campaign(EXAMPLE)
    sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                     " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id")
    con.close()
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"], "A",
                          "a@newsroom.example", r["message_id"], "FOI", r["sent_at"])
               for r in sent]
    replies = simulate_replies(letters, [SimQuestion(n, q.key, q.text, q.type, q.choices,
                                                     q.only_if)
                                         for n, q in campaign.numbered()], seed=3)
    inbox = tmp_path / "inbox"
    write_replies(replies, inbox)
    silent = {r.reference for r in replies if r.scenario == "silent"}

    assert send_letters(home=str(ws.home), campaign_id="qof-local-schemes")["sent"] == 209 - 12
    mail = check_mail(home=str(ws.home), eml_dir=str(inbox))
    assert mail["holding_pen"] == 0 and mail["matched"] == sum(len(r.messages) for r in replies)
    chased = chase_late(home=str(ws.home), campaign_id="qof-local-schemes")
    con = connect(ws.database, read_only=True)
    overdue_silent = {r[0] for r in con.execute(
        "SELECT request_reference FROM chases WHERE stage = 'first_chase'").fetchall()}
    con.close()
    assert overdue_silent == silent and chased["chased"] == len(silent)
    table = Artifact.get("qof-local-schemes-overdue")
    assert table is not None and all(ref in str(table.data) for ref in silent)
    [page] = publish(home=str(ws.home))
    assert Path(page).exists()
    assert Artifact.get("qof-local-schemes-findings") is not None
