"""Workspace commands: create one, ask it anything in SQL, list its requests and problems,
and the statutory clock's days."""

from datetime import date
from typing import Annotated

import typer

from flows.cli.base import CampaignArgument, Failure, Format, HomeOption, console, group
from flows.cli.output import print_rows, print_status_table

holidays_app = group("The bank holidays behind the statutory clock.")


def init(home: HomeOption = None) -> None:
    """Create a workspace.

    foi.toml, foi.duckdb (migrated) and its readers' snapshot, store/, outbox/, inbox/ and
    site/."""
    from flows.steps.session import workspace_db
    from foi.workspace import init_workspace, resolve_home

    path = resolve_home(home)
    init_workspace(path)
    with workspace_db(path):
        pass  # migrates, and publishes the readers' snapshot and Parquet files
    console.print(f"workspace ready at {path}")


def status(
    campaign: CampaignArgument,
    home: HomeOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    fmt: Format = "table",
) -> None:
    """List a campaign's requests and who is late.

    Status, due date, working days late and next action."""
    from flows.steps.session import workspace_db
    from warehouse.campaigns import require_campaign
    from warehouse.queries import STATUS_COLUMNS, request_rows

    with workspace_db(home, read_only=True) as (_, con):
        require_campaign(con, campaign)
        data = request_rows(con, campaign, overdue_only=overdue, columns=STATUS_COLUMNS)
    if fmt == "table":
        print_status_table(data, f"{campaign}: {len(data)} requests"
                                 + (" overdue" if overdue else ""))
    else:
        print_rows(data, fmt)


def sql(query: Annotated[str, typer.Argument(help="SQL to run on the workspace, read-only.")],
        home: HomeOption = None, fmt: Format = "table",
        live: Annotated[bool, typer.Option(
            "--live", help="Read foi.duckdb itself, not the snapshot (waits for a writing run "
                           "to finish, and holds up the next one while it reads).")] = False,
        ) -> None:
    """Run read-only SQL on the workspace.

    On the readers' snapshot foi-read.duckdb, as of the last writing run (refreshed first when
    no run is writing)."""
    import duckdb

    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    with workspace_db(home, read_only=True, live=live) as (_, con):
        try:
            data = rows(con, query)
        except duckdb.Error as exc:
            raise Failure(str(exc).splitlines()[0]) from exc
    print_rows(data, fmt)


def problems(home: HomeOption = None, fmt: Format = "table") -> None:
    """List rejected input with the reason.

    Bad rows, unreadable mail and documents."""
    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT id, noted_at, stage, item, reason FROM problems ORDER BY id")
    print_rows(data, fmt)


def deadline(
    sent_date: Annotated[str, typer.Argument(help="Day the request was received (day 0), "
                                                  "YYYY-MM-DD.")],
    regime: Annotated[str, typer.Option(help="foia, eir or foisa.")] = "foia",
    school: Annotated[bool, typer.Option("--school", help="Very overdue at 60 working days.")]
    = False,
    explain_days: Annotated[bool, typer.Option("--explain", help="List the skipped days.")]
    = False,
    home: HomeOption = None,
) -> None:
    """Print the due dates of a request received on a day.

    The due date and the very-overdue date; --explain lists the skipped days."""
    try:
        received = date.fromisoformat(sent_date)
    except ValueError as exc:
        raise Failure(f"{sent_date!r} is not a date: use YYYY-MM-DD") from exc
    if regime not in ("foia", "eir", "foisa"):
        raise Failure(f"--regime {regime!r}: use foia, eir or foisa")
    from flows.steps.session import workspace_db
    from foi.bank_holidays import default_calendar
    from foi.clock import deadline as clock_deadline
    from foi.clock import explain
    from foi.workspace import resolve_home
    from warehouse.clock import load_calendar

    calendar, source = default_calendar(), "the holidays package"
    path = resolve_home(home)
    if (path / "foi.duckdb").exists():
        with workspace_db(home, read_only=True) as (_, con):
            calendar, source = load_calendar(con), f"the workspace {path}"
    result = clock_deadline(received, regime, school=school, calendar=calendar)  # type: ignore[arg-type]
    console.print(f"due                 {result.due}\nvery_overdue_after  "
                  f"{result.very_overdue_after}", highlight=False)
    if explain_days:
        console.print(f"received {received} (day 0); {regime.upper()} working days skip "
                      f"weekends and bank holidays ({source}):", highlight=False)
        for line in explain(result):
            console.print(f"  {line}", highlight=False)


@holidays_app.command("update")
def holidays_update(
    url: Annotated[str | None, typer.Option(
        help="GOV.UK's bank-holidays JSON, or a mirror [default: "
             "https://www.gov.uk/bank-holidays.json].")] = None,
    home: HomeOption = None,
) -> None:
    """Fetch GOV.UK's bank holidays into the workspace.

    They win for the years they cover, and every due date is recomputed."""
    from flows.steps.session import workspace_db
    from foi.bank_holidays import GOVUK_URL, fetch_govuk
    from warehouse.clock import replace_holidays

    url = url or GOVUK_URL
    calendar = fetch_govuk(url)
    with workspace_db(home) as (_, con):
        added = replace_holidays(con, calendar, "gov.uk")
    years = sorted({d.year for d in calendar.days})
    console.print(f"{added} bank holidays for {years[0]}-{years[-1]} from {url}; due dates "
                  "recomputed")


@holidays_app.command("list")
def holidays_list(
    year: Annotated[int, typer.Option(help="Year to list.")] = date.today().year,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """List the bank holidays the clock uses in a year."""
    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT day, nation, name, source FROM bank_holidays"
                         " WHERE year(day) = ? ORDER BY day, nation", [year])
    print_rows(data, fmt)
