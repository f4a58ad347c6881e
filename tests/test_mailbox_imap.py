"""Taking mail in from a real Dovecot on loopback: flagged only once stored, nothing twice,
UIDVALIDITY changes, dropped connections, oversized messages, TLS, the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from typer.testing import CliRunner

from flows.cli import app
from flows.steps.mailbox import ingest_mailbox
from foi.mail.imap import KEYWORD, ImapError, ImapMailbox, imap_settings
from foi.workspace import Workspace
from warehouse.db import connect, rows

from .conftest import late_letters_with_replies
from .dovecot import PASSWORD, USER, CuttingRelay, Dovecot, running_dovecot, start_dovecot

TAKEN = {"\\Seen", KEYWORD}


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A private Dovecot on loopback."""
    yield from running_dovecot(tmp_path)


def _settings(port: int, **kw):  # type: ignore[no-untyped-def]
    return imap_settings({}, host="127.0.0.1", port=port, security="none", username=USER,
                         password=PASSWORD, **kw)


def _replies(ws: Workspace, tmp_path: Path, n: int) -> list[bytes]:
    inbox = tmp_path / "replies"
    late_letters_with_replies(ws, limit=2 * n, seed=7, inbox=inbox)
    replies = [p.read_bytes() for p in sorted(inbox.glob("*.eml"))][:n]
    assert len(replies) == n
    return replies


def _take_in(ws: Workspace, settings, **kw):  # type: ignore[no-untyped-def]
    con = connect(ws.database)
    try:
        with ImapMailbox(settings, **kw) as source:
            report = ingest_mailbox(con, ws, source)
        return report, source
    finally:
        con.close()


def _stored(ws: Workspace) -> list[dict]:
    con = connect(ws.database, read_only=True)
    try:
        return rows(con, "SELECT id, message_id, request_reference, source FROM messages"
                         " WHERE direction = 'incoming'")
    finally:
        con.close()


