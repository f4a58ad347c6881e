"""The `foi` command line: a thin layer over the pipeline steps and the warehouse."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import click
import duckdb
import jinja2
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from extract.tables.codes import CodeListError
from flows.steps.chase import chase_campaign, chase_throttle
from flows.steps.export import export_campaign
from flows.steps.extract import extract_replies
from flows.steps.ingest import eml_files, ingest_files, rematch
from flows.steps.mailbox import attach_reply, ingest_mailbox
from flows.steps.registries import import_ods, import_wdtk_authorities, import_wdtk_requests
from flows.steps.report import publish_campaign
from flows.steps.review import ReviewSheetRejected, correct_answer, export_review, import_review
from flows.steps.send import plan_letters, send_campaign
from flows.steps.session import workspace_db
from flows.steps.tables import save_code_lists
from foi.authorities import RegistryFileError, demo_ccgs, is_email, read_registry
from foi.bank_holidays import GOVUK_URL, default_calendar, fetch_govuk
from foi.campaigns import CampaignFileError, read_campaign, select_recipients
from foi.clock import deadline as clock_deadline
from foi.clock import explain
from foi.corrections import ANSWER_STATUSES
from foi.imported_requests import parse_requests_csv
from foi.letters import LetterError
from foi.mail.imap import ImapError, ImapMailbox, imap_settings
from foi.mail.maildir import MaildirMailbox
from foi.mail.outgoing import letter_problems
from foi.mail.throttle import throttle_from_settings
from foi.mail.transports import TransportError, configured_transport
from foi.registries import ods, wdtk
from foi.registries.http import RegistryError
from foi.workspace import WorkspaceError, init_workspace, resolve_home
from warehouse.arrivals import reclassify
from warehouse.authorities import import_authorities, load_authorities
from warehouse.authority_records import address_problems, set_address
from warehouse.campaigns import load_campaign, save_campaign
from warehouse.clock import load_calendar, refresh_deadlines, replace_holidays
from warehouse.db import WarehouseError, rows, transaction
from warehouse.mail import holding_pen
from warehouse.problems import record_problem
from warehouse.publication import question_key
from warehouse.queries import STATUS_COLUMNS, request_rows
from warehouse.requests import import_requests
from warehouse.timeline import record_event

# No markup anywhere: what we print holds authorities' words (subjects, file names, reasons
# such as "PDF is corrupt ([Errno …])"), and rich would read their [brackets] as tags.
console = Console(markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)


class Failure(Exception):
    """A user-facing error: printed in one line, exit code 1."""


USER_ERRORS = (Failure, WorkspaceError, WarehouseError, CampaignFileError, RegistryFileError,
               LetterError, TransportError, ImapError, RegistryError, FileNotFoundError, ValueError,
               jinja2.TemplateError)


class _Commands(TyperGroup):
    """Turns the errors a user can fix into one red line and exit code 1, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            err.print(Text.assemble(("error:", "red"), f" {exc}"), highlight=False)
            raise typer.Exit(1) from exc


app = typer.Typer(cls=_Commands, help="foitrack: Freedom of Information round-robins, from "
                  "letters to published findings.", no_args_is_help=True, add_completion=True)
authorities_app = typer.Typer(help="The registry of public authorities.", no_args_is_help=True)
campaign_app = typer.Typer(help="Campaigns: one letter, numbered questions, many recipients.",
                           no_args_is_help=True)
requests_app = typer.Typer(help="Requests sent outside foitrack.", no_args_is_help=True)
holidays_app = typer.Typer(help="The bank holidays behind the statutory clock.",
                           no_args_is_help=True)
app.add_typer(authorities_app, name="authorities")
app.add_typer(campaign_app, name="campaign")
app.add_typer(requests_app, name="requests")
app.add_typer(holidays_app, name="holidays")
tables_app = typer.Typer(help="Data returns: the figures of `table` questions, and what waits "
                              "for a person.", no_args_is_help=True)
app.add_typer(tables_app, name="tables")

HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Workspace directory (default: $FOI_HOME or ./foi-data).")]
Format = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


