"""Shared fixtures: workspaces, a real SMTP server on loopback, the shared corpus."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from foi.authorities import demo_ccgs
from foi.campaigns import read_campaign
from foi.workspace import Workspace, init_workspace
from warehouse.authorities import import_authorities
from warehouse.campaigns import save_campaign
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # An xdist worker starts with COLUMNS=80 and LINES=24 set; the CLI's console would fix its
    # width from them at import, ignoring the COLUMNS a test gives it, as it does run serially.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that schedules a test early."""
    config.addinivalue_line(
        "markers", "long_running(seconds): a test that takes about this long on a quiet 2-core "
                   "machine; run first, longest first, so that under xdist the rest overlaps it")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest-running tests first (the rest keep their order): under `--dist loadfile
    --no-loadscope-reorder` their files go out first, so the rest of the suite overlaps them."""
    def seconds(item: pytest.Item) -> float:
        mark = item.get_closest_marker("long_running")
        return mark.args[0] if mark else 0.0

    items.sort(key=seconds, reverse=True)


def copy_workspace(template: Path, tmp_path: Path) -> Path:
    """The test's own copy of a workspace built once, where tests build theirs (tmp_path/ws)."""
    return Path(shutil.copytree(template, tmp_path / "ws"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (shared/ missing beside the checkout)")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh, empty workspace."""
    return init_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def qof_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 209 CCGs and the QOF campaign in a workspace built once a session: only copied."""
    workspace = init_workspace(tmp_path_factory.mktemp("qof-template") / "ws")
    con = connect(workspace.database)
    try:
        import_authorities(con, demo_ccgs(), "builtin:ccgs-2016")
        save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    finally:
        con.close()
    return workspace.home


@pytest.fixture
def qof_workspace(qof_template: Path, tmp_path: Path) -> Workspace:
    """A workspace with the 209 CCGs and the QOF campaign added: the test's own copy."""
    return init_workspace(copy_workspace(qof_template, tmp_path))


def late_letters_with_replies(ws: Workspace, *, limit: int, seed: int, inbox: Path,
                              days_ago: int = 40) -> list:
    """Send `limit` letters `days_ago` days ago (file outbox) and write the simulated
    authorities' replies into `inbox`; returns the simulated replies."""
    from datetime import UTC, date, datetime, time, timedelta

    from flows.steps.send import send_campaign
    from foi.mail.transports import FileOutbox
    from simulator.replies import SentLetter, SimQuestion, simulate_replies, write_replies
    from warehouse.db import rows

    con = connect(ws.database)
    try:
        send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=limit,
                      now=datetime.combine(date.today() - timedelta(days=days_ago), time(10),
                                           tzinfo=UTC))
        sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                         " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id")
    finally:
        con.close()
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"], "A",
                          "a@newsroom.example", r["message_id"], "FOI", r["sent_at"])
               for r in sent]
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in read_campaign(EXAMPLE).numbered()]
    replies = simulate_replies(letters, questions, seed=seed)
    write_replies(replies, inbox)
    return replies


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every message and can answer with a set code."""

    received: list[Envelope] = field(default_factory=list)
    reply_for: dict[str, str] = field(default_factory=dict)   # recipient -> SMTP reply

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        reply = self.reply_for.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, RecordingHandler]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test harness (temporary API and database) for the whole session."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # Heartbeats cost ~1 s per flow run (their thread join) and nothing watches them here.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), \
            prefect_test_harness(server_startup_timeout=90):
        yield


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    """Debian's headless Chromium, driven by Playwright (skipped where it is not installed)."""
    if CHROMIUM is None:
        pytest.skip("no Debian chromium: run scripts/system-deps.sh as root")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
