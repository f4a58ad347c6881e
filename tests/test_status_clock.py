"""The statutory clock in the warehouse: due dates on send, events, overdue, next action."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from flows.steps.send import send_campaign
from foi.clock import ClockEvent, deadline, deadline_with_events, working_days_between
from foi.mail.transports import FileOutbox
from foi.statuses import EventError
from warehouse.clock import load_calendar
from warehouse.db import connect, rows
from warehouse.timeline import record_event


def _send_on(ws, day: date, limit: int = 6):
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=limit,
                  now=datetime.combine(day, time(10), tzinfo=UTC))
    return con


def test_working_day_index_agrees_with_the_clock(workspace) -> None:
    con = connect(workspace.database)
    rng = random.Random(5)
    for _ in range(200):
        a = date(2001, 1, 1) + timedelta(days=rng.randrange(14000))
        b = a + timedelta(days=rng.randrange(120))
        for regime in ("foia", "foisa"):
            n = con.execute(
                "SELECT e.n - s.n FROM working_days s, working_days e WHERE s.regime = ?"
                " AND e.regime = ? AND s.day = ? AND e.day = ?", [regime, regime, a, b]).fetchone()
            assert n[0] == working_days_between(a, b, regime), (a, b, regime)


def test_sending_sets_due_dates_and_the_view_counts_days_late(qof_workspace) -> None:
    sent_on = date.today() - timedelta(days=45)
    con = _send_on(qof_workspace, sent_on)
    expected = deadline(sent_on, "foia", calendar=load_calendar(con))
    got = rows(con, "SELECT reference, due_on, very_overdue_after, overdue, very_overdue,"
                    " working_days_late, clock, next_action FROM v_requests")
    assert len(got) == 6
    late = working_days_between(expected.due, date.today())
    for r in got:
        assert r["due_on"] == expected.due
        assert r["very_overdue_after"] == expected.very_overdue_after
        assert r["overdue"] is (date.today() > expected.due)
        assert r["working_days_late"] == (late if r["overdue"] else None)
        assert r["next_action"] == ("send first chaser" if r["overdue"] else "wait")


def test_clarification_restarts_and_extension_moves_the_due_date(qof_workspace) -> None:
    sent_on = date.today() - timedelta(days=60)
    con = _send_on(qof_workspace, sent_on, limit=3)
    cal = load_calendar(con)
    refs = [r[0] for r in con.execute("SELECT reference FROM requests ORDER BY 1").fetchall()]
    asked, answered = sent_on + timedelta(days=3), sent_on + timedelta(days=10)
    record_event(con, refs[0], "clarification_requested", on=asked)
    status = con.execute("SELECT status, clock_stopped_since FROM requests WHERE reference = ?",
                         [refs[0]]).fetchone()
    assert status == ("waiting_clarification", asked)
    assert rows(con, "SELECT clock, next_action FROM v_requests WHERE reference = ?",
                [refs[0]]) == [{"clock": "clock stopped",
                                "next_action": "answer the request for clarification"}]
    record_event(con, refs[0], "clarification_received", on=answered)
    expected = deadline_with_events(sent_on, [ClockEvent("clarification_requested", asked),
                                              ClockEvent("clarification_received", answered)],
                                    calendar=cal)
    due = con.execute("SELECT status, due_on FROM requests WHERE reference = ?",
                      [refs[0]]).fetchone()
    assert due == ("awaiting_response", expected.due)
    assert expected.due == deadline(answered, calendar=cal).due

    record_event(con, refs[1], "extended", on=sent_on + timedelta(days=20))
    extended = deadline_with_events(sent_on, [ClockEvent("extended",
                                                         sent_on + timedelta(days=20))],
                                    calendar=cal)
    assert con.execute("SELECT status, due_on FROM requests WHERE reference = ?",
                       [refs[1]]).fetchone() == ("extended", extended.effective_due)
    assert extended.effective_due > deadline(sent_on, calendar=cal).due


def test_a_refusal_then_review_then_overdue_review(qof_workspace) -> None:
    sent_on = date.today() - timedelta(days=120)
    con = _send_on(qof_workspace, sent_on, limit=1)
    ref = con.execute("SELECT reference FROM requests").fetchone()[0]
    record_event(con, ref, "refused", on=sent_on + timedelta(days=14), sections=("s12",))
    assert rows(con, "SELECT status, sections, next_action, clock FROM v_requests") == [
        {"status": "refused", "sections": ["s12"], "next_action": "consider an internal review",
         "clock": "closed"}]
    record_event(con, ref, "internal_review", on=sent_on + timedelta(days=20))
    row = rows(con, "SELECT status, review_due_on, review_overdue, next_action FROM v_requests")
    assert row[0]["status"] == "internal_review"
    assert row[0]["review_overdue"] is True
    assert row[0]["next_action"] == "complain to the ICO"
    with pytest.raises(EventError, match="unknown event"):
        record_event(con, ref, "shouted")


def test_status_on_the_command_line(qof_workspace) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    _send_on(qof_workspace, date.today() - timedelta(days=90), limit=2).close()
    con = connect(qof_workspace.database)
    send_campaign(con, qof_workspace, "qof-local-schemes", FileOutbox(qof_workspace.outbox),
                  limit=2)
    con.close()
    runner = CliRunner()
    out = runner.invoke(app, ["status", "qof-local-schemes", "--overdue", "--format", "json",
                              "--home", str(qof_workspace.home)])
    assert out.exit_code == 0, out.output
    import json
    data = json.loads(out.output)
    assert len(data) == 2 and {r["clock"] for r in data} == {"very overdue"}
    assert {r["next_action"] for r in data} == {"send second chaser"}
    table = runner.invoke(app, ["status", "qof-local-schemes", "--home",
                                str(qof_workspace.home)])
    assert "4 requests" in table.output
    assert all(r["reference"] in table.output for r in data)
