"""Reading replies: documents read in sandboxed workers, answers found, and the data
returns' tables (`foi tables …`) with what waits for a person."""

import os
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.base import (
    CampaignArgument,
    Format,
    HomeOption,
    console,
    group,
    progress_bar,
    warn,
)
from flows.cli.output import print_rows

tables_app = group("Data returns: the figures of table questions, and what waits.")


def extract(
    campaign: Annotated[str | None, typer.Argument(help="Campaign id (default: all).")] = None,
    home: HomeOption = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Extract every replied request again, not only those with something "
                      "new (new documents read, a message assigned, changed questions or a "
                      "new reader version).")] = False,
) -> None:
    """Read new documents and extract the answers.

    Only requests with something new are read again. Documents are read with the warehouse free
    for other runs; what was read and the answers are then stored in one transaction. With
    nothing new, nothing is written."""
    from flows.steps.extract import extract_replies

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
        warn(f"document {key[:12]}: {reason}")


@tables_app.command("review")
def tables_review(campaign: CampaignArgument,
                  home: HomeOption = None, fmt: Format = "table") -> None:
    """List what waits in the data returns.

    The labels not matched to a code (most authorities first), the tables that could not be read
    or name no question, the totals that do not add up, and labels kept as sent that read alike
    across authorities."""
    from flows.steps.session import workspace_db
    from flows.steps.tables import free_label_groups
    from warehouse.campaigns import load_campaign
    from warehouse.data_returns import tables_to_review

    with workspace_db(home, publish=False) as (_, con):
        load_campaign(con, campaign)
        found = tables_to_review(con, campaign)
    groups = free_label_groups(found["free"])
    if fmt != "table":
        print_rows(found["labels"] + found["problems"] + found["totals"]
                   + [{**g, "labels": " | ".join(g["labels"])} for g in groups], fmt)
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
    alike = Table("question", "dimension", "labels as sent", "authorities",
                  title=f"{len(groups)} groups of labels kept as sent that read alike")
    for g in groups:
        alike.add_row(Text(g["question_key"]), Text(g["dimension"]),
                      Text(" | ".join(g["labels"])), str(g["authorities"]))
    console.print(alike)


@tables_app.command("map")
def tables_map(
    campaign: CampaignArgument,
    label: Annotated[str, typer.Argument(help="The label as authorities wrote it.")],
    code: Annotated[str, typer.Argument(help="Its code in the code list, or '-' for a "
                                              "category of the authority's own.")],
    question: Annotated[str | None, typer.Option(help="Only this table question (key).")] = None,
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    home: HomeOption = None,
) -> None:
    """Say which code a label means.

    Compared by its words, for every authority that wrote it; the next `foi extract` reads those
    requests again with it."""
    from flows.steps.session import workspace_db
    from flows.steps.tables import map_table_label
    from warehouse.sql import transaction

    with workspace_db(home) as (_, con), transaction(con):
        n = map_table_label(con, campaign, question, label, None if code == "-" else code,
                            author)
    console.print(Text(f"{label!r} -> {code} for {n} question(s); `foi extract {campaign}` "
                       "reads again every request that sent it"))


@tables_app.command("name")
def tables_name(
    campaign: CampaignArgument,
    question: Annotated[str, typer.Argument(help="The table question's key.")],
    name: Annotated[str, typer.Argument(help="The one name the labels mean.")],
    labels: Annotated[list[str], typer.Argument(help="Labels exactly as sent, as `foi tables "
                                                     "review` lists them.")],
    dimension: Annotated[str, typer.Option(help="The breakdown (outcome, hospital); none for "
                                                "the question's categories.")] = "",
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    home: HomeOption = None,
) -> None:
    """Give labels kept as sent one name.

    For every body that wrote them: v_table_answers.category_name, and they leave the groups
    `foi tables review` lists."""
    from flows.steps.session import workspace_db
    from warehouse.data_returns import name_labels
    from warehouse.sql import transaction

    with workspace_db(home) as (_, con), transaction(con):
        n = name_labels(con, campaign, question, dimension, labels, name, author)
    console.print(Text(f"{n} label(s) of {question}{f' ({dimension})' if dimension else ''} "
                       f"named {name!r}"))


@tables_app.command("answers")
def tables_answers(
    campaign: CampaignArgument,
    grid: Annotated[str, typer.Argument(help="The file, or file#sheet, as `foi tables review` "
                                              "shows it.")],
    question: Annotated[str, typer.Argument(help="The table question's key.")],
    author: Annotated[str, typer.Option(help="Who decided.")] = os.environ.get("USER", "someone"),
    home: HomeOption = None,
) -> None:
    """Say which question a file or sheet answers.

    Kept for every authority that sends one named the same; the next `foi extract` reads those
    requests again."""
    from flows.steps.session import workspace_db
    from warehouse.data_returns import set_sheet_question
    from warehouse.sql import transaction

    with workspace_db(home) as (_, con), transaction(con):
        set_sheet_question(con, campaign, grid, question, author)
    console.print(Text(f"{grid} answers {question}; `foi extract {campaign}` reads again every "
                       "request that sent a file so named"))




@tables_app.command("mappings")
def tables_mappings(
    campaign: CampaignArgument,
    out: Annotated[typer.FileTextWrite, typer.Option(
        "--out", help="Where to write the CSV (label,code): '-' for standard output.")],
    question: Annotated[str | None, typer.Option(help="Only this table question (key).")] = None,
    home: HomeOption = None,
) -> None:
    """Write the campaign's label mappings as an aliases file for the next campaign.

    Put the file beside the next campaign's file and name it in its `categories.aliases`: the
    labels decided here are then matched there without a person."""
    from flows.steps.session import workspace_db
    from flows.steps.tables import mappings_as_aliases
    from reports.spreadsheet import csv_text

    with workspace_db(home) as (_, con):
        found = mappings_as_aliases(con, campaign, question)
    out.write(csv_text(["label", "code"], found))
    warn(f"{len(found)} mapping(s) of {campaign} written", style="dim")
