"""How commands print rows for a person (rich tables, never markup) or a script (CSV, JSON)."""

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from flows.cli.base import Failure, console, err


def status_text(r: dict[str, Any]) -> str:
    """The status, and why for a failed one (a bounce: the server's own words)."""
    status = r["status"].replace("_", " ")
    return f"{status}: {r['error'][:200]}" if r.get("error") else status


CLOCK_STYLE = {"very overdue": "bold red", "overdue": "red", "clock stopped": "yellow",
               "on time": "green", "closed": "dim"}


_CONTROL = dict.fromkeys(range(32), " ")


def print_status_table(data: list[dict[str, Any]], title: str) -> None:
    """The status list as a reporter reads it: one line a request, late ones in red."""
    headers = ["Reference", "Authority", "Status", "Sent", "Due", "Days late", "Next action"]
    cells = [[r["reference"], r["authority_name"], status_text(r), r["sent_on"], r["due_on"],
              r["working_days_late"], r["next_action"]] for r in data]
    print_aligned(title, headers, cells, [CLOCK_STYLE.get(r["clock"], "") for r in data],
                  give_way=(1, 2, 6))


def print_aligned(title: str | None, headers: list[str], cells: list[list[Any]],
                  styles: list[str] | None = None, give_way: tuple[int, ...] = ()) -> None:
    """Rows as aligned lines under a bold header, numbers right-aligned.

    Not a rich Table: measuring every cell of 200 requests took 0.75 s, this 0.05 s. On a
    terminal too narrow the widest column of `give_way` (else of all) loses a character at a
    time and cut cells end in "…"; piped, nothing is cut."""
    numeric = [bool(cells) and all(isinstance(row[i], int | float | Decimal) or row[i] is None
                                   for row in cells) for i in range(len(headers))]
    text = [["" if v is None else str(v).translate(_CONTROL) for v in row] for row in cells]
    widths = [max([cell_len(h), *(cell_len(row[i]) for row in text)])
              for i, h in enumerate(headers)]
    spare = console.width - sum(widths) - 2 * (len(widths) - 1) if console.is_terminal else 0
    shrinkable = give_way or tuple(range(len(headers)))
    while spare < 0:
        column = max(shrinkable, key=lambda i: widths[i] - cell_len(headers[i]))
        if widths[column] <= max(cell_len(headers[column]), 4):
            break
        widths[column] -= 1
        spare += 1
    out = Text(no_wrap=True)
    if title:
        out.append(f"{title}\n", style="bold")
    out.append(_line(headers, widths, [False] * len(headers)) + "\n", style="bold")
    for n, row in enumerate(text):
        out.append(_line(row, widths, numeric) + "\n", style=styles[n] if styles else "")
    console.print(out, end="", soft_wrap=True)


def _line(values: list[str], widths: list[int], right: list[bool]) -> str:
    """One row, each cell cut to its column's width."""
    cells = []
    for value, width, is_number in zip(values, widths, right, strict=True):
        if cell_len(value) > width:
            value = set_cell_size(value, width - 1) + "…"
        pad = " " * (width - cell_len(value))
        cells.append(pad + value if is_number else value + pad)
    return "  ".join(cells).rstrip()


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
        sys.stdout.write(json.dumps(data, default=json_default, indent=2) + "\n")
    elif fmt == "csv":
        from reports.spreadsheet import csv_text  # authorities' words never become formulas

        if data:
            sys.stdout.write(csv_text(list(data[0]), (row.values() for row in data)))
    elif fmt == "table":
        # Text, never markup: "[bold]" or "[link=…]" in a reply is shown as written.
        print_aligned(title, [str(c) for c in data[0]] if data else ["(no rows)"],
                      [list(row.values()) for row in data])
    else:
        raise Failure(f"--format {fmt!r}: use table, csv or json")


def json_default(value: object) -> object:
    """Dates as ISO text, decimals as numbers, anything else as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


