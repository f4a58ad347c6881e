"""Files to grids of raw cell values, each cell with an address a person can find again."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

Value = str | int | float | date | datetime | None


@dataclass
class Grid:
    """One sheet, CSV file or PDF table as rows of raw values."""

    filename: str
    kind: str                      # xlsx, xls, csv, pdf, docx, doc
    rows: list[list[Value]]
    sheet: str = ""                # sheet name; empty for CSV and PDF
    page: int = 0                  # PDF page (1-based)
    table: int = 0                 # PDF table on the page (1-based, top to bottom)
    title: str = ""                # text printed above a PDF table
    header_rows: int = 0           # rows taken from an earlier table (a table continued)
    continues: Grid | None = field(default=None, repr=False)

    def address(self, row: int, col: int) -> str:
        """Where a cell is, as a person would write it (0-based row and column in)."""
        if self.kind in ("xlsx", "xls"):
            return f"{column_letter(col + 1)}{row + 1}"
        if self.kind == "csv":
            return f"row {row + 1} col {column_letter(col + 1)}"
        if self.kind in ("docx", "doc"):
            return f"table {self.table} row {row + 1} col {col + 1}"
        return f"page {self.page} table {self.table} row {row + 1 - self.header_rows} col {col + 1}"

    def cell(self, row: int, col: int) -> Value:
        """The value at (row, col), None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None


def column_letter(number: int) -> str:
    """A spreadsheet's name for its column `number` (1-based): A, Z, AA, XFD."""
    # openpyxl's get_column_letter, without loading openpyxl (and numpy) where no sheet is read
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


MAX_COLUMNS = 512   # ten years of months across, three times over, is 360


class UnreadableTable(ValueError):
    """A file that is not a table we can read, with why."""


class CutShort(list):
    """The grids of a file read up to a limit (time, pages, rows), and what was left."""

    def __init__(self, grids: list[Grid], detail: str) -> None:
        super().__init__(grids)
        self.detail = detail


def decode_text(data: bytes) -> str:
    """CSV bytes as text: a BOM says the encoding, else UTF-8, else the best guess."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                          (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in ("utf-8", "cp1252"):  # cp1252: what Excel on a UK PC saves
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return data.decode(best.encoding, errors="replace")
    return data.decode("cp1252", errors="replace")


_DELIMITERS = ",;\t|"


def _delimiter(text: str) -> str:
    """The delimiter that splits most lines into the same number of fields (more than one)."""
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()]
    best, best_score = ",", -1.0
    for d in _DELIMITERS:
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        score = multi.count(common) + 0.01 * common
        if score > best_score:
            best, best_score = d, score
    return best


def csv_rows(data: bytes) -> list[list[Value]]:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return [[v if v.strip() else None for v in row] for row in reader]


_SPACES = re.compile(r"\s+")


def as_text(value: Value) -> str:
    """A cell's text, trimmed of spaces and no-break spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value).replace("\xa0", " ")).strip()


def grid_names(grids: Sequence[Grid]) -> list[str]:
    """Each grid named for a person: file, sheet or PDF page and table."""
    return [f"{g.filename}#{g.sheet}" if g.sheet else
            (f"{g.filename} p{g.page} t{g.table}" if g.kind == "pdf" else g.filename)
            for g in grids]

