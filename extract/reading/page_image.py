"""A PDF page drawn as a JPEG for a person to check an answer against, the passage outlined.

Drawing a page is where a hostile PDF costs most (a page half a point wide drawn 900 pixels
across is gigabytes of pixels; a form drawing a form ten times, nine deep, is a billion
rectangles), so this runs only inside the reader worker (extract/reading/worker.py, mode "page"),
under the reading's memory and time caps: callers use extract.reading.isolation.draw_page_isolated.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Box = tuple[float, float, float, float]   # x0, top, x1, bottom as shares of the page's size

WIDTH = 900             # pixels across a drawn page
MIN_SIDE_PT = 36        # half an inch: a page narrower than this is not a page to read
MAX_ASPECT = 10         # a page ten times taller than wide (or wider than tall) is a strip
MAX_PIXELS = 10_000_000


class PageRefused(ValueError):
    """A page that is not drawn, and why."""


@dataclass(frozen=True)
class PageImage:
    """A drawn page (JPEG bytes), or why it could not be drawn."""

    jpeg: bytes | None
    error: str | None = None


def refusal(width_pt: float, height_pt: float, width_px: int = WIDTH) -> str | None:
    """Why a page of this size (in points) is not drawn `width_px` across; None if it can be."""
    if not (width_pt >= MIN_SIDE_PT and height_pt >= MIN_SIDE_PT):   # also NaN
        return (f"the page is {width_pt:g} × {height_pt:g} points: too small to be drawn "
                f"(each side at least {MIN_SIDE_PT} points)")
    if max(width_pt / height_pt, height_pt / width_pt) > MAX_ASPECT:
        return (f"the page is {width_pt:g} × {height_pt:g} points: a strip, not a page "
                f"(at most {MAX_ASPECT} times as long as wide)")
    if width_px * width_px * height_pt / width_pt > MAX_PIXELS:
        return f"the page would be more than {MAX_PIXELS:,} pixels drawn {width_px} wide"
    return None


def draw_page(path: Path, number: int, passage: str = "", width: int = WIDTH) -> bytes:
    """Page `number` (1 is the first) of a PDF as JPEG bytes, the passage's lines outlined;
    PageRefused says why not (no such page, a page too odd to draw, a PDF that will not open)."""
    import pypdfium2
    from PIL import ImageDraw

    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        raise PageRefused(f"the PDF could not be opened ({exc})") from exc
    try:
        if not 1 <= number <= len(pdf):
            raise PageRefused(f"the PDF has no page {number} (it has {len(pdf)})")
        page = pdf[number - 1]
        page_width, page_height = page.get_size()
        why = refusal(page_width, page_height, width)
        if why:
            raise PageRefused(why)
        boxes = _passage_boxes(page, passage) if passage.strip() else []
        image = page.render(scale=width / page_width).to_pil().convert("RGB")
    finally:
        pdf.close()
    if boxes:
        draw = ImageDraw.Draw(image)
        w, h = image.size
        for x0, top, x1, bottom in boxes:
            draw.rectangle((x0 * w - 3, top * h - 3, x1 * w + 3, bottom * h + 3),
                           outline=(214, 40, 40), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)   # a tenth of PNG's encoding time
    return out.getvalue()


def passage_boxes(path: Path, number: int, passage: str) -> list[Box]:
    """Where the passage's words are on page `number` of a PDF, one box per line they fill."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= number <= len(pdf):
            return []
        return _passage_boxes(pdf[number - 1], passage)
    finally:
        pdf.close()


def _token(word: str) -> str:
    return word.lower().strip(".,;:()[]\"'’“”")


def _passage_boxes(page: object, passage: str) -> list[Box]:
    wanted = [t for t in (_token(w) for w in passage.rstrip("…").split()) if t]
    if not wanted:
        return []
    width, height = page.get_size()   # type: ignore[attr-defined]
    textpage = page.get_textpage()   # type: ignore[attr-defined]
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():   # offsets would not be character indices
        return []
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    blocks = [b for b in difflib.SequenceMatcher(
        None, [_token(text[a:e]) for a, e in spans], wanted, autojunk=False
    ).get_matching_blocks() if b.size >= min(2, len(wanted))]
    if not blocks:
        return []
    # the passage is one run of text: blocks far from its longest match are chance echoes
    anchor = max(blocks, key=lambda b: b.size)
    start = anchor.a - anchor.b
    rects: list[tuple[float, float, float, float]] = []
    for b in blocks:
        if start - 5 <= b.a - b.b <= start + 5 + len(wanted) // 4:
            first, last = spans[b.a][0], spans[b.a + b.size - 1][1]
            count = textpage.count_rects(first, last - first)
            rects += [textpage.get_rect(i) for i in range(count)]
    return _lines(rects, width, height)


def _lines(rects: Sequence[tuple[float, float, float, float]], width: float, height: float
           ) -> list[Box]:
    """PDF rectangles (left, bottom, right, top; origin at the foot) merged per line, as shares
    of the page from its top-left corner."""
    boxes: list[list[float]] = []
    for left, bottom, right, top in sorted(rects, key=lambda r: (-round(r[3]), r[0])):
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        last = boxes[-1] if boxes else None
        if last and abs(last[1] - y0) < 0.6 * max(y1 - y0, 1.0):
            last[0], last[2] = min(last[0], x0), max(last[2], x1)
            last[1], last[3] = min(last[1], y0), max(last[3], y1)
        else:
            boxes.append([x0, y0, x1, y1])
    return [(b[0] / width, b[1] / height, b[2] / width, b[3] / height) for b in boxes]
