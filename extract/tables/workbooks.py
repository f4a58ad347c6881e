"""Workbooks to grids: XLSX read by calamine (Rust, streaming), XLS by xlrd.

calamine builds a dense grid from the top-left to the furthest cell it finds, and aborts the
process when that does not fit in memory: a stray cell at XFD1048576 would. So the furthest
cell reference of each sheet is found first, by scanning the sheet's XML as it inflates; a
workbook reaching beyond the caps is read by openpyxl from the cells it holds, capped.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta

from extract.tables.grids import MAX_COLUMNS, Grid, Value, column_letter

__all__ = ["column_letter", "xls_grids", "xlsx_grids"]

_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def sheet_extent(book: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(furthest row, furthest column) a sheet's XML names, read as it inflates."""
    rows = cols = 0
    tail = b""
    with book.open(member) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            for m in _CELL_REF.finditer(text):
                rows = max(rows, int(m.group(2)))
                cols = max(cols, _column_number(m.group(1)))
            for m in _ROW_REF.finditer(text):
                rows = max(rows, int(m.group(1)))
            tail = text[-200:]
    return rows, cols


def _within_caps(data: bytes, max_rows: int) -> bool:
    """Whether every sheet of an XLSX ends within the row and column caps."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [n for n in book.namelist()
                  if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return all(r <= max_rows and c <= MAX_COLUMNS
                   for r, c in (sheet_extent(book, n) for n in sheets))


def _plain(value: object) -> Value:
    """A calamine value as openpyxl gives it: whole numbers as int, times as text."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if value == "":
        return None
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value  # type: ignore[return-value]


def xlsx_grids(data: bytes, filename: str, max_rows: int) -> list[Grid]:
    """One grid per sheet, merged ranges spread over their cells."""
    if not _within_caps(data, max_rows):
        return _openpyxl_grids(data, filename, max_rows)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows: list[list[Value]] = [[_plain(v) for v in row[:MAX_COLUMNS]]
                                   for row in sheet.to_python(skip_empty_area=False)[:max_rows]]
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
            top = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            for r in range(r0, min(r1 + 1, len(rows))):
                end = min(c1 + 1, MAX_COLUMNS)
                rows[r] += [None] * (end - len(rows[r]))
                for c in range(c0, end):
                    rows[r][c] = top
        while rows and not any(v is not None for v in rows[-1]):
            rows.pop()
        grids.append(Grid(filename, "xlsx", rows, sheet=name))
    return grids


def _openpyxl_grids(data: bytes, filename: str, max_rows: int) -> list[Grid]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    grids = []
    for sheet in book.worksheets:
        # only the cells the file holds: iter_rows would make a cell object for every empty
        # one up to a stray cell far out (XFD1048576: 100 s and GBs); capped both ways
        held = sheet._cells  # (row, column) -> cell
        height = min(max((r for r, _ in held), default=0), max_rows)
        width = min(max((c for _, c in held), default=0), MAX_COLUMNS)
        rows: list[list[Value]] = [[None] * width for _ in range(height)]
        for (r, c), cell in held.items():
            if r <= height and c <= width:
                rows[r - 1][c - 1] = cell.value
        # a merged cell holds its value in the top-left cell only: spread it over the range
        for merged in sheet.merged_cells.ranges:
            top = rows[merged.min_row - 1][merged.min_col - 1] \
                if merged.min_row <= height and merged.min_col <= width else None
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = top
        grids.append(Grid(filename, "xlsx", rows, sheet=sheet.title))
    return grids


def xls_grids(data: bytes, filename: str, max_rows: int) -> list[Grid]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=False)
    grids = []
    for sheet in book.sheets():
        rows: list[list[Value]] = []
        for r in range(min(sheet.nrows, max_rows)):
            row: list[Value] = []
            for cell in sheet.row(r)[:MAX_COLUMNS]:
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        grids.append(Grid(filename, "xls", rows, sheet=sheet.name))
    return grids


