"""Chasing late requests through a real SMTP server, once per stage; drafts for the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy

from flows.steps.chase import chase_campaign
from flows.steps.send import send_campaign
from foi.mail.throttle import Throttle
from foi.mail.transports import FileOutbox, SmtpTransport
from warehouse.db import connect, rows
from warehouse.timeline import record_event


def _sent(ws, days_ago: int, limit: int):
    con = connect(ws.database)
    day = date.today() - timedelta(days=days_ago)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=limit,
                  now=datetime.combine(day, time(10), tzinfo=UTC))
    return con


def test_each_stage_goes_once_and_replies_thread_to_the_letter(qof_workspace,
                                                               smtp_server) -> None:
    controller, handler = smtp_server
    ws = qof_workspace
    con = _sent(ws, 40, limit=3)        # overdue, not yet very overdue
    refs = [r[0] for r in con.execute("SELECT reference FROM requests ORDER BY 1").fetchall()]
    record_event(con, refs[2], "refused", on=date.today() - timedelta(days=20),
                 sections=("s12",))
    smtp = SmtpTransport(controller.hostname, controller.port)
    first = chase_campaign(con, ws, "qof-local-schemes", smtp, throttle=Throttle())
    again = chase_campaign(con, ws, "qof-local-schemes", smtp, throttle=Throttle())
    assert sorted(first.sent) == [(refs[0], "first_chase"), (refs[1], "first_chase")]
    assert first.drafted == [(refs[2], "internal_review")]
    assert again.sent == [] and again.drafted == []
    assert len(handler.received) == 2
    letters = dict(con.execute("SELECT reference, message_id FROM requests").fetchall())
    for env in handler.received:
        msg = message_from_bytes(env.content, policy=policy.default)
        ref = msg["X-FOI-Reference"]
        assert msg["In-Reply-To"].strip() == letters[ref]
        assert msg["Subject"].strip().startswith("RE: Freedom of Information request " + ref)
        assert "was due by" in msg.get_content()
    draft = (ws.home / "drafts" / f"{refs[2]}-internal_review.txt").read_text()
    assert "internal review" in draft and "section 12" in draft and "section 16" in draft
    actions = dict(con.execute("SELECT reference, next_action FROM v_requests").fetchall())
    assert actions[refs[0]] == "wait for the reply to the chaser"
    assert actions[refs[2]] == "send the drafted internal review request"
    # replies to the chaser are matched through its Message-ID too
    chaser_ids = {r["message_id"] for r in rows(con, "SELECT message_id FROM messages"
                                                     " WHERE kind = 'chaser'")}
    assert len(chaser_ids) == 2


def test_very_overdue_gets_the_second_chaser_and_dry_run_sends_nothing(qof_workspace,
                                                                       smtp_server) -> None:
    controller, handler = smtp_server
    ws = qof_workspace
    con = _sent(ws, 100, limit=2)
    smtp = SmtpTransport(controller.hostname, controller.port)
    planned = chase_campaign(con, ws, "qof-local-schemes", smtp, dry_run=True)
    assert [c.stage for c in planned.planned] == ["second_chase", "second_chase"]
    assert handler.received == []
    done = chase_campaign(con, ws, "qof-local-schemes", smtp, throttle=Throttle())
    assert [s for _, s in done.sent] == ["second_chase", "second_chase"]
    body = message_from_bytes(handler.received[0].content, policy=policy.default).get_content()
    late = con.execute("SELECT max(working_days_late) FROM v_requests").fetchone()[0]
    assert f"{late} working days late" in body
    assert "Information Commissioner" in body


def test_a_workspace_template_overrides_the_default(qof_workspace) -> None:
    ws = qof_workspace
    con = _sent(ws, 40, limit=1)
    (ws.home / "templates").mkdir()
    (ws.home / "templates" / "first_chase.txt.j2").write_text(
        "Hello {{ authority.name }}, {{ request.reference }} is late. Regards, {{ sender.name }}")
    report = chase_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox),
                            throttle=Throttle())
    ref = report.sent[0][0]
    raw = (ws.outbox / f"{ref}.eml").read_bytes()
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content().startswith(f"Hello NHS Darlington CCG, {ref} is late.")


def test_a_reply_taken_in_but_not_read_yet_is_never_chased(qof_workspace) -> None:
    from email.message import EmailMessage

    from flows.steps.ingest import ingest_files

    ws = qof_workspace
    con = _sent(ws, 40, limit=2)        # both overdue
    letter = message_from_bytes(sorted(ws.outbox.glob("*.eml"))[0].read_bytes(),
                                policy=policy.default)
    reply = EmailMessage()
    reply["From"], reply["To"] = letter["To"], letter["From"]
    reply["Subject"] = f"Re: {letter['Subject']}"
    reply["In-Reply-To"] = letter["Message-ID"]
    reply.set_content("Dear requester, the CCG did not take on delegated commissioning.")
    inbox = ws.home / "replies"
    inbox.mkdir()
    (inbox / "reply.eml").write_bytes(reply.as_bytes())
    ingest_files(con, ws, [inbox / "reply.eml"])     # a run stopped before reading it
    report = chase_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox),
                            throttle=Throttle())
    replied = str(letter["X-FOI-Reference"])
    assert [ref for ref, _ in report.sent] != [] and replied not in {r for r, _ in report.sent}
    assert rows(con, "SELECT next_action, unread_documents FROM v_requests WHERE reference = ?",
                [replied]) == [{"next_action": "read the reply (foi extract)",
                                "unread_documents": 1}]