def main() -> None:
    """Entry point of the `foi` script."""
    # Waiting behind another run is worth a line on stderr; nothing else is logged here.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    app()


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A rich progress bar on stderr; yields a callback (done, total, item)."""
    with Progress(TextColumn(label, style="bold", markup=False), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                  console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=item)
        yield update


@app.command()
def init(home: HomeOption = None) -> None:
    """Create a workspace: foi.toml, foi.duckdb (migrated) and store/."""
    path = resolve_home(home)
    init_workspace(path)
    with workspace_db(path):
        pass  # migrates, and publishes the readers' snapshot and Parquet files
    console.print(f"workspace ready at {path}")


@authorities_app.command("import")
def authorities_import(
    source: Annotated[str, typer.Argument(
        help="A CSV file with columns id,name,email (optional nation,kind,tags); "
             "builtin:ccgs-2016 for the 209 CCGs of 2016 with placeholder addresses; ods for "
             "the NHS Organisation Data Service (with --role); wdtk for WhatDoTheyKnow's list "
             "of authorities.")],
    role: Annotated[list[str] | None, typer.Option(
        "--role", help="ods: ccg, icb, trust (NHS and foundation trusts), nhs-trust, "
                       "foundation-trust, or an ODS role id such as RO98; repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="ods: only bodies open on this day (YYYY-MM-DD; default today): a "
                        "campaign about 2016 uses 2016's bodies.")] = None,
    every: Annotated[bool, typer.Option(
        "--all", help="ods: every body that ever had the role, open or closed.")] = False,
    kind: Annotated[str | None, typer.Option(
        help="ods: the kind to give new bodies (default from the role: ccg, icb, trust).")]
    = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="wdtk: only authorities with this tag (repeatable: all of them).")]
    = None,
    url: Annotated[str | None, typer.Option(
        help="ods: the ORD API base (default the NHS's); wdtk: the authorities CSV.")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Ask the registry again instead of using the workspace's cache.")]
    = False,
    per_second: Annotated[float | None, typer.Option(
        help="Requests a second at most (default: foi.toml's registries table, else 4 "
             "for ods, 1 for wdtk; 0: no limit).")] = None,
    home: HomeOption = None,
) -> None:
    """Add or update authorities from a CSV file or a public registry; bad lines are
    reported, good ones kept. Registry bodies come without FOI addresses: see
    `foi authorities check`."""
    registry_options = {"--role": role, "--as-of": as_of, "--all": every, "--kind": kind,
                        "--tag": tag, "--url": url, "--refresh": refresh,
                        "--per-second": per_second}
    if source in ("ods", "wdtk"):
        _registry_import(source, home, role=role or [], as_of=as_of, every=every, kind=kind,
                         tags=tag or [], url=url, refresh=refresh, per_second=per_second)
        return
    given = [name for name, value in registry_options.items() if value]
    if given:
        raise Failure(f"{', '.join(given)} only apply to `ods` or `wdtk`, not to a CSV file")
    if source == "builtin:ccgs-2016":
        authorities, errors, label = demo_ccgs(), (), "builtin:ccgs-2016"
    else:
        registry = read_registry(Path(source))
        authorities, errors, label = registry.authorities, registry.errors, source
    with workspace_db(home) as (_, con):
        counts = import_authorities(con, authorities, label)
        for e in errors:
            record_problem(con, "import", f"{label}:{e.line}", e.reason)
    for e in errors:
        err.print(f"{label}: {e}", style="yellow", highlight=False)
    console.print(f"{counts.added} added, {counts.updated} updated, {counts.unchanged} "
                  f"unchanged, {len(errors)} rejected")
    if errors:
        raise typer.Exit(2)


def _registry_import(source: str, home: Path | None, *, role: list[str], as_of: str | None,
                     every: bool, kind: str | None, tags: list[str], url: str | None,
                     refresh: bool, per_second: float | None) -> None:
    if source == "ods":
        if tags:
            raise Failure("--tag applies to wdtk; for ods say --role")
        if every and as_of:
            raise Failure("--all and --as-of contradict each other: choose one")
        day = None if every else (_date_option("--as-of", as_of) or date.today())
        with progress_bar("ODS") as update:
            report = import_ods(home, roles=role, as_of=day, url=url or ods.ODS_URL,
                                kind=kind, refresh=refresh, per_second=per_second,
                                progress=update)
        scope = "open or closed" if day is None else f"open on {day}"
        skipped = f", {report.skipped} not open on {day}" if day else ""
    else:
        if role or as_of or every or kind:
            raise Failure("--role, --as-of, --all and --kind apply to ods; for wdtk say --tag")
        report = import_wdtk_authorities(home, tags=tags, url=url or wdtk.AUTHORITIES_URL,
                                         refresh=refresh, per_second=per_second)
        scope = f"tagged {' and '.join(tags)}" if tags else "all"
        skipped = f", {report.skipped} without the tags" if tags else ""
    for item, reason in report.rejected:
        err.print(f"{item}: {reason}", style="yellow", highlight=False)
    c, st = report.counts, report.stats
    console.print(f"{report.source} ({scope}): {c.added} added, {c.updated} updated, "
                  f"{c.unchanged} unchanged, {len(report.rejected)} rejected{skipped}; "
                  f"{st.requests} requests, {st.cache_hits} from the cache, {st.retries} "
                  "retried")
    if report.rejected:
        raise typer.Exit(2)


@authorities_app.command("check")
def authorities_check(
    campaign: Annotated[str | None, typer.Option(
        help="Only the campaign's recipients, and bounces of its letters.")] = None,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """List bodies with no FOI address, a placeholder (.example) one, or a letter that
    bounced: registries rarely hold FOI addresses."""
    with workspace_db(home, read_only=True) as (_, con):
        ids = None
        if campaign:
            info = load_campaign(con, campaign)
            ids = [a.id for a in select_recipients(info, load_authorities(con))]
        data = address_problems(con, ids, campaign)
    print_rows(data, fmt, title=f"{len(data)} address problems")


@authorities_app.command("address")
def authorities_address(
    authority: Annotated[str, typer.Argument(help="Authority id.")],
    email: Annotated[str, typer.Argument(help="Its FOI address.")],
    source: Annotated[str, typer.Option(
        help="Where the address comes from, e.g. 'their FOI page, 2024-05-01'.")],
    on: Annotated[str | None, typer.Option(help="Day it was learnt (default today).")] = None,
    home: HomeOption = None,
) -> None:
    """Set one authority's FOI address, kept with its source and date."""
    if not is_email(email):
        raise Failure(f"{email!r} is not an email address")
    with workspace_db(home) as (_, con):
        set_address(con, authority, email, source=source,
                    on=_date_option("--on", on) or date.today())
    console.print(Text(f"{authority}: {email} ({source})"))


@campaign_app.command("add")
def campaign_add(file: Annotated[Path, typer.Argument(help="Campaign TOML file.")],
                 home: HomeOption = None) -> None:
    """Add (or update) a campaign from its TOML file after validating it."""
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
    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT c.id, c.title, c.reference_prefix, count(r.reference) AS requests"
                         " FROM campaigns c LEFT JOIN requests r ON r.campaign_id = c.id"
                         " GROUP BY ALL ORDER BY c.id")
    print_rows(data, fmt)


