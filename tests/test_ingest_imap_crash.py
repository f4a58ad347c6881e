"""Crash injection: `foi ingest --imap` SIGKILLed at random moments loses nothing, stores
nothing twice and leaves nothing unflagged once a run finishes.

Simulated replies (PDF and Word attachments, acknowledgements), some also copied into a
second folder, on a private Dovecot. Each round starts from a fresh workspace and an unflagged
mailbox, kills `foi ingest --imap` several times a random while after its first IMAP
connection, then lets a run finish and checks. To stay near two minutes the test sends 48
letters (about 45 replies); the bigger version, a few hundred messages
(`FOI_IMAP_CRASH_LETTERS=209`), is `make bench`'s bench/imap.py --crash.
FOI_IMAP_CRASH_KILLS sets the number of kills (default 50).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from foi.mail.imap import KEYWORD
from foi.mail.mailbox import identity
from foi.store import sha256
from foi.workspace import Workspace
from warehouse.db import connect, rows

from .conftest import ROOT, late_letters_with_replies
from .dovecot import PASSWORD, USER, CuttingRelay, Dovecot, running_dovecot

FOI = ROOT / ".venv" / "bin" / "foi"
MIN_KILLS = int(os.environ.get("FOI_IMAP_CRASH_KILLS", "50"))
N_LETTERS = int(os.environ.get("FOI_IMAP_CRASH_LETTERS", "48"))
KILLS_PER_ROUND = 8
COPIED = max(4, N_LETTERS // 8)      # replies also filed in a second folder
SEED = 10143


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A private Dovecot on loopback."""
    yield from running_dovecot(tmp_path)


@dataclass
class Totals:
    """Figures over the whole test."""

    rounds: int = 0
    runs: int = 0
    kills: int = 0
    stored_unflagged_at_kill: int = 0     # kills that fell between a commit and its flag
    lost: int = 0
    stored_twice: int = 0
    unflagged: int = 0
    startup_s: list[float] = field(default_factory=list)


def _reset_flags(server: Dovecot) -> None:
    conn = server.client()
    for folder in ("INBOX", "FOI"):
        conn.select(f'"{folder}"')
        conn.uid("STORE", "1:*", "-FLAGS.SILENT", f"(\\Seen {KEYWORD})")
    conn.logout()


def _unflagged(server: Dovecot) -> int:
    return sum(1 for folder in ("INBOX", "FOI") for f in server.flags(folder).values()
               if not {"\\Seen", KEYWORD} <= f)


def _spawn(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "FOI_IMAP_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [str(FOI), "ingest", "--imap", "127.0.0.1", "--port", str(port), "--security", "none",
         "--user", USER, "--folder", "INBOX", "--folder", "FOI", "--home", str(home)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run(home: Path, relay: CuttingRelay, kill_after: float | None, totals: Totals) -> bool:
    """Run `foi ingest --imap`; SIGKILL it `kill_after` s after it connects. True if killed."""
    opened = relay.opened
    started = time.monotonic()
    proc = _spawn(home, relay.port)
    totals.runs += 1
    while relay.opened == opened and proc.poll() is None:
        time.sleep(0.001)
    totals.startup_s.append(time.monotonic() - started)
    if kill_after is not None and proc.poll() is None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return True
    _, errout = proc.communicate(timeout=120)
    assert proc.returncode == 0, errout.decode()
    return False


def _stored(home: Path) -> list[dict]:
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        return rows(con, "SELECT m.id, m.raw_path, (SELECT count(*) FROM events e"
                         " WHERE e.message_id = m.id) AS events"
                         " FROM messages m WHERE m.direction = 'incoming'")
    finally:
        con.close()


@pytest.mark.long_running(200)
def test_sigkill_at_random_moments_loses_nothing_and_stores_nothing_twice(
        qof_workspace: Workspace, dovecot: Dovecot, tmp_path: Path) -> None:
    ws = qof_workspace
    late_letters_with_replies(ws, limit=N_LETTERS, seed=SEED, inbox=tmp_path / "sim")
    replies = [p.read_bytes() for p in sorted((tmp_path / "sim").glob("*.eml"))]
    dovecot.append("INBOX", replies)
    dovecot.append("FOI", replies[::len(replies) // COPIED][:COPIED])
    expected = {identity(raw) for raw in replies}
    template = ws.home
    relay = CuttingRelay(dovecot.port)       # unarmed: only counts connections
    totals = Totals()
    try:
        # calibration: one uninterrupted run, from its first connection to its end
        calibration = tmp_path / "calibration"
        shutil.copytree(template, calibration)
        opened = relay.opened
        proc = _spawn(calibration, relay.port)
        while relay.opened == opened:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.001)
        first = time.monotonic()
        assert proc.wait(timeout=120) == 0, proc.communicate()
        batch = time.monotonic() - first
        shutil.rmtree(calibration)
        started = time.monotonic()
        while totals.kills < MIN_KILLS:
            _reset_flags(dovecot)
            home = tmp_path / f"round{totals.rounds}"
            shutil.copytree(template, home)
            stored_now = 0
            for run in range(100):
                rng = random.Random(SEED * 1000 + totals.rounds * 100 + run)
                # a moment within what is left of the work (a re-run skips what is stored)
                left = batch * (1 - stored_now / len(expected)) + 0.3
                delay = rng.uniform(0, left) if run < KILLS_PER_ROUND else None
                if not _run(home, relay, delay, totals):
                    break
                totals.kills += 1
                ids = {m["id"] for m in _stored(home)}
                stored_now = len(ids)
                if _window(dovecot, ids):
                    totals.stored_unflagged_at_kill += 1
            stored = _stored(home)
            ids = Counter(identity((home / "store" / m["raw_path"]).read_bytes())
                          for m in stored)
            totals.lost += len(expected - set(ids))
            totals.stored_twice += sum(n - 1 for n in ids.values()) + \
                sum(1 for m in stored if m["events"] != 1)
            totals.unflagged += _unflagged(dovecot)
            totals.rounds += 1
            shutil.rmtree(home)
    finally:
        relay.close()
    startup = sorted(totals.startup_s)[len(totals.startup_s) // 2]
    print(f"\nIMAP crash injection: {totals.rounds} rounds x {len(replies)} messages "
          f"(+{COPIED} copies in a second folder), {totals.runs} runs, {totals.kills} kills, "
          f"{totals.stored_unflagged_at_kill} kills between a commit and its flag; "
          f"{totals.lost} lost, {totals.stored_twice} stored twice, {totals.unflagged} left "
          f"unflagged; uninterrupted run {batch:.2f} s after connecting, `foi ingest` start to "
          f"first IMAP connection {startup:.2f} s (median), {time.monotonic() - started:.0f} s "
          "in all")
    assert totals.kills >= MIN_KILLS
    assert (totals.lost, totals.stored_twice, totals.unflagged) == (0, 0, 0)


def _window(server: Dovecot, stored: set[str]) -> bool:
    """Whether some INBOX message is stored but still unflagged (the kill fell between a
    commit and its flag): the next run must flag it without storing it again."""
    conn = server.client()
    try:
        conn.select("INBOX", readonly=True)
        _, data = conn.uid("SEARCH", "UNKEYWORD", KEYWORD)
        uids = (data[0] or b"").split()
        if not uids:
            return False
        _, fetched = conn.uid("FETCH", b",".join(uids).decode(), "(BODY.PEEK[])")
        return any(isinstance(item, tuple) and sha256(item[1]) in stored for item in fetched)
    finally:
        conn.logout()
