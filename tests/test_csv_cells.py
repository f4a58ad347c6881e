"""Every CSV a command writes is safe to open in a spreadsheet: no cell starts a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

from .conftest import EXAMPLE

HOSTILE = {"h1": '=HYPERLINK("http://evil.example","click")',
           "h2": "+SUM(1+1)*cmd|' /C calc'!A0",
           "h3": "-2+3+cmd|' /C calc'!A0",
           "h4": "@SUM(1+1)"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(text: str) -> list[str]:
    """The cells of a CSV text that a spreadsheet would evaluate."""
    return [value for row in csv.reader(io.StringIO(text)) for value in row
            if value.startswith(FORMULA_START)]


def test_no_csv_a_command_prints_starts_a_formula(tmp_path: Path) -> None:
    runner = CliRunner()
    home = ["--home", str(tmp_path / "ws")]
    bodies = tmp_path / "bodies.csv"
    bodies.write_text("id,name,email,nation,kind\n" + "".join(
        f'{key},"{name.replace(chr(34), chr(34) * 2)}",foi@{key}.example,england,ccg\n'
        for key, name in HOSTILE.items()), encoding="utf-8")
    for args in (["init"], ["authorities", "import", str(bodies)],
                 ["campaign", "add", str(EXAMPLE)], ["send", "qof-local-schemes"]):
        assert runner.invoke(app, [*args, *home]).exit_code == 0, args
    for args in (["status", "qof-local-schemes"], ["authorities", "list"],
                 ["sql", "SELECT name, '=1+1' AS sum FROM authorities"],
                 ["sql", "SELECT reference, authority_name FROM v_requests"]):
        result = runner.invoke(app, [*args, "--format", "csv", *home])
        assert result.exit_code == 0, (args, result.output)
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert len(rows) >= 4, args                     # the hostile names are there ...
        assert formula_cells(result.stdout) == [], args  # ... and none is a formula
    shown = runner.invoke(app, ["sql", "SELECT name FROM authorities ORDER BY id",
                                "--format", "csv", *home]).stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(shown))] == \
        ["'" + name for name in HOSTILE.values()]       # kept whole, behind an apostrophe
