"""The `foi` command line: thin commands over flows/steps, listed in the order a campaign goes.

Each module holds one group of commands and imports what a command runs only when it runs,
so `foi --help` imports neither Prefect nor the reader nor matplotlib.
"""

import logging
import sys

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

WORKSPACE, REGISTRY, SENDING, MAIL, READING, REVIEW, PUBLISHING, RUNNING = PANELS

app.command(rich_help_panel=WORKSPACE)(workspace.init)
app.command(rich_help_panel=WORKSPACE)(workspace.sql)
app.command(rich_help_panel=WORKSPACE)(workspace.problems)
app.add_typer(workspace.holidays_app, name="holidays", rich_help_panel=WORKSPACE)

app.add_typer(authorities.authorities_app, name="authorities", rich_help_panel=REGISTRY)
app.add_typer(campaign.campaign_app, name="campaign", rich_help_panel=REGISTRY)
app.add_typer(campaign.requests_app, name="requests", rich_help_panel=REGISTRY)

app.command(rich_help_panel=SENDING)(sending.send)
app.command(rich_help_panel=SENDING)(workspace.status)
app.command(rich_help_panel=SENDING)(sending.chase)
app.command(rich_help_panel=SENDING)(sending.event)
app.command(rich_help_panel=SENDING)(workspace.deadline)

app.command(rich_help_panel=MAIL)(mail.ingest)
app.command(rich_help_panel=MAIL)(mail.attach)
app.command(rich_help_panel=MAIL)(mail.held)
app.command(rich_help_panel=MAIL)(mail.assign)
app.command(rich_help_panel=MAIL)(mail.messages)
app.command(rich_help_panel=MAIL)(mail.classify)

app.command(rich_help_panel=READING)(reading.extract)
app.add_typer(reading.tables_app, name="tables", rich_help_panel=READING)

app.command(rich_help_panel=REVIEW)(review.review)
app.command(rich_help_panel=REVIEW)(review.override)

app.command(rich_help_panel=PUBLISHING)(publishing.report)
app.command(rich_help_panel=PUBLISHING)(publishing.export)

app.command(rich_help_panel=RUNNING)(running.demo)
app.command("notify-on-failure", rich_help_panel=RUNNING)(running.notify_on_failure)


def main() -> None:
    """Entry point of the `foi` script."""
    # Waiting behind another run is worth a line on stderr; nothing else is logged here.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    app()
