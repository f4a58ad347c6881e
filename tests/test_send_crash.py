"""Crash injection: `foi send` SIGKILLed at random moments still sends each letter exactly once."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from foi.authorities import demo_ccgs
from foi.campaigns import read_campaign
from foi.workspace import init_workspace
from warehouse.authorities import import_authorities
from warehouse.campaigns import save_campaign
from warehouse.db import connect, rows

from .conftest import EXAMPLE, ROOT, free_port

FOI = ROOT / ".venv" / "bin" / "foi"
CAMPAIGN = "qof-local-schemes"
N_AUTHORITIES = 25
MIN_KILLS = 50
MAX_KILLS_PER_WORKSPACE = 6
SEED = 20161


@dataclass
class Delivery:
    """One message the server accepted."""

    message_id: str
    rcpt_tos: list[str]


@dataclass
class CountingHandler:
    """Records every accepted envelope with its Message-ID; counts sessions opened and open."""

    deliveries: list[Delivery] = field(default_factory=list)
    opened: int = 0
    open_now: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session: Session, envelope: Envelope) -> str:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.deliveries.append(Delivery(str(headers["Message-ID"]).strip(),
                                            list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def copies(self) -> Counter[str]:
        """How many times each Message-ID has been accepted so far."""
        with self.lock:
            return Counter(d.message_id for d in self.deliveries)


class CountingSMTP(SMTP):
    """aiosmtpd's SMTP, telling the handler when a connection opens and when it is gone."""

    def connection_made(self, transport) -> None:
        with self.event_handler.lock:
            self.event_handler.opened += 1
            self.event_handler.open_now += 1
        super().connection_made(transport)

    def connection_lost(self, error) -> None:
        # After this the session's task is cancelled: nothing more from it is recorded.
        super().connection_lost(error)
        with self.event_handler.lock:
            self.event_handler.open_now -= 1


class CountingController(Controller):
    """A controller whose sessions report to the CountingHandler."""

    def factory(self) -> SMTP:
        """The counting SMTP protocol."""
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class Totals:
    """Figures over the whole test."""

    workspaces: int = 0
    runs: int = 0
    kills: int = 0
    kills_in_window: int = 0
    duplicates: int = 0
    startup_s: list[float] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[CountingHandler]:
    """A real SMTP server on loopback counting deliveries and sessions."""
    handler = CountingHandler()
    controller = CountingController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    _settle(handler)
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def template(tmp_path: Path, server: CountingHandler) -> Path:
    """A workspace with 25 CCGs and the QOF campaign, sending by SMTP to the test server."""
    ws = init_workspace(tmp_path / "template")
    con = connect(ws.database)
    try:
        import_authorities(con, demo_ccgs()[:N_AUTHORITIES], "builtin:ccgs-2016")
        save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    finally:
        con.close()
    text = (ws.home / "foi.toml").read_text(encoding="utf-8")
    text = text.replace('transport = "outbox"', 'transport = "smtp"')
    text = text.replace('host = "localhost"', 'host = "127.0.0.1"')
    (ws.home / "foi.toml").write_text(text.replace("port = 25", f"port = {server.port}"),
                                      encoding="utf-8")
    return ws.home


def _settle(handler: CountingHandler, timeout: float = 5.0) -> None:
    """Wait until the server has closed every session (a killed client's included)."""
    deadline = time.monotonic() + timeout
    while handler.open_now > 0:
        assert time.monotonic() < deadline, "the SMTP server still has a session open"
        time.sleep(0.002)
    time.sleep(0.01)


def _db_state(home: Path) -> dict[str, dict]:
    """Requests by reference, read through a read-only connection."""
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        return {r["reference"]: r for r in rows(con, "SELECT * FROM requests")}
    finally:
        con.close()


