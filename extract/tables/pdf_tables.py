"""Tables printed in PDFs as grids: ruled tables by pdfplumber, unruled ones from the words.

An unruled table is found from its header line (two or more months); each line below it is
a label followed by figures, each figure put in the column whose header it sits under. A
table running on from the page before has no header of its own: it takes the earlier one,
and its rows are counted from the top of its page.
"""

from __future__ import annotations

import io
import re

from extract.tables.cells import is_figure, parse_span, period_cells
from extract.tables.grids import CutShort, Grid, Value


class PagesLeft(CutShort):
    """The grids of the pages read before a limit, and which pages were left."""

    def __init__(self, grids: list[Grid], first: int, last: int, why: str) -> None:
        super().__init__(grids, f"pages {first} to {last} not read: {why} came first")


def pdf_grids(data: bytes, filename: str, max_pages: int, deadline: float | None = None
              ) -> list[Grid]:
    """Every table of every page (at most `max_pages`), top to bottom; at the `deadline`
    (time.monotonic()) the pages read so far, as PagesLeft saying which were not."""
    import time

    import pdfplumber

    grids: list[Grid] = []
    last: Grid | None = None
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages[:max_pages]
        for number, page in enumerate(pages, start=1):
            if deadline is not None and time.monotonic() > deadline:
                return PagesLeft(grids, number, len(pages), "the time limit")
            try:
                found = _ruled(page, filename, number, last) or \
                    _unruled(page, filename, number, last)
            finally:
                page.close()
            grids += found
            if found:
                last = found[-1]
        if len(pdf.pages) > max_pages:
            return PagesLeft(grids, max_pages + 1, len(pdf.pages), f"the {max_pages}-page limit")
    return grids


def _ruled(page, filename: str, number: int, last: Grid | None) -> list[Grid]:
    tables = page.find_tables()
    grids = []
    top = 0.0
    for t, table in enumerate(sorted(tables, key=lambda x: x.bbox[1]), start=1):
        rows: list[list[Value]] = [[c if c and c.strip() else None for c in r]
                                   for r in table.extract()]
        if not rows or max(len(r) for r in rows) < 2:
            continue
        title = "" if table.bbox[1] <= top else \
            (page.crop((0, top, page.width, table.bbox[1])).extract_text() or "").strip()
        top = table.bbox[3]
        grids.append(_with_header(Grid(filename, "pdf", rows, page=number, table=t,
                                       title=title), last))
        last = grids[-1]
    return grids


def _names(row: list[Value]) -> bool:
    """A header of column names: every cell a text, none a figure or a period."""
    return bool(row) and all(v is not None and not is_figure(v) and not parse_span(v)
                             for v in row)


def _with_header(grid: Grid, last: Grid | None) -> Grid:
    """A table with no header of its own, after one with as many columns, continues it."""
    if last is None or not last.rows:
        return grid
    if _names(last.rows[0]) and not _names(grid.rows[0]) and \
            len(last.rows[0]) == len(grid.rows[0]) and not period_cells(last.rows[0]):
        return _continuing(grid, last, last.rows[0])  # a listing's column names ('No.', …)
    if period_cells(grid.rows[0]):
        return grid
    header = next((r for r in last.rows if period_cells(r)), None)
    if header is None:
        return grid
    if len(header) != len(grid.rows[0]):
        realigned = _realigned(grid.rows, last, len(header))
        if realigned is None:
            return grid
        grid.rows = realigned
    return _continuing(grid, last, header)


def _continuing(grid: Grid, last: Grid, header: list[Value]) -> Grid:
    """The grid as the continuation of `last`: its header on top, its title, its link."""
    grid.rows.insert(0, list(header))
    grid.header_rows = 1
    grid.continues = last
    grid.title = last.title
    return grid


def _realigned(rows: list[list[Value]], last: Grid, width: int) -> list[list[Value]] | None:
    """A continued table's rows in the columns of the table it continues, when pdfplumber cut
    its columns differently: each row's label, then its figures in the figure columns of the
    earlier table, in order; None unless every row has exactly that many figures."""
    columns = sorted({c for r in last.rows[1:] for c, v in enumerate(r) if c and is_figure(v)})
    out: list[list[Value]] = []
    for row in rows:
        figures = [v for v in row[1:] if is_figure(v)]
        label = " ".join(str(v) for v in row if v is not None and not is_figure(v))
        if len(figures) != len(columns) or not label:
            return None
        new: list[Value] = [label] + [None] * (width - 1)
        for c, v in zip(columns, figures, strict=True):
            new[c] = v
        out.append(new)
    return out


