"""Schema change: numbered SQL files applied in order, once each, on open."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """The migrations this version of foitrack ships, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions already applied to this database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not (exists and exists[0]):
        return set()
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def pending(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Migrations not yet applied."""
    done = applied(con)
    return [m for m in available() if m.version not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply every pending migration, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    todo = pending(con)
    for m in todo:
        con.execute("BEGIN")
        try:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [m.version, m.name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return todo
