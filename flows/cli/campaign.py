"""`foi campaign …` and `foi requests import`: a round-robin's letter and questions, and
requests sent outside foitrack."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.base import (
    CampaignArgument,
    Failure,
    Format,
    HomeOption,
    console,
    group,
    progress_bar,
    warn,
)
from flows.cli.output import print_rows

campaign_app = group("Campaigns: a letter, its questions and its recipients.")
requests_app = group("Requests sent outside foitrack.")


@campaign_app.command("add")
def campaign_add(file: Annotated[Path, typer.Argument(help="Campaign TOML file.")],
                 home: HomeOption = None) -> None:
    """Add or update a campaign from its TOML file.

    Every letter is rendered first, and every problem reported at once; nothing is added until
    there are none."""
    from extract.tables.codes import CodeListError
    from flows.steps.session import workspace_db
    from flows.steps.tables import save_code_lists
    from foi.campaigns import CampaignFileError, read_campaign, select_recipients
    from foi.mail.outgoing import letter_problems
    from warehouse.authorities import load_authorities
    from warehouse.campaigns import save_campaign
    from warehouse.db import WarehouseError
    from warehouse.problems import record_problem

    with workspace_db(home) as (_, con):
        try:
            campaign = read_campaign(file)
            problems = letter_problems(campaign, select_recipients(
                campaign, load_authorities(con)), date.today())
            if problems:  # every letter rendered now, rather than failing at `foi send`
                raise CampaignFileError(str(file), problems)
            new = save_campaign(con, campaign, file.read_text(encoding="utf-8"))
            save_code_lists(con, campaign, file)
        except (CampaignFileError, CodeListError, WarehouseError) as exc:
            record_problem(con, "import", str(file), str(exc))  # kept with its reason
            raise
    console.print(f"campaign {campaign.id} {'added' if new else 'updated'}: "
                  f"{len(campaign.questions)} questions, references {campaign.reference_prefix}-…")


@campaign_app.command("list")
def campaign_list(home: HomeOption = None, fmt: Format = "table") -> None:
    """List campaigns with their request counts."""
    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT c.id, c.title, c.reference_prefix, count(r.reference) AS requests"
                         " FROM campaigns c LEFT JOIN requests r ON r.campaign_id = c.id"
                         " GROUP BY ALL ORDER BY c.id")
    print_rows(data, fmt)


@campaign_app.command("show")
def campaign_show(campaign: CampaignArgument,
                  home: HomeOption = None) -> None:
    """Show a campaign: recipients and numbered questions."""
    from flows.steps.session import workspace_db
    from foi.campaigns import select_recipients
    from warehouse.authorities import load_authorities
    from warehouse.campaigns import load_campaign

    with workspace_db(home, read_only=True) as (_, con):
        info = load_campaign(con, campaign)
        recipients = len(select_recipients(info, load_authorities(con)))
    sel = info.recipients
    selector = "; ".join(f"{name}: {', '.join(v) if isinstance(v, tuple) else v}"
                         for name, v in (("kind", sel.kind), ("nations", sel.nations),
                                         ("tags", sel.tags), ("ids", sel.ids),
                                         ("exclude", sel.exclude)) if v) or "every authority"
    for label, value in (("campaign", info.id), ("title", info.title),
                         ("regime", info.regime.upper()),
                         ("references", f"{info.reference_prefix}-…"),
                         ("recipients", f"{recipients} {info.authority_noun_plural} "
                                        f"({selector})")):
        console.print(Text(f"{label:<11} {value}"))
    table = Table(title="questions")
    for header in ("#", "key", "type", "only_if", "question"):
        table.add_column(header)
    for number, q in info.numbered():
        table.add_row(*(Text(v) for v in (str(number), q.key, q.type, q.only_if or "", q.text)))
    console.print(table)


@requests_app.command("import")
def requests_import(
    campaign: CampaignArgument,
    file: Annotated[Path | None, typer.Argument(
        help="CSV: authority_id,sent_on[,reference,channel,url]")] = None,
    wdtk_urls: Annotated[list[str] | None, typer.Option(
        "--wdtk", help="A WhatDoTheyKnow request's URL: the request is tracked and each "
                       "response stored with its attachments as a reply (repeatable).")] = None,
    wdtk_file: Annotated[Path | None, typer.Option(
        help="A file of WhatDoTheyKnow request URLs, one a line (# starts a comment).")]
    = None,
    per_second: Annotated[float | None, typer.Option(
        help="WhatDoTheyKnow requests a second at most (default 1; foi.toml's registries "
             "table: wdtk_per_second).")] = None,
    home: HomeOption = None,
) -> None:
    """Track requests sent outside foitrack.

    From a spreadsheet, or WhatDoTheyKnow: with --wdtk, their responses and attachments are
    fetched so `foi extract` reads them."""
    urls = list(wdtk_urls or [])
    if wdtk_file is not None:
        urls += [line.split("#", 1)[0].strip()
                 for line in wdtk_file.read_text(encoding="utf-8-sig").splitlines()
                 if line.split("#", 1)[0].strip()]
    if file is None and not urls:
        raise Failure("give a CSV file of requests, or --wdtk URL / --wdtk-file FILE")
    if file is not None:
        _import_requests_csv(campaign, file, home, exit_on_problems=not urls)
    if urls:
        from flows.steps.registries import import_wdtk_requests

        with progress_bar("WhatDoTheyKnow") as update:
            report = import_wdtk_requests(home, campaign, urls, per_second=per_second,
                                          progress=update)
        for url, reason in report.rejected:
            warn(f"{url}: {reason}")
        st = report.stats
        console.print(f"{len(report.requests_added)} requests added, "
                      f"{len(set(report.requests_known))} already tracked; "
                      f"{report.responses_stored} responses stored with {report.documents} "
                      f"attachments, {report.responses_already} already stored; "
                      f"{len(report.rejected)} problems; {st.requests} requests to the site, "
                      f"{st.retries} retried")
        if report.rejected:
            raise typer.Exit(2)


def _import_requests_csv(campaign: str, file: Path, home: Path | None, *,
                         exit_on_problems: bool) -> None:
    from flows.steps.session import workspace_db
    from foi.imported_requests import parse_requests_csv
    from warehouse.campaigns import load_campaign
    from warehouse.clock import refresh_deadlines
    from warehouse.problems import record_problem
    from warehouse.requests import import_requests
    from warehouse.sql import transaction

    parsed, errors = parse_requests_csv(file.read_text(encoding="utf-8-sig"))
    with workspace_db(home) as (_, con):
        info = load_campaign(con, campaign)
        with transaction(con):
            added, rejected = import_requests(con, campaign, info.regime, info.reference_prefix,
                                              parsed)
            refresh_deadlines(con, added)
            problems = [(e.line, e.reason) for e in errors] + rejected
            for line, reason in problems:
                record_problem(con, "import", f"{file}:{line}", reason)
    for line, reason in sorted(problems):
        warn(f"{file}: line {line}: {reason}")
    console.print(f"{len(added)} requests imported, {len(problems)} rejected")
    if problems and exit_on_problems:
        raise typer.Exit(2)


