"""Mail: replies taken in (files, a Maildir, IMAP, by post), matched to their requests, and
what each incoming message is."""

import os
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
    progress_bar,
    warn,
)
from flows.cli.output import print_rows


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
    """Take in replies and match each to its request.

    Mail is stored raw, from .eml files, a Maildir or IMAP; a mailbox message is marked only
    after it is committed locally."""
    from flows.steps.ingest import eml_files, ingest_files
    from flows.steps.mailbox import ingest_mailbox
    from flows.steps.session import workspace_db
    from foi.mail.imap import ImapMailbox, imap_settings
    from foi.mail.maildir import MaildirMailbox

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
        warn(f"{item}: {reason}")


def attach(
    reference: Annotated[str, typer.Argument(help="The request's reference, e.g. QOF16-00C.")],
    files: Annotated[list[Path], typer.Argument(help="The documents received.")],
    received: Annotated[str | None, typer.Option(
        help="Day the reply was received, YYYY-MM-DD (default today).")] = None,
    via: Annotated[str, typer.Option(help="How it came: post, portal or other.")] = "post",
    home: HomeOption = None,
) -> None:
    """Record a reply that came by post or through a portal.

    Its documents are stored as a reply to the request (the clock stops on --received), and `foi
    extract` reads them."""
    from flows.steps.mailbox import attach_reply
    from flows.steps.session import workspace_db

    day = date_option("--received", received) or date.today()
    with workspace_db(home) as (workspace, con):
        done = attach_reply(con, workspace, reference, files, received=day, channel=via)
    if done.already_stored:
        console.print(f"{reference}: these documents were already attached for {day} "
                      f"(message {done.message_sha[:12]}); nothing new")
    else:
        console.print(f"{reference}: reply of {day} by {via} stored with {done.documents} "
                      f"documents (message {done.message_sha[:12]}); run `foi extract` to read "
                      "them")


def held(home: HomeOption = None, fmt: Format = "table") -> None:
    """List messages no rule could match to a request."""
    from flows.steps.session import workspace_db
    from warehouse.mail import holding_pen

    with workspace_db(home, read_only=True) as (_, con):
        data = [{**r, "id": r["id"][:12]} for r in holding_pen(con)]
    print_rows(data, fmt, title=f"{len(data)} messages in the holding pen")


def assign(
    message: Annotated[str, typer.Argument(help="Message id (or its first 8+ characters) "
                                                "from `foi held`.")],
    reference: Annotated[str, typer.Argument(help="Request reference it belongs to.")],
    home: HomeOption = None,
) -> None:
    """Give a held message to a request.

    Its documents are read at the next `foi extract`."""
    if len(message) < 8:
        raise Failure("give at least 8 characters of the message id")
    from flows.steps.ingest import rematch
    from flows.steps.session import workspace_db

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


def messages(
    reference: Annotated[str | None, typer.Argument(
        help="Request reference (default: every incoming message).")] = None,
    home: HomeOption = None, fmt: Format = "table",
) -> None:
    """List incoming messages and what each is.

    reply, auto_reply, bounce, delivery_delay, acknowledgement, clarification, extension or
    fee_notice, with the evidence and who said so."""
    from flows.steps.session import workspace_db
    from warehouse.sql import rows

    with workspace_db(home, read_only=True) as (_, con):
        data = rows(con, "SELECT left(id, 12) AS id, request_reference AS reference, kind,"
                         " kind_evidence AS evidence, coalesce(kind_set_by, 'foitrack') AS"
                         " set_by, case_reference, until_on, dated, subject FROM messages"
                         " WHERE direction = 'incoming' AND (? IS NULL OR request_reference = ?)"
                         " ORDER BY coalesce(dated, received_at)",
                    [reference and reference.upper()] * 2)
    print_rows(data, fmt, title=f"{len(data)} incoming messages")


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
    """Say what a message is when foitrack read it wrong.

    The events its old reading recorded are taken back and the new kind's recorded, so the
    status and the clock follow."""
    from flows.steps.session import workspace_db
    from warehouse.arrivals import reclassify

    with workspace_db(home) as (_, con):
        row = reclassify(con, message, kind, author=author, reason=reason,
                         until=date_option("--until", until), case_reference=case_reference)
    console.print(Text(f"message {row['id'][:12]} is now {row['kind']}"
                       + (f" (request {row['request_reference']})"
                          if row["request_reference"] else "")))


