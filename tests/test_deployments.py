"""prefect.yaml's deployments on a real Prefect server and worker: the schedules fire.

No mocks and no test harness: `prefect server start`, a process work pool and
`prefect worker start` run as subprocesses, `prefect deploy --all` deploys the project as
the README says, and the workspace is built with the `foi` command."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from .conftest import EXAMPLE, ROOT, free_port

BIN = Path(sys.executable).parent      # the venv's bin/: python, prefect, foi
CAMPAIGN = "qof-local-schemes"
LONDON = ZoneInfo("Europe/London")
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

# Quick server and worker loops, so a one-minute schedule fires within the minute.
FAST = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "2",
    "PREFECT_WORKER_QUERY_SECONDS": "2",
    "PREFECT_WORKER_PREFETCH_SECONDS": "5",
    "PREFECT_SERVER_UI_ENABLED": "false",
}


def _say(text: str) -> None:
    print(f"[deployments] {text}", flush=True)


def _wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 1.0,
              logs: Callable[[], str] = lambda: "") -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs()}")
        time.sleep(every)


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return f"({path.name}: no output)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- last lines of {path.name} ---\n" + "\n".join(text)


def _stat(pid: int) -> tuple[int, str] | None:
    """A process's parent id and start time (from /proc), None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[19]


