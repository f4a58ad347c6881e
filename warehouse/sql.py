"""The few SQL helpers every writer shares: one short transaction, bulk upsert and insert,
rows as dicts. Below every other warehouse module."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

# Connections inside a transaction() block. DuckDB has no nested transactions, and a second
# BEGIN aborts the first, so an inner block joins the outer one instead.
_in_transaction: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block as one short write transaction; inside another, as part of that one."""
    if con in _in_transaction:
        yield con
        return
    con.execute("BEGIN")
    _in_transaction.add(con)
    try:
        yield con
    except BaseException:
        _in_transaction.discard(con)
        con.execute("ROLLBACK")
        raise
    _in_transaction.discard(con)
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
