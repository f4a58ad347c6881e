"""The scheduled flows as real Prefect runs, and prefect.yaml's deployments."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect import Flow
from prefect.artifacts import Artifact

from warehouse.db import connect

from .conftest import ROOT, late_letters_with_replies


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
    inbox = tmp_path / "inbox"
    replies = late_letters_with_replies(ws, limit=12, seed=3, inbox=inbox)
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
