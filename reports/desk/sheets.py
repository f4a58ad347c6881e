"""Spreadsheet pages as the reader stored them (a sheet's cells joined by tabs), shown as tables."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

_SHEET_RE = re.compile(r"^\[Sheet: (.*)\]$")
_MAX_ROWS = 400   # a page beyond this shows its first rows and says how many more
_MAX_COLUMNS = 256   # as many as the reader keeps of a sheet (extract.reading.document_text)


@dataclass(frozen=True)
class SheetView:
    """One stored page of a spreadsheet or CSV, as rows of cells."""

    name: str | None
    rows: list[list[str]]
    columns: int
    hidden_rows: int


def sheet_name(text: str) -> str | None:
    """The sheet a stored page holds ("[Sheet: CPA]" on its first line), if it says."""
    first = text.split("\n", 1)[0].strip()
    m = _SHEET_RE.match(first)
    return m.group(1) if m else None


def as_table(text: str) -> SheetView | None:
    """The page as a table when its lines are tab-separated cells; None for running text.
    Only the rows and columns shown are split out (a stored page can be 2 M characters)."""
    name = sheet_name(text)
    body = text.split("\n", 1)[1] if name is not None and "\n" in text else (
        "" if name is not None else text)
    lines = tabbed = hidden = 0
    rows: list[list[str]] = []
    for line in io.StringIO(body):   # splits at "\n" only, as the reader joined the rows
        line = line.removesuffix("\n")
        lines += 1
        tabbed += "\t" in line
        if not line.strip():
            continue
        if len(rows) < _MAX_ROWS:
            rows.append(line.split("\t", _MAX_COLUMNS)[:_MAX_COLUMNS])
        else:
            hidden += 1
    if tabbed < max(2, lines // 3):
        return None
    columns = max((len(r) for r in rows), default=0)
    return SheetView(name, [r + [""] * (columns - len(r)) for r in rows], columns, hidden)
