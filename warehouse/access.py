"""Who may open the warehouse, and when: one writer at a time, readers on a snapshot.

DuckDB lets one process write a file, or many read it, never both. So:

- every writer first takes the workspace's writer lock (`foi.duckdb.writer`, an flock the
  kernel drops when the process dies). A second foitrack run waits for it, up to a bounded
  time, instead of failing: runs queue;
- when the writer closes, it publishes what it wrote for readers as one generation
  (warehouse.snapshots): `foi-read.duckdb`, a copy of the whole warehouse (tables and views),
  and `parquet/<view>.parquet` for every public view, for clients of any DuckDB version,
  pandas, R or Datawrapper, switched together;
- readers (`foi sql`, `foi status`, a notebook) open the snapshot, so they never stop a
  writer and a writer never stops them. A reader that finds the generation older than the
  warehouse (a run killed before it published) while no one writes publishes it first.

    with writing(db, wait_seconds=600) as con:      # queued behind any other foitrack run
        con.execute("INSERT ...")
    with reading(db) as con:                        # the snapshot: never blocks a writer
        con.execute("SELECT * FROM v_requests")
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.db import WarehouseError, connect
from warehouse.migrations import pending
from warehouse.snapshots import (
    has_leftovers,
    is_current,
    publish_generation,
    snapshot_path,
    tidy_generations,
)

log = logging.getLogger("foitrack.warehouse")

DEFAULT_WAIT_SECONDS = 900.0
_CONFLICT_PID = re.compile(r"\(PID (\d+)\)")


class WarehouseBusy(WarehouseError):
    """The warehouse stayed locked by someone else for longer than we may wait."""


def _lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.writer")


# Per thread: a nested writer in the same thread re-enters; another thread queues like
# another process (flock locks belong to the open file, not the process).
_local = threading.local()


def _held() -> dict[Path, int]:
    """This thread's writer locks: database -> how deeply it is held."""
    if not hasattr(_local, "held"):
        _local.held = {}
    return _local.held


def _describe_holder(lock: Path) -> str:
    """Who holds the writer lock, as its holder wrote it down."""
    try:
        info = json.loads(lock.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another foitrack run"
    return (f"another foitrack run (PID {info.get('pid', '?')}, `{info.get('command', '?')}`, "
            f"since {info.get('since', '?')})")


def _command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    words = b" ".join(raw.split(b"\0")).decode("utf-8", "replace").split()
    return " ".join(words)[:100]


@contextlib.contextmanager
def writer_lock(database: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS, *,
                reenter: bool = True) -> Iterator[None]:
    """Hold the workspace's writer lock, waiting (with backoff) up to `wait_seconds` for it.

    Re-entrant within a thread, so a step may call another that opens the warehouse."""
    key, held = database.resolve(), _held()
    if key in held and not reenter:
        raise WarehouseBusy(f"{database.name} is being written by this thread")
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    with _exclusive(_lock_path(database), wait_seconds):
        held[key] = 1
        try:
            yield
        finally:
            del held[key]


@contextlib.contextmanager
def extraction_lock(database: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS
                    ) -> Iterator[None]:
    """Hold the workspace's extraction lock: a second `foi extract` waits for the first
    instead of reading the same documents only to throw its readings away."""
    with _exclusive(database.with_name(f"{database.name}.extract"), wait_seconds,
                    doing="reading documents"):
        yield


@contextlib.contextmanager
def _exclusive(lock: Path, wait_seconds: float, doing: str = "writing") -> Iterator[None]:
    """An flock on `lock` (waited for), with who holds it written inside for the others."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, lock, wait_seconds, doing)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({
            "pid": os.getpid(), "command": _run_name(),
            "since": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        }).encode(), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _run_name() -> str:
    name = os.environ.get("FOI_RUN_NAME")  # set by the flows: "flow foitrack-publish (run x)"
    if name:
        return name
    argv = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else ["python"]
    return " ".join(argv)[:120]


def _acquire(fd: int, lock: Path, wait_seconds: float, doing: str) -> None:
    deadline = time.monotonic() + wait_seconds
    delay, announced = 0.05, False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        holder = _describe_holder(lock)
        if time.monotonic() >= deadline:
            raise WarehouseBusy(
                f"{lock.with_suffix('')} is busy {doing} for {holder}; waited "
                f"{wait_seconds:.0f} s. Let it finish and try again, or raise "
                "[warehouse] wait_seconds in foi.toml")
        if not announced:
            log.warning("waiting for %s to finish %s (up to %.0f s)", holder, doing, wait_seconds)
            announced = True
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 5.0)


def _connect_waiting(database: Path, *, read_only: bool, deadline: float,
                     waited_for: str) -> duckdb.DuckDBPyConnection:
    """Open the file, retrying with backoff while another process holds DuckDB's own lock."""
    delay, announced = 0.05, False
    while True:
        try:
            return connect(database, read_only=read_only)
        except WarehouseError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()):
                raise
            found = _CONFLICT_PID.search(str(cause))
            pid = int(found.group(1)) if found else None
            who = f"{waited_for} (PID {pid}: {_command_of(pid)})" if pid else waited_for
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"cannot open {database.name}: {who}. "
                                    f"{_advice(read_only)}") from cause
            if not announced:
                log.warning("waiting to open %s: %s", database.name, who)
                announced = True
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 5.0)


