"""Sending: the file outbox by default, SMTP against a real aiosmtpd server, never twice."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from flows.steps.send import send_campaign
from foi.letters import LetterError
from foi.mail.transports import FileOutbox, SmtpTransport, TransportError
from warehouse.campaigns import save_campaign
from warehouse.db import connect, rows

from .conftest import EXAMPLE


def test_outbox_gets_one_letter_per_ccg_and_a_rerun_sends_none(qof_workspace) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    first = send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox))
    again = send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox))
    assert len(first.sent) == 209 and not first.failed
    assert again.sent == [] and len(again.already_sent) == 209
    files = sorted(ws.outbox.glob("*.eml"))
    assert len(files) == 209
    ids = set()
    for path in files:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert path.stem in msg["Subject"]
        ids.add(msg["Message-ID"])
    stored = rows(con, "SELECT status, count(*) AS n, count(DISTINCT message_id) AS ids"
                       " FROM requests GROUP BY status")
    assert stored == [{"status": "awaiting_response", "n": 209, "ids": 209}]
    assert ids == {r[0] for r in con.execute("SELECT message_id FROM requests").fetchall()}
    events = con.execute("SELECT count(*) FROM events WHERE kind = 'sent'").fetchone()[0]
    assert events == 209


def test_limit_sends_a_pilot_batch_then_the_rest(qof_workspace) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    pilot = send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=5)
    rest = send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox))
    assert len(pilot.sent) == 5 and len(rest.sent) == 204
    assert not set(pilot.sent) & set(rest.sent)


def test_interrupted_send_is_finished_without_a_second_copy(qof_workspace) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=3)
    # As if the process died after the outbox write but before recording it as sent.
    ref = con.execute("SELECT reference FROM requests ORDER BY reference LIMIT 1").fetchone()[0]
    con.execute("UPDATE requests SET status = 'sending' WHERE reference = ?", [ref])
    before = (ws.outbox / f"{ref}.eml").read_bytes()
    again = send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=1)
    assert again.sent == [ref]
    assert (ws.outbox / f"{ref}.eml").read_bytes() == before


def test_smtp_delivers_each_letter_once(qof_workspace, smtp_server) -> None:
    controller, handler = smtp_server
    ws = qof_workspace
    con = connect(ws.database)
    smtp = SmtpTransport(controller.hostname, controller.port)
    report = send_campaign(con, ws, "qof-local-schemes", smtp, limit=20)
    send_campaign(con, ws, "qof-local-schemes", smtp, limit=0)
    assert len(report.sent) == 20
    assert len(handler.received) == 20
    recipients = [rcpt for env in handler.received for rcpt in env.rcpt_tos]
    assert len(set(recipients)) == 20
    for env in handler.received:
        msg = message_from_bytes(env.content, policy=policy.default)
        assert msg["X-FOI-Reference"] in msg["Subject"]


def test_smtp_5xx_marks_the_request_and_4xx_leaves_it_to_retry(qof_workspace, smtp_server) -> None:
    controller, handler = smtp_server
    handler.reply_for["foi@00c.ccg.example"] = "550 5.1.1 mailbox unavailable"
    handler.reply_for["foi@00d.ccg.example"] = "451 4.3.0 try again later"
    ws = qof_workspace
    con = connect(ws.database)
    report = send_campaign(con, ws, "qof-local-schemes",
                           SmtpTransport(controller.hostname, controller.port), limit=3)
    status = dict(con.execute("SELECT reference, status FROM requests").fetchall())
    assert status["QOF16-00C"] == "error_message"
    assert status["QOF16-00D"] == "sending"
    assert status["QOF16-00J"] == "awaiting_response"
    assert {ref for ref, _ in report.failed} == {"QOF16-00C", "QOF16-00D"}
    error = con.execute("SELECT error FROM requests WHERE reference = 'QOF16-00C'").fetchone()[0]
    assert error.startswith("550")
    handler.reply_for.clear()
    retry = send_campaign(con, ws, "qof-local-schemes",
                          SmtpTransport(controller.hostname, controller.port), limit=1)
    assert retry.sent == ["QOF16-00D"]


def test_unreachable_server_stops_the_run_and_keeps_letters_due(qof_workspace, smtp_server
                                                                  ) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    with pytest.raises(TransportError, match=r"cannot reach .*209 letters are still due"):
        send_campaign(con, ws, "qof-local-schemes", SmtpTransport("127.0.0.1", 9, timeout=2))
    assert con.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
    controller, handler = smtp_server
    retry = send_campaign(con, ws, "qof-local-schemes",
                          SmtpTransport(controller.hostname, controller.port), limit=2)
    assert len(retry.sent) == 2 and not retry.already_sent and len(handler.received) == 2
    events = {k for (k,) in con.execute("SELECT DISTINCT kind FROM events").fetchall()}
    assert events == {"sent"}


def test_template_error_stops_before_anything_is_sent(qof_workspace) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    text = EXAMPLE.read_text(encoding="utf-8").replace("{{ authority.name }}",
                                                       "{{ authority.address }}")
    from foi.campaigns import parse_campaign
    save_campaign(con, parse_campaign(text), text)
    with pytest.raises(LetterError, match="address"):
        send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox))
    assert not list(ws.outbox.glob("*.eml"))
    assert con.execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_a_letter_that_cannot_be_built_never_stops_the_batch(qof_workspace, smtp_server
                                                             ) -> None:
    from foi.authorities import Authority
    from warehouse.authorities import import_authorities, load_authorities

    ws = qof_workspace
    controller, handler = smtp_server
    con = connect(ws.database)
    bad = next(a for a in load_authorities(con) if a.id == "00D")
    # as if imported before `foi authorities import` refused line breaks
    import_authorities(con, [Authority(bad.id, "Body\r\nBcc: someone@evil.example", bad.email,
                                       bad.nation, bad.kind, bad.tags)], "old import")
    transport = SmtpTransport(controller.hostname, controller.port)
    report = send_campaign(con, ws, "qof-local-schemes", transport, limit=5)
    assert len(report.sent) == 4 and [ref for ref, _ in report.failed] == ["QOF16-00D"]
    assert "linefeed" in report.failed[0][1]
    assert all(b"evil.example" not in e.content for e in handler.received)
    assert all("evil.example" not in rcpt for e in handler.received for rcpt in e.rcpt_tos)
    status = rows(con, "SELECT status, error FROM requests WHERE reference = 'QOF16-00D'")
    assert status[0]["status"] == "error_message" and "linefeed" in status[0]["error"]
    # put right in the registry, the next run sends it, and only it
    import_authorities(con, [bad], "fixed")
    again = send_campaign(con, ws, "qof-local-schemes", transport, limit=1)
    assert again.sent == ["QOF16-00D"] and not again.failed
    assert len(handler.received) == 5
    assert rows(con, "SELECT count(*) AS n FROM requests WHERE status = 'awaiting_response'"
                ) == [{"n": 5}]
