"""Opening a workspace and its warehouse for one command or one task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from foi.workspace import Workspace, open_workspace, resolve_home
from warehouse.access import DEFAULT_WAIT_SECONDS, reading, writing


@contextmanager
def workspace_db(home: Path | str | None, *, read_only: bool = False, live: bool = False,
                 publish: bool = True, parquet: bool = True
                 ) -> Iterator[tuple[Workspace, duckdb.DuckDBPyConnection]]:
    """The workspace (argument, else $FOI_HOME, else ./foi-data) and a connection, closed after.

    A writer waits its turn behind other foitrack runs and publishes the readers' snapshot
    when it closes (unless `publish` is False: it only looked); a reader opens that snapshot
    (or the warehouse itself when `live`); `parquet=False` leaves the Parquet views to a later
    writer."""
    workspace = open_workspace(resolve_home(home))
    if read_only:
        with reading(workspace.database, live=live) as con:
            yield workspace, con
        return
    wait = float(workspace.setting("warehouse", "wait_seconds", DEFAULT_WAIT_SECONDS))
    with writing(workspace.database, wait_seconds=wait, publish=publish,
                 parquet=parquet) as con:
        yield workspace, con
