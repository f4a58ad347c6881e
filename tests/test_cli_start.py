"""`foi` starts at once: a command imports only what it uses, and the help is one screen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from flows.cli.base import PANELS

from .conftest import EXAMPLE
from .test_cli import every_command_path

HEAVY = ("prefect", "matplotlib", "pdfplumber", "pypdfium2", "openpyxl", "starlette", "httpx",
         "pydantic", "holidays")


def modules_after(*args: str) -> set[str]:
    """The heavy modules a fresh `foi ARGS` process has imported when it ends."""
    probe = ("import atexit, json, sys\n"
             f"atexit.register(lambda: print(json.dumps([m for m in {HEAVY!r}"
             " if m in sys.modules]), file=sys.stderr))\n"
             "from flows.cli import main\n"
             f"sys.argv = ['foi', *{list(args)!r}]\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy() -> None:
    assert modules_after("--help") == set()


def test_sql_and_status_import_nothing_heavy(tmp_path: Path) -> None:
    home = str(tmp_path / "ws")
    runner = CliRunner()
    for args in (["init"], ["authorities", "import", "builtin:ccgs-2016"],
                 ["campaign", "add", str(EXAMPLE)], ["send", "qof-local-schemes", "--limit", "3"]):
        assert runner.invoke(app, [*args, "--home", home]).exit_code == 0, args
    assert modules_after("status", "qof-local-schemes", "--home", home) == set()
    assert modules_after("sql", "SELECT 1", "--home", home) == set()
    assert modules_after("problems", "--home", home) == set()
    assert modules_after("holidays", "list", "--home", home) == set()


def test_help_lists_one_line_a_command_panel_by_panel() -> None:
    out = CliRunner().invoke(app, ["--help"], terminal_width=80).output
    headings = [line[:-1] for line in out.splitlines() if line.endswith(":") and
                not line.startswith(" ") and line[:-1] in (*PANELS, "Options", "Commands")]
    assert headings == ["Options", *PANELS]
    listed = [line.split()[0] for line in out.split("Workspace:")[1].splitlines()
              if line.startswith("  ")]
    top = sorted({path[0] for path in every_command_path() if path})
    assert sorted(listed) == top            # every command once, none left in "Commands"
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "..." not in out.split("Workspace:")[1]   # each summary is a whole sentence
