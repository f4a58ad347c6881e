"""What `foi extract`'s processes hold: documents are read in worker processes, so the readers'
libraries stay out of the main one, and a worker with nothing left to read ends at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl.utils import get_column_letter

from extract.reading.isolation import ReadJob, read_documents_isolated
from extract.tables.grids import Grid, column_letter
from tests.conftest import ROOT
from tests.test_extract_documents import ruled_grid_pdf

READERS = ("pdfplumber", "pdfminer", "pypdfium2", "openpyxl", "numpy", "PIL", "matplotlib",
           "docx", "extract_msg", "xlrd", "bs4", "lxml")


def test_the_extract_step_loads_no_reader() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, flows.steps.extract\n"
         f"print(' '.join(m for m in {READERS!r} if m in sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_column_letters_as_a_spreadsheet_names_them() -> None:
    for number in [*range(1, 800), 16_384, 18_278]:
        assert column_letter(number) == get_column_letter(number), number
    assert Grid("returns.xlsx", "xlsx", []).address(0, 27) == "AB1"
    assert Grid("returns.csv", "csv", []).address(4, 0) == "row 5 col A"


def readers_running() -> int:
    """How many of this process's children are document readers."""
    found = 0
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, NotADirectoryError):
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        found += parent == os.getpid() and b"extract.reading.worker" in command
    return found


def test_a_reader_with_nothing_left_to_read_ends_before_the_others() -> None:
    at_the_end: list[int] = []

    def on_done(key: str, _reading: object) -> None:
        if key == "slow":   # the body was read long before: its reader has gone
            at_the_end.append(readers_running())

    results = read_documents_isolated(
        [ReadJob("body", b"We do not hold this information.", "body.txt", "text/plain"),
         ReadJob("slow", ruled_grid_pdf(2), "grid.pdf", None)],
        workers=2, timeout_s=60, on_done=on_done)
    assert results["body"].status == results["slow"].status == "ok"
    assert at_the_end == [1]
