"""Bad mail loses nothing: every hostile message is stored raw, read as far as it goes, and
recorded with its problem; `foi ingest` and `foi extract` never stop on one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.steps.send import send_campaign
from foi.mail.incoming import read_message
from foi.mail.transports import FileOutbox
from foi.store import sha256
from tests.hostile_mail import PDF, HostileMessage, hostile_messages
from warehouse.db import connect, rows

REFERENCE = "QOF16-00C"


def _check_reading(h: HostileMessage, subject: str, body: str,
                   attachments: list[bytes]) -> None:
    if h.subject is not None:
        assert h.subject in subject, (h.name, subject[:200])
    if h.body is not None:
        assert h.body in body, (h.name, body[:200])
    for data in h.attachments:
        assert data in attachments, (h.name, [a[:20] for a in attachments])


@pytest.mark.parametrize("hostile", hostile_messages(REFERENCE), ids=lambda h: h.name)
def test_read_message_reads_every_hostile_message_as_far_as_it_goes(
        hostile: HostileMessage) -> None:
    message = read_message(hostile.raw)
    _check_reading(hostile, message.subject, message.body_text,
                   [a.data for a in message.attachments])
    if hostile.problem:
        assert message.problems, hostile.name
    if hostile.problem is False:
        assert not message.problems, (hostile.name, message.problems)


def test_an_8bit_filename_no_longer_loses_the_message() -> None:
    """Was: AttributeError: 'Header' object has no attribute 'split'; everything but the raw
    bytes lost."""
    hostile = next(h for h in hostile_messages(REFERENCE) if h.name == "raw-8bit-filename-latin1")
    message = read_message(hostile.raw)
    assert [a.filename for a in message.attachments] == ["réponse.pdf"]
    assert message.attachments[0].data == PDF
    assert message.from_addr == "foi@00c.ccg.example"
    assert any("8-bit" in p for p in message.problems)


def test_deep_nesting_is_read_part_by_part() -> None:
    """Was: RecursionError."""
    hostile = next(h for h in hostile_messages(REFERENCE) if h.name == "nested-multipart-5000")
    message = read_message(hostile.raw)
    assert "inside 5000 levels" in message.body_text
    assert [a.filename for a in message.attachments] == ["deep.csv"]
    assert any("RecursionError" in p and "part by part" in p for p in message.problems)


def test_a_message_over_the_limit_is_kept_with_its_headers_and_its_problem() -> None:
    hostile = next(h for h in hostile_messages(REFERENCE) if h.name == "sound")
    message = read_message(hostile.raw, max_bytes=100)
    assert message.subject == f"FOI {REFERENCE} full response"
    assert message.attachments == () and message.body_text == ""
    assert any("over the limit" in p for p in message.problems)


def test_foi_ingest_and_extract_survive_every_hostile_message(qof_workspace,
                                                             tmp_path: Path) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=3)
    con.close()
    corpus = hostile_messages(REFERENCE)
    inbox = tmp_path / "in"
    inbox.mkdir()
    for h in corpus:
        (inbox / f"{h.name}.eml").write_bytes(h.raw)
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", "--eml", str(inbox), "--home", str(ws.home)])
    assert ingested.exit_code == 0, ingested.output
    extracted = runner.invoke(app, ["extract", "--home", str(ws.home)])
    assert extracted.exit_code == 0, extracted.output
    con = connect(ws.database)
    try:
        stored = {r["id"]: r for r in rows(con, "SELECT * FROM messages"
                                                " WHERE direction = 'incoming'")}
        problems = rows(con, "SELECT item, reason FROM problems WHERE stage = 'ingest'")
        for h in corpus:
            row = stored[sha256(h.raw)]  # every message kept, whatever its shape
            assert (ws.store / row["raw_path"]).read_bytes() == h.raw, h.name
            documents = [(ws.store / r["store_path"]).read_bytes() for r in rows(
                con, "SELECT d.store_path FROM message_documents md JOIN documents d"
                     " ON d.id = md.document_id WHERE md.message_id = ? AND md.part > 0",
                [row["id"]])]
            _check_reading(h, row["subject"] or "", row["body_text"] or "", documents)
            if h.problem:
                assert row["problems"], h.name
            if row["problems"]:  # each problem message is in `foi problems`, by its file
                assert any(f"{h.name}.eml" in p["item"] for p in problems), h.name
        pending = con.execute("SELECT count(*) FROM documents WHERE status = 'pending'")
        assert pending.fetchone()[0] == 0
    finally:
        con.close()
    shown = runner.invoke(app, ["problems", "--home", str(ws.home), "--format", "json"])
    assert shown.exit_code == 0 and "raw-8bit-filename-latin1.eml" in shown.output


def test_a_held_hostile_message_does_not_stop_foi_extract(qof_workspace,
                                                          tmp_path: Path) -> None:
    """Was: every later `foi extract` crashed re-matching the holding pen."""
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=3)
    con.close()
    by_name = {h.name: h for h in hostile_messages("QOF16-XXX")}   # matches no request
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("raw-8bit-filename-latin1", "nested-multipart-1500"):
        raw = by_name[name].raw.replace(b"foi@00c.ccg.example", b"foi@nowhere.example")
        (inbox / f"{name}.eml").write_bytes(raw)
    sound = next(h for h in hostile_messages(REFERENCE) if h.name == "sound")
    (inbox / "sound.eml").write_bytes(sound.raw)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--eml", str(inbox), "--home", str(ws.home)]
                         ).exit_code == 0
    for _ in range(2):
        result = runner.invoke(app, ["extract", "--home", str(ws.home), "--all"])
        assert result.exit_code == 0, result.output
    held = runner.invoke(app, ["held", "--home", str(ws.home), "--format", "json"])
    assert held.output.count("QOF16-XXX") == 2  # their subjects were read, and still are
