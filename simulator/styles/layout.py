"""A reply document before it has a file format: paragraphs, lists and ruled tables."""

from __future__ import annotations

from dataclasses import dataclass

# Paragraph styles every renderer knows.
STYLES = ("normal", "bold", "italic", "bolditalic", "heading", "small", "quote")


@dataclass(frozen=True)
class Para:
    """A paragraph; `anchor` names it so a label can say on which page it landed."""

    text: str
    style: str = "normal"
    anchor: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of short lines."""

    items: tuple[str, ...]
    anchor: str = ""


@dataclass(frozen=True)
class Grid:
    """A ruled table; the first row is the header when `header` is true."""

    rows: tuple[tuple[str, ...], ...]
    header: bool = True
    anchor: str = ""
    widths: tuple[float, ...] = ()  # fractions of the text width, one per column


Block = Para | Bullets | Grid


@dataclass(frozen=True)
class LetterDoc:
    """A covering letter (or any letter-like attachment) with its furniture."""

    filename: str
    author: str
    letterhead: tuple[str, ...]
    meta: tuple[str, ...]
    blocks: tuple[Block, ...]
    footer: tuple[str, ...] = ()
    page_numbers: bool = False
    # "right": address block flush right; "columns": ref/date left beside the address.
    head_layout: str = "right"
    title: str = "Freedom of Information response"


def block_text(block: Block) -> str:
    """The plain text of a block, as a reader of the file would see it."""
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(block.items)
    return "\n".join(" ".join(row) for row in block.rows)


def plain_lines(doc: LetterDoc) -> list[str]:
    """The letter as text paragraphs, in reading order (used to draw scans and bodies)."""
    lines = [*doc.letterhead, "", *doc.meta, ""]
    for block in doc.blocks:
        if isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items]
        elif isinstance(block, Grid):
            lines += [" | ".join(row) for row in block.rows]
        else:
            lines.append(block.text)
        lines.append("")
    return lines