_FIGURE_WORD = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?$|^[<*]|^[-–—]$")


def _lines(page) -> list[list[dict]]:
    words = sorted(page.extract_words(keep_blank_chars=False), key=lambda w: (w["top"], w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) < 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _period_words(line: list[dict]) -> list[dict]:
    """A line's words with the parts of one period joined ('2018' '04', 'Jan' '2018', 'Q1'
    '2018/19' each one word), so a header is seen whatever spaces a PDF prints in it."""
    out: list[dict] = []
    for w in line:
        if out and w["x0"] - out[-1]["x1"] < 2.5 * (w["x1"] - w["x0"]) / max(len(w["text"]), 1):
            alone, joined = parse_span(out[-1]["text"]), \
                parse_span(f"{out[-1]['text']} {w['text']}")
            if joined and (alone is None or (alone.span == "year" and joined.span != "year")):
                out[-1] = {**out[-1], "text": f"{out[-1]['text']} {w['text']}", "x1": w["x1"]}
                continue
        out.append(w)
    return out


def _header_columns(line: list[dict]) -> list[tuple[str, float, float]] | None:
    """(text, x0, x1) of a header line's columns after its label, if it names 2+ periods
    (months, or coarser spans one after another)."""
    line = _period_words(line)
    found = period_cells([w["text"] for w in line])
    months = sorted(i for i, p in found.items() if not isinstance(p, int))
    if len(months) < 2 or len(months) != months[-1] - months[0] + 1:
        return None   # periods side by side, not a sentence ('1st January 2018 to ...')
    columns = [("", line[0]["x0"], line[months[0] - 1]["x1"] if months[0] else line[0]["x1"])]
    for i, w in enumerate(line[months[0]:], start=months[0]):
        if i in found or not columns[1:] or (len(columns) - 1 and parse_span(columns[-1][0])):
            columns.append((w["text"], w["x0"], w["x1"]))
        else:  # 'Grand' 'Total': one column
            text, x0, _ = columns[-1]
            columns[-1] = (f"{text} {w['text']}", x0, w["x1"])
    label = " ".join(w["text"] for w in line[:months[0]])
    columns[0] = (label, columns[0][1], columns[0][2])
    return columns


def _unruled(page, filename: str, number: int, last: Grid | None) -> list[Grid]:
    grids: list[Grid] = []
    columns = None
    if last is not None and last.rows:
        columns = getattr(last, "_columns", None)
    rows: list[list[Value]] = []
    title = ""
    pending_title: list[str] = []
    continued = columns is not None

    def close() -> None:
        nonlocal rows, continued
        if rows and columns:
            grid = Grid(filename, "pdf", rows, page=number, table=len(grids) + 1, title=title)
            grid._columns = columns  # type: ignore[attr-defined]
            if continued:
                grid.rows.insert(0, [c[0] for c in columns])
                grid.header_rows = 1
                grid.continues = last
                grid.title = last.title if last else title
            grids.append(grid)
        rows = []
        continued = False

    lines = _lines(page)
    for i, line in enumerate(lines):
        head = _header_columns(line)
        if not head and i + 1 < len(lines) and _header_columns(lines[i + 1]):
            close()  # the line just above a header is its title, whatever it ends with
            pending_title.append(" ".join(w["text"] for w in line))
            continue
        if head:
            close()
            columns = head
            title = "\n".join(pending_title)
            pending_title = []
            rows = [[c[0] for c in head]]
            continue
        figures = []
        while line and len(figures) < 60 and _FIGURE_WORD.match(line[-1]["text"]) and \
                is_figure(line[-1]["text"].replace("*", "*")):
            figures.insert(0, line.pop())
        label = " ".join(w["text"] for w in line)
        if not figures or columns is None:
            if (rows and len(rows) > 1) or continued:
                close()
            if label:
                pending_title.append(label)
            continue
        row: list[Value] = [label] + [None] * (len(columns) - 1)
        for w in figures:
            centre = (w["x0"] + w["x1"]) / 2
            c = min(range(1, len(columns)),
                    key=lambda i: min(abs(columns[i][2] - w["x1"]),
                                      abs((columns[i][1] + columns[i][2]) / 2 - centre)))
            row[c] = w["text"]
        rows.append(row)
    close()
    return grids
