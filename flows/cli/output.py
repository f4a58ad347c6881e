"""How commands print rows for a person (rich tables, never markup) or a script (CSV, JSON)."""

import csv
import io
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.table import Table
from rich.text import Text

from flows.cli.base import Failure, console, err


def status_text(r: dict[str, Any]) -> str:
    """The status, and why for a failed one (a bounce: the server's own words)."""
    status = r["status"].replace("_", " ")
    return f"{status}: {r['error'][:200]}" if r.get("error") else status


CLOCK_STYLE = {"very overdue": "bold red", "overdue": "red", "clock stopped": "yellow",
               "on time": "green", "closed": "dim"}


STATUS_COLUMNS = (("reference", "Reference"), ("authority_name", "Authority"),
                  ("status", "Status"), ("sent_on", "Sent"), ("due_on", "Due"),
                  ("working_days_late", "Days late"), ("next_action", "Next action"))
_CONTROL = dict.fromkeys(range(32), " ")


def print_status_table(data: list[dict[str, Any]], title: str) -> None:
    """The status list as a reporter reads it: one line a request, late ones in red.

    Aligned lines, not a rich Table: measuring every cell of 200 requests took 0.75 s."""
    cells = [[str(r["reference"]), r["authority_name"] or "", status_text(r),
              str(r["sent_on"] or ""), str(r["due_on"] or ""),
              "" if r["working_days_late"] is None else str(r["working_days_late"]),
              r["next_action"] or ""] for r in data]
    cells = [[value.translate(_CONTROL) for value in row] for row in cells]
    headers = [header for _, header in STATUS_COLUMNS]
    widths = [max([cell_len(h), *(cell_len(row[i]) for row in cells)])
              for i, h in enumerate(headers)]
    # On a narrow terminal the widest of the name, status and next action gives way, a
    # character at a time; piped, nothing is cut.
    spare = console.width - sum(widths) - 2 * (len(widths) - 1) if console.is_terminal else 0
    while spare < 0:
        column = max((1, 2, 6), key=lambda i: widths[i] - len(headers[i]))
        if widths[column] <= len(headers[column]):
            break
        widths[column] -= 1
        spare += 1
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"{title}\n", style="bold")
    out.append(_line(headers, widths) + "\n", style="bold")
    for r, row in zip(data, cells, strict=True):
        out.append(_line(row, widths) + "\n", style=CLOCK_STYLE.get(r["clock"], ""))
    console.print(out, end="", soft_wrap=True)


def _line(values: list[str], widths: list[int]) -> str:
    """One row, each cell cut to its column's width, the days late right-aligned."""
    cut = [set_cell_size(v, w) if cell_len(v) <= w else set_cell_size(v, w - 1) + "…"
           for v, w in zip(values, widths, strict=True)]
    cut[5] = " " * (widths[5] - cell_len(values[5])) + values[5] if cell_len(values[5]) <= \
        widths[5] else cut[5]
    return "  ".join(cut).rstrip()


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


def json_default(value: object) -> object:
    """Dates as ISO text, decimals as numbers, anything else as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