@authorities_app.command("list")
def authorities_list(
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. ccg.")] = None,
    open_on: Annotated[str | None, typer.Option(
        help="Only bodies open on this day by their registry record (YYYY-MM-DD).")] = None,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """List the registry's authorities with their address's source and date, and what NHS
    ODS says (opened, closed, successors); the csv format starts with the import columns."""
    day = _date_option("--open-on", open_on)
    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT id, name, coalesce(email, '') AS email, nation, kind,"
                         " array_to_string(tags, ';') AS tags, email_source, email_noted_on,"
                         " opened_on, closed_on, array_to_string(successors, ';') AS successors,"
                         " wdtk_url_name FROM v_authorities"
                         " WHERE ($kind IS NULL OR kind = $kind) AND ($day IS NULL OR"
                         " ((opened_on IS NULL OR opened_on <= $day)"
                         " AND (closed_on IS NULL OR closed_on >= $day))) ORDER BY id",
                    {"kind": kind, "day": day})
    print_rows(data, fmt, title=f"{len(data)} authorities")


@campaign_app.command("show")
def campaign_show(campaign: Annotated[str, typer.Argument(help="Campaign id.")],
                  home: HomeOption = None) -> None:
    """Show a campaign: title, regime, recipients, and its questions numbered from 1."""
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


@app.command()
def send(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    home: HomeOption = None,
    limit: Annotated[int | None, typer.Option(help="Send at most N letters (a pilot).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render all, send none.")] = False,
    preview: Annotated[str | None, typer.Option(
        help="Print the letter to this authority id and stop.")] = None,
) -> None:
    """Send the campaign's letters: once per authority, through the configured transport."""
    with workspace_db(home) as (workspace, con):
        if preview is not None:
            letters = {ltr.authority_id: ltr for ltr in
                       plan_letters(con, load_campaign(con, campaign), datetime.now(UTC))}
            if preview not in letters:
                raise Failure(f"authority {preview!r} is not a recipient of {campaign}")
            letter = letters[preview]
            console.print(f"To: {letter.to_name} <{letter.to_addr}>\nSubject: {letter.subject}\n",
                          highlight=False)
            console.print(letter.body, highlight=False, markup=False)
            return
        transport = configured_transport(workspace.outbox, workspace.settings)
        with progress_bar("sending") as update:
            report = send_campaign(con, workspace, campaign, transport, limit=limit,
                                   dry_run=dry_run, progress=update,
                                   throttle=throttle_from_settings(workspace.settings))
    if dry_run:
        console.print(f"dry run: {report.rendered} letters rendered, none sent; "
                      f"{len(report.already_sent)} already sent")
    else:
        console.print(f"sent {len(report.sent)}; {len(report.already_sent)} already sent; "
                      f"{len(report.failed)} failed")
    for ref, reason in report.failed:
        err.print(f"{ref}: {reason}", style="red", highlight=False)
    for authority_id in report.no_address:
        err.print(f"{authority_id}: no FOI address, not sent (foi authorities address; "
                  "foi authorities check lists them all)", style="yellow", highlight=False)


@app.command()
def ingest(
    eml: Annotated[Path | None, typer.Option("--eml", help="Directory of .eml files to ingest.")
                   ] = None,
    maildir: Annotated[Path | None, typer.Option(
        "--maildir", help="A Maildir folder (holding cur/ new/ tmp/): each message stored is "
                          "moved to cur/ with the flag S.")] = None,
    imap: Annotated[str | None, typer.Option(
        "--imap", metavar="HOST",
        help="IMAP server to take mail from (flagged \\Seen and $FoiIngested once stored); the "
             "imap table of foi.toml fills in what is not given. Password: $FOI_IMAP_PASSWORD.")
                    ] = None,
    port: Annotated[int | None, typer.Option(
        help="IMAP port (default 993 for tls, else 143).")] = None,
    security: Annotated[str | None, typer.Option(
        help="IMAP security: tls, starttls or none (none only on loopback). Default tls.")
                        ] = None,
    user: Annotated[str | None, typer.Option(
        help="IMAP user (default: username in foi.toml's imap table, else "
                           "$FOI_IMAP_USERNAME).")] = None,
    folder: Annotated[list[str] | None, typer.Option(
        help="IMAP folder to read (repeatable; default: folders in foi.toml's "
                             "imap table, else INBOX).")] = None,
    max_size: Annotated[float | None, typer.Option(
        "--max-size", metavar="MB", help="Leave IMAP messages larger than this on the server "
                                         "and record the problem (default 50).")] = None,
    ca_file: Annotated[str | None, typer.Option(
        "--ca-file", help="CA certificate for an IMAP server with a private certificate.")
                       ] = None,
    home: HomeOption = None,
) -> None:
    """Store incoming mail raw (from .eml files, a Maildir or IMAP) and match each message to
    its request; a mailbox message is marked only after it is committed locally."""
    given = [name for name, value in (("--eml", eml), ("--maildir", maildir), ("--imap", imap))
             if value is not None]
    if len(given) != 1:
        raise Failure("give one of --eml DIR, --maildir DIR or --imap HOST"
                      + (f" (not {' and '.join(given)})" if given else ""))
    with workspace_db(home) as (workspace, con), progress_bar("ingesting") as update:
        if eml is not None:
            report = ingest_files(con, workspace, eml_files(eml), progress=update)
            left: list[tuple[str, str]] = []
        else:
            source: MaildirMailbox | ImapMailbox = MaildirMailbox(maildir) if maildir else \
                ImapMailbox(imap_settings(workspace.settings.get("imap", {}), host=imap,
                                          port=port, security=security, username=user,
                                          folders=folder or (), max_message_mb=max_size,
                                          ca_file=ca_file))
            with source:
                taken = ingest_mailbox(con, workspace, source, progress=update)
            report, left = taken.ingest, taken.left
    console.print(f"{len(report.matched)} matched, {len(report.holding_pen)} in the holding pen, "
                  f"{report.duplicates} already ingested, {len(report.problems)} problems"
                  + (f", {len(left)} left on the server" if left else ""))
    for item, reason in [*report.problems, *left]:
        err.print(f"{item}: {reason}", style="yellow", highlight=False)


