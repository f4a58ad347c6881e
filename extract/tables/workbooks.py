"""Workbooks to grids: XLSX read by calamine (Rust, streaming), XLS by xlrd.

calamine builds a dense grid from the top-left to the furthest cell it finds, and aborts the
process when that does not fit in memory: a stray cell at XFD1048576 would. So the furthest
cell reference of each sheet is found first, by scanning the sheet's XML as it inflates; a
workbook reaching beyond the caps is streamed by openpyxl's read-only reader up to them,
and the rows and columns left are named.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import date, datetime, time, timedelta

from extract.tables.grids import MAX_COLUMNS, CutShort, Grid, Value, column_letter

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


_DENSE_CELLS = 5_000_000   # calamine holds a sheet as rows x columns cells of 32 bytes


_SCANNED_XML = 64 << 20   # a sheet's XML larger than this is streamed, not scanned first


def _extents(data: bytes) -> list[tuple[int, int]]:
    """(furthest row, furthest column) of every sheet of an XLSX; a sheet whose XML is too
    large to scan quickly counts as past the caps (it is streamed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [i for i in book.infolist()
                  if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        return [sheet_extent(book, i.filename) if i.file_size <= _SCANNED_XML else
                (1 << 31, 1 << 31) for i in sheets]


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
    """One grid per sheet, merged ranges spread over their cells; a workbook reaching past
    the caps streamed up to them, saying what was left (CutShort)."""
    extents = _extents(data)
    if any(c > MAX_COLUMNS or r * c > _DENSE_CELLS for r, c in extents):
        return _streamed_grids(data, filename, max_rows, extents)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows: list[list[Value]] = [
            [_plain(v) for v in row[:MAX_COLUMNS]]
            for row in sheet.to_python(skip_empty_area=False, nrows=max_rows)]
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
    return _cut(grids, extents, max_rows)


def _cut(grids: list[Grid], extents: list[tuple[int, int]], max_rows: int) -> list[Grid]:
    """The grids, as CutShort naming the rows and columns past the caps, if any."""
    left = []
    for (r, c), grid in zip(extents, grids, strict=False):
        if r > max_rows:
            last = f" to {r}" if r < 1 << 31 else " on"
            left.append(f"sheet {grid.sheet!r}: rows {max_rows + 1}{last} not read (the "
                        f"{max_rows:,}-row cap)")
        if MAX_COLUMNS < c < 1 << 31:
            left.append(f"sheet {grid.sheet!r}: columns after {MAX_COLUMNS} not read")
    return CutShort(grids, "; ".join(left)) if left else grids


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




def _streamed_grids(data: bytes, filename: str, max_rows: int,
                    extents: list[tuple[int, int]]) -> list[Grid]:
    """openpyxl's read-only reader, row by row up to the caps, trailing blanks dropped
    (merged ranges are not known in this mode)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids = []
    try:
        for sheet in book.worksheets:
            rows: list[list[Value]] = []
            # (iter_rows' max_row still parses the sheet to its end: stop consuming instead)
            for row in itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        max_rows):
                values = list(row)
                while values and values[-1] is None:
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            grids.append(Grid(filename, "xlsx", rows, sheet=sheet.title))
    finally:
        book.close()
    return _cut(grids, extents, max_rows)
