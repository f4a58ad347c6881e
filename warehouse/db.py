"""Opening the warehouse: migrations and views first, then the clock's holidays, for a writer."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.clock import ensure_holidays
from warehouse.migrations import migrate, pending
from warehouse.sql import insert, rows, transaction, upsert

__all__ = ["WarehouseError", "connect", "insert", "rows", "transaction", "upsert"]


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used as asked."""


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; a writer migrates it first, a reader refuses one not migrated."""
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
        todo = pending(con)
        if todo:
            con.close()
            raise WarehouseError(f"{path} needs migrating ({', '.join(todo)}): run any writing "
                                 "foi command first")
    else:
        migrate(con)
        ensure_holidays(con)
    return con
