"""The real mail edge cases through IMAP as well as from files and a Maildir; `foi attach` for
replies that came by post or portal."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.steps.ingest import ingest_files
from flows.steps.mailbox import ingest_mailbox
from flows.steps.send import send_campaign
from foi.mail.imap import KEYWORD, ImapMailbox, imap_settings
from foi.mail.mailbox import identity
from foi.mail.maildir import MaildirMailbox
from foi.mail.transports import FileOutbox
from foi.store import sha256
from foi.workspace import Workspace
from warehouse.db import connect, rows

from .conftest import late_letters_with_replies, shared_path
from .dovecot import PASSWORD, USER, Dovecot, running_dovecot


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A private Dovecot on loopback."""
    yield from running_dovecot(tmp_path)


def _edge_cases() -> dict[str, bytes]:
    """The corpus with its address placeholders filled in, by file name."""
    corpus = shared_path("corpus", "mail-edge-cases")
    return {p.name: p.read_bytes().replace(b"EMAIL_FROM", b"foi@00c.ccg.example")
            .replace(b"EMAIL_TO", b"foi-desk@newsroom.example")
            for p in sorted(corpus.glob("*.eml"))}


def _incoming(con) -> list[dict]:  # type: ignore[no-untyped-def]
    return rows(con, "SELECT id, raw_path, kind, source FROM messages"
                     " WHERE direction = 'incoming'")


def _ready(ws: Workspace):  # type: ignore[no-untyped-def]
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=10)
    return con


def test_the_edge_case_corpus_through_imap_is_stored_whole_and_matches_the_files(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    cases = _edge_cases()
    assert len(cases) == 32
    dovecot.append("INBOX", list(cases.values()))
    # what the server hands out, fetched bare: the bytes foitrack must keep
    conn = dovecot.client()
    conn.select("INBOX", readonly=True)
    _, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[])")
    conn.logout()
    served = [item[1] for item in data if isinstance(item, tuple)]
    assert len(served) == 32
    con = _ready(ws)
    try:
        settings = imap_settings({}, host="127.0.0.1", port=dovecot.port, security="none",
                                 username=USER, password=PASSWORD)
        with ImapMailbox(settings) as source:
            report = ingest_mailbox(con, ws, source)
        assert report.taken_in == 32 and not report.left
        assert all({"\\Seen", KEYWORD} <= f for f in dovecot.flags("INBOX").values())
        stored = {r["id"]: r for r in _incoming(con)}
        # every served message is stored byte for byte, or is a copy of one that is
        distinct = {identity(raw) for raw in served}
        assert len(stored) == len(distinct)
        kept = {identity((ws.store / r["raw_path"]).read_bytes()) for r in stored.values()}
        assert kept == distinct
        for raw in served:
            if sha256(raw) in stored:
                assert (ws.store / stored[sha256(raw)]["raw_path"]).read_bytes() == raw
        # the files themselves, ingested from disk into a second workspace, are the same
        # messages: the edge cases survive the trip through an IMAP server
        assert {identity(raw) for raw in cases.values()} == distinct
        kinds = {r["kind"] for r in stored.values()}
        assert {"reply", "auto_reply", "bounce"} <= kinds
        # the files taken in afterwards (from a Maildir: other bytes, LF line endings) are
        # recognised as the same messages
        before = len(stored)
        with MaildirMailbox(_maildir_of(tmp_path / "md", cases)) as source:
            again = ingest_mailbox(con, ws, source)
        assert again.ingest.duplicates == 32 and len(_incoming(con)) == before
    finally:
        con.close()


