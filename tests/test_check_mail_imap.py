"""The check-mail flow takes mail in from the IMAP mailbox of foi.toml, its password from a
Prefect Secret block or the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from foi.mail.imap import KEYWORD
from foi.workspace import Workspace
from warehouse.db import connect

from .conftest import late_letters_with_replies
from .dovecot import PASSWORD, USER, Dovecot, running_dovecot


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A private Dovecot on loopback."""
    yield from running_dovecot(tmp_path)


def test_check_mail_reads_the_imap_mailbox_of_foi_toml(
        prefect_harness, qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.system import Secret

    from flows.round_robin import check_mail

    ws = qof_workspace
    sim = tmp_path / "sim"
    late_letters_with_replies(ws, limit=8, seed=5, inbox=sim)
    replies = [p.read_bytes() for p in sorted(sim.glob("*.eml"))]
    dovecot.append("INBOX", replies[:4])
    with (ws.home / "foi.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[imap]\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
                f'username = "{USER}"\nfolders = ["INBOX"]\n')
    monkeypatch.delenv("FOI_IMAP_PASSWORD", raising=False)
    Secret(value=PASSWORD).save("foi-imap-test", overwrite=True)
    done = check_mail(home=str(ws.home), imap_password_secret="foi-imap-test")
    assert done["matched"] == 4 and done["left_on_server"] == 0
    assert all({"\\Seen", KEYWORD} <= f for f in dovecot.flags("INBOX").values())
    # the environment works as well; only the new messages are fetched
    dovecot.append("INBOX", replies[4:])
    monkeypatch.setenv("FOI_IMAP_PASSWORD", PASSWORD)
    done = check_mail(home=str(ws.home))
    assert done["matched"] == len(replies) - 4 and done["already_ingested"] == 0
    con = connect(ws.database, read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                             " AND source LIKE 'imap://%'").fetchone()[0]
        read = con.execute("SELECT count(*) FROM documents WHERE status <> 'pending'"
                           ).fetchone()[0]
    finally:
        con.close()
    assert stored == len(replies) and read > 0