def _advice(read_only: bool) -> str:
    if read_only:
        return "Read the snapshot instead (foi sql without --live, or open foi-read.duckdb)."
    return ("Close that session: readers should open foi-read.duckdb, the snapshot that every "
            "run publishes, or the Parquet files in parquet/.")


@contextlib.contextmanager
def writing(database: Path, *, wait_seconds: float = DEFAULT_WAIT_SECONDS,
            publish: bool = True, parquet: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, queued behind other writers; the snapshot follows on close.

    `publish=False` is for a writer that only looks (what is left to do?): readers keep the
    snapshot they have, and refresh it themselves if a migration made it stale.
    `parquet=False` publishes the snapshot but leaves the Parquet views to a later writer (the
    review desk, a click at a time, publishes them once its clicks pause)."""
    database = Path(database)
    deadline = time.monotonic() + wait_seconds
    with writer_lock(database, wait_seconds):
        outermost = publish and _held()[database.resolve()] == 1
        con = _connect_waiting(database, read_only=False, deadline=deadline,
                               waited_for=f"a reader holding {database.name}")
        try:
            yield con
        except BaseException:
            con.close()
            if outermost:
                _publish_quietly(database)
            raise
        con.close()
        if outermost:
            publish_generation(database, parquet=parquet)


def _publish_quietly(database: Path) -> None:
    # What was committed before a failure is still worth showing readers, but a failed
    # publication must not hide the failure that got us here.
    try:
        publish_generation(database)
    except Exception as exc:
        log.warning("snapshot not published: %s", exc)


@contextlib.contextmanager
def reading(database: Path, *, live: bool = False, wait_seconds: float = 30.0
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection: on the snapshot, or on the warehouse itself when `live`."""
    database = Path(database)
    if not database.exists():
        raise WarehouseError(f"no warehouse at {database}: run `foi init` first")
    deadline = time.monotonic() + wait_seconds
    if live:
        source = database
        waited_for = "another foitrack run writing it"
    else:
        source = snapshot_path(database)
        waited_for = "another process"
        busy = _tidy_if_idle(database) if is_current(database) else _refresh_if_idle(database)
        if busy and source.exists():
            taken = datetime.fromtimestamp(source.stat().st_mtime).astimezone()
            log.warning("%s is being written by %s: reading the snapshot of %s", database.name,
                        busy, taken.strftime("%Y-%m-%d %H:%M:%S"))
        if not source.exists():
            raise WarehouseBusy(f"{database.name} is being written by "
                                f"{_describe_holder(_lock_path(database))} and has no "
                                f"snapshot yet: try again when it finishes")
    con = _connect_waiting(source, read_only=True, deadline=deadline, waited_for=waited_for)
    try:
        yield con
    finally:
        con.close()


def _tidy_if_idle(database: Path) -> None:
    """Remove generations a killed run left beside the current one, if no one is writing."""
    if not has_leftovers(database):
        return None
    try:
        with writer_lock(database, wait_seconds=0, reenter=False):
            tidy_generations(database)
    except WarehouseBusy:
        pass   # the writer's own publication tidies
    return None


def _refresh_if_idle(database: Path) -> str | None:
    """Publish the snapshot now if no one is writing; otherwise readers keep the last one,
    and this says who is writing. A warehouse left by an older foitrack is brought up to date
    first, so the first `foi sql` after an upgrade just works."""
    try:
        with writer_lock(database, wait_seconds=0, reenter=False):
            with duckdb.connect(str(database), read_only=True) as probe:
                stale = bool(pending(probe))
            if stale:
                connect(database).close()   # a writer's open migrates
            publish_generation(database)
    except WarehouseBusy:
        return _describe_holder(_lock_path(database))
    except WarehouseError as exc:   # e.g. a reader holds the live file: keep the last snapshot
        log.info("snapshot not refreshed: %s", exc)
    return None
