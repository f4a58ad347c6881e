"""The `foi` command line: thin commands over flows/steps, listed in the order a campaign goes.

Each module holds one group of commands and imports what a command runs only when it runs,
so `foi --help` imports neither Prefect nor the reader nor matplotlib.
"""

import logging
import sys
from collections.abc import Callable

import typer

from flows.cli import (
    authorities,
    campaign,
    mail,
    publishing,
    reading,
    review,
    running,
    sending,
    workspace,
)
from flows.cli.base import PANELS, Commands

app = typer.Typer(cls=Commands, help="foitrack: Freedom of Information round-robins, from "
                  "letters to published findings.", no_args_is_help=True, add_completion=True)

# The table of contents of `foi --help`: each panel's commands and command groups, in order.
CONTENTS: tuple[tuple[str, tuple[Callable[..., None] | tuple[str, typer.Typer], ...]], ...] = (
    ("Workspace", (workspace.init, workspace.sql, workspace.problems,
                   ("holidays", workspace.holidays_app))),
    ("Registry", (("authorities", authorities.authorities_app),
                  ("campaign", campaign.campaign_app), ("requests", campaign.requests_app))),
    ("Sending and the clock", (sending.send, workspace.status, sending.chase, sending.event,
                               workspace.deadline)),
    ("Mail", (mail.ingest, mail.attach, mail.held, mail.assign, mail.messages, mail.classify)),
    ("Reading", (reading.extract, ("tables", reading.tables_app))),
    ("Review", (review.review, review.override)),
    ("Publishing", (publishing.report, publishing.export)),
    ("Running", (running.demo, running.notify_on_failure)),
)
assert tuple(panel for panel, _ in CONTENTS) == PANELS

for panel, entries in CONTENTS:
    for entry in entries:
        if isinstance(entry, tuple):
            app.add_typer(entry[1], name=entry[0], rich_help_panel=panel)
        else:
            app.command(rich_help_panel=panel)(entry)


def main() -> None:
    """Entry point of the `foi` script."""
    # Waiting behind another run is worth a line on stderr; nothing else is logged here.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    app()
