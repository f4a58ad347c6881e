"""Read one document (an attachment or a message body) into text, page by page."""

from __future__ import annotations

import csv
import io
import itertools
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("pdf", "docx", "xlsx", "xls", "csv", "html", "text", "doc", "unknown")
MAX_SHEET_ROWS = 5000

_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".csv": "csv",
    ".htm": "html",
    ".html": "html",
    ".txt": "text",
    ".text": "text",
    ".eml": "text",
    ".doc": "doc",
}
_MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/msword": "doc",
    "text/csv": "csv",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
OUT_OF_MEMORY = "ran out of memory while reading the document"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class DocumentText:
    """The text of one document, or why there is none."""

    kind: str
    status: str  # 'ok' | 'needs_ocr' | 'unsupported' | 'error'
    pages: tuple[str, ...]
    error: str | None = None

    @property
    def text(self) -> str:
        """All pages joined with a blank line."""
        return "\n\n".join(self.pages)


def _zip_kind(head: bytes) -> str | None:
    """Tell a Word document from a workbook by the parts inside the zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def _ole_kind(head: bytes) -> str | None:
    """Tell a Word 97 file from an Excel 97 file by its OLE stream names."""
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return None


def _sniff_magic(head: bytes) -> str | None:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(head)
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:200]:
        return "html"
    return None


def detect_kind(filename: str, media_type: str | None, head: bytes) -> str:
    """Kind of a document: magic bytes first, then extension, then media type."""
    magic = _sniff_magic(head)
    if magic is not None:
        return magic
    by_ext = _EXTENSIONS.get(os.path.splitext(filename.lower())[1])
    if by_ext is not None:
        return by_ext
    by_media = _MEDIA_TYPES.get((media_type or "").split(";")[0].strip().lower())
    if by_media is not None:
        return by_media
    if head and _looks_like_text(head[:4096]):
        return "text"
    return "unknown"


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    printable = sum(1 for b in sample if b >= 32 or b in (9, 10, 13))
    return printable / max(len(sample), 1) > 0.95


def decode_text(data: bytes) -> str:
    """Decode a text body: UTF-8 (with or without BOM), then cp1252, then latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _pdfminer_reason(exc: BaseException) -> str:
    """A clear reason for a pdfminer error (pdfplumber wraps them; args[0] is the original)."""
    from pdfplumber.utils.exceptions import PdfminerException

    original: object = exc
    if isinstance(exc, PdfminerException) and exc.args:
        original = exc.args[0]
    if isinstance(original, MemoryError):
        return OUT_OF_MEMORY
    name = type(original).__name__
    if name == "PDFPasswordIncorrect" or "password" in str(original).lower():
        return "PDF is encrypted with a password"
    if name in ("PSEOF", "PDFNoValidXRef") or "EOF" in str(original):
        return f"PDF is truncated or corrupt ({name}: {original})"
    if name in ("PDFSyntaxError", "PSSyntaxError", "PDFTypeError"):
        return f"PDF is corrupt ({name}: {original})"
    if name == "PDFEncryptionError" or "encrypt" in str(original).lower():
        return f"PDF uses unsupported encryption ({original})"
    return f"PDF could not be read ({name}: {original})"


def _table_row_line(row: Sequence[str | None]) -> str:
    """One table row as 'cell | cell', each cell's wrapped lines joined."""
    cells: list[str] = []
    for cell in row:
        value = " ".join((cell or "").split())
        if value and not (cells and cells[-1] == value):  # a merged cell repeats
            cells.append(value)
    return " | ".join(cells)


def _inside_box(box: tuple[float, float, float, float]) -> Any:
    """A pdfplumber filter keeping the objects whose centre is in the box."""
    x0, top, x1, bottom = box

    def inside(obj: dict[str, Any]) -> bool:
        if not all(k in obj for k in ("x0", "x1", "top", "bottom")):
            return False
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return x0 <= x <= x1 and top <= y <= bottom

    return inside


