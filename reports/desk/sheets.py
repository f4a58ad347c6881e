"""Spreadsheet pages as the reader stored them (a sheet's cells joined by tabs), shown as tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SHEET_RE = re.compile(r"^\[Sheet: (.*)\]$")
_MAX_ROWS = 400   # a page beyond this shows its first rows and says how many more


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
    """The page as a table when its lines are tab-separated cells; None for running text."""
    lines = text.split("\n")
    name = sheet_name(text)
    if name is not None:
        lines = lines[1:]
    tabbed = sum(1 for line in lines if "\t" in line)
    if tabbed < max(2, len(lines) // 3):
        return None
    rows = [line.split("\t") for line in lines if line.strip()]
    shown = rows[:_MAX_ROWS]
    columns = max((len(r) for r in shown), default=0)
    return SheetView(name, [r + [""] * (columns - len(r)) for r in shown], columns,
                     len(rows) - len(shown))
