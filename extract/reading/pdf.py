"""Reading a PDF page by page: PDFium for the text layer, pdfplumber for ruled Q/A tables,
Tesseract for pages that are only a picture.

Each page is triaged with PDFium first (fast: ~500 pages/s): a page with a text layer and no
ruling is read by PDFium alone; a page whose ruling could hold a question/answer grid goes
to pdfplumber, whose page objects cost ~0.1 s a page but let a ruled table be read row by
row; a page without a text layer is rendered and OCR'd.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extract.reading.document_text import OUT_OF_MEMORY, DocumentText
from extract.reading.ocr import OcrError, ocr_image, pdf_render_scale, tesseract_available

# A page ruled more densely than this is a data grid, not a Q/A table (2-4 columns, maybe a
# few tables a page): pdfplumber's table finder would take seconds (20 s seen) to say so.
_MAX_RULES = 1500
_MAX_COLUMN_RULES = 24  # distinct x positions of vertical rules
_MAX_PATH_SEGMENTS = 20_000  # per page, walked to find rules inside one complex path
_MIN_TEXT = 5  # characters: fewer means the page has no text layer worth the name


@dataclass(frozen=True)
class PageTriage:
    """What PDFium sees on one page before anything expensive is done."""

    text: str
    images: int
    horizontal_rules: int
    vertical_rules: int
    objects: int
    columns: int = 0  # distinct x positions of the vertical rules

    @property
    def has_text(self) -> bool:
        """Whether the page has a text layer."""
        return len(self.text.strip()) >= _MIN_TEXT

    @property
    def ruled(self) -> bool:
        """Whether its ruling could form a grid of two rows or more: worth pdfplumber."""
        rules = self.horizontal_rules + self.vertical_rules
        return (self.horizontal_rules >= 3 and self.vertical_rules >= 2 and rules <= _MAX_RULES
                and self.columns <= _MAX_COLUMN_RULES)


def _pdfium_text(textpage: Any) -> str:
    """A text page's text with plain line ends and no trailing blanks."""
    text = textpage.get_text_range(errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _path_rules(obj: Any, budget: list[int], columns: set[int]) -> tuple[int, int]:
    """The horizontal and vertical rules one path object draws; notes the vertical ones' x."""
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = obj.get_bounds()
    width, height = right - left, top - bottom
    if height <= 3 and width >= 5:
        return 1, 0
    if width <= 3 and height >= 5:
        columns.add(round(left))
        return 0, 1
    if width < 5 or height < 5:
        return 0, 0
    segments = pdfium_c.FPDFPath_CountSegments(obj.raw)
    if segments <= 5:  # a rectangle: four edges
        columns.update((round(left), round(right)))
        return 2, 2
    if segments > budget[0]:
        return 0, 0  # vector art too big to walk: not ruling
    budget[0] -= segments
    horizontal = vertical = 0
    x = pdfium_c.FS_FLOAT()
    y = pdfium_c.FS_FLOAT()
    previous: tuple[float, float] | None = None
    for index in range(segments):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            dx, dy = abs(point[0] - previous[0]), abs(point[1] - previous[1])
            if dy <= 1 and dx >= 5:
                horizontal += 1
            elif dx <= 1 and dy >= 5:
                vertical += 1
                columns.add(round(point[0]))
        previous = point
    return horizontal, vertical


def triage_page(page: Any) -> PageTriage:
    """Text layer, images and ruling of one PDFium page."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        text = _pdfium_text(textpage)
    finally:
        textpage.close()
    images = objects = horizontal = vertical = 0
    budget = [_MAX_PATH_SEGMENTS]
    columns: set[int] = set()
    for obj in page.get_objects():
        objects += 1
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and horizontal + vertical <= _MAX_RULES:
            h, v = _path_rules(obj, budget, columns)
            horizontal += h
            vertical += v
    return PageTriage(text, images, horizontal, vertical, objects, len(columns))


# --- ruled question/answer tables (pdfplumber) ----------------------------------------------


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


def plumber_page_text(page: Any) -> str:
    """A pdfplumber page's text, with each ruled Q/A table read row by row as 'cell | cell'."""
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


class _Plumber:
    """pdfplumber on the same bytes, opened only when a page needs it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None
        self.failed = False

    def page_text(self, index: int) -> str | None:
        """The page read by pdfplumber, or None when pdfplumber cannot read it."""
        if self.failed:
            return None
        try:
            if self.pdf is None:
                import io

                import pdfplumber

                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            page = self.pdf.pages[index]
            try:
                return plumber_page_text(page)
            finally:
                page.close()  # without this pdfplumber keeps every page's objects cached
        except MemoryError:
            raise
        except Exception:  # PDFium read the page; pdfminer stumbles: keep PDFium's text
            self.failed = True
            return None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


# --- the document -----------------------------------------------------------------------------


def pdfium_reason(exc: BaseException) -> str:
    """A clear reason for a PDFium error."""
    message = str(exc)
    if "password" in message.lower():
        return "PDF is encrypted with a password"
    if "Data format error" in message or "File not in PDF format" in message:
        return f"PDF is truncated or corrupt ({message})"
    if "security" in message.lower():
        return f"PDF uses unsupported encryption ({message})"
    return f"PDF could not be read ({type(exc).__name__}: {message})"


def _ocr_page(page: Any) -> str:
    scale = pdf_render_scale(*page.get_size())
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        return ocr_image(bitmap.to_pil())
    finally:
        bitmap.close()


def read_pdf(data: bytes, max_pages: int, deadline: float | None = None) -> DocumentText:
    """Read a PDF's pages; OCR only the pages without a text layer."""
    import pypdfium2 as pdfium

    if data[:1024].find(b"%PDF-") == -1:
        return DocumentText("pdf", "error", (), "not a PDF: the file has no %PDF- header")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return DocumentText("pdf", "error", (), pdfium_reason(exc))
    plumber = _Plumber(data)
    can_ocr = tesseract_available()
    pages: list[str] = []
    ocr: list[bool] = []
    notes: list[str] = []
    unread: list[int] = []  # pages without a text layer left unread (no OCR, or no time)
    try:
        total = len(document)
        for index in range(min(total, max_pages)):
            page = document[index]
            try:
                seen = triage_page(page)
                text, by_ocr = seen.text, False
                if not seen.has_text and seen.objects:
                    late = deadline is not None and time.monotonic() > deadline
                    if can_ocr and not late:
                        try:
                            text, by_ocr = _ocr_page(page), True
                        except OcrError as exc:
                            notes.append(f"page {index + 1}: {exc}")
                    else:
                        unread.append(index + 1)
                elif seen.ruled:
                    text = plumber.page_text(index) or text
            finally:
                page.close()
            pages.append(text)
            ocr.append(by_ocr)
    except MemoryError:
        return DocumentText("pdf", "error", (), OUT_OF_MEMORY)
    finally:
        plumber.close()
        document.close()
    return _verdict(pages, ocr, notes, unread, total, can_ocr)


def _verdict(pages: list[str], ocr: list[bool], notes: list[str], unread: list[int],
             total: int, can_ocr: bool) -> DocumentText:
    read = len(pages)
    flags = tuple(ocr) if any(ocr) else ()
    if read and unread and not can_ocr and len(unread) * 2 > read:
        which = (f"{len(unread)} of {read} pages" if len(unread) < read
                 else f"{read} {'page' if read == 1 else 'pages'}")
        reason = f"image-only PDF: {which} without a text layer, OCR needed"
        return DocumentText("pdf", "needs_ocr", tuple(pages), reason, flags)
    if unread:
        what = "tesseract is not installed" if not can_ocr else "the time limit was near"
        notes.append(f"pages {_ranges(unread)} have no text layer and were not OCR'd ({what})")
    if flags:
        notes.insert(0, f"pages {_ranges([i + 1 for i, f in enumerate(ocr) if f])} read by OCR")
    if total > read:
        notes.insert(0, f"read the first {read} of {total} pages")
    return DocumentText("pdf", "ok", tuple(pages), "; ".join(notes) or None, flags)


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 7 as '1-3, 7'."""
    spans: list[str] = []
    for _, group in itertools.groupby(enumerate(numbers), lambda item: item[1] - item[0]):
        run = [n for _, n in group]
        spans.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(spans)
