"""Render letters as Word documents with python-docx, byte for byte reproducible."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from simulator.styles.layout import Bullets, Grid, LetterDoc, Para

_ZIP_TIME = (2023, 1, 1, 0, 0, 0)
_DOC_TIME = datetime(2023, 1, 1, tzinfo=UTC)


def render_letter_docx(doc: LetterDoc) -> bytes:
    """A covering letter as a .docx file."""
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    props = document.core_properties
    props.author = props.last_modified_by = doc.author
    props.title = doc.title
    props.created = props.modified = _DOC_TIME
    props.revision = 1
    if doc.head_layout == "columns":
        head = document.add_table(rows=1, cols=2)
        head.cell(0, 0).text = "\n".join(doc.meta)
        head.cell(0, 1).text = "\n".join(doc.letterhead)
    else:
        for line in doc.letterhead:
            document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for line in doc.meta:
            document.add_paragraph(line)
    for block in doc.blocks:
        if isinstance(block, Para):
            _styled(document.add_paragraph(), block.text, block.style)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Grid):
            _grid(document, block)
    footer = document.sections[0].footer
    first = footer.paragraphs[0]
    for n, line in enumerate(doc.footer):
        paragraph = first if n == 0 else footer.add_paragraph()
        paragraph.text = line
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.page_numbers:
        _page_field(footer.add_paragraph())
    out = io.BytesIO()
    document.save(out)
    return fixed_zip_times(out.getvalue())


def _styled(paragraph: Paragraph, text: str, style: str) -> None:
    """Add text to a paragraph as one run in the block's style."""
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    run.bold = style in ("bold", "bolditalic", "heading")
    run.italic = style in ("italic", "bolditalic", "quote")
    if style == "heading":
        run.font.size = Pt(12)
    elif style == "small":
        run.font.size = Pt(9)


def _grid(document: Document, grid: Grid) -> None:
    """A ruled table, its header row bold."""
    table = document.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
    table.style = "Table Grid"
    for r, (row, texts) in enumerate(zip(table.rows, grid.rows, strict=True)):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
            if grid.header and r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _page_field(paragraph: Paragraph) -> None:
    """'Page N' with N a PAGE field whose cached value is 1."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with constant member timestamps, keeping member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()