@app.command()
def attach(
    reference: Annotated[str, typer.Argument(help="The request's reference, e.g. QOF16-00C.")],
    files: Annotated[list[Path], typer.Argument(help="The documents received.")],
    received: Annotated[str | None, typer.Option(
        help="Day the reply was received, YYYY-MM-DD (default today).")] = None,
    via: Annotated[str, typer.Option(help="How it came: post, portal or other.")] = "post",
    home: HomeOption = None,
) -> None:
    """Record a reply that came by post or through a portal: its documents are stored as a
    reply to the request (the clock stops on --received), and `foi extract` reads them."""
    day = _date_option("--received", received) or date.today()
    with workspace_db(home) as (workspace, con):
        done = attach_reply(con, workspace, reference, files, received=day, channel=via)
    if done.already_stored:
        console.print(f"{reference}: these documents were already attached for {day} "
                      f"(message {done.message_sha[:12]}); nothing new")
    else:
        console.print(f"{reference}: reply of {day} by {via} stored with {done.documents} "
                      f"documents (message {done.message_sha[:12]}); run `foi extract` to read "
                      "them")


@app.command()
def extract(
    campaign: Annotated[str | None, typer.Argument(help="Campaign id (default: all).")] = None,
    home: HomeOption = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Extract every replied request again, not only those with something "
                      "new (new documents read, a message assigned, changed questions or a "
                      "new reader version).")] = False,
) -> None:
    """Read new documents, then extract the answers of requests with something new.

    Documents are read with the warehouse free for other runs; what was read and the answers
    are then stored in one transaction. With nothing new, nothing is written."""
    with progress_bar("extract") as update:
        report = extract_replies(home, campaign, everything=everything, progress=update)
    already = f" ({report.already_read} already read by another run)" if report.already_read \
        else ""
    console.print(f"{report.documents_read} documents read{already}, "
                  f"{len(report.documents_failed)} not readable; {report.rematched} held "
                  f"messages matched; {report.answers} answers from {report.requests} requests "
                  f"extracted, {report.unchanged} unchanged"
                  + (f"; {report.table_figures} figures from data returns"
                     if report.table_figures else ""))
    for key, reason in report.documents_failed:
        err.print(f"document {key[:12]}: {reason}", style="yellow", highlight=False)


@app.command()
def report(campaign: Annotated[str, typer.Argument(help="Campaign id.")],
           home: HomeOption = None) -> None:
    """Render site/<campaign>/index.html, summary.md and the data (answers, answers-long,
    status) as CSV and Parquet."""
    with workspace_db(home) as (workspace, con):
        load_campaign(con, campaign)
        page = publish_campaign(con, workspace.site, campaign)
    console.print(f"published {page}")


@app.command()
def export(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
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
    """Write the campaign's published tables to OUT/CAMPAIGN-TABLE.FORMAT, for Datawrapper,
    Flourish, a spreadsheet or a notebook; prints each path written."""
    with workspace_db(home, read_only=True) as (_, con):
        written = export_campaign(con, campaign, fmt, out, tuple(tables) if tables else None)
    for path in written:   # one per line, unwrapped, for scripts
        sys.stdout.write(f"{path}\n")


@app.command()
def status(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    home: HomeOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    fmt: Format = "table",
) -> None:
    """List the campaign's requests: status, due date, working days late, next action."""
    with workspace_db(home, read_only=True) as (_, con):
        load_campaign(con, campaign)
        data = request_rows(con, campaign, overdue_only=overdue, columns=STATUS_COLUMNS)
    if fmt == "table":
        print_status_table(data, f"{campaign}: {len(data)} requests"
                                 + (" overdue" if overdue else ""))
    else:
        print_rows(data, fmt)


def _status_text(r: dict[str, Any]) -> str:
    """The status, and why for a failed one (a bounce: the server's own words)."""
    status = r["status"].replace("_", " ")
    return f"{status}: {r['error'][:200]}" if r.get("error") else status


CLOCK_STYLE = {"very overdue": "bold red", "overdue": "red", "clock stopped": "yellow",
               "on time": "green", "closed": "dim"}


def print_status_table(data: list[dict[str, Any]], title: str) -> None:
    """The status list as a reporter reads it: late ones in red."""
    table = Table(title=title)
    for column, header in (("reference", "Reference"), ("authority_name", "Authority"),
                           ("status", "Status"), ("sent_on", "Sent"), ("due_on", "Due"),
                           ("working_days_late", "Days late"), ("next_action", "Next action")):
        table.add_column(header, justify="right" if column == "working_days_late" else "left",
                         no_wrap=column in ("reference", "sent_on", "due_on"))
    for r in data:
        late = r["working_days_late"]
        table.add_row(*(Text(v) for v in (
                          r["reference"], r["authority_name"] or "",
                          _status_text(r), str(r["sent_on"] or ""),
                          str(r["due_on"] or ""), "" if late is None else str(late),
                          r["next_action"])), style=CLOCK_STYLE.get(r["clock"], ""))
    console.print(table)


@app.command()
def chase(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    home: HomeOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what is due, send none.")]
    = False,
) -> None:
    """Send due chasers (after the due date; again when very overdue) and draft internal-review
    requests and ICO complaints; each at most once per request and stage."""
    with workspace_db(home) as (workspace, con):
        transport = configured_transport(workspace.outbox, workspace.settings)
        with progress_bar("chasing") as update:
            report = chase_campaign(con, workspace, campaign, transport, dry_run=dry_run,
                                    throttle=chase_throttle(workspace, transport), progress=update)
    if dry_run:
        for c in report.planned:
            console.print(f"{c.reference}: {c.stage.replace('_', ' ')} - {c.subject}",
                          highlight=False)
        console.print(f"dry run: {len(report.planned)} due, none sent")
        return
    console.print(f"{len(report.sent)} chasers sent, {len(report.drafted)} drafts written "
                  f"(drafts/), {len(report.failed)} failed")
    for ref, stage, reason in report.failed:
        err.print(f"{ref} {stage}: {reason}", style="red", highlight=False)


@app.command()
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
    """Print the due date and the very-overdue date of a request received on SENT_DATE."""
    try:
        received = date.fromisoformat(sent_date)
    except ValueError as exc:
        raise Failure(f"{sent_date!r} is not a date: use YYYY-MM-DD") from exc
    if regime not in ("foia", "eir", "foisa"):
        raise Failure(f"--regime {regime!r}: use foia, eir or foisa")
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


@app.command()
def event(
    reference: Annotated[str, typer.Argument(help="Request reference, e.g. QOF16-00C.")],
    kind: Annotated[str, typer.Argument(help="clarification_requested, clarification_received, "
                                             "fees_notice, fees_paid, extended, successful, "
                                             "partially_successful, not_held, refused, "
                                             "internal_review, withdrawn or note.")],
    on: Annotated[str | None, typer.Option(help="Day it happened (default today).")] = None,
    until: Annotated[str | None, typer.Option(help="For extended: the new due date.")] = None,
    sections: Annotated[str, typer.Option(help="For refused: e.g. s12,s40(2).")] = "",
    detail: Annotated[str | None, typer.Option(help="A note for the timeline.")] = None,
    home: HomeOption = None,
) -> None:
    """Record a timeline event (it may change the status and the statutory clock)."""
    on_day = _date_option("--on", on)
    until_day = _date_option("--until", until)
    with workspace_db(home) as (_, con):
        new_status = record_event(con, reference.upper(), kind, on=on_day, until=until_day,
                                  detail=detail, sections=tuple(
                                      s.strip() for s in sections.split(",") if s.strip()))
        row = con.execute("SELECT due_on FROM requests WHERE reference = ?",
                          [reference.upper()]).fetchone()
    console.print(f"{reference.upper()}: {new_status.replace('_', ' ')}; due {row[0]}",
                  highlight=False)


def _date_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"{name} {value!r} is not a date: use YYYY-MM-DD") from exc


