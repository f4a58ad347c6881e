"""`foi review CAMPAIGN --serve`: the review desk on a local port (the glue; the app is
reports.desk, which imports nothing of Prefect)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.steps.review import correct_answer
from flows.steps.session import workspace_db
from foi.workspace import open_workspace, resolve_home
from reports.desk import DeskConfig, create_app
from reports.desk.queue import Order
from warehouse.registry import load_campaign

LOCAL = "127.0.0.1"


def desk_config(campaign: str, home: Path | None, *, author: str = "",
                token: str | None = None, order: Order = "confidence") -> DeskConfig:
    """The desk of one campaign of the workspace (the campaign must exist); with no author,
    each browser is asked for a name."""
    workspace = open_workspace(resolve_home(home))
    with workspace_db(home, read_only=True) as (_, con):
        questions = load_campaign(con, campaign).questions

    @contextmanager
    def open_db(read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        with workspace_db(home, read_only=read_only) as (_, con):
            yield con

    return DeskConfig(campaign=campaign, open_db=open_db, correct=correct_answer,
                      store=workspace.store, author=author, token=token, order=order,
                      keywords={q.key: q.keywords for q in questions})


def desk_token(host: str) -> tuple[str | None, bool]:
    """The token a desk off 127.0.0.1 requires ($FOI_DESK_TOKEN, else a new one), and whether
    it was made here (so it must be printed once)."""
    if host == LOCAL:
        return None, False
    given = os.environ.get("FOI_DESK_TOKEN", "").strip()
    return (given, False) if given else (secrets.token_urlsafe(24), True)


def serve(campaign: str, home: Path | None, *, host: str, port: int, author: str,
          order: Order, say: Callable[[str], None]) -> None:
    """Run the desk until interrupted."""
    import uvicorn

    token, made = desk_token(host)
    app = create_app(desk_config(campaign, home, author=author, token=token, order=order))
    address = f"http://{host}:{port}/"
    say(f"review desk for {campaign}: {address}" + (f"?token={token}" if made else ""))
    if token and not made:
        say("every request needs ?token=$FOI_DESK_TOKEN (or the X-Desk-Token header)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
