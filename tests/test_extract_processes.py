"""What `foi extract`'s processes hold: documents are read in worker processes, so the readers'
libraries stay out of the main one."""

from __future__ import annotations

import subprocess
import sys

from openpyxl.utils import get_column_letter

from extract.tables.grids import Grid, column_letter
from tests.conftest import ROOT

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