def _spawn(home: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_SMTP_")}
    return subprocess.Popen([str(FOI), "send", CAMPAIGN, "--home", str(home)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run(home: Path, handler: CountingHandler, kill_after: float | None, totals: Totals
         ) -> bool:
    """Run `foi send`; SIGKILL it `kill_after` s after its first SMTP connection. True if killed."""
    opened = handler.opened
    started = time.monotonic()
    proc = _spawn(home)
    totals.runs += 1
    while handler.opened == opened and proc.poll() is None:
        time.sleep(0.001)
    totals.startup_s.append(time.monotonic() - started)
    if kill_after is not None and proc.poll() is None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            if proc.returncode == -signal.SIGKILL:
                _settle(handler)
                return True
            assert proc.returncode == 0
            _settle(handler)
            return False
    out, errout = proc.communicate(timeout=60)
    assert proc.returncode == 0, errout.decode()
    assert b"0 failed" in out, out.decode()
    _settle(handler)
    return False


def _calibrate(template: Path, root: Path, handler: CountingHandler) -> float:
    """Seconds from the first SMTP connection to the end of an uninterrupted batch."""
    home = root / "calibration"
    shutil.copytree(template, home)
    opened = handler.opened
    proc = _spawn(home)
    while handler.opened == opened:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.001)
    first = time.monotonic()
    assert proc.wait(timeout=60) == 0, proc.communicate()
    batch = time.monotonic() - first
    _settle(handler)
    assert len(handler.deliveries) == N_AUTHORITIES
    handler.deliveries.clear()
    return batch


def _crash_until_done(home: Path, handler: CountingHandler, batch: float, ws_index: int,
                      totals: Totals) -> Counter[str]:
    """Kill and re-run `foi send` until a run finishes; count the kills caught in the window."""
    counted: dict[str, int] = {}       # reference -> server copies already counted as ambiguous
    in_window: Counter[str] = Counter()
    for run in range(100):
        rng = random.Random(SEED * 1000 + ws_index * 100 + run)
        delay = rng.uniform(0, batch) if run < MAX_KILLS_PER_WORKSPACE else None
        if not _run(home, handler, delay, totals):
            return in_window
        totals.kills += 1
        copies = handler.copies()
        caught = {ref: copies[r["message_id"]] for ref, r in _db_state(home).items()
                  if r["status"] == "sending" and copies[r["message_id"]] > counted.get(ref, 0)}
        # One letter is in flight at a time, so one kill catches at most one request.
        assert len(caught) <= 1, (ws_index, run, caught)
        for ref, seen in caught.items():
            counted[ref] = seen
            in_window[ref] += 1
            totals.kills_in_window += 1
    raise AssertionError("foi send never finished")


def _check_workspace(home: Path, handler: CountingHandler, in_window: Counter[str]) -> int:
    """Every authority got its letter under one Message-ID; duplicates only from the window."""
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        requests = {r["to_addr"]: r for r in rows(con, "SELECT * FROM requests")}
        resent = Counter(r[0] for r in con.execute(
            "SELECT request_reference FROM events WHERE kind = 'resent_after_interruption'"
        ).fetchall())
        sent = Counter(r[0] for r in con.execute(
            "SELECT request_reference FROM events WHERE kind = 'sent'").fetchall())
        undated = con.execute("SELECT count(*) FROM requests WHERE due_on IS NULL").fetchone()[0]
    finally:
        con.close()
    ids_by_addr: dict[str, Counter[str]] = {}
    for d in handler.deliveries:
        for rcpt in d.rcpt_tos:
            ids_by_addr.setdefault(rcpt, Counter())[d.message_id] += 1
    assert len(requests) == N_AUTHORITIES
    assert set(ids_by_addr) == set(requests)
    duplicates = 0
    for addr, r in requests.items():
        assert r["status"] == "awaiting_response", r
        assert list(ids_by_addr[addr]) == [r["message_id"]], (addr, ids_by_addr[addr])
        assert sent[r["reference"]] == 1
        extra = ids_by_addr[addr][r["message_id"]] - 1
        assert extra == in_window[r["reference"]], r["reference"]
        # every resend is recorded before it is attempted, so each duplicate has its event
        assert resent[r["reference"]] >= extra, r["reference"]
        duplicates += extra
    assert duplicates == in_window.total()
    assert undated == 0
    return duplicates


@pytest.mark.long_running(300)
def test_sigkill_at_random_moments_never_sends_twice_outside_the_window(
    tmp_path: Path, server: CountingHandler, template: Path
) -> None:
    totals = Totals()
    batch = _calibrate(template, tmp_path, server)
    started = time.monotonic()
    while totals.kills < MIN_KILLS:
        home = tmp_path / f"ws{totals.workspaces}"
        shutil.copytree(template, home)
        server.deliveries.clear()
        in_window = _crash_until_done(home, server, batch, totals.workspaces, totals)
        totals.duplicates += _check_workspace(home, server, in_window)
        totals.workspaces += 1
        shutil.rmtree(home)
    startup = sorted(totals.startup_s)[len(totals.startup_s) // 2]
    print(f"\ncrash injection: {totals.workspaces} workspaces x {N_AUTHORITIES} authorities, "
          f"{totals.runs} runs, {totals.kills} kills, {totals.kills_in_window} in the ambiguous "
          f"window, {totals.duplicates} duplicate deliveries; batch {batch:.2f} s, "
          f"`foi send` start to first SMTP connection {startup:.2f} s (median), "
          f"{time.monotonic() - started:.0f} s in all")
    assert totals.duplicates == totals.kills_in_window