def _descendants(pid: int) -> list[tuple[int, str]]:
    """The processes below `pid`, deepest first, each with its start time."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat and stat[0] == pid:
            found += [*_descendants(int(entry.name)), (int(entry.name), stat[1])]
    return found


def _stop(proc: subprocess.Popen) -> None:
    """End a process we started, its process group, and its descendants (the worker's flow
    runs run in sessions of their own), each by its id."""
    if proc.poll() is not None:
        return
    descendants = _descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    for pid, started in descendants:
        stat = _stat(pid)
        if stat and stat[1] == started:     # still that process, not a reused id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class Stack:
    """A Prefect server and a process worker on loopback, and the foitrack workspace."""

    tmp: Path
    env: dict[str, str]
    api: str
    ws: Path
    procs: list[subprocess.Popen] = field(default_factory=list)
    began: float = field(default_factory=time.monotonic)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, timeout=30)

    def run(self, *args: str | Path, timeout: float = 120, cwd: Path = ROOT,
            env: dict[str, str] | None = None) -> str:
        """Run a command to completion; its stdout (fails with its output if it fails)."""
        done = subprocess.run([str(a) for a in args], cwd=cwd, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, (f"{' '.join(map(str, args))} exited {done.returncode}"
                                      f"\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str | Path, env: dict[str, str] | None = None
              ) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen([str(a) for a in args], cwd=ROOT,
                                    env={**self.env, **(env or {})}, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(_tail(self.tmp / f"{name}.log") for name in ("server", "worker"))

    def foi(self, *args: str | Path) -> str:
        return self.run(BIN / "foi", *args, "--home", self.ws)

    def deployment(self, name: str) -> dict:
        with self.http() as http:
            response = http.get(f"/deployments/name/{name}")
        response.raise_for_status()
        return response.json()

    def flow_run(self, run_id: str) -> dict:
        with self.http() as http:
            response = http.get(f"/flow_runs/{run_id}")
        response.raise_for_status()
        return response.json()

    def run_logs(self, run_id: str) -> str:
        with self.http() as http:
            response = http.post("/logs/filter", json={
                "logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC",
                "limit": 200})
        return "\n".join(f"  {log['level']:>2} {log['message']}" for log in response.json())

    def artifacts(self, run_id: str) -> dict[str, Any]:
        """A flow run's artifacts by key: their data (a table's rows, a markdown text)."""
        with self.http() as http:
            response = http.post("/artifacts/filter", json={
                "artifacts": {"flow_run_id": {"any_": [run_id]}}})
        response.raise_for_status()
        return {a["key"]: json.loads(a["data"]) if a["type"] == "table" else a["data"]
                for a in response.json()}

    def wait_finished(self, run_id: str, timeout: float) -> dict:
        """Wait for a flow run to end; fails with its logs unless it COMPLETED."""
        def finished() -> dict | None:
            run = self.flow_run(run_id)
            return run if run["state_type"] in TERMINAL else None
        run = _wait_for(f"flow run {run_id}", finished, timeout, logs=self.logs)
        assert run["state_type"] == "COMPLETED", (
            f"{run['name']}: {run['state_type']} {run['state']['message']}\n"
            f"{self.run_logs(run_id)}\n{self.logs()}")
        return run


def _clean_env(tmp: Path, port: int, ws: Path) -> dict[str, str]:
    """This process's environment without its Prefect settings, plus the stack's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k not in ("FOI_HOME", "FOITRACK_DIR")}
    (tmp / "tmp").mkdir()
    return {**env, **FAST,
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "TMPDIR": str(tmp / "tmp"),        # Prefect's runner_storage/ etc., not /tmp
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "FOI_HOME": str(ws)}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A real Prefect server, a `foitrack` process pool and a worker with FOI_HOME set, shared
    by this file's tests (a server's start is the costliest part of each); both are terminated
    afterwards, whatever happened."""
    tmp_path = tmp_path_factory.mktemp("stack")
    port = free_port()
    ws = tmp_path / "ws"
    env = _clean_env(tmp_path, port, ws)
    s = Stack(tmp_path, env, env["PREFECT_API_URL"], ws)
    try:
        server = s.start("server", BIN / "prefect", "server", "start",
                         "--host", "127.0.0.1", "--port", str(port))

        def healthy() -> bool:
            assert server.poll() is None, f"prefect server exited\n{s.logs()}"
            try:
                return httpx.get(f"{s.api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False
        _wait_for("the Prefect server's /api/health", healthy, 90, every=0.5, logs=s.logs)
        _say(f"server up on port {port} in {time.monotonic() - s.began:.1f} s")
        s.run(BIN / "prefect", "work-pool", "create", "foitrack", "--type", "process")
        s.start("worker", BIN / "prefect", "worker", "start", "--pool", "foitrack")
        yield s
    finally:
        for proc in reversed(s.procs):
            _stop(proc)


def _reply(letter: Path, inbox: Path, text: str) -> str:
    """Write an authority's reply to one of our letters into the inbox; its reference."""
    sent = BytesParser(policy=policy.default).parse(letter.open("rb"))
    reference = str(sent["X-FOI-Reference"])
    reply = EmailMessage()
    reply["From"] = str(sent["To"])
    reply["To"] = str(sent["From"])
    reply["Subject"] = f"Re: {sent['Subject']}"
    reply["Date"] = format_datetime(datetime.now().astimezone())
    reply["Message-ID"] = make_msgid(domain=str(sent["To"].addresses[0].domain))
    reply["In-Reply-To"] = str(sent["Message-ID"])
    reply["References"] = str(sent["Message-ID"])
    reply.set_content(f"Dear Alex Reporter,\n\nYour request {reference}.\n\n{text}\n\n"
                      "Yours sincerely,\nFOI Officer\n")
    (inbox / f"reply-{reference}.eml").write_bytes(reply.as_bytes())
    return reference


def _started_run(output: str) -> str:
    """The flow run id printed by `prefect deployment run`."""
    found = re.search(r"UUID:\s*([0-9a-f-]{36})", output)
    assert found, output
    return found.group(1)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.long_running(100)
