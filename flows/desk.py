"""`foi review CAMPAIGN --serve`: the review desk on a local port (the glue; the app is
reports.desk, which imports nothing of Prefect)."""

from __future__ import annotations

import atexit
import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from extract.reading.isolation import WarmWorkers, draw_page_isolated
from flows.steps.limits import reading_limits
from flows.steps.review import correct_answer
from flows.steps.session import workspace_db
from flows.steps.tables import map_table_label
from foi.workspace import open_workspace, resolve_home
from reports.desk import DeskConfig, create_app
from reports.desk.guard import check_token, desk_address, is_loopback
from reports.desk.queue import Order
from warehouse.campaigns import load_campaign

LOCAL = "127.0.0.1"
log = logging.getLogger(__name__)


class Publisher:
    """The desk's writes, one at a time: each publishes the readers' snapshot at once, and the
    Parquet views (a fifth of a second each time) follow once the clicks pause."""

    def __init__(self, home: Path | None, delay: float = 3.0) -> None:
        self.home, self.delay = home, delay
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        # a timer's publication must not be cut off inside DuckDB when the process ends
        atexit.register(self.flush)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to write with; the Parquet views are published a little later."""
        with self._lock:
            with workspace_db(self.home, parquet=False) as (_, con):
                yield con
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        """Publish the Parquet views now if a write is waiting for them."""
        with self._lock:
            if self._timer is None:
                return
            self._timer.cancel()
            self._timer = None
            try:
                with workspace_db(self.home):
                    pass   # a writer publishes everything when it closes
            except Exception as exc:   # the next writer publishes them anyway
                log.warning("the review desk could not publish the Parquet views: %s", exc)


def desk_config(campaign: str, home: Path | None, *, author: str = "",
                token: str | None = None, order: Order = "confidence",
                publisher: Publisher | None = None, host: str = LOCAL,
                port: int = 8765) -> DeskConfig:
    """The desk of one campaign of the workspace (the campaign must exist) on host:port; with
    no author, each browser is asked for a name. Its page images are drawn under the
    workspace's reading caps ([extract] in foi.toml)."""
    publisher = publisher or Publisher(home)
    workspace = open_workspace(resolve_home(home))
    limits = reading_limits(workspace)
    with workspace_db(home) as (_, con):   # a writer: it brings the schema up to date first
        questions = load_campaign(con, campaign).questions

    @contextmanager
    def open_db(read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if read_only:
            with workspace_db(home, read_only=True) as (_, con):
                yield con
        else:
            with publisher.writing() as con:
                yield con

    return DeskConfig(campaign=campaign, open_db=open_db, correct=correct_answer,
                      map_label=map_table_label,
                      store=workspace.store, author=author, token=token, order=order,
                      keywords={q.key: q.keywords for q in questions},
                      address=desk_address(host, port),
                      draw_page=functools.partial(draw_page_isolated, workers=WarmWorkers(
                          timeout_s=limits.timeout_s, memory_mb=limits.memory_mb)))


def desk_token(host: str) -> tuple[str | None, bool]:
    """The token a desk off loopback requires ($FOI_DESK_TOKEN, at least 32 characters, else
    a new one), and whether it was made here (so it must be printed once)."""
    if is_loopback(host):
        return None, False
    given = os.environ.get("FOI_DESK_TOKEN", "").strip()
    return (check_token(given), False) if given else (secrets.token_urlsafe(32), True)


def serve(campaign: str, home: Path | None, *, host: str, port: int, author: str,
          order: Order, say: Callable[[str], None]) -> None:
    """Run the desk until interrupted."""
    import uvicorn

    token, made = desk_token(host)
    publisher = Publisher(home)
    app = create_app(desk_config(campaign, home, author=author, token=token, order=order,
                                 publisher=publisher, host=host, port=port))
    address = f"http://{host}:{port}/"
    say(f"review desk for {campaign}: {address}" + (f"?token={token}" if made else ""))
    if token and not made:
        say("every request needs ?token=$FOI_DESK_TOKEN (or the X-Desk-Token header)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        publisher.flush()
