"""`foi authorities …`: the registry of public bodies, from a CSV file or NHS ODS and
WhatDoTheyKnow, with their FOI addresses."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from flows.cli.base import (
    Failure,
    Format,
    HomeOption,
    console,
    date_option,
    group,
    progress_bar,
    warn,
)
from flows.cli.output import print_rows

authorities_app = group("The registry of public authorities.")


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
    """Add or update authorities from a CSV file or a registry.

    Bad lines are reported, good ones kept. Registry bodies come without FOI addresses: see `foi
    authorities check`."""
    from flows.steps.session import workspace_db
    from foi.authorities import demo_ccgs, read_registry
    from warehouse.authorities import import_authorities
    from warehouse.problems import record_problem

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
        warn(f"{label}: {e}")
    console.print(f"{counts.added} added, {counts.updated} updated, {counts.unchanged} "
                  f"unchanged, {len(errors)} rejected")
    if errors:
        raise typer.Exit(2)


def _registry_import(source: str, home: Path | None, *, role: list[str], as_of: str | None,
                     every: bool, kind: str | None, tags: list[str], url: str | None,
                     refresh: bool, per_second: float | None) -> None:
    from flows.steps.registries import import_ods, import_wdtk_authorities
    from foi.registries import ods, wdtk

    if source == "ods":
        if tags:
            raise Failure("--tag applies to wdtk; for ods say --role")
        if every and as_of:
            raise Failure("--all and --as-of contradict each other: choose one")
        day = None if every else (date_option("--as-of", as_of) or date.today())
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
        warn(f"{item}: {reason}")
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
    """List bodies with no usable FOI address.

    No address, a placeholder (.example) one, or a letter that bounced: registries rarely hold
    FOI addresses."""
    from flows.steps.session import workspace_db
    from foi.campaigns import select_recipients
    from warehouse.authorities import load_authorities
    from warehouse.authority_records import address_problems
    from warehouse.campaigns import load_campaign

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
    """Set one authority's FOI address, with its source and date."""
    from flows.steps.session import workspace_db
    from foi.authorities import is_email
    from warehouse.authority_records import set_address

    if not is_email(email):
        raise Failure(f"{email!r} is not an email address")
    with workspace_db(home) as (_, con):
        set_address(con, authority, email, source=source,
                    on=date_option("--on", on) or date.today())
    console.print(Text(f"{authority}: {email} ({source})"))


@authorities_app.command("list")
def authorities_list(
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. ccg.")] = None,
    open_on: Annotated[str | None, typer.Option(
        help="Only bodies open on this day by their registry record (YYYY-MM-DD).")] = None,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """List the authorities, their addresses and registry dates.

    With the address's source and date and what NHS ODS says (opened, closed, successors); the
    csv format starts with the import columns."""
    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    day = date_option("--open-on", open_on)
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