def test_deployments_run_by_hand_and_on_a_schedule(stack: Stack) -> None:
    began = time.monotonic()
    prefect = BIN / "prefect"
    ws = stack.ws

    # The workspace, five letters to the outbox, and two replies in the inbox.
    stack.foi("init")
    stack.foi("authorities", "import", "builtin:ccgs-2016")
    stack.foi("campaign", "add", EXAMPLE)
    stack.foi("send", CAMPAIGN, "--limit", "5")
    letters = sorted((ws / "outbox").glob("*.eml"))
    assert len(letters) == 5
    replied = [_reply(letters[0], ws / "inbox", "1. Yes.\n2. No.\n3. Not applicable."),
               _reply(letters[1], ws / "inbox", "1. No.\n2. Yes.\n3. £120,000.")]
    _say(f"workspace ready; replies from {', '.join(replied)}")

    # Deploy as the README says, from the checkout.
    stack.run(prefect, "--no-prompt", "deploy", "--all", timeout=180,
              env={"FOITRACK_DIR": str(ROOT)})
    with stack.http() as http:
        deployed = http.post("/deployments/filter", json={}).json()
    assert {d["name"] for d in deployed} == {"send", "check-mail", "chase", "publish", "demo"}
    publish = stack.deployment("foitrack-publish/publish")
    assert [s["schedule"]["timezone"] for s in publish["schedules"]] == ["Europe/London"]
    assert publish["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {
        "directory": str(ROOT)}}], publish["pull_steps"]
    _say(f"deployed after {time.monotonic() - began:.1f} s")

    # A one-minute schedule on publish; only the scheduler creates its runs.
    stack.run(prefect, "deployment", "schedule", "create", "foitrack-publish/publish",
              "--cron", "* * * * *", "--timezone", "Europe/London")
    scheduled_at = datetime.now().astimezone()
    [every_minute] = [s for s in stack.deployment("foitrack-publish/publish")["schedules"]
                      if s["schedule"].get("cron") == "* * * * *"]
    assert every_minute["schedule"]["timezone"] == "Europe/London"

    # Meanwhile, each of the other flows once by hand.
    manual = {name: _started_run(stack.run(prefect, "deployment", "run", name))
              for name in ("foitrack-check-mail/check-mail", "foitrack-chase/chase",
                           "foitrack-publish/publish")}
    for name, run_id in manual.items():
        run = stack.wait_finished(run_id, timeout=120)
        assert not run["auto_scheduled"]
        took = (_iso(run["end_time"]) - _iso(run["expected_start_time"])).total_seconds()
        _say(f"{name} by hand: COMPLETED {took:.1f} s after it was asked for "
             f"(run time {run['total_run_time']:.1f} s)")

    # check-mail took in both replies from WS/inbox, matched to their requests.
    incoming = stack.foi("sql", "SELECT request_reference, match_method FROM messages"
                         " WHERE direction = 'incoming' ORDER BY 1", "--format", "csv")
    assert incoming.split() == ["request_reference,match_method",
                                *(f"{ref},in_reply_to" for ref in sorted(replied))], incoming
    summary = stack.artifacts(manual["foitrack-check-mail/check-mail"])["check-mail-run"]
    assert {"what": "matched", "count": 2} in summary, summary
    # publish rendered the campaign page.
    assert (ws / "site" / CAMPAIGN / "index.html").is_file()
    # chase: nothing is overdue yet, so no chasers and no drafts; the overdue table is empty.
    artifacts = stack.artifacts(manual["foitrack-chase/chase"])
    assert {"what": "chased", "count": 0} in artifacts["all-chase-run"], artifacts
    assert {"what": "overdue", "count": 0} in artifacts["all-chase-run"], artifacts
    assert artifacts[f"{CAMPAIGN}-overdue"] == [], artifacts
    assert stack.foi("sql", "SELECT count(*) AS n FROM chases", "--format", "csv").split() \
        == ["n", "0"]
    assert len(list((ws / "outbox").glob("*.eml"))) == 5

    # The first run of the one-minute schedule: fired by the scheduler, run by the worker.
    def scheduled_run_done() -> dict | None:
        with stack.http() as http:
            response = http.post("/flow_runs/filter", json={
                "flow_runs": {"deployment_id": {"any_": [publish["id"]]},
                              "state": {"type": {"any_": sorted(TERMINAL)}}},
                "sort": "EXPECTED_START_TIME_ASC", "limit": 50})
        response.raise_for_status()
        mine = [r for r in response.json()
                if (r["created_by"] or {}).get("id") == every_minute["id"]]
        failed = [r for r in mine if r["state_type"] in TERMINAL - {"COMPLETED"}]
        assert not failed, f"{failed[0]['state']}\n{stack.run_logs(failed[0]['id'])}"
        return next((r for r in mine if r["state_type"] == "COMPLETED"), None)
    run = _wait_for("a COMPLETED run of the one-minute schedule", scheduled_run_done,
                    timeout=150, every=1, logs=stack.logs)
    assert run["auto_scheduled"] and run["created_by"]["type"] == "SCHEDULE"
    assert "auto-scheduled" in run["tags"]
    expected, ended = _iso(run["expected_start_time"]), _iso(run["end_time"])
    assert expected.second == 0 and expected >= scheduled_at.replace(microsecond=0)
    _say(f"scheduled publish {run['name']}: due {expected.astimezone(LONDON):%H:%M:%S} London,"
         f" started {(_iso(run['start_time']) - expected).total_seconds():.1f} s later, COMPLETED "
         f"{(ended - expected).total_seconds():.1f} s after its scheduled minute "
         f"(run time {run['total_run_time']:.1f} s)")
    _say(f"test wall time {time.monotonic() - stack.began:.1f} s, server start included")
    with stack.http() as http:   # the server is the next test's too: no more runs each minute
        for _ in range(20):   # a busy server answers 503 (its database locked): ask again
            removed = http.delete(f"/deployments/{publish['id']}/schedules/{every_minute['id']}")
            if removed.status_code != 503:
                break
            time.sleep(1)
        removed.raise_for_status()