def _outside_boxes(boxes: Sequence[tuple[float, float, float, float]]) -> Any:
    """A pdfplumber filter keeping the objects whose centre is in none of the boxes."""

    def outside(obj: dict[str, Any]) -> bool:
        if not all(k in obj for k in ("x0", "x1", "top", "bottom")):
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    return outside


def _lines_of_words(words: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines by their top, in reading order."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _cell_wraps(page: Any, cell: tuple[float, float, float, float]) -> bool:
    """Whether every line of a cell but the last ends because the next word would not fit."""
    lines = _lines_of_words(page.filter(_inside_box(cell)).extract_words())
    for line, following in itertools.pairwise(lines):
        room = cell[2] - max(w["x1"] for w in line)
        next_word = following[0]["x1"] - following[0]["x0"]
        if room > next_word + 12:  # short line: a row of its own, not a wrapped paragraph
            return False
    return True


def _is_qa_table(page: Any, table: Any) -> bool:
    """A ruled grid of 2-4 columns, one record per row, that holds all the text inside it."""
    cells = [c for row in table.rows for c in row.cells if c is not None]
    widths = [sum(c is not None for c in row.cells) for row in table.rows]
    if len(table.rows) < 2 or not 2 <= max(widths) <= 4:
        return False  # wider grids are data sheets: leave them as extract_text lays them out
    in_no_cell = _outside_boxes(cells)
    if any(in_no_cell(c) for c in page.filter(_inside_box(table.bbox)).chars):
        return False  # text in the grid but in no cell would be lost
    # without a rule between records, one cell holds several records: keep them as lines
    return all(_cell_wraps(page, c) for c in cells)


def _pdf_page_text(page: Any) -> str:
    """A PDF page's text, with each ruled Q/A table read row by row as 'cell | cell' lines."""
    # extract_text reads a table line by line across its columns: a question and its answer
    # that wrap in neighbouring cells come out interleaved.
    if not (page.rects or page.lines):  # no ruling, no table: the cheap path
        return page.extract_text() or ""
    tables = [t for t in page.find_tables() if _is_qa_table(page, t)]
    if not tables:
        return page.extract_text() or ""
    outside = _outside_boxes([t.bbox for t in tables])
    lines: list[tuple[float, int, str]] = [
        (line["top"], 0, line["text"]) for line in page.filter(outside).extract_text_lines()
    ]
    for table in tables:
        for index, row in enumerate(table.extract()):
            text = _table_row_line(row)
            if text:
                lines.append((table.bbox[1], index + 1, text))
    lines.sort(key=lambda item: (item[0], item[1]))
    return "\n".join(text for _top, _index, text in lines)


def _read_pdf(data: bytes, max_pages: int) -> DocumentText:
    import pdfplumber

    if data[:1024].find(b"%PDF-") == -1:
        return DocumentText("pdf", "error", (), "not a PDF: the file has no %PDF- header")

    pages: list[str] = []
    image_only = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        total = len(pdf.pages)
        for page in pdf.pages[:max_pages]:
            try:
                text = _pdf_page_text(page)
                if len(text.strip()) < 5 and page.images:
                    image_only += 1
                pages.append(text)
            finally:
                page.close()  # without this pdfplumber keeps every page's objects cached
    read = len(pages)
    no_text = sum(1 for p in pages if len(p.strip()) < 5)
    if read and ((image_only and no_text * 2 > read) or no_text == read):
        plural = "page" if no_text == 1 else "pages"
        reason = f"image-only PDF: {no_text} {plural} without a text layer, OCR needed"
        if no_text < read:
            reason = f"image-only PDF: {no_text} of {read} pages without a text layer, OCR needed"
        return DocumentText("pdf", "needs_ocr", tuple(pages), reason)
    note = f"read the first {read} of {total} pages" if total > read else None
    return DocumentText("pdf", "ok", tuple(pages), note)


def _docx_table_lines(table: object) -> list[str]:
    lines: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(cell.text.split())
            if cells and cells[-1] == value:  # a merged cell repeats across the grid
                continue
            cells.append(value)
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def _read_docx(data: bytes) -> DocumentText:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
        else:
            lines.append(block.text)
    return DocumentText("docx", "ok", ("\n".join(lines).strip(),))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return " ".join(str(value).split())


def _sheet_page(title: str, rows: object) -> str:
    lines = [f"[Sheet: {title}]"]
    count = 0
    for row in rows:  # type: ignore[attr-defined]
        cells = [_cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        lines.append("\t".join(cells))
        count += 1
        if count >= MAX_SHEET_ROWS:
            lines.append(f"[… rows after {MAX_SHEET_ROWS} not read]")
            break
    return "\n".join(lines)


def _read_xlsx(data: bytes, max_pages: int) -> DocumentText:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        pages = [
            _sheet_page(ws.title, ws.iter_rows(values_only=True))
            for ws in workbook.worksheets[:max_pages]
        ]
    finally:
        workbook.close()
    return DocumentText("xlsx", "ok", tuple(pages))


def _read_xls(data: bytes, max_pages: int) -> DocumentText:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    try:
        pages = []
        for index in range(min(book.nsheets, max_pages)):
            sheet = book.sheet_by_index(index)
            rows = (
                [_xls_value(cell, book.datemode) for cell in sheet.row(r)]
                for r in range(sheet.nrows)
            )
            pages.append(_sheet_page(sheet.name, rows))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return DocumentText("xls", "ok", tuple(pages))


def _xls_value(cell: object, datemode: int) -> object:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:  # type: ignore[attr-defined]
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)  # type: ignore[attr-defined]
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value  # type: ignore[attr-defined]
    return cell.value  # type: ignore[attr-defined]


def _read_csv(data: bytes) -> DocumentText:
    text = decode_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    lines = [
        "\t".join(c.strip() for c in row)
        for _, row in zip(range(MAX_SHEET_ROWS), rows, strict=False)
    ]
    return DocumentText("csv", "ok", ("\n".join(line for line in lines if line.strip()),))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body, one block per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for hidden in soup(["script", "style", "head", "title", "noscript"]):
        hidden.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def _read_doc(data: bytes) -> DocumentText:
    antiword = shutil.which("antiword")
    if antiword is None:
        return DocumentText(
            "doc", "unsupported", (), "legacy Word .doc needs antiword (not installed)"
        )
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(
            [antiword, "-w", "0", handle.name],
            capture_output=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        reason = decode_text(done.stderr).strip() or f"exit code {done.returncode}"
        return DocumentText("doc", "error", (), f"antiword could not read the .doc: {reason}")
    return DocumentText("doc", "ok", (decode_text(done.stdout),))


def read_document(
    data: bytes, filename: str = "", media_type: str | None = None, *, max_pages: int = 500
) -> DocumentText:
    """Read a document into text per page; never raises, reports why instead."""
    kind = "unknown"
    try:
        kind = detect_kind(filename, media_type, data)
        if not data:
            return DocumentText(kind, "error", (), "the document is empty (0 bytes)")
        if kind == "pdf":
            return _read_pdf(data, max_pages)
        if kind == "docx":
            return _read_docx(data)
        if kind == "xlsx":
            return _read_xlsx(data, max_pages)
        if kind == "xls":
            return _read_xls(data, max_pages)
        if kind == "csv":
            return _read_csv(data)
        if kind == "html":
            return DocumentText("html", "ok", (html_to_text(decode_text(data)),))
        if kind == "text":
            return DocumentText("text", "ok", (decode_text(data),))
        if kind == "doc":
            return _read_doc(data)
        return DocumentText(
            "unknown", "unsupported", (), f"unrecognised document type ({filename or 'no name'})"
        )
    except MemoryError:
        return DocumentText(kind, "error", (), OUT_OF_MEMORY)
    except Exception as exc:  # one bad file must never stop a run
        if kind == "pdf":
            return DocumentText(kind, "error", (), _pdfminer_reason(exc))
        if kind in ("docx", "xlsx") and isinstance(exc, zipfile.BadZipFile | KeyError):
            reason = f"{kind} file is corrupt or truncated ({exc})"
            return DocumentText(kind, "error", (), reason)
        reason = f"{kind} could not be read ({type(exc).__name__}: {exc})"
        return DocumentText(kind, "error", (), reason)