@requests_app.command("import")
def requests_import(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
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
    """Track requests sent outside foitrack (a spreadsheet, WhatDoTheyKnow) like the rest;
    with --wdtk, fetch their responses and attachments so `foi extract` reads them."""
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
        with progress_bar("WhatDoTheyKnow") as update:
            report = import_wdtk_requests(home, campaign, urls, per_second=per_second,
                                          progress=update)
        for url, reason in report.rejected:
            err.print(f"{url}: {reason}", style="yellow", highlight=False)
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
        err.print(f"{file}: line {line}: {reason}", style="yellow", highlight=False)
    console.print(f"{len(added)} requests imported, {len(problems)} rejected")
    if problems and exit_on_problems:
        raise typer.Exit(2)


@holidays_app.command("update")
def holidays_update(
    url: Annotated[str, typer.Option(help="GOV.UK's bank-holidays JSON, or a mirror.")]
    = GOVUK_URL,
    home: HomeOption = None,
) -> None:
    """Fetch GOV.UK's bank holidays into the workspace; they win for the years they cover,
    and every due date is recomputed."""
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
    """The bank holidays the workspace's clock uses for a year, with their source."""
    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT day, nation, name, source FROM bank_holidays"
                         " WHERE year(day) = ? ORDER BY day, nation", [year])
    print_rows(data, fmt)


@app.command()
def sql(query: Annotated[str, typer.Argument(help="SQL to run on the workspace, read-only.")],
        home: HomeOption = None, fmt: Format = "table",
        live: Annotated[bool, typer.Option(
            "--live", help="Read foi.duckdb itself, not the snapshot (waits for a writing run "
                           "to finish, and holds up the next one while it reads).")] = False,
        ) -> None:
    """Run ad hoc SQL, read-only, on the readers' snapshot foi-read.duckdb (as of the last
    writing run; refreshed first when no run is writing) and print the result."""
    with workspace_db(home, read_only=True, live=live) as (_, con):
        try:
            data = rows(con, query)
        except duckdb.Error as exc:
            raise Failure(str(exc).splitlines()[0]) from exc
    print_rows(data, fmt)


@app.command()
def problems(home: HomeOption = None, fmt: Format = "table") -> None:
    """List rejected input (bad rows, unreadable mail and documents) with reasons."""
    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT id, noted_at, stage, item, reason FROM problems ORDER BY id")
    print_rows(data, fmt)