class _Hooks(ThreadingHTTPServer):
    """An HTTP server on loopback that keeps every body posted to it (the notifications)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.received: list[str] = []


class _Hook(BaseHTTPRequestHandler):
    server: _Hooks

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(body.decode(errors="replace"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[str]]]:
    """A tiny webhook receiver: its URL and the bodies posted to it."""
    server = _Hooks()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/foitrack", server.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.long_running(40)
def test_a_failed_run_sends_a_notification(stack: Stack, webhook: tuple[str, list[str]]
                                           ) -> None:
    url, received = webhook
    prefect = BIN / "prefect"
    stack.run(prefect, "--no-prompt", "deploy", "--name", "publish", timeout=180,
              env={"FOITRACK_DIR": str(ROOT)})

    # The block and the automation, as the README tells a user to make them.
    out = stack.run(BIN / "foi", "notify-on-failure", url)
    assert "failed or crashed foitrack runs" in out and url in out
    stack.run(BIN / "foi", "notify-on-failure", url)    # again: replaced, not doubled
    with stack.http() as http:
        automations = http.post("/automations/filter", json={}).json()
    assert [a["name"] for a in automations] == ["foitrack: a run failed"], automations

    # publish on a workspace that is not there fails.
    began = time.monotonic()
    run_id = _started_run(stack.run(prefect, "deployment", "run", "foitrack-publish/publish",
                                    "--params", json.dumps({"home": str(stack.tmp / "none")})))

    def failed() -> dict | None:
        run = stack.flow_run(run_id)
        return run if run["state_type"] in TERMINAL else None
    run = _wait_for("the failing publish run to end", failed, 120, logs=stack.logs)
    assert run["state_type"] == "FAILED", run["state"]
    _say(f"publish {run['name']} FAILED after {time.monotonic() - began:.1f} s:"
         f" {run['state']['message']}")

    [note] = _wait_for("the webhook notification",
                       lambda: [json.loads(b) for b in received if run_id in b], 60,
                       every=0.5, logs=stack.logs)
    _say(f"notification {time.monotonic() - began:.1f} s after the run was asked for: {note}")
    assert note["subject"] == "foitrack: foitrack-publish failed"
    assert f"Flow run {run['name']} ({run_id}) of foitrack-publish entered Failed" in note["body"]
