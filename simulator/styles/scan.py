"""Print a letter, scan it crooked: an image-only PDF with no text layer, needing OCR."""

from __future__ import annotations

import io
import random
import textwrap
import time
from importlib import resources

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from simulator.styles.layout import Block, Bullets, Grid, LetterDoc, Para

_SCANNED = time.gmtime(1672531200)  # 2023-01-01: a fixed date keeps the bytes reproducible
_SIZE = (1240, 1754)  # A4 at 150 dpi
_MARGIN_X, _MARGIN_Y = 130, 120
_LINE = 31
_WIDTH_CHARS = 80
_PER_PAGE = (_SIZE[1] - 2 * _MARGIN_Y) // _LINE


def _font(bold: bool) -> ImageFont.FreeTypeFont:
    """Bitstream Vera, shipped with reportlab, so the scan looks the same on every machine."""
    name = "VeraBd.ttf" if bold else "Vera.ttf"
    path = resources.files("reportlab").joinpath("fonts", name)
    return ImageFont.truetype(str(path), 21)


def _wrap(text: str) -> list[str]:
    """A paragraph as printed lines."""
    lines: list[str] = []
    for part in text.split("\n"):
        lines += textwrap.wrap(part, _WIDTH_CHARS, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines


def _block_lines(block: Block) -> list[str]:
    """A block's printed lines."""
    if isinstance(block, Para):
        return _wrap(block.text)
    if isinstance(block, Bullets):
        return [line for item in block.items for line in _wrap(f"- {item}")]
    if isinstance(block, Grid):
        return [line for row in block.rows for line in _wrap(" | ".join(row))]
    return []


def paginate(doc: LetterDoc) -> tuple[list[list[tuple[str, bool, bool]]], dict[str, int]]:
    """Lines per page as (text, bold, right-aligned), and the page of each anchored block."""
    pages: list[list[tuple[str, bool, bool]]] = [[]]
    anchors: dict[str, int] = {}

    def add(lines: list[str], bold: bool = False, right: bool = False, keep: bool = False,
            anchor: str = "", gap: bool = True) -> None:
        if keep and len(pages[-1]) + len(lines) > _PER_PAGE:
            pages.append([])
        if anchor:
            anchors.setdefault(anchor, len(pages))
        for line in lines:
            if len(pages[-1]) >= _PER_PAGE:
                pages.append([])
            pages[-1].append((line, bold, right))
        if gap and pages[-1] and len(pages[-1]) < _PER_PAGE:
            pages[-1].append(("", False, False))

    for n, line in enumerate(doc.letterhead, start=1):
        add([line], bold=n == 1, right=True, gap=n == len(doc.letterhead))
    add(list(doc.meta))
    for block in doc.blocks:
        bold = isinstance(block, Para) and block.style in ("bold", "bolditalic", "heading")
        add(_block_lines(block), bold=bold, keep=bool(block.anchor), anchor=block.anchor)
    return pages, anchors


def render_scan(doc: LetterDoc, rng: random.Random) -> tuple[bytes, dict[str, int],
                                                                 tuple[str, ...]]:
    """The image-only PDF, the page of each anchor, and the text drawn on each page."""
    pages, anchors = paginate(doc)
    images = [_page_image(lines, rng) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150,
                   quality=55, title=doc.filename, author=doc.author, creationDate=_SCANNED,
                   modDate=_SCANNED, producer="KONICA MINOLTA bizhub C300i")
    texts = tuple("\n".join(text for text, _, _ in lines) for lines in pages)
    return out.getvalue(), anchors, texts


def _page_image(lines: list[tuple[str, bool, bool]], rng: random.Random) -> Image.Image:
    """One printed page, scanned: grey paper, a slight tilt, speckles and blur."""
    paper = rng.randint(232, 248)
    image = Image.new("L", _SIZE, paper)
    draw = ImageDraw.Draw(image)
    regular, bold = _font(False), _font(True)
    ink = rng.randint(20, 60)
    y = _MARGIN_Y + rng.randint(-12, 12)
    for text, is_bold, right in lines:
        font = bold if is_bold else regular
        x = _SIZE[0] - _MARGIN_X - draw.textlength(text, font=font) if right else _MARGIN_X
        draw.text((x, y), text, fill=ink, font=font)
        y += _LINE
    for _ in range(rng.randint(300, 900)):
        px, py = rng.randrange(_SIZE[0]), rng.randrange(_SIZE[1])
        draw.point((px, py), fill=rng.randint(60, 160))
    angle = rng.uniform(0.3, 1.4) * rng.choice([-1, 1])
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=paper)
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