def _maildir_of(path: Path, messages: dict[str, bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages.values():
        box.add(raw)
    return path


def test_the_edge_case_corpus_from_a_maildir_is_stored_and_moved_to_cur(
        qof_workspace: Workspace, tmp_path: Path) -> None:
    ws = qof_workspace
    cases = _edge_cases()
    md = _maildir_of(tmp_path / "Maildir", cases)
    # one message a person already read, in cur/ with S: still taken in
    read_first = md / "cur" / "1000.read-first.host:2,S"
    read_first.write_bytes(cases["normal-contact-reply.eml"].replace(
        b"Subject:", b"X-Read: yes\nSubject: read first -"))
    con = _ready(ws)
    try:
        with MaildirMailbox(md) as source:
            report = ingest_mailbox(con, ws, source)
        assert report.taken_in == 33 and not report.left
        assert not list((md / "new").iterdir())
        names = sorted(p.name for p in (md / "cur").iterdir())
        assert len(names) == 33 and all(n.endswith(":2,S") for n in names)
        stored = _incoming(con)
        files = {sha256(raw) for raw in cases.values()} | {sha256(read_first.read_bytes())}
        assert {r["id"] for r in stored} == files       # Maildir keeps the bytes as given
        again_source = MaildirMailbox(md)
        again = ingest_mailbox(con, ws, again_source)
        assert again.ingest.duplicates == 33 and len(_incoming(con)) == len(files)
        # the same files through the .eml route are recognised too
        inbox = tmp_path / "eml"
        inbox.mkdir()
        for name, raw in cases.items():
            (inbox / name).write_bytes(raw)
        assert ingest_files(con, ws, sorted(inbox.iterdir())).duplicates == 32
    finally:
        con.close()
    with pytest.raises(FileNotFoundError, match="not a Maildir"):
        MaildirMailbox(tmp_path)


def test_foi_attach_stores_a_postal_reply_that_foi_extract_reads(
        qof_workspace: Workspace, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = late_letters_with_replies(ws, limit=6, seed=11, inbox=tmp_path / "sim")
    # the letter an authority sent by post: the PDF of one simulated reply
    pdf = reference = None
    for path in sorted((tmp_path / "sim").glob("*.eml")):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in msg.iter_attachments():
            if part.get_content_type() == "application/pdf":
                pdf, reference = part.get_content(), path.stem
                break
        if pdf:
            break
    assert pdf and replies
    con = connect(ws.database)
    reference = con.execute("SELECT reference FROM requests WHERE ? LIKE '%' || reference || '%'",
                            [reference]).fetchone()[0]
    con.close()
    letter = tmp_path / "scanned reply.pdf"
    letter.write_bytes(pdf)
    runner = CliRunner()
    home = ["--home", str(ws.home)]
    result = runner.invoke(app, ["attach", reference, str(letter), "--received", "2016-05-03",
                                 *home])
    assert result.exit_code == 0, result.output
    assert "stored with 1 documents" in result.output
    result = runner.invoke(app, ["attach", reference, str(letter), "--received", "2016-05-03",
                                 *home])
    assert result.exit_code == 0 and "already attached" in result.output
    result = runner.invoke(app, ["attach", "QOF16-NOPE", str(letter), *home])
    assert result.exit_code == 1 and "no request 'QOF16-NOPE'" in result.output
    result = runner.invoke(app, ["attach", reference, str(tmp_path / "missing.pdf"), *home])
    assert result.exit_code == 1 and "is not a file" in result.output
    con = connect(ws.database, read_only=True)
    try:
        message = rows(con, "SELECT id, request_reference, match_method, kind, source"
                            " FROM messages WHERE source LIKE 'attach:%'")
        assert len(message) == 1 and message[0]["request_reference"] == reference
        assert message[0]["kind"] == "reply" and message[0]["source"].startswith("attach:post:")
        event = rows(con, "SELECT kind, happened_at FROM events WHERE message_id = ?",
                     [message[0]["id"]])
        assert [(e["kind"], str(e["happened_at"])[:10]) for e in event] == \
            [("response_received", "2016-05-03")]
    finally:
        con.close()
    result = runner.invoke(app, ["extract", *home])
    assert result.exit_code == 0, result.output
    con = connect(ws.database, read_only=True)
    try:
        read = rows(con, """SELECT a.question_key, a.document_id FROM answers a
                            JOIN message_documents md ON md.document_id = a.document_id
                            WHERE a.request_reference = ? AND md.message_id = ?""",
                    [reference, message[0]["id"]])
    finally:
        con.close()
    assert read, "no answer was read from the attached letter"


def test_the_new_commands_and_options_have_help() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    for option in ("--eml", "--maildir", "--imap", "--folder", "--security", "--max-size"):
        assert option in result.output
    result = runner.invoke(app, ["attach", "--help"])
    assert result.exit_code == 0 and "--received" in result.output and "--via" in result.output


MALFORMED = {   # what the issue tried: no Message-ID, no blank line after the headers, no body
    "no-message-id": b"From: foi@00c.ccg.example\nSubject: Your request\n\n1. Yes.\n",
    "no-message-id-2": b"From: foi@00d.ccg.example\nSubject: Your request\n\n1. No.\n",
    "no-blank-line": b"X-Mailer: old\nReceived: from somewhere\nsome words after headers\n",
    "no-blank-line-2": b"X-Mailer: older\nReceived: from elsewhere\nother words\n",
    "no-body": b"From: foi@00e.ccg.example\nSubject: empty\n",
    "only-text": b"just a line of text and nothing else\n",
    "only-text-2": b"another line of text, no headers at all\n",
}


def test_malformed_maildir_messages_are_all_stored_before_they_are_marked(
        qof_workspace: Workspace, tmp_path: Path) -> None:
    ws = qof_workspace
    md = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (md / sub).mkdir(parents=True)
    for name, raw in MALFORMED.items():
        (md / "new" / f"1700000000.{name}.host").write_bytes(raw)
    con = _ready(ws)
    try:
        with MaildirMailbox(md) as source:
            report = ingest_mailbox(con, ws, source)
        stored = {r["id"] for r in _incoming(con)}
        assert stored == {sha256(raw) for raw in MALFORMED.values()}   # none lost ...
        assert report.taken_in == len(MALFORMED) and not report.left
        assert len(list((md / "cur").iterdir())) == len(MALFORMED)     # ... then marked
        # the same files through --eml are the same messages, not new ones
        eml = tmp_path / "eml"
        eml.mkdir()
        for name, raw in MALFORMED.items():
            (eml / f"{name}.eml").write_bytes(raw)
        assert ingest_files(con, ws, sorted(eml.iterdir())).duplicates == len(MALFORMED)
    finally:
        con.close()


def test_a_symlink_in_a_maildir_or_eml_folder_is_refused_and_recorded(
        qof_workspace: Workspace, tmp_path: Path) -> None:
    ws = qof_workspace
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"FOI_IMAP_PASSWORD=hunter2\n")
    md = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (md / sub).mkdir(parents=True)
    (md / "new" / "1700000000.ok.host").write_bytes(MALFORMED["no-message-id"])
    (md / "new" / "1700000001.environ.host").symlink_to("/proc/self/environ")
    (md / "new" / "1700000002.secret.host").symlink_to(secret)
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "secret.eml").symlink_to(secret)
    (eml / "ok.eml").write_bytes(MALFORMED["no-message-id-2"])
    con = _ready(ws)
    try:
        with MaildirMailbox(md) as source:
            report = ingest_mailbox(con, ws, source)
        assert report.taken_in == 1 and len(report.left) == 2
        assert all("not a regular file" in reason for _, reason in report.left)
        assert sorted(p.name for p in (md / "new").iterdir()) == [
            "1700000001.environ.host", "1700000002.secret.host"]    # left where they were
        files = ingest_files(con, ws, sorted(eml.iterdir()))
        assert len(files.problems) == 1 and "not a regular file" in files.problems[0][1]
        stored = [(ws.store / r["raw_path"]).read_bytes() for r in _incoming(con)]
        assert len(stored) == 2 and not any(b"hunter2" in raw or b"PATH=" in raw
                                            for raw in stored)
        problems = rows(con, "SELECT item, reason FROM problems WHERE stage = 'ingest'")
        assert {p["item"].rsplit("/", 1)[-1] for p in problems} >= {
            "1700000001.environ.host", "1700000002.secret.host", "secret.eml"}
    finally:
        con.close()
    for path in ws.store.rglob("*"):   # nothing of the secret anywhere in the workspace
        assert not path.is_file() or b"hunter2" not in path.read_bytes()
