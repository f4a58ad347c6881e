"""Cells safe to open in a spreadsheet: what an authority wrote is shown, never evaluated.

A cell starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe (the
OWASP advice against CSV formula injection); line breaks inside a cell become " / ", so a
CSV line is a spreadsheet row and line numbers mean the same in both.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def neutralise(text: str) -> str:
    """A cell a spreadsheet shows as text and never evaluates."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The text neutralise() was given."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def cell(value: Any) -> Any:
    """One value as a safe CSV cell: numbers as they are, lists joined, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return neutralise(_LINE_BREAKS.sub(" / ", str(value)))


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
             lineterminator: str = "\n") -> str:
    """CSV text with a header, every cell made safe by cell(): the one way foitrack writes CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([cell(c) for c in columns])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()
