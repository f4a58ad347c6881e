"""Writing flow runs that start together queue instead of failing, and a reader holding the
snapshot open through them neither stops them nor is stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.snapshots import snapshot_path

from .conftest import ROOT, late_letters_with_replies

FLOW_RUN = """
import json, sys
from flows.round_robin import check_mail, publish, chase_late
flow = {"check_mail": check_mail, "publish": publish, "chase_late": chase_late}[sys.argv[1]]
state = flow(home=sys.argv[2], return_state=True)
print(json.dumps({"state": state.type.value, "message": state.message}))
"""


@pytest.mark.long_running(30)
def test_two_writing_flows_at_once_and_a_reader_throughout(prefect_harness, qof_workspace,
                                                          tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    ws = qof_workspace
    emails = sum(len(r.messages) for r in
                 late_letters_with_replies(ws, limit=30, seed=5, inbox=ws.inbox))
    assert emails > 10
    with connect(ws.database) as con:
        before = con.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                             ).fetchone()[0]
    assert before == 0
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "PYTHONPATH": str(ROOT)}
    from warehouse.access import reading, writer_lock

    with reading(ws.database):
        pass
    notebook = duckdb.connect(str(snapshot_path(ws.database)), read_only=True)
    flows = ("check_mail", "publish", "chase_late")
    logs = {flow: (tmp_path / f"{flow}.out", tmp_path / f"{flow}.err") for flow in flows}
    started = time.monotonic()
    reads = 0

    def read_while(running) -> None:
        # The data journalist's session stays usable the whole time.
        nonlocal reads
        while running():
            notebook.execute("SELECT count(*) FROM v_requests").fetchone()
            reads += 1
            time.sleep(0.2)
            assert time.monotonic() - started < 300

    # A long writing run (as `foi extract` on a big batch) is under way as the three start,
    # so all of them meet it, and then each other.
    with writer_lock(ws.database):
        runs = []
        for flow in flows:
            with logs[flow][0].open("w") as out, logs[flow][1].open("w") as err:
                runs.append(subprocess.Popen(
                    [sys.executable, "-c", FLOW_RUN, flow, str(ws.home)], env=env,
                    stdout=out, stderr=err, cwd=ROOT))
        read_while(lambda: all(r.poll() is None for r in runs) and not all(
            "waiting for another foitrack run" in err.read_text() for _, err in logs.values()))
    read_while(lambda: any(r.poll() is None for r in runs))
    outcomes, waits = [], 0
    for flow, run in zip(flows, runs, strict=True):
        errors = logs[flow][1].read_text()
        assert run.returncode == 0, errors[-3000:]
        outcomes.append(json.loads(logs[flow][0].read_text().strip().splitlines()[-1]))
        waits += errors.count("waiting for another foitrack run")
    wall = time.monotonic() - started
    assert [o["state"] for o in outcomes] == ["COMPLETED"] * 3, outcomes
    assert waits >= 3     # each queued behind the long run, at least
    assert notebook.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                            ).fetchone()[0] == 0    # its copy is the one it opened
    notebook.close()
    notebook = duckdb.connect(str(snapshot_path(ws.database)), read_only=True)
    try:
        incoming = notebook.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                                    ).fetchone()[0]
        answers = notebook.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        notebook.close()
    assert incoming == emails and answers > 0

    async def failed_runs() -> int:
        async with get_client() as client:
            flow_runs = await client.read_flow_runs()
        return sum(1 for f in flow_runs if f.state and f.state.is_failed())

    import asyncio
    assert asyncio.run(failed_runs()) == 0
    print(f"\n3 writing flow runs started together: 0 failed, {waits} waits, {wall:.1f} s; "
          f"the reader ran {reads} queries meanwhile, none failed")


@pytest.mark.long_running(30)
def test_reading_spread_over_a_dask_cluster_without_changing_the_flow(prefect_harness,
                                                                      qof_workspace) -> None:
    from prefect.settings import PREFECT_API_URL

    ws = qof_workspace
    emails = sum(len(r.messages) for r in
                 late_letters_with_replies(ws, limit=30, seed=5, inbox=ws.inbox))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT),
           "FOI_DASK_ADDRESS": "local", "FOI_READERS": "3"}
    done = subprocess.run([sys.executable, "-c", FLOW_RUN, "check_mail", str(ws.home)],
                          env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["state"] == "COMPLETED"
    assert "Creating a new Dask cluster" in done.stderr   # the reading went through Dask
    con = connect(ws.database, read_only=True)
    try:
        incoming = con.execute("SELECT count(*) FROM messages WHERE direction = 'incoming'"
                               ).fetchone()[0]
        unread = con.execute("SELECT count(*) FROM documents WHERE status = 'pending'"
                             ).fetchone()[0]
        answers = con.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        con.close()
    assert incoming == emails and unread == 0 and answers > 0
