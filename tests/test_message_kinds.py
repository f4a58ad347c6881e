"""What a message is: bounces fail the request with the server's words, auto-replies never
move the clock, acknowledgements keep the authority's reference, clarification requests,
extension and fees notices move the clock; each keeps its evidence and a person can
override it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from flows.steps.send import send_campaign
from foi.mail.transports import FileOutbox
from warehouse.db import connect, rows

from .conftest import shared_path

SENT = datetime(2016, 4, 4, 10, 0, tzinfo=UTC)


def _mail(in_reply_to: str, subject: str, body: str, *, auto: bool = False,
          sender: str = "foi@elsewhere.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"FOI Team <{sender}>"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2016, 4, 11, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = f"<{abs(hash(body))}@elsewhere.example>"
    msg["In-Reply-To"] = in_reply_to
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(body)
    return msg.as_bytes()


def _with_in_reply_to(raw: bytes, message_id: str) -> bytes:
    return f"In-Reply-To: {message_id}\n".encode() + raw


def test_each_kind_of_message_moves_the_request_as_it_should(qof_workspace,
                                                            tmp_path: Path) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=7, now=SENT)
    letters = dict(con.execute("SELECT reference, message_id FROM requests").fetchall())
    due_before = dict(con.execute("SELECT reference, due_on FROM requests").fetchall())
    con.close()
    corpus = shared_path("corpus", "mail-edge-cases")
    inbox = tmp_path / "in"
    inbox.mkdir()
    # real mail: an exim bounce (our letter in its returned copy) and an Exchange out-of-office
    bounce = (corpus / "track-response-exim-bounce.eml").read_bytes().replace(
        b"Subject: Your WhatDoTheyKnow email alert",
        b"Subject: Freedom of Information request QOF16-00C")
    (inbox / "a-bounce.eml").write_bytes(bounce)
    oof = (corpus / "track-response-exchange-oof-1.eml").read_bytes()
    (inbox / "b-oof.eml").write_bytes(_with_in_reply_to(oof, letters["QOF16-00D"]))
    # written here, their labels with them
    (inbox / "c-ack.eml").write_bytes(_mail(
        letters["QOF16-00J"], "Acknowledgement of your request",
        "Thank you for your request, which has been logged under reference FOI-2016-0412.\n"
        "We aim to respond within 20 working days.", auto=True))
    (inbox / "d-clarify.eml").write_bytes(_mail(
        letters["QOF16-00K"], "RE: your request",
        "Before we can process your request, could you please clarify what you mean by "
        "'local incentive scheme'?\n\nKind regards,\nFOI Team"))
    (inbox / "e-extend.eml").write_bytes(_mail(
        letters["QOF16-00L"], "RE: your request",
        "We need to extend the time for our response to consider the public interest test "
        "under section 10(3). We will respond by 27 May 2016.\n\nFOI Team"))
    (inbox / "g-extend-too-far.eml").write_bytes(_mail(
        letters["QOF16-00N"], "RE: your request",
        "We need to extend the time for our response to consider the public interest test. "
        "We will respond by 16 June 2016.\n\nFOI Team"))
    (inbox / "f-fees.eml").write_bytes(_mail(
        letters["QOF16-00M"], "Fees notice",
        "This is a fees notice under section 9 of the Act. Please pay the fee of £25.00 "
        "before we can send the information.\n\nFOI Team"))
    runner = CliRunner()
    home = ["--home", str(ws.home)]
    ingested = runner.invoke(app, ["ingest", "--eml", str(inbox), *home])
    assert ingested.exit_code == 0, ingested.output
    con = connect(ws.database)
    try:
        kinds = {r["request_reference"]: r for r in rows(
            con, "SELECT request_reference, kind, kind_evidence, case_reference, until_on"
                 " FROM messages WHERE direction = 'incoming'")}
        assert {ref: r["kind"] for ref, r in kinds.items()} == {
            "QOF16-00C": "bounce", "QOF16-00D": "auto_reply", "QOF16-00J": "acknowledgement",
            "QOF16-00K": "clarification", "QOF16-00L": "extension",
            "QOF16-00M": "fee_notice", "QOF16-00N": "extension"}
        assert "Unrouteable address" in kinds["QOF16-00C"]["kind_evidence"]
        assert "could you please clarify" in kinds["QOF16-00K"]["kind_evidence"]
        requests = {r["reference"]: r for r in rows(con, "SELECT * FROM requests")}
        assert requests["QOF16-00C"]["status"] == "error_message"
        assert "Unrouteable address" in requests["QOF16-00C"]["error"]
        # the out-of-office moves nothing
        assert requests["QOF16-00D"]["status"] == "awaiting_response"
        assert requests["QOF16-00D"]["due_on"] == due_before["QOF16-00D"]
        assert requests["QOF16-00J"]["authority_reference"] == "FOI-2016-0412"
        assert requests["QOF16-00J"]["due_on"] == due_before["QOF16-00J"]
        assert requests["QOF16-00K"]["status"] == "waiting_clarification"
        assert requests["QOF16-00K"]["clock_stopped_since"] == date(2016, 4, 11)
        assert requests["QOF16-00L"]["status"] == "extended"
        assert requests["QOF16-00L"]["due_on"] == date(2016, 5, 27)
        # 16 June is past the 20 further working days the ICO allows: a note, not the clock
        assert requests["QOF16-00N"]["status"] == "awaiting_response"
        assert requests["QOF16-00N"]["due_on"] == due_before["QOF16-00N"]
        assert kinds["QOF16-00N"]["until_on"] == date(2016, 6, 16)
        assert con.execute("SELECT count(*) FROM problems WHERE item = 'QOF16-00N'"
                           " AND reason LIKE '%beyond the cap%'").fetchone()[0] == 1
        assert requests["QOF16-00M"]["clock_stopped_since"] == date(2016, 4, 11)
        events = {r["request_reference"]: r["kind"] for r in rows(
            con, "SELECT request_reference, kind FROM events WHERE message_id IS NOT NULL")}
        assert events["QOF16-00D"] == "auto_reply" and events["QOF16-00C"] == "delivery_failed"
    finally:
        con.close()
    status = runner.invoke(app, ["status", "qof-local-schemes", *home, "--format", "json"])
    assert "Unrouteable address" in status.output
    table = runner.invoke(app, ["status", "qof-local-schemes", *home], env={"COLUMNS": "300"})
    assert "Unrouteable" in table.output, table.output

    # a person reads the clarification request as an answer: the clock starts again
    listed = runner.invoke(app, ["messages", "QOF16-00K", *home, "--format", "csv"])
    message_id = listed.output.splitlines()[1].split(",")[0]
    done = runner.invoke(app, ["classify", message_id, "reply", "--reason",
                               "it answers question 1 in passing", "--author", "sam", *home])
    assert done.exit_code == 0, done.output
    con = connect(ws.database)
    try:
        request = rows(con, "SELECT * FROM requests WHERE reference = 'QOF16-00K'")[0]
        assert request["status"] == "awaiting_response"
        assert request["clock_stopped_since"] is None
        assert request["due_on"] == due_before["QOF16-00K"]
        message = rows(con, "SELECT kind, kind_set_by, kind_evidence FROM messages"
                            " WHERE request_reference = 'QOF16-00K'"
                            " AND direction = 'incoming'")[0]
        assert message == {"kind": "reply", "kind_set_by": "sam",
                           "kind_evidence": "set by sam: it answers question 1 in passing"}
        assert [r[0] for r in con.execute(
            "SELECT kind FROM events WHERE request_reference = 'QOF16-00K'"
            " ORDER BY happened_at, id").fetchall()] == ["sent", "response_received"]
    finally:
        con.close()
    bad = runner.invoke(app, ["classify", message_id, "nonsense", "--reason", "x", *home])
    assert bad.exit_code == 1 and "unknown kind" in bad.output


SIGNS = [  # (body, kind), written by reading each: a reply's answers are never hidden
    ("Thank you for your request received on 4 April 2016. The CCG does not hold this "
     "information.", "reply"),
    ("Thank you for your email.\n1. Yes.\n2. No.\n\nJo Bloggs, FOI Officer, extension 4567",
     "reply"),
    ("We acknowledge receipt of your request. Our reference is FOI/16/0042.", "acknowledgement"),
    ("Your request has been logged. Case number: 2016-117.", "acknowledgement"),
    ("Please could you clarify which financial year you mean?", "clarification"),
    ("We are extending the deadline to consider the public interest. We will respond "
     "by 20/05/2016.", "extension"),
    ("Please find attached a fees notice. The fee of £12.50 must be paid before we proceed.",
     "reply"),   # the words of a response ("please find attached") win
    ("A fees notice under section 9 is enclosed: please pay £12.50 by cheque.", "fee_notice"),
]


def test_a_message_is_read_by_its_signs_and_a_reply_stays_a_reply() -> None:
    from email.message import Message

    from foi.mail.kinds import classify_message

    for body, kind in SIGNS:
        got = classify_message(Message(), "RE: FOI QOF16-00C", "foi@ccg.example", body, [],
                               b"")
        assert got.kind == kind, (body, got)
    ack = classify_message(Message(), "Re", "foi@ccg.example", SIGNS[2][0], [], b"")
    assert ack.case_reference == "FOI/16/0042"
    extension = classify_message(Message(), "Re", "foi@ccg.example", SIGNS[5][0], [], b"")
    assert extension.until == date(2016, 5, 20)
    attached = classify_message(Message(), "Re", "foi@ccg.example", SIGNS[4][0],
                                ["application/pdf"], b"")
    assert attached.kind == "reply" and "attached" in attached.evidence


def test_no_reply_in_the_real_styles_is_read_as_anything_else() -> None:
    from foi.mail.incoming import read_message
    from simulator.styles import generate_styled_replies, sample_letters

    kinds = {read_message(s.eml).kind for s in generate_styled_replies(sample_letters(1),
                                                                        seed=2023)}
    assert kinds == {"reply"}
