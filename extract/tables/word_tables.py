"""Tables in Word letters as grids: DOCX by python-docx, legacy .doc by antiword's text.

Authorities paste a small data table into the covering letter as often as they attach a
spreadsheet ('a breakdown of seizures by item by year'). antiword prints a .doc table as
lines of cells between '|' marks; a cell that wraps runs on in the next line, with the
other cells of that line empty.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

from extract.tables.grids import Grid, UnreadableTable, Value


def docx_grids(data: bytes, filename: str) -> list[Grid]:
    """One grid per table of a DOCX, in document order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    grids = []
    for n, table in enumerate(document.tables, start=1):
        rows: list[list[Value]] = [[c.text.strip() or None for c in row.cells]
                                   for row in table.rows]
        if rows and max(len(r) for r in rows) >= 2:
            grids.append(Grid(filename, "docx", rows, table=n))
    return grids


def doc_grids(data: bytes, filename: str) -> list[Grid]:
    """One grid per table antiword prints from a legacy .doc."""
    antiword = shutil.which("antiword")
    if antiword is None:
        raise UnreadableTable(f"{filename}: legacy Word .doc needs antiword (not installed)")
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run([antiword, "-w", "0", handle.name], capture_output=True,
                              timeout=60, check=False)
    if done.returncode != 0:
        raise UnreadableTable(f"{filename}: antiword could not read it: "
                              f"{done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return pipe_tables(done.stdout.decode("utf-8", "replace"), filename)


def pipe_tables(text: str, filename: str) -> list[Grid]:
    """Tables printed as '|cell|cell|' lines; a line whose only text is in cells the line
    above filled (a wrapped label, a wrapped figure) joins that line's cells."""
    grids: list[Grid] = []
    rows: list[list[str]] = []

    def close() -> None:
        if rows and max(len(r) for r in rows) >= 2:
            grids.append(Grid(filename, "doc", [[c or None for c in r] for r in rows],
                              table=len(grids) + 1))
        rows.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
            close()
            continue
        cells = [c.strip() for c in stripped[1:-1].split("|")]
        if rows and len(cells) == len(rows[-1]) and _continues(rows[-1], cells):
            rows[-1] = [f"{a} {b}".strip() if b else a for a, b in zip(rows[-1], cells,
                                                                        strict=True)]
            continue
        rows.append(cells)
    close()
    return grids


def _continues(above: list[str], cells: list[str]) -> bool:
    """A line that only goes on with the cells of the line above: its first cell empty (a
    figure wrapped), or every other cell empty (a label wrapped)."""
    filled = [i for i, c in enumerate(cells) if c]
    if not filled:
        return False
    if not cells[0]:
        return all(above[i] for i in filled)
    return filled == [0] and bool(above[0]) and any(above[1:])
