"""Publishing: the campaign's page, summary and data files, and its tables for other tools."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.base import CampaignArgument, HomeOption, console


def report(campaign: CampaignArgument,
           home: HomeOption = None) -> None:
    """Publish the campaign's page, summary and data files.

    site/<campaign>/index.html, summary.md and the data (answers, answers-long, status) as CSV
    and Parquet."""
    from flows.steps.report import publish_campaign
    from flows.steps.session import workspace_db
    from warehouse.campaigns import load_campaign

    with workspace_db(home) as (workspace, con):
        load_campaign(con, campaign)
        page = publish_campaign(con, workspace.site, campaign)
    console.print(f"published {page}")


def export(
    campaign: CampaignArgument,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet or json.")] = "csv",
    tables: Annotated[list[str] | None, typer.Option(
        "--table", help="answers (one row per authority asked), answers-long (one row per "
                        "answer, with where it was read), status, and for a campaign with "
                        "`table` questions table-answers (every figure of the data returns, "
                        "tidy, with its file, sheet and cell) and table-coverage (per "
                        "authority and question: periods, categories matched and unmatched, "
                        "suppressed cells, totals not adding up); repeat for several "
                        "(default: every table the campaign has).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory to write to.")] = Path("."),
    home: HomeOption = None,
) -> None:
    """Write the campaign's tables for other tools.

    To OUT/CAMPAIGN-TABLE.FORMAT, for Datawrapper, Flourish, a spreadsheet or a notebook; prints
    each path written."""
    from flows.steps.export import export_campaign
    from flows.steps.session import workspace_db

    with workspace_db(home, read_only=True) as (_, con):
        written = export_campaign(con, campaign, fmt, out, tuple(tables) if tables else None)
    for path in written:   # one per line, unwrapped, for scripts
        sys.stdout.write(f"{path}\n")


