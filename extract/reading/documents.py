"""Read one document (an attachment or a message body) into text, page by page.

`read_document` never raises: whatever the bytes, it says what it read or why it could not.
It trusts nothing about them, so callers run it in a worker process with a memory cap and a
time limit (extract/reading/isolation.py); the caps on size live in
extract/reading/document_text.py.
"""

from __future__ import annotations

import csv
import io
import itertools
import shutil
import subprocess
import tempfile
import time
import zipfile

from extract.reading.containers import Budget, read_container
from extract.reading.document_text import (
    MAX_DOCUMENT_CHARS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    OUT_OF_MEMORY,
    DocumentText,
    capped,
    decode_text,
    failed,
)
from extract.reading.kinds import KINDS, detect_kind
from extract.reading.markup import html_to_text
from extract.reading.ocr import MAX_OCR_PIXELS, OcrError, ocr_image, tesseract_available
from extract.reading.pdf import read_pdf

__all__ = ["KINDS", "OUT_OF_MEMORY", "DocumentText", "decode_text", "detect_kind",
           "html_to_text", "read_document"]
_DOC_TIMEOUT_S = 120


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
    # Empty rows count too: a sheet can declare a million of them.
    for seen, row in enumerate(rows, start=1):  # type: ignore[arg-type]
        cells = [_cell_text(v) for v in itertools.islice(row, MAX_SHEET_COLUMNS)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append("\t".join(cells))
            count += 1
        if count >= MAX_SHEET_ROWS or seen >= 4 * MAX_SHEET_ROWS:
            lines.append(f"[… rows after {seen} not read]")
            break
    return "\n".join(lines)


def _read_xlsx(data: bytes, max_pages: int) -> DocumentText:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        pages = []
        for sheet in workbook.worksheets[:max_pages]:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the declared size may be XFD1048576: ignore it
            pages.append(_sheet_page(sheet.title, sheet.iter_rows(values_only=True)))
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
                [_xls_value(c, book.datemode) for c in sheet.row_slice(r, 0, MAX_SHEET_COLUMNS)]
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
    text = decode_text(data[: 2 * MAX_DOCUMENT_CHARS])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    lines = [
        "\t".join(c.strip() for c in row[:MAX_SHEET_COLUMNS])
        for _, row in zip(range(MAX_SHEET_ROWS), rows, strict=False)
    ]
    return DocumentText("csv", "ok", ("\n".join(line for line in lines if line.strip()),))


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
            timeout=_DOC_TIMEOUT_S,
            check=False,
        )
    if done.returncode != 0:
        reason = decode_text(done.stderr).strip() or f"exit code {done.returncode}"
        return DocumentText("doc", "error", (), f"antiword could not read the .doc: {reason}")
    return DocumentText("doc", "ok", (decode_text(done.stdout),))


def _read_image(data: bytes, max_pages: int, deadline: float | None) -> DocumentText:
    """OCR every frame of a PNG, JPEG, GIF or (multi-page) TIFF."""
    from PIL import Image, ImageSequence

    if not tesseract_available():
        return DocumentText("image", "needs_ocr", (), "image: OCR needed (tesseract is not "
                                                     "installed)")
    Image.MAX_IMAGE_PIXELS = None  # checked below, before any pixel is decoded
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > 4 * MAX_OCR_PIXELS:
            return failed("image", f"image of {image.width}x{image.height} pixels is too large "
                                   "to OCR (a decompression bomb?)")
        pages: list[str] = []
        notes: list[str] = []
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= max_pages or (deadline is not None and time.monotonic() > deadline):
                notes.append(f"OCR'd the first {index} frames")
                break
            try:
                pages.append(ocr_image(frame.convert("L")))
            except OcrError as exc:
                pages.append("")
                notes.append(f"frame {index + 1}: {exc}")
    if pages and not any(pages) and len(notes) >= len(pages):
        return failed("image", "; ".join(notes))  # OCR failed on every frame
    return DocumentText("image", "ok", tuple(pages), "; ".join(notes) or None,
                        tuple(True for _ in pages))


def read_document(
    data: bytes, filename: str = "", media_type: str | None = None, *, max_pages: int = 500,
    deadline: float | None = None, budget: Budget | None = None,
) -> DocumentText:
    """Read a document into text per page; never raises, reports why instead.

    `deadline` (time.monotonic()) is when slow work (OCR) should stop and say so;
    `budget` is what a container's parts may still unpack (internal).
    """
    kind = "unknown"
    budget = budget or Budget(max_pages)
    try:
        kind = detect_kind(filename, media_type, data)
        if not data:
            return failed(kind, "the document is empty (0 bytes)")
        return capped(_read_kind(kind, data, filename, min(max_pages, budget.pages), deadline,
                                 budget))
    except MemoryError:
        return failed(kind, OUT_OF_MEMORY)
    except RecursionError:
        return failed(kind, f"{kind} is nested too deeply to read")
    except Exception as exc:  # one bad file must never stop a run
        return failed(kind, _mislabelled(filename, kind) + _reason(kind, exc))


def _mislabelled(filename: str, kind: str) -> str:
    """'not a PDF: ' when the name says one kind and the bytes another."""
    named = detect_kind(filename, None, b"")
    if named in ("unknown", "text", kind):
        return ""
    return f"not a {named.upper()} as named, the bytes are {kind}: "


def _read_kind(kind: str, data: bytes, filename: str, max_pages: int, deadline: float | None,
               budget: Budget) -> DocumentText:
    if kind == "pdf":
        return read_pdf(data, max_pages, deadline)
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
        return DocumentText("text", "ok", (decode_text(data[: 2 * MAX_DOCUMENT_CHARS]),))
    if kind == "doc":
        return _read_doc(data)
    if kind == "image":
        return _read_image(data, max_pages, deadline)
    if kind in ("zip", "msg", "tnef"):
        def read_part(part: bytes, name: str, media: str | None, inner: Budget) -> DocumentText:
            return read_document(part, name, media, max_pages=inner.pages, deadline=deadline,
                                 budget=inner)

        return read_container(kind, data, filename, read_part, budget)
    return DocumentText("unknown", "unsupported", (),
                        f"unrecognised document type ({filename or 'no name'})")


def _reason(kind: str, exc: Exception) -> str:
    """A clear reason for an error a reader raised."""
    if kind in ("zip", "msg", "tnef") and isinstance(exc, ValueError):
        return str(exc)
    if kind in ("docx", "xlsx") and isinstance(
            exc, zipfile.BadZipFile | KeyError | NotImplementedError | zipfile.LargeZipFile):
        return f"{kind} file is corrupt or truncated ({type(exc).__name__}: {exc})"
    if type(exc).__name__ == "UnidentifiedImageError":
        return "image is corrupt or of a format that cannot be read"
    return f"{kind} could not be read ({type(exc).__name__}: {exc})"
