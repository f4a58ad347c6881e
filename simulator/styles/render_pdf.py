"""Render letters as text PDFs with reportlab, noting the page each anchored block lands on."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from simulator.styles.layout import Block, Bullets, Grid, LetterDoc, Para

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 22 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
Decorate = Callable[[Canvas, int, int], None]


class Anchor(Flowable):
    """An invisible mark that records the page it is drawn on."""

    def __init__(self, name: str, pages: dict[str, int]):
        super().__init__()
        self.name, self.pages = name, pages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.setdefault(self.name, self.canv.getPageNumber())


def styles(font: str = "Helvetica", size: float = 10.5) -> dict[str, ParagraphStyle]:
    """The paragraph styles of one document."""
    normal = ParagraphStyle("normal", fontName=font, fontSize=size, leading=size * 1.3,
                            spaceAfter=size * 0.6)
    bold_font = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}[font]
    italic_font = {"Helvetica": "Helvetica-Oblique", "Times-Roman": "Times-Italic"}[font]
    both_font = {"Helvetica": "Helvetica-BoldOblique", "Times-Roman": "Times-BoldItalic"}[font]
    return {
        "normal": normal,
        "bold": ParagraphStyle("bold", parent=normal, fontName=bold_font),
        "italic": ParagraphStyle("italic", parent=normal, fontName=italic_font),
        "bolditalic": ParagraphStyle("bolditalic", parent=normal, fontName=both_font),
        "heading": ParagraphStyle("heading", parent=normal, fontName=bold_font,
                                  fontSize=size + 1.5, leading=(size + 1.5) * 1.3,
                                  spaceBefore=size * 0.6),
        "small": ParagraphStyle("small", parent=normal, fontSize=size - 2,
                                leading=(size - 2) * 1.3),
        "quote": ParagraphStyle("quote", parent=normal, fontName=italic_font, leftIndent=8 * mm),
        "right": ParagraphStyle("right", parent=normal, alignment=TA_RIGHT, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=normal, fontSize=size - 1,
                               leading=(size - 1) * 1.25, spaceAfter=0),
        "bullet": ParagraphStyle("bullet", parent=normal, leftIndent=8 * mm, bulletIndent=3 * mm,
                                 spaceAfter=size * 0.2),
    }


def markup(text: str) -> str:
    """Escape text for a reportlab Paragraph, keeping line breaks."""
    return escape(text).replace("\n", "<br/>")


def block_flowables(block: Block, style: dict[str, ParagraphStyle],
                    pages: dict[str, int]) -> list[Flowable]:
    """The flowables of one block, kept on one page with its anchor when it has one."""
    flow: list[Flowable]
    if isinstance(block, Para):
        flow = [Paragraph(markup(block.text), style[block.style])]
    elif isinstance(block, Bullets):
        flow = [Paragraph(markup(item), style["bullet"], bulletText="•") for item in block.items]
    else:
        flow = [grid_table(block, style), Spacer(1, 3 * mm)]
    if block.anchor:
        return [KeepTogether([Anchor(block.anchor, pages), *flow])]
    return flow


def grid_table(grid: Grid, style: dict[str, ParagraphStyle]) -> Table:
    """A ruled table with wrapped cells and a grey header row."""
    ncols = len(grid.rows[0])
    fractions = grid.widths or tuple(1 / ncols for _ in range(ncols))
    header_style = ParagraphStyle("headcell", parent=style["cell"], fontName="Helvetica-Bold")
    data = [[Paragraph(markup(text), header_style if grid.header and r == 0 else style["cell"])
             for text in row] for r, row in enumerate(grid.rows)]
    table = Table(data, colWidths=[TEXT_WIDTH * f for f in fractions],
                  repeatRows=1 if grid.header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if grid.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9e2f3")))
    table.setStyle(TableStyle(commands))
    return table


def _canvas_maker(decorate: Decorate) -> type[Canvas]:
    """A canvas that draws running headers and footers once it knows the page count."""

    class _Canvas(Canvas):
        def __init__(self, *args: object, **kwargs: object):
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._saved: list[dict] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                decorate(self, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _Canvas


def build(flow: Sequence[Flowable], *, title: str, author: str, decorate: Decorate,
          top: float = 20 * mm, bottom: float = 24 * mm) -> bytes:
    """Lay out flowables on A4 pages; the bytes depend only on the content."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, title=title, author=author,
                            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top,
                            bottomMargin=bottom)
    doc.build(list(flow), canvasmaker=_canvas_maker(decorate))
    return out.getvalue()


def render_letter_pdf(doc: LetterDoc, font: str = "Helvetica") -> tuple[bytes, dict[str, int]]:
    """A covering letter as a PDF, and the page of each anchor."""
    style = styles(font)
    pages: dict[str, int] = {}
    flow: list[Flowable] = []
    if doc.head_layout == "columns":
        left = [Paragraph(markup(line), style["cell"]) for line in doc.meta]
        right = [Paragraph(markup(line), style["cell"]) for line in doc.letterhead]
        head = Table([[left, right]], colWidths=[TEXT_WIDTH * 0.55, TEXT_WIDTH * 0.45])
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        flow += [head, Spacer(1, 8 * mm)]
    else:
        flow += [Paragraph(markup(line), style["right"]) for line in doc.letterhead]
        flow.append(Spacer(1, 8 * mm))
        flow += [Paragraph(markup(line), style["cell"]) for line in doc.meta]
        flow.append(Spacer(1, 6 * mm))
    for block in doc.blocks:
        flow += block_flowables(block, style, pages)

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        y = 14 * mm
        for line in reversed(doc.footer):
            canvas.drawCentredString(PAGE_WIDTH / 2, y, line)
            y += 9
        if doc.page_numbers:
            canvas.setFont(font, 8.5)
            canvas.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, f"Page {page} of {total}")
        canvas.restoreState()

    return build(flow, title=doc.title, author=doc.author, decorate=decorate), pages
