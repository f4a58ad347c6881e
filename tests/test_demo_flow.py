"""The demo as a real Prefect flow run: send, simulated replies, ingest, extract, publish."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from foi.campaigns import read_campaign
from simulator.replies import SentLetter, SimQuestion, simulate_replies
from warehouse.db import connect, rows

from .conftest import EXAMPLE

SAMPLE = 40


@pytest.fixture(scope="module")
def demo_home(prefect_harness, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.demo import demo_flow

    home = tmp_path_factory.mktemp("demo") / "foi-data"
    page = demo_flow(home=str(home), seed=11, sample=SAMPLE)
    assert Path(page) == home / "site" / "qof-local-schemes" / "index.html"
    return home


def _scenarios(home: Path) -> dict[str, str]:
    """What the simulator decided for each request, recomputed from the stored letters."""
    campaign = read_campaign(EXAMPLE)
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                         " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id")
    finally:
        con.close()
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"], "x",
                          "x@y.example", r["message_id"], "s", r["sent_at"]) for r in sent]
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in campaign.numbered()]
    return {r.reference: r.scenario for r in simulate_replies(letters, questions, seed=11)}


def test_demo_publishes_counts_derived_from_the_replies(demo_home: Path) -> None:
    scenarios = _scenarios(demo_home)
    assert len(scenarios) == SAMPLE
    con = connect(demo_home / "foi.duckdb", read_only=True)
    try:
        status = dict(con.execute("SELECT reference, status FROM requests").fetchall())
        summary = rows(con, "SELECT * FROM v_campaign_summary ORDER BY question_number")
        docs = Counter(r[0] for r in con.execute("SELECT status FROM documents").fetchall())
        held = con.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                           " AND request_reference IS NULL").fetchone()[0]
    finally:
        con.close()
    silent = {ref for ref, s in scenarios.items() if s == "silent"}
    assert {ref for ref, s in status.items() if s == "awaiting_response"} == silent
    assert held == 0
    assert set(docs) == {"ok"}
    responded = SAMPLE - len(silent)
    assert summary[0]["requests_sent"] == SAMPLE and summary[0]["responded"] == responded
    assert summary[0]["asked"] == responded
    page = (demo_home / "site" / "qof-local-schemes" / "index.html").read_text()
    assert f"Of the {responded} CCGs that responded" in page or responded < 10
    assert page.count("<tr data-search=") == SAMPLE


def test_running_the_demo_again_sends_and_ingests_nothing_twice(demo_home: Path) -> None:
    from flows.demo import demo_flow

    def counts() -> tuple[int, ...]:
        con = connect(demo_home / "foi.duckdb", read_only=True)
        try:
            return tuple(con.execute(
                "SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM messages),"
                " (SELECT count(*) FROM events), (SELECT count(*) FROM answers)").fetchone())
        finally:
            con.close()
    before = counts()
    outbox = sorted(p.name for p in (demo_home / "outbox").iterdir())
    demo_flow(home=str(demo_home), seed=11, sample=SAMPLE)
    assert counts() == before
    assert sorted(p.name for p in (demo_home / "outbox").iterdir()) == outbox
