"""Opening the warehouse and the few helpers every writer shares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from warehouse.migrations import migrate, pending


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used as asked."""


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; a writer applies pending migrations first."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `foi init` first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            # warehouse.access waits on this and names who holds the file.
            raise WarehouseError(f"{path} is held open by another process: {exc}") from exc
        raise WarehouseError(f"cannot open {path}: {exc}") from exc
    # FOI days are UK days: dates cast from timestamps, and current_date, are London's.
    con.execute("SET TimeZone = 'Europe/London'")
    if read_only:
        if pending(con):
            con.close()
            raise WarehouseError(f"{path} needs migrating: run any writing foi command first")
    else:
        migrate(con)
        from warehouse.clock import ensure_holidays  # clock builds on this module

        ensure_holidays(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block as one short write transaction."""
    con.execute("BEGIN")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def upsert(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]
) -> int:
    """Insert or replace rows by primary key in one bulk statement."""
    if not rows:
        return 0
    # unnest of a list-of-structs parameter loads in one statement (~40k rows/s here),
    # unlike binding parameters row by row (~1-2k rows/s).
    con.execute(
        f"INSERT OR REPLACE INTO {table} BY NAME SELECT unnest(r) FROM (SELECT unnest($rows) AS r)",
        {"rows": [dict(r) for r in rows]},
    )
    return len(rows)


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Append rows in one bulk statement."""
    if not rows:
        return 0
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT unnest(r) FROM (SELECT unnest($rows) AS r)",
        {"rows": [dict(r) for r in rows]},
    )
    return len(rows)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
