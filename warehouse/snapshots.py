"""What readers see: generations of the snapshot and the Parquet views, switched atomically.

A writer publishes, when it closes, a *generation*: a copy of the warehouse for readers
(`foi-read.duckdb`) and every public view as Parquet, both read from that copy, with a
manifest saying which state of the warehouse they hold. It is made aside, under
`.readers/`, and put in place by replacing one symbolic link, so a reader finds either the
old generation or the new one, never half of each:

    foi-read.duckdb -> .readers/current/foi-read.duckdb
    parquet         -> .readers/current/parquet
    .readers/current -> g-1765100000000000000-4242     (replaced in one rename)
    .readers/g-…/manifest.json                          {"warehouse": {"mtime_ns", "size"}, …}

A run killed while it publishes leaves a `.tmp` folder that the next publication removes;
the generation before it stays in place, and a reader who finds it older than the warehouse
publishes a new one when no run is writing. Killed after the switch and before tidying, it
leaves old generations that the next reader removes, again when no run is writing.
Publication happens only under the writer lock (warehouse.access), so no two publish at once.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import connect

READERS = ".readers"
CURRENT = "current"
MANIFEST = "manifest.json"


def snapshot_path(database: Path) -> Path:
    """The readers' copy beside the warehouse: foi.duckdb -> foi-read.duckdb."""
    return database.with_name(f"{database.stem}-read{database.suffix}")


def parquet_dir(database: Path) -> Path:
    """Where the public views are published as Parquet."""
    return database.parent / "parquet"


def _wal_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.wal")


@dataclass(frozen=True)
class Generation:
    """One published generation, as its manifest describes it."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def parquet_lags(self) -> bool:
        """True when its Parquet views are an earlier generation's (the desk's quick writes)."""
        return self.manifest.get("parquet_of") != self.manifest.get("generation")


def current_generation(database: Path) -> Generation | None:
    """The generation readers see now, or None (none yet, or one published before them)."""
    folder = database.parent / READERS / CURRENT
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Generation(folder.resolve(), manifest)


def _source(database: Path) -> dict[str, int]:
    stat = database.stat()
    return {"mtime_ns": stat.st_mtime_ns, "size": stat.st_size}


def is_current(database: Path) -> bool:
    """Whether readers' generation holds the warehouse as it is now, Parquet views included."""
    found = current_generation(database)
    return (found is not None and not found.parquet_lags and not _wal_path(database).exists()
            and found.manifest.get("warehouse") == _source(database)
            and snapshot_path(database).resolve() == found.folder / snapshot_path(database).name)


def publish_generation(database: Path, *, parquet: bool = True) -> Generation:
    """Copy the closed warehouse and its public views aside, then switch readers to them.

    With `parquet=False` the Parquet views are the previous generation's, linked, and the
    manifest says so (`parquet_of`); the next full publication brings them level."""
    if _wal_path(database).exists():
        # Another connection in this process still has uncheckpointed work: fold it in.
        con = connect(database)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    readers = database.parent / READERS
    readers.mkdir(exist_ok=True)
    name = f"g-{time.time_ns()}-{os.getpid()}"
    building = readers / f"{name}.tmp"
    building.mkdir()
    source = _source(database)
    snapshot = building / snapshot_path(database).name
    shutil.copyfile(database, snapshot)
    previous = current_generation(database)
    views: list[str] = []
    if parquet or previous is None:
        views = export_public_views(snapshot, building / "parquet")
        parquet_of = name
    else:
        (building / "parquet").mkdir()
        for old in (previous.folder / "parquet").glob("*.parquet"):
            os.link(old, building / "parquet" / old.name)
        views = list(previous.manifest.get("views", []))
        parquet_of = previous.manifest.get("parquet_of", previous.manifest.get("generation"))
    manifest = {"generation": name, "parquet_of": parquet_of, "warehouse": source,
                "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "views": views}
    (building / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    folder = readers / name
    os.rename(building, folder)
    _point(readers / CURRENT, name)                       # the one switch readers see
    _point(snapshot_path(database), f"{READERS}/{CURRENT}/{snapshot.name}")
    _point(parquet_dir(database), f"{READERS}/{CURRENT}/parquet")
    _tidy(readers, keep={name, previous.folder.name if previous else name})
    return Generation(folder, manifest)


def _point(link: Path, target: str) -> None:
    """Make `link` a symbolic link to `target`, replacing whatever is there in one rename."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    aside = None
    if link.is_dir() and not link.is_symlink():
        # Published by an older foitrack, or a workspace copied without its links: the real
        # folder is put aside, and removed once the link stands in its place.
        aside = link.with_name(f".{link.name}.old-{time.time_ns()}")
        os.rename(link, aside)
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def has_leftovers(database: Path) -> bool:
    """Whether generations are left beside the current one and the one before it: a run killed
    after switching readers and before tidying, with no publication since."""
    readers = database.parent / READERS
    if not readers.is_dir():
        return False
    return sum(1 for entry in readers.iterdir() if entry.name != CURRENT) > 2


def tidy_generations(database: Path) -> None:
    """Keep the current generation and the one published before it; remove the rest (under
    the writer lock, so no publication is half-made)."""
    current = current_generation(database)
    if current is None:
        return
    readers = database.parent / READERS
    now = _published_ns(current.folder.name)
    older = sorted((e.name for e in readers.iterdir() if e.name.startswith("g-")
                    and not e.name.endswith(".tmp") and _published_ns(e.name) < now),
                   key=_published_ns)
    _tidy(readers, keep={current.folder.name, *older[-1:]})


def _published_ns(name: str) -> int:
    return int(name.split("-")[1])


def _tidy(readers: Path, keep: set[str]) -> None:
    """Remove every generation but the current and the one before, and half-made ones.

    A reader that opened an older file keeps reading it: the kernel frees it when it closes."""
    for entry in readers.iterdir():
        if entry.name == CURRENT or entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def public_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The documented views readers query: every view named v_*."""
    return [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name LIKE 'v\\_%'"
        " ESCAPE '\\' ORDER BY view_name").fetchall()]


def export_public_views(database: Path, directory: Path) -> list[str]:
    """Write each public view of a (closed) DuckDB file to <directory>/<view>.parquet."""
    directory.mkdir(parents=True, exist_ok=True)
    con = connect(database, read_only=True)
    try:
        views = public_views(con)
        for view in views:
            target = str(directory / f"{view}.parquet").replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {view}) TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
    return views
