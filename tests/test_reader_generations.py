"""Readers see one generation: the snapshot and every Parquet view published together, and a
run killed while it publishes leaves readers a whole generation that the next reader repairs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from warehouse.access import reading, writing
from warehouse.db import connect

from .conftest import ROOT

WRITER = """
import sys
from pathlib import Path
from warehouse.access import writing
db, start = Path(sys.argv[1]), int(sys.argv[2])
with writing(db) as con:
    con.execute("INSERT INTO authorities (id, name, email) SELECT 'a' || i, 'Body ' || i,"
                " 'foi@a' || i || '.example' FROM range(?, ? + 50) t(i)", [start, start])
    print("committed", flush=True)
"""


def seen_by_readers(db: Path) -> tuple[int, int]:
    """Authorities in the readers' snapshot, and rows of the published v_authorities."""
    snapshot = duckdb.connect(str(db.with_name("foi-read.duckdb")), read_only=True)
    try:
        in_snapshot = snapshot.execute("SELECT count(*) FROM authorities").fetchone()[0]
    finally:
        snapshot.close()
    parquet = str(db.parent / "parquet" / "v_authorities.parquet")
    with duckdb.connect() as con:
        in_parquet = con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0]
    return in_snapshot, in_parquet


def test_a_run_killed_while_it_publishes_leaves_one_generation(tmp_path: Path) -> None:
    db = tmp_path / "foi.duckdb"
    with writing(db):
        pass
    start, torn = 0, []
    for n in range(24):
        run = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(start)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert run.stdout is not None and run.stdout.readline().strip() == "committed"
        time.sleep(0.012 * n)          # from just after the commit to past the publication
        run.send_signal(signal.SIGKILL)
        run.wait(30)
        start += 50
        in_snapshot, in_parquet = seen_by_readers(db)
        if in_snapshot != in_parquet:
            torn.append((n, in_snapshot, in_parquet))
    assert torn == []                  # never a new Parquet view beside an old snapshot
    # the committed rows are all there, and the next reader publishes them for everyone
    with reading(db) as con:
        assert con.execute("SELECT count(*) FROM authorities").fetchone()[0] == start
    assert seen_by_readers(db) == (start, start)
    left = [p.name for p in (tmp_path / ".readers").iterdir()]
    assert not [name for name in left if name.endswith(".tmp")]   # half-made ones removed
    assert len(left) <= 3                                          # current, it, the one before


def test_a_run_killed_between_switching_and_tidying_is_tidied_by_the_next_reader(
        tmp_path: Path) -> None:
    """Killed after readers were switched to its generation but before the old ones were
    removed, a run left four; the next reader found the generation current and left them."""
    db = tmp_path / "foi.duckdb"
    for _ in range(3):
        with writing(db):
            pass
    readers = tmp_path / ".readers"
    kept = sorted(p.name for p in readers.iterdir())
    current = os.readlink(readers / "current")
    earliest = min(name for name in kept if name.startswith("g-"))
    # what the kill leaves: one generation older than the two kept, and one made but never
    # switched to (renamed into place, killed before the link)
    stale = f"g-{int(earliest.split('-')[1]) - 1}-1"
    unswitched = f"g-{time.time_ns()}-2"
    for name in (stale, unswitched):
        shutil.copytree(readers / current, readers / name)
    with reading(db) as con:
        assert con.execute("SELECT count(*) FROM authorities").fetchone()[0] == 0
    assert sorted(p.name for p in readers.iterdir()) == kept
    assert os.readlink(readers / "current") == current


def test_a_workspace_published_the_old_way_is_switched_to_generations(tmp_path: Path) -> None:
    db = tmp_path / "foi.duckdb"
    con = connect(db)
    con.close()
    # as foitrack published until now: a plain file and a plain folder
    (tmp_path / "foi-read.duckdb").write_bytes(db.read_bytes())
    (tmp_path / "parquet").mkdir()
    (tmp_path / "parquet" / "v_requests.parquet").write_bytes(b"old")
    with writing(db) as con:
        con.execute("INSERT INTO authorities (id, name, email) VALUES ('x', 'X', 'x@x.example')")
    assert (tmp_path / "foi-read.duckdb").is_symlink() and (tmp_path / "parquet").is_symlink()
    assert seen_by_readers(db) == (1, 1)


def test_a_workspace_copied_without_its_links_publishes_again(tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "ws" / "foi.duckdb"
    db.parent.mkdir()
    with writing(db) as con:
        con.execute("INSERT INTO authorities (id, name, email) VALUES ('x', 'X', 'x@x.example')")
    copy = tmp_path / "copy"
    shutil.copytree(db.parent, copy)      # links followed: real files and folders in the copy
    assert not (copy / ".readers" / "current").is_symlink()
    with writing(copy / "foi.duckdb") as con:
        con.execute("INSERT INTO authorities (id, name, email) VALUES ('y', 'Y', 'y@y.example')")
    assert (copy / ".readers" / "current").is_symlink()
    assert seen_by_readers(copy / "foi.duckdb") == (2, 2)
    assert seen_by_readers(db) == (1, 1)


def test_the_first_read_after_an_upgrade_brings_the_warehouse_up_to_date(tmp_path: Path) -> None:
    import gzip
    import shutil

    db = tmp_path / "foi.duckdb"
    fixture = ROOT / "tests" / "fixtures" / "workspace_013" / "foi.duckdb.gz"
    with gzip.open(fixture) as old, db.open("wb") as new:
        shutil.copyfileobj(old, new)      # as foitrack left it before views were files
    with reading(db) as con:              # `foi sql` right after upgrading foitrack
        assert con.execute("SELECT count(*) FROM v_requests").fetchone()[0] == 16
