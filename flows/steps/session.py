"""Opening a workspace and its warehouse for one command or one task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from foi.workspace import Workspace, open_workspace, resolve_home
from warehouse.db import connect


@contextmanager
def workspace_db(home: Path | str | None, *, read_only: bool = False
                 ) -> Iterator[tuple[Workspace, duckdb.DuckDBPyConnection]]:
    """The workspace (argument, else $FOI_HOME, else ./foi-data) and a connection, closed after."""
    workspace = open_workspace(resolve_home(home))
    con = connect(workspace.database, read_only=read_only)
    try:
        yield workspace, con
    finally:
        con.close()
