"""Ingesting mail: real-world edge cases survive, raw bytes kept, replies matched."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flows.steps.ingest import ingest_files
from flows.steps.send import send_campaign
from foi.mail.transports import FileOutbox
from foi.store import sha256
from warehouse.db import connect, rows

from .conftest import shared_path


def _sent(ws):
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=10)
    return con


def test_every_edge_case_message_is_kept_whole(qof_workspace, tmp_path: Path) -> None:
    corpus = shared_path("corpus", "mail-edge-cases")
    ws = qof_workspace
    con = _sent(ws)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    originals = {}
    for path in sorted(corpus.glob("*.eml")):
        raw = path.read_bytes().replace(b"EMAIL_FROM", b"foi@00c.ccg.example") \
                               .replace(b"EMAIL_TO", b"foi-desk@newsroom.example")
        (inbox / path.name).write_bytes(raw)
        originals[path.name] = raw
    report = ingest_files(con, ws, sorted(inbox.glob("*.eml")))
    # read by a person: these four hold base64 that is not ("stuff", "some base 64as;dm",
    # one-byte placeholders) or a body that is not the UTF-8 it is taken for; each is kept,
    # read as far as it goes and reported, the others read cleanly
    damaged = {"many-attachments-date-header.eml", "multiple-unquoted-display-names.eml",
               "no-part-charset-bad-utf8.eml", "non-utf8-filename.eml"}
    assert {item.rsplit("/", 1)[-1] for item, _ in report.problems} == damaged
    recorded = rows(con, "SELECT item, reason FROM problems WHERE stage = 'ingest'")
    assert len(recorded) == len(damaged)
    assert all("kept raw at messages/" in r["reason"] for r in recorded)
    assert len(report.matched) + len(report.holding_pen) + report.duplicates == len(originals)
    stored = {r["source"].rsplit("/", 1)[-1]: r for r in rows(
        con, "SELECT * FROM messages WHERE direction = 'incoming'")}
    unique = {sha256(raw) for raw in originals.values()}
    assert len(stored) == len(unique)
    for name, raw in originals.items():
        row = stored.get(name)
        if row is None:
            continue  # byte-identical to another file: stored once
        assert (ws.store / row["raw_path"]).read_bytes() == raw
        assert row["id"] == sha256(raw)
    kinds = {name: row["kind"] for name, row in stored.items()}
    # labels written by reading each file: the Microsoft "(Delay)" notice says "THIS IS A
    # WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND" (Action: delayed, Status 4.4.7)
    assert {name: kind for name, kind in kinds.items() if kind != "reply"} == {
        "track-response-exchange-oof-1.eml": "auto_reply",      # Out of Office AutoReply
        "track-response-messageclass-oof.eml": "auto_reply",    # X-POST-MessageClass
        "track-response-exim-bounce.eml": "bounce",             # Unrouteable address
        "track-response-multipart-report.eml": "bounce",        # Action: failed, 5.2.2
        "track-response-ms-bounce.eml": "delivery_delay",
        "humberside-police-odd-mime-type.eml": "bounce",        # Mail delivery failed
        "utf-7-conversion.eml": "bounce",                       # Status: 5.1.1
    }
    evidence = {name: row["kind_evidence"] for name, row in stored.items()}
    assert "Unrouteable address" in evidence["track-response-exim-bounce.eml"]
    assert "Status 5.2.2 (failed)" in evidence["track-response-multipart-report.eml"]
    assert "faileduser@example.com" in evidence["track-response-multipart-report.eml"]
    # every attachment stored, byte for byte, under its sha256
    docs = rows(con, "SELECT d.store_path, d.id, md.filename, md.message_id FROM documents d"
                     " JOIN message_documents md ON md.document_id = d.id WHERE md.part > 0")
    for name, raw in originals.items():
        named = {p.get_filename() for p in message_from_bytes(raw, policy=policy.compat32).walk()
                 if not p.is_multipart() and p.get_filename()}
        kept = {d["filename"] for d in docs if d["message_id"] == sha256(raw)}
        assert len(kept) >= len(named), (name, named, kept)
    for d in docs:
        assert sha256((ws.store / d["store_path"]).read_bytes()) == d["id"]
    pdf = [d for d in docs if d["filename"].lower().endswith(".pdf")]
    assert pdf, "the PDF attachments of the corpus were not stored"
    again = ingest_files(con, ws, sorted(inbox.glob("*.eml")))
    assert again.duplicates == len(originals) and not again.matched


def _reply(to_ref_subject: str, body: str, *, in_reply_to: str | None = None,
           sender: str = "foi@00c.ccg.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"FOI Team <{sender}>"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = to_ref_subject
    msg["Date"] = format_datetime(datetime(2016, 4, 20, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = f"<{abs(hash((to_ref_subject, body)))}@ccg.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


def test_replies_are_matched_by_thread_subject_body_and_sender(qof_workspace,
                                                               tmp_path: Path) -> None:
    ws = qof_workspace
    con = _sent(ws)
    letters = dict(con.execute("SELECT reference, message_id FROM requests").fetchall())
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(_reply("RE: your request", "Yes.",
                                         in_reply_to=letters["QOF16-00J"],
                                         sender="foi@elsewhere.example"))
    (inbox / "b.eml").write_bytes(_reply("FOI response QOF16-00K", "See attached",
                                         sender="x@elsewhere.example"))
    (inbox / "c.eml").write_bytes(_reply("Our ref 1234", "Your reference: qof16-00l. Yes.",
                                         sender="y@elsewhere.example"))
    (inbox / "d.eml").write_bytes(_reply("Our ref 5678", "Please find our answer.",
                                         sender="info@00c.ccg.example"))
    (inbox / "e.eml").write_bytes(_reply("Hello", "Who are you?", sender="z@nowhere.example"))
    report = ingest_files(con, ws, sorted(inbox.glob("*.eml")))
    got = {r["source"].rsplit("/", 1)[-1]: (r["request_reference"], r["match_method"]) for r in
           rows(con, "SELECT source, request_reference, match_method FROM messages"
                     " WHERE direction = 'incoming'")}
    assert got == {
        "a.eml": ("QOF16-00J", "in_reply_to"),
        "b.eml": ("QOF16-00K", "reference_subject"),
        "c.eml": ("QOF16-00L", "reference_body"),
        "d.eml": ("QOF16-00C", "sender_domain"),
        "e.eml": (None, None),
    }
    assert len(report.holding_pen) == 1
    events = con.execute("SELECT count(*) FROM events WHERE kind = 'response_received'").fetchone()
    assert events[0] == 4


def test_an_unreadable_file_is_recorded_and_the_rest_go_on(qof_workspace, tmp_path: Path) -> None:
    ws = qof_workspace
    con = _sent(ws)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(b"\x00\xff\xfe garbage \r\n\r\n\x00")
    (inbox / "b.eml").write_bytes(_reply("FOI QOF16-00C", "Yes"))
    (inbox / "c.eml").mkdir()  # not a file: skipped by the lister
    bad = inbox / "d.eml"
    bad.write_bytes(b"x")
    bad.chmod(0)
    report = ingest_files(con, ws, [inbox / "a.eml", inbox / "b.eml", bad])
    assert "QOF16-00C" in report.matched.values()
    count = con.execute("SELECT count(*) FROM messages WHERE direction='incoming'").fetchone()[0]
    assert count >= 2  # the garbage is kept too, in the holding pen