def test_messages_are_stored_then_flagged_and_never_twice(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = _replies(ws, tmp_path, 12)
    dovecot.append("INBOX", replies)
    # a person read one reply first: \Seen alone must not hide it from foitrack
    conn = dovecot.client()
    conn.select("INBOX")
    conn.uid("STORE", "1", "+FLAGS", "(\\Seen)")
    conn.logout()
    report, _ = _take_in(ws, _settings(dovecot.port))
    assert report.taken_in == len(replies)
    assert len(report.ingest.matched) == len(replies) and not report.ingest.holding_pen
    assert all(flags >= TAKEN for flags in dovecot.flags("INBOX").values())
    stored = _stored(ws)
    assert len(stored) == len(replies)
    assert all(r["source"].startswith(f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX;")
               for r in stored)
    # a new message arrives; the next run fetches only it
    extra = replies[0].replace(b"Message-ID: <", b"Message-ID: <later.")
    dovecot.append("INBOX", [extra])
    again, source = _take_in(ws, _settings(dovecot.port))
    assert source.expected == 1 and again.taken_in == 1 and again.ingest.duplicates == 0
    assert len(_stored(ws)) == len(replies) + 1


def test_the_same_message_in_two_folders_or_delivered_twice_is_stored_once(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = _replies(ws, tmp_path, 4)
    dovecot.append("INBOX", replies)
    dovecot.append("FOI", replies[:2])
    # a second delivery of the same reply: another trace header, LF line endings
    redelivered = b"Received: from mx2.example by desk; Mon, 2 May 2016 10:00:00 +0100\n" + \
        replies[2].replace(b"\r\n", b"\n")
    dovecot.append("FOI", [redelivered])
    report, _ = _take_in(ws, _settings(dovecot.port, folders=("INBOX", "FOI")))
    assert report.taken_in == 7 and report.ingest.duplicates == 3
    assert len(_stored(ws)) == 4
    for folder in ("INBOX", "FOI"):
        assert all(flags >= TAKEN for flags in dovecot.flags(folder).values())


def test_a_new_uidvalidity_stores_nothing_twice_and_flags_everything(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = _replies(ws, tmp_path, 6)
    dovecot.append("FOI", replies[:4])
    _take_in(ws, _settings(dovecot.port, folders=("FOI",)))
    conn = dovecot.client()
    before = conn.status('"FOI"', "(UIDVALIDITY)")
    conn.delete('"FOI"')              # the folder is rebuilt: new UIDVALIDITY, flags gone
    conn.logout()
    dovecot.append("FOI", replies)
    conn = dovecot.client()
    assert conn.status('"FOI"', "(UIDVALIDITY)") != before
    conn.logout()
    report, _ = _take_in(ws, _settings(dovecot.port, folders=("FOI",)))
    assert report.ingest.duplicates == 4 and len(report.ingest.matched) == 2
    assert len(_stored(ws)) == 6
    assert all(flags >= TAKEN for flags in dovecot.flags("FOI").values())


def test_a_connection_dropped_mid_fetch_resumes_and_a_uidvalidity_change_meanwhile_is_safe(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = _replies(ws, tmp_path, 30)
    dovecot.append("INBOX", replies[:20])
    relay = CuttingRelay(dovecot.port)
    try:
        # cut once in the middle of the first FETCH of bodies (the replies carry PDFs)
        relay.arm(cut_after=sum(len(r) for r in replies[:10]))
        report, source = _take_in(ws, _settings(relay.port), pause=0.01)
        assert relay.cuts == 1 and source.reconnections == 1
        assert report.taken_in == 20 and len(_stored(ws)) == 20
        assert all(f >= TAKEN for f in dovecot.flags("INBOX").values())

        # cut again, and while the client is away the folder is rebuilt with new mail
        def rebuild() -> None:
            conn = dovecot.client()
            conn.delete('"FOI"')
            conn.logout()
            dovecot.append("FOI", replies[10:])
        dovecot.append("FOI", replies[:25])
        relay.arm(cut_after=sum(len(r) for r in replies[:3]), on_cut=rebuild)
        report, source = _take_in(ws, _settings(relay.port, folders=("FOI",)), pause=0.01)
        assert relay.cuts == 2 and source.reconnections == 1 and source.resyncs == 1
    finally:
        relay.close()
    stored = _stored(ws)
    assert len(stored) == len({r["id"] for r in stored}) == 30
    assert len(dovecot.flags("FOI")) == 20
    assert all(f >= TAKEN for f in dovecot.flags("FOI").values())


def test_an_oversized_message_is_left_on_the_server_with_its_problem_said_once(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    replies = sorted(_replies(ws, tmp_path, 5), key=len)
    dovecot.append("INBOX", replies)
    limit_mb = (len(replies[-1]) - 1) / (1024 * 1024)     # only the largest is over
    for _ in range(2):
        report, _ = _take_in(ws, _settings(dovecot.port, max_message_mb=limit_mb))
        assert len(report.left) == 1 and "over the" in report.left[0][1]
    flags = dovecot.flags("INBOX")
    assert sum(1 for f in flags.values() if f >= TAKEN) == 4
    con = connect(ws.database, read_only=True)
    problems = rows(con, "SELECT item, reason FROM problems WHERE stage = 'ingest'")
    con.close()
    assert len(problems) == 1 and "MB limit" in problems[0]["reason"]
    report, _ = _take_in(ws, _settings(dovecot.port))
    assert report.taken_in == 1 and not report.left
    assert all(f >= TAKEN for f in dovecot.flags("INBOX").values())


def test_tls_and_starttls_with_a_private_ca(qof_workspace: Workspace, tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    files = (tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem")
    cert.cert_chain_pems[0].write_to_path(files[0])
    cert.private_key_pem.write_to_path(files[1])
    ca.cert_pem.write_to_path(files[2])
    server = start_dovecot(tmp_path / "dovecot-tls", tls=files)
    try:
        ws = qof_workspace
        server.append("INBOX", _replies(ws, tmp_path, 3))
        tls = imap_settings({"ca_file": str(files[2])}, host="127.0.0.1",
                            port=server.imaps_port, security="tls", username=USER,
                            password=PASSWORD)
        report, _ = _take_in(ws, tls)
        assert report.taken_in == 3
        server.append("INBOX", [b"Subject: late\r\nMessage-ID: <late@x>\r\n\r\nhello\r\n"])
        starttls = imap_settings({}, host="127.0.0.1", port=server.port, security="starttls",
                                 username=USER, password=PASSWORD, ca_file=str(files[2]))
        report, _ = _take_in(ws, starttls)
        assert report.taken_in == 1
        untrusted = imap_settings({}, host="127.0.0.1", port=server.imaps_port,
                                  security="tls", username=USER, password=PASSWORD)
        with pytest.raises(ImapError, match="TLS failed"):
            _take_in(ws, untrusted)
    finally:
        server.stop()


def test_settings_refuse_a_plaintext_password_off_loopback_and_one_in_foi_toml() -> None:
    with pytest.raises(ValueError, match="unencrypted"):
        imap_settings({}, host="imap.newsroom.example", security="none")
    with pytest.raises(ValueError, match="must not hold a password"):
        imap_settings({"host": "imap.newsroom.example", "password": "x"})
    s = imap_settings({"host": "imap.newsroom.example", "username": "desk"},
                      env={"FOI_IMAP_PASSWORD": "s3cret"})
    assert (s.port, s.security, s.password, s.folders) == (993, "tls", "s3cret", ("INBOX",))
    assert "s3cret" not in repr(s)


def test_foi_ingest_imap_from_the_command_line(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = qof_workspace
    dovecot.append("INBOX", _replies(ws, tmp_path, 3))
    runner = CliRunner()
    args = ["ingest", "--imap", "127.0.0.1", "--port", str(dovecot.port), "--security", "none",
            "--user", USER, "--home", str(ws.home)]
    monkeypatch.setenv("FOI_IMAP_PASSWORD", "wrong")
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "login refused" in result.output
    assert "Traceback" not in result.output and "wrong" not in result.output
    monkeypatch.setenv("FOI_IMAP_PASSWORD", PASSWORD)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "3 matched, 0 in the holding pen, 0 already ingested" in result.output
    result = runner.invoke(app, ["ingest", "--home", str(ws.home)])
    assert result.exit_code == 1 and "give one of --eml" in result.output


def test_imap_errors_name_the_cause(dovecot: Dovecot) -> None:
    with pytest.raises(ImapError, match="cannot open folder 'Nope'"), \
            ImapMailbox(_settings(dovecot.port, folders=("Nope",))) as source:
        list(source.batches())
    with pytest.raises(ImapError, match="cannot connect"):
        ImapMailbox(_settings(1)).__enter__()
