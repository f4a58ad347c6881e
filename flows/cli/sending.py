"""Sending and the clock: the letters (once each), chasers when late, and the timeline
events an authority's word brings."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from flows.cli.base import (
    CampaignArgument,
    Failure,
    HomeOption,
    console,
    date_option,
    progress_bar,
    warn,
)


def send(
    campaign: CampaignArgument,
    home: HomeOption = None,
    limit: Annotated[int | None, typer.Option(help="Send at most N letters (a pilot).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render all, send none.")] = False,
    preview: Annotated[str | None, typer.Option(
        help="Print the letter to this authority id and stop.")] = None,
) -> None:
    """Send the campaign's letters, once per authority.

    Through the transport foi.toml configures; re-running never resends."""
    from flows.steps.send import plan_letters, send_campaign
    from flows.steps.session import workspace_db
    from foi.mail.throttle import throttle_from_settings
    from foi.mail.transports import configured_transport
    from warehouse.campaigns import load_campaign

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
        warn(f"{ref}: {reason}", "red")
    for authority_id in report.no_address:
        warn(f"{authority_id}: no FOI address, not sent (foi authorities address; "
                  "foi authorities check lists them all)")


def chase(
    campaign: CampaignArgument,
    home: HomeOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what is due, send none.")]
    = False,
) -> None:
    """Send due chasers and draft reviews and complaints.

    A chaser after the due date and again when very overdue; drafts of internal-review requests
    and ICO complaints; each at most once per request and stage."""
    from flows.steps.chase import chase_campaign, chase_throttle
    from flows.steps.session import workspace_db
    from foi.mail.transports import configured_transport

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
        warn(f"{ref} {stage}: {reason}", "red")


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
    """Record a timeline event of a request.

    It may change the status and the statutory clock."""
    from flows.steps.session import workspace_db
    from warehouse.timeline import record_event

    on_day = date_option("--on", on)
    until_day = date_option("--until", until)
    with workspace_db(home) as (_, con):
        new_status = record_event(con, reference.upper(), kind, on=on_day, until=until_day,
                                  detail=detail, sections=tuple(
                                      s.strip() for s in sections.split(",") if s.strip()))
        row = con.execute("SELECT due_on FROM requests WHERE reference = ?",
                          [reference.upper()]).fetchone()
    console.print(f"{reference.upper()}: {new_status.replace('_', ' ')}; due {row[0]}",
                  highlight=False)


