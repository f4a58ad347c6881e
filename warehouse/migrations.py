"""Schema change, on open: numbered SQL files change the tables, applied in order, once each;
then the views, each defined once in warehouse/views/, are created again when they changed.

A view file holds the current definition of its views, never a history: change it in place.
The views are dropped and created again, all in one transaction, when their definitions differ
from the ones last created (the checksum in `schema_views`) or after a numbered migration."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import duckdb

from warehouse.sql import transaction

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_VIEW = re.compile(r"CREATE\s+VIEW\s+(\w+)\s+AS\b", re.IGNORECASE)
# The view files, in the order they are created: a view may use the views of the files before
# its own, and those above it in its own file.
VIEW_FAMILIES = ("authorities", "requests", "answers", "data_returns")


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        """As its file is named, without .sql: 013_table_corrections_fingerprint."""
        return f"{self.version:03d}_{self.name}"


@dataclass(frozen=True)
class ViewFile:
    """One family of views as defined today: the text of warehouse/views/<family>.sql."""

    family: str
    sql: str


def available() -> list[Migration]:
    """The migrations this version of foitrack ships, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def view_files() -> list[ViewFile]:
    """The view files this version of foitrack ships, in the order their views are created."""
    folder = resources.files("warehouse").joinpath("views")
    unlisted = sorted({e.name for e in folder.iterdir() if e.name.endswith(".sql")}
                      - {f"{family}.sql" for family in VIEW_FAMILIES})
    if unlisted:
        raise ValueError(f"warehouse/views/{unlisted[0]} is not in VIEW_FAMILIES: add it after "
                         "the files whose views it uses")
    return [ViewFile(family, folder.joinpath(f"{family}.sql").read_text(encoding="utf-8"))
            for family in VIEW_FAMILIES]


def checksum(files: Sequence[ViewFile]) -> str:
    """What identifies the view definitions: changing any file changes it."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.family}\0{f.sql}\0".encode())
    return digest.hexdigest()


def views(files: Sequence[ViewFile]) -> list[tuple[str, str]]:
    """Each view's name and CREATE VIEW statement, in the order they are created."""
    defined = []
    for f in files:
        # DuckDB's own parser splits the statements: slow enough to keep off ordinary opens
        for statement in duckdb.extract_statements(f.sql):
            m = _VIEW.match(statement.query)
            if m is None:
                raise ValueError(f"warehouse/views/{f.family}.sql: {statement.query[:40]!r} is not "
                                 "CREATE VIEW name AS ...: table changes are numbered migrations")
            defined.append((m.group(1), statement.query))
    return defined


def applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions already applied to this database."""
    try:
        found = con.execute("SELECT version FROM schema_migrations").fetchall()
    except duckdb.CatalogException:   # never migrated; asking the catalog first costs more
        return set()
    return {row[0] for row in found}


def views_applied(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str]] | None:
    """The checksum and names of the views last created here; None before the first time."""
    try:
        found = con.execute("SELECT checksum, views FROM schema_views").fetchone()
    except duckdb.CatalogException:
        return None
    return (found[0], list(found[1])) if found else None


def _unapplied(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    done = applied(con)
    return [m for m in available() if m.version not in done]


def pending(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What a writer's open would do: migrations not applied (by file name), "views" if stale."""
    todo = [m.label for m in _unapplied(con)]
    last = views_applied(con)
    if last is None or last[0] != checksum(view_files()):
        todo.append("views")
    return todo


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, each in a transaction, then create the views again if stale."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_views ("
        " checksum VARCHAR NOT NULL, views VARCHAR[] NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    done = []
    for m in _unapplied(con):
        with transaction(con):
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [m.version, m.name])
        done.append(m.label)
    files = view_files()
    last = views_applied(con)
    # After a table change too, so that one breaking a view fails here, not in a reader's query.
    if done or last is None or last[0] != checksum(files):
        create_views(con, files, previous=last[1] if last else [])
        done.append("views")
    return done


def create_views(con: duckdb.DuckDBPyConnection, files: Sequence[ViewFile], *,
                 previous: Sequence[str] = ()) -> None:
    """In one transaction: drop the views created before and these, last first; create these."""
    defined = views(files)
    names = [*previous, *(name for name, _ in defined if name not in previous)]
    with transaction(con):
        for name in reversed(names):
            con.execute(f'DROP VIEW IF EXISTS "{name}"')
        for _, sql in defined:
            con.execute(sql)
        con.execute("DELETE FROM schema_views")
        con.execute("INSERT INTO schema_views (checksum, views) VALUES (?, ?)",
                    [checksum(files), [name for name, _ in defined]])