@app.command()
def review(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    home: HomeOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=(
        "blocks (one answer per block, for reading), table, csv or json."))] = "blocks",
    export: Annotated[Path | None, typer.Option(
        "--export", help="Write the queue to FILE.csv for a spreadsheet: one row per answer, "
                         "with empty columns corrected_status (ok or accept: right as read), "
                         "corrected_value, corrected_sections and note to fill in.")] = None,
    import_file: Annotated[Path | None, typer.Option(
        "--import", help="Apply a filled-in sheet: each correction becomes an override (the "
                         "note its reason), each ok marks the answer checked. If any row is "
                         "wrong, its line is reported and nothing is applied; importing a "
                         "sheet again adds nothing twice.")] = None,
    author: Annotated[str, typer.Option(help="With --import: who reviewed (default $USER). "
                                             "With --serve: the name every check and "
                                             "correction is recorded under (default: each "
                                             "browser is asked for a name once).")] = "",
    serve: Annotated[bool, typer.Option(
        "--serve", help="Open the review desk: a local web page showing one answer at a time "
                        "beside its source page; keys a accept, c correct, s skip, o the whole "
                        "reply; /summary counts answers per question and replies per "
                        "authority.")] = False,
    host: Annotated[str, typer.Option(help="With --serve: address to listen on; other than "
                                           "127.0.0.1 needs a token ($FOI_DESK_TOKEN, or one "
                                           "printed once).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="With --serve: port.")] = 8765,
    order: Annotated[str, typer.Option(help="With --serve: the queue's order, confidence "
                                            "(least sure first) or question (similar answers "
                                            "together); the page can switch.")] = "confidence",
) -> None:
    """The review queue: answers read with low confidence, why, and the words and page they
    came from. Correct one with `foi override`, many in a spreadsheet (--export, --import),
    or one by one in the review desk (--serve)."""
    if sum(map(bool, (export, import_file, serve))) > 1:
        raise Failure("one of --export, --import and --serve")
    if serve:
        from flows.desk import serve as serve_desk

        if order not in ("confidence", "question"):
            raise Failure(f"--order {order!r}: use confidence or question")
        serve_desk(campaign, home, host=host, port=port, author=author,
                   order=order,  # type: ignore[arg-type]
                   say=lambda line: console.print(line, highlight=False))
        return
    if import_file:
        _import_review(campaign, import_file, author, home)
        return
    with workspace_db(home, read_only=True) as (_, con):
        if export:
            sheet, count = export_review(con, campaign)
            export.write_text(sheet, encoding="utf-8-sig")   # the BOM tells Excel it is UTF-8
            console.print(f"{count} answers to review written to {export}", highlight=False)
            return
        load_campaign(con, campaign)
        data = rows(con, "SELECT a.request_reference, a.authority_name, a.question_number,"
                         " a.question_key, q.text AS question_text, a.status, a.value,"
                         " round(a.confidence, 2) AS confidence, a.reason, a.detail,"
                         " a.document_filename, a.page, a.snippet FROM v_answers a"
                         " JOIN questions q ON q.campaign_id = a.campaign_id AND q.key ="
                         " a.question_key WHERE a.campaign_id = ? AND a.needs_review"
                         " ORDER BY a.request_reference, a.question_number", [campaign])
        from warehouse.data_returns import tables_to_review
        from warehouse.publication import has_table_questions

        tables = tables_to_review(con, campaign) if has_table_questions(con, campaign) \
            else None
    if fmt == "blocks":
        print_review_blocks(data, f"{campaign}: {len(data)} answers to review")
    else:
        print_rows(data, fmt, title=f"{campaign}: {len(data)} answers to review")
    if tables is not None:
        # csv and json stay one table for scripts: the data returns' count goes to stderr
        print_table_problems(campaign, tables, brief=fmt in ("csv", "json"))


def _import_review(campaign: str, file: Path, author: str, home: Path | None) -> None:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:   # saved by a spreadsheet in the Windows code page
        text = raw.decode("cp1252", errors="replace")
    with workspace_db(home) as (_, con):
        try:
            done = import_review(con, campaign, text, source=file.name,
                                 author=author or os.environ.get("USER", ""))
        except ReviewSheetRejected as exc:
            for line, reason in exc.problems:
                err.print(f"{file}: line {line}: {reason}", style="red", highlight=False)
            err.print(f"nothing applied: fix the {len(exc.problems)} lines above and "
                      "import the sheet again", style="red", highlight=False)
            raise typer.Exit(2) from exc
    console.print(f"{done.corrected} corrections recorded, {done.checked} answers checked, "
                  f"{done.already_done} already recorded, {done.undecided} rows with only a "
                  "note", highlight=False)


@app.command()
def override(
    reference: Annotated[str, typer.Argument(help="Request reference, e.g. QOF16-00C.")],
    question: Annotated[str, typer.Argument(help="Question key (e.g. delegated) or number "
                                                 "(1 is the first).")],
    value: Annotated[str | None, typer.Argument(help="The right value (yes, no, 125000...).")]
    = None,
    status: Annotated[str, typer.Option(help=f"{', '.join(ANSWER_STATUSES)}.")] = "answered",
    sections: Annotated[str | None, typer.Option(
        help="FOIA sections the answer relies on, e.g. s12 or s40(2),s43.")] = None,
    reason: Annotated[str, typer.Option(help="Why: where the right answer is.")] = "",
    author: Annotated[str, typer.Option(help="Who decided.")] = "",
    home: HomeOption = None,
) -> None:
    """Correct an extracted answer; the correction always wins in v_answers and the report."""
    if not reason:
        raise Failure("say why with --reason (e.g. 'letter p2 says yes'): it is kept with it")
    with workspace_db(home) as (_, con):
        question = question_key(con, reference.upper(), question)
        fixed = correct_answer(con, reference=reference.upper(), question_key=question,
                               status=status, value=value, sections=sections, reason=reason,
                               author=author or os.environ.get("USER", ""))
    console.print(f"{reference.upper()} {question}: {fixed.status} {fixed.value or ''}".rstrip(),
                  highlight=False)


@app.command()
def held(home: HomeOption = None, fmt: Format = "table") -> None:
    """The holding pen: incoming messages not matched to any request."""
    with workspace_db(home, read_only=True) as (_, con):
        data = [{**r, "id": r["id"][:12]} for r in holding_pen(con)]
    print_rows(data, fmt, title=f"{len(data)} messages in the holding pen")


@app.command()
def assign(
    message: Annotated[str, typer.Argument(help="Message id (or its first 8+ characters) "
                                                "from `foi held`.")],
    reference: Annotated[str, typer.Argument(help="Request reference it belongs to.")],
    home: HomeOption = None,
) -> None:
    """Give a held message to a request (its documents are read at the next `foi extract`)."""
    if len(message) < 8:
        raise Failure("give at least 8 characters of the message id")
    with workspace_db(home) as (_, con):
        found = [r[0] for r in con.execute(
            "SELECT id FROM messages WHERE direction = 'incoming' AND starts_with(id, ?)",
            [message.lower()]).fetchall()]
        if len(found) != 1:
            raise Failure(f"{len(found)} messages start with {message!r}; give more characters")
        if con.execute("SELECT 1 FROM requests WHERE reference = ?",
                       [reference.upper()]).fetchone() is None:
            raise Failure(f"no request {reference.upper()!r}")
        rematch(con, found[0], reference.upper(), "by_hand")
    console.print(f"message {found[0][:12]} assigned to {reference.upper()}", highlight=False)


@app.command()
def messages(
    reference: Annotated[str | None, typer.Argument(
        help="Request reference (default: every incoming message).")] = None,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """Incoming messages: what each is (reply, auto_reply, bounce, delivery_delay,
    acknowledgement, clarification, extension, fee_notice), the evidence, and who said so."""
    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT left(id, 12) AS id, request_reference AS reference, kind,"
                         " kind_evidence AS evidence, coalesce(kind_set_by, 'foitrack') AS"
                         " set_by, case_reference, until_on, dated, subject FROM messages"
                         " WHERE direction = 'incoming' AND (? IS NULL OR request_reference = ?)"
                         " ORDER BY coalesce(dated, received_at)",
                    [reference and reference.upper()] * 2)
    print_rows(data, fmt, title=f"{len(data)} incoming messages")


@app.command()
def classify(
    message: Annotated[str, typer.Argument(help="Message id (or its first 8+ characters) "
                                                "from `foi messages` or `foi held`.")],
    kind: Annotated[str, typer.Argument(help="reply, auto_reply, bounce, delivery_delay, "
                                             "acknowledgement, clarification, extension or "
                                             "fee_notice.")],
    reason: Annotated[str, typer.Option(help="Why (kept as the evidence).")] = "",
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    until: Annotated[str | None, typer.Option(help="An extension's new due date.")] = None,
    case_reference: Annotated[str | None, typer.Option(
        help="The authority's own reference for the request.")] = None,
    home: HomeOption = None,
) -> None:
    """Say what a message is when foitrack read it wrong: the events its old reading recorded
    are taken back and the new kind's recorded, so the status and the clock follow."""
    with workspace_db(home) as (_, con):
        row = reclassify(con, message, kind, author=author, reason=reason,
                         until=_date_option("--until", until), case_reference=case_reference)
    console.print(Text(f"message {row['id'][:12]} is now {row['kind']}"
                       + (f" (request {row['request_reference']})"
                          if row["request_reference"] else "")))


@app.command()
def demo(
    home: HomeOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulated authorities.")] = 2016,
) -> None:
    """Run the whole pipeline as a Prefect flow on the 209 CCGs with simulated replies."""
    from flows.demo import demo_flow  # Prefect is imported only when a flow runs

    page = demo_flow(home=str(resolve_home(home)), seed=seed)
    console.print(f"published {page}")


@app.command("notify-on-failure")
def notify_on_failure(
    url: Annotated[str, typer.Argument(help="Where to post: a webhook URL (JSON with subject "
                                            "and body), or a Slack incoming-webhook URL.")],
    slack: Annotated[bool, typer.Option("--slack", help="URL is a Slack incoming webhook.")]
    = False,
) -> None:
    """Tell someone when a scheduled run fails: saves a notification block and a Prefect
    automation on the server at $PREFECT_API_URL (run again to change the address)."""
    if not os.environ.get("PREFECT_API_URL"):
        raise Failure("set PREFECT_API_URL to the server the worker uses, e.g. "
                      "http://127.0.0.1:4200/api")
    from flows.notifications import notify_on_failure as create  # Prefect only when asked

    automation_id = create(url, slack=slack)
    console.print(f"automation {automation_id}: failed or crashed foitrack runs are posted to "
                  f"{url}", highlight=False)


def print_table_problems(campaign: str, found: dict[str, list[dict[str, Any]]], *,
                         brief: bool, shown: int = 10) -> None:
    """After the answers, what waits in the data returns: a few of each, and where the rest
    are (`foi tables review`)."""
    labels, problems, totals = found["labels"], found["problems"], found["totals"]
    where = (f"`foi tables review {campaign}` lists them all; `foi tables map` and "
             "`foi tables answers` correct them")
    head = (f"data returns: {len(labels)} labels not matched to a code, {len(problems)} tables "
            f"not read, {len(totals)} totals not adding up")
    if brief:
        err.print(Text(f"{head}: {where}"))
        return
    console.print()
    console.print(Text(f"{campaign}: {head}", style="bold"))
    for r in labels[:shown]:
        console.print(Text(f"  label     {r['question_key']}: {r['label']!r} "
                           f"({r['authorities']} authorities, {r['figures']} figures, e.g. "
                           f"{r['example_file']})"), soft_wrap=False, overflow="fold")
    for r in problems[:shown]:
        console.print(Text(f"  not read  {r['reference']} {r['filename']}"
                           + (f"#{r['sheet']}" if r["sheet"] else "")
                           + f": {r['kind']}: {r['detail']}"), soft_wrap=False, overflow="fold")
    for r in totals[:shown]:
        value = "suppressed" if r["value"] is None else f"{r['value']:g}"
        console.print(Text(f"  total     {r['reference']} {r['question_key']} {r['period']}: "
                           f"{r['label']!r} = {value}, its parts add up to {r['parts']:g} "
                           f"({r['filename']}{'#' + r['sheet'] if r['sheet'] else ''} "
                           f"{r['cell']})"), soft_wrap=False, overflow="fold")
    console.print(Text(f"  {where}" if labels or problems or totals else "  nothing waits"),
                  style="dim")


def print_review_blocks(data: list[dict[str, Any]], title: str) -> None:
    """The review queue for a person: one answer per block, the passage wrapped in full."""
    console.print(title, style="bold")
    for n, row in enumerate(data, start=1):
        console.print()
        # Text, not markup, and never cut: a reply's words are shown whole, as written.
        console.print(Text(f"{n}. {row['request_reference']} · {row['authority_name'] or ''}",
                           style="bold"))
        lines = [("question", f"Q{row['question_number']} {row['question_key']}: "
                              f"{row['question_text']}"),
                 ("read", f"{row['status'].replace('_', ' ')}"
                          + (f": {row['value']}" if row["value"] is not None else "")
                          + f"  (confidence {row['confidence']})"),
                 ("why", row["reason"] or ""),
                 ("detail", row["detail"] or ""),
                 ("source", f"{row['document_filename'] or 'the email body'}"
                            + (f", page {row['page']}" if row["page"] else "")),
                 ("passage", row["snippet"] or "")]
        for label, value in lines:
            if value:
                line = Text(f"  {label:8} ", style="dim")
                line.append(Text(str(value)))
                console.print(line, soft_wrap=False, overflow="fold")


def print_rows(data: list[dict[str, Any]], fmt: str, title: str | None = None) -> None:
    """Print rows as a rich table, CSV or JSON."""
    if fmt == "json":
        sys.stdout.write(json.dumps(data, default=_json_default, indent=2) + "\n")
    elif fmt == "csv":
        out = io.StringIO()
        if data:
            writer = csv.DictWriter(out, list(data[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(data)
        sys.stdout.write(out.getvalue())
    elif fmt == "table":
        table = Table(title=title, show_lines=False)
        for column in data[0] if data else ["(no rows)"]:
            table.add_column(str(column))
        for row in data:
            # Text, not markup: "[bold]" or "[link=…]" in a reply is shown as written.
            table.add_row(*(Text("" if v is None else str(v)) for v in row.values()))
        console.print(table)
    else:
        raise Failure(f"--format {fmt!r}: use table, csv or json")


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@tables_app.command("review")
def tables_review(campaign: Annotated[str, typer.Argument(help="Campaign id.")],
                  home: HomeOption = None, fmt: Format = "table") -> None:
    """List the labels not matched to a code (most authorities first), the tables that
    could not be read or name no question, and the totals that do not add up."""
    from warehouse.data_returns import tables_to_review

    with workspace_db(home, publish=False) as (_, con):
        load_campaign(con, campaign)
        found = tables_to_review(con, campaign)
    if fmt != "table":
        print_rows(found["labels"] + found["problems"] + found["totals"], fmt)
        return
    labels = Table("question", "label as sent", "authorities", "figures", "e.g. file",
                   title=f"{len(found['labels'])} labels not matched: `foi tables map`")
    for r in found["labels"]:
        labels.add_row(Text(r["question_key"]), Text(r["label"]), str(r["authorities"]),
                       str(r["figures"]), Text(r["example_file"]))
    console.print(labels)
    problems = Table("reference", "file", "sheet", "problem",
                     title=f"{len(found['problems'])} tables not read: `foi tables answers`")
    for r in found["problems"]:
        problems.add_row(Text(r["reference"]), Text(r["filename"]), Text(r["sheet"]),
                         Text(f"{r['kind']}: {r['detail']}"))
    console.print(problems)
    totals = Table("reference", "question", "period", "total as sent", "value", "parts add up to",
                   "where", title=f"{len(found['totals'])} totals not adding up")
    for r in found["totals"]:
        totals.add_row(Text(r["reference"]), Text(r["question_key"]), Text(r["period"]),
                       Text(r["label"]), "" if r["value"] is None else f"{r['value']:g}",
                       f"{r['parts']:g}", Text(f"{r['filename']} {r['sheet']} {r['cell']}"))
    console.print(totals)


@tables_app.command("map")
def tables_map(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    label: Annotated[str, typer.Argument(help="The label as authorities wrote it.")],
    code: Annotated[str, typer.Argument(help="Its code in the code list, or '-' for a "
                                              "category of the authority's own.")],
    question: Annotated[str | None, typer.Option(help="Only this table question (key).")] = None,
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    home: HomeOption = None,
) -> None:
    """Say which code a label means (compared by its words, for every authority that wrote
    it); the next `foi extract` reads those requests again with it."""
    from flows.steps.tables import map_table_label

    with workspace_db(home) as (_, con), transaction(con):
        n = map_table_label(con, campaign, question, label, None if code == "-" else code,
                            author)
    console.print(Text(f"{label!r} -> {code} for {n} question(s); `foi extract {campaign}` "
                       "reads again every request that sent it"))


@tables_app.command("answers")
def tables_answers(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    grid: Annotated[str, typer.Argument(help="The file, or file#sheet, as `foi tables review` "
                                              "shows it.")],
    question: Annotated[str, typer.Argument(help="The table question's key.")],
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    home: HomeOption = None,
) -> None:
    """Say which question a file or sheet answers; kept for every authority that sends one
    named the same, and the next `foi extract` reads those requests again."""
    from warehouse.data_returns import set_sheet_question

    with workspace_db(home) as (_, con), transaction(con):
        set_sheet_question(con, campaign, grid, question, author)
    console.print(Text(f"{grid} answers {question}; `foi extract {campaign}` reads again every "
                       "request that sent a file so named"))
