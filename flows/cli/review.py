"""Review: the answers the reader was unsure of, read in the terminal, in a spreadsheet or in
the review desk, and a person's corrections."""

import os
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.base import CampaignArgument, Failure, HomeOption, console, warn
from flows.cli.output import print_review_blocks, print_rows, print_table_problems
from foi.corrections import ANSWER_STATUSES  # light: the statuses are the option's help


def review(
    campaign: CampaignArgument,
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
    host: Annotated[str, typer.Option(help="With --serve: address to listen on (the desk "
                                           "answers to this name and the loopback names only);"
                                           " off loopback every request needs a token "
                                           "($FOI_DESK_TOKEN of 32 characters or more, or one "
                                           "printed once).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="With --serve: port.")] = 8765,
    order: Annotated[str, typer.Option(help="With --serve: the queue's order, confidence "
                                            "(least sure first) or question (similar answers "
                                            "together); the page can switch.")] = "confidence",
) -> None:
    """List the answers the reader was unsure of.

    Why, and the words and page they came from. Correct one with `foi override`, many in a
    spreadsheet (--export, --import), or one by one in the review desk (--serve)."""
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
    from flows.steps.review import export_review
    from flows.steps.session import workspace_db
    from warehouse.campaigns import load_campaign
    from warehouse.sql import rows

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
    from flows.steps.review import ReviewSheetRejected, import_review
    from flows.steps.session import workspace_db

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
                warn(f"{file}: line {line}: {reason}", "red")
            warn(f"nothing applied: fix the {len(exc.problems)} lines above and "
                      "import the sheet again", "red")
            raise typer.Exit(2) from exc
    console.print(f"{done.corrected} corrections recorded, {done.checked} answers checked, "
                  f"{done.already_done} already recorded, {done.undecided} rows with only a "
                  "note", highlight=False)


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
    """Correct an extracted answer.

    The correction always wins in v_answers, the sentences and the page."""
    if not reason:
        raise Failure("say why with --reason (e.g. 'letter p2 says yes'): it is kept with it")
    from flows.steps.review import correct_answer
    from flows.steps.session import workspace_db
    from warehouse.publication import question_key

    with workspace_db(home) as (_, con):
        question = question_key(con, reference.upper(), question)
        fixed = correct_answer(con, reference=reference.upper(), question_key=question,
                               status=status, value=value, sections=sections, reason=reason,
                               author=author or os.environ.get("USER", ""))
    console.print(f"{reference.upper()} {question}: {fixed.status} {fixed.value or ''}".rstrip(),
                  highlight=False)


