"""One writer at a time, queued; readers on the snapshot never block a writer, nor it them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.access import WarehouseBusy, reading, writing
from warehouse.db import connect
from warehouse.snapshots import parquet_dir, snapshot_path

from .conftest import ROOT


def hold(script: str, ready: Path) -> subprocess.Popen:
    """Run `script` in another Python process; return once it has written `ready`."""
    code = textwrap.dedent(script)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None, f"holder exited early: {proc.returncode}"
        assert time.monotonic() < deadline, "holder never got ready"
        time.sleep(0.05)
    return proc


def hold_writer(db: Path, ready: Path, then: str) -> subprocess.Popen:
    """Another process writes a row into the warehouse, says it is ready, then runs `then`
    (one line of Python) before letting go."""
    return hold(f"""
        import time
        from pathlib import Path
        from warehouse.access import writing
        with writing(Path({str(db)!r})) as con:
            con.execute("INSERT INTO problems (stage, item, reason) VALUES ('import', 'b', 'x')")
            Path({str(ready)!r}).touch()
            {then}
        """, ready)


def hold_reader(db: Path, ready: Path, seconds: float) -> subprocess.Popen:
    """Another process (a notebook) holds foi.duckdb open read-only for `seconds`."""
    return hold(f"""
        import time, duckdb
        from pathlib import Path
        con = duckdb.connect({str(db)!r}, read_only=True)
        Path({str(ready)!r}).touch()
        time.sleep({seconds})
        """, ready)


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


@pytest.fixture
def db(workspace) -> Path:
    with writing(workspace.database) as con:
        con.execute("INSERT INTO problems (stage, item, reason) VALUES ('import', 'a', 'first')")
    return workspace.database


def test_a_second_writer_waits_for_the_first_and_then_writes(db: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = hold_writer(db, ready, "time.sleep(2)")
    started = time.monotonic()
    with writing(db, wait_seconds=30) as con:
        waited = time.monotonic() - started
        con.execute("INSERT INTO problems (stage, item, reason) VALUES ('import', 'c', 'y')")
        assert count(con, "SELECT count(*) FROM problems") == 3
    assert holder.wait(10) == 0
    assert 1.0 < waited < 10


def test_a_writer_gives_up_naming_the_other_foitrack_run(db: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = hold(f"""
        import os, time
        from pathlib import Path
        os.environ["FOI_RUN_NAME"] = "foi extract"
        from warehouse.access import writing
        with writing(Path({str(db)!r})):
            Path({str(ready)!r}).touch()
            time.sleep(30)
        """, ready)
    try:
        with pytest.raises(WarehouseBusy, match=rf"another foitrack run \(PID {holder.pid}, "
                                                r"`foi extract`"), writing(db, wait_seconds=1):
            pass
    finally:
        holder.kill()
        holder.wait()
    with writing(db, wait_seconds=5):   # the kernel dropped the dead holder's lock
        pass


def test_a_reader_holding_the_live_file_is_named_as_the_cause(db: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = hold_reader(db, ready, 30)
    try:
        with pytest.raises(WarehouseBusy, match=rf"reader holding foi.duckdb \(PID {holder.pid}"
                                                r".*foi-read.duckdb"), writing(db, wait_seconds=1):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_a_reader_that_lets_go_in_time_only_delays_the_writer(db: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = hold_reader(db, ready, 1.5)
    with writing(db, wait_seconds=20) as con:
        assert count(con, "SELECT count(*) FROM problems") == 1
    holder.wait(10)


def test_readers_use_the_snapshot_while_a_writer_works(db: Path, tmp_path: Path) -> None:
    ready, go_on = tmp_path / "ready", tmp_path / "go-on"
    writer = hold_writer(db, ready, f"while not Path({str(go_on)!r}).exists(): time.sleep(0.05)")
    # Readers neither fail nor wait while the writer holds foi.duckdb: they see the snapshot.
    started = time.monotonic()
    with reading(db) as con:
        assert count(con, "SELECT count(*) FROM problems") == 1
    assert time.monotonic() - started < 2
    # A reader holding the snapshot open does not stop the writer publishing the next one.
    notebook = duckdb.connect(str(snapshot_path(db)), read_only=True)
    go_on.touch()
    assert writer.wait(20) == 0
    assert count(notebook, "SELECT count(*) FROM problems") == 1   # its old copy, still whole
    notebook.close()
    notebook = duckdb.connect(str(snapshot_path(db)), read_only=True)   # reconnecting
    assert count(notebook, "SELECT count(*) FROM problems") == 2
    notebook.close()


def test_live_readers_wait_for_the_writer_then_read(db: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    writer = hold_writer(db, ready, "time.sleep(1)")
    with reading(db, live=True, wait_seconds=20) as con:
        assert count(con, "SELECT count(*) FROM problems") == 2
    assert writer.wait(10) == 0


def test_snapshot_has_the_views_and_parquet_has_every_public_view(db: Path) -> None:
    with reading(db) as con:
        views = {r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"v_requests", "v_answers", "v_campaign_summary"} <= views
    files = {p.stem for p in parquet_dir(db).glob("*.parquet")}
    assert files == {v for v in views if v.startswith("v_")}
    assert not list(parquet_dir(db).glob(".*"))   # no temporary files left behind


def test_a_stale_snapshot_is_refreshed_when_no_one_writes(db: Path) -> None:
    con = connect(db)     # a writer that does not publish (an older foitrack, a notebook)
    con.execute("INSERT INTO problems (stage, item, reason) VALUES ('import', 'b', 'x')")
    con.close()
    with reading(db) as con:
        assert count(con, "SELECT count(*) FROM problems") == 2


def test_the_snapshot_is_published_even_when_the_run_fails(db: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), writing(db) as con:
        con.execute("INSERT INTO problems (stage, item, reason) VALUES ('import', 'b', 'x')")
        raise RuntimeError("boom")
    snapshot = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        assert count(snapshot, "SELECT count(*) FROM problems") == 2
    finally:
        snapshot.close()
