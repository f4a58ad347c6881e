"""Which files hold tables, and loading each into grids: sheets, a CSV, a PDF's tables."""

from __future__ import annotations

from pathlib import PurePath

from extract.tables.grids import Grid, UnreadableTable, csv_rows
from extract.tables.pdf_tables import pdf_grids
from extract.tables.word_tables import doc_grids, docx_grids
from extract.tables.workbooks import xls_grids, xlsx_grids

TABLE_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".csv": "csv", ".txt": "csv",
               ".tsv": "csv", ".pdf": "pdf"}


def table_kind(filename: str, data: bytes = b"") -> str | None:
    """The table kind of a file by its content, else its name; None if it holds no table."""
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        if suffix == ".docx":
            return "docx"
        return "xlsx" if suffix in (".xlsx", ".xlsm", "") else None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return {".xls": "xls", "": "xls", ".doc": "doc"}.get(suffix)
    if data.startswith(b"%PDF"):
        return "pdf"
    return TABLE_KINDS.get(PurePath(filename).suffix.lower())


def load_grids(data: bytes, filename: str, *, max_rows: int = 20000, max_pages: int = 500,
               deadline: float | None = None) -> list[Grid]:
    """Every grid of a file: one per sheet, one for a CSV, one per table of a PDF page (a
    PDF's pages up to the `deadline`, see pdf_tables.PagesLeft)."""
    kind = table_kind(filename, data)
    try:
        if kind == "xlsx":
            return xlsx_grids(data, filename, max_rows)
        if kind == "xls":
            return xls_grids(data, filename, max_rows)
        if kind == "csv":
            return [Grid(filename, "csv", csv_rows(data)[:max_rows])]
        if kind == "pdf":
            return pdf_grids(data, filename, max_pages, deadline)
        if kind == "docx":
            return docx_grids(data, filename)
        if kind == "doc":
            return doc_grids(data, filename)
    except UnreadableTable:
        raise
    except Exception as exc:  # each library raises its own kinds: say which file and why
        raise UnreadableTable(f"{filename}: {type(exc).__name__}: {exc}") from exc
    raise UnreadableTable(f"{filename}: not a spreadsheet, CSV or PDF")
