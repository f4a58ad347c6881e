"""The `foi` command line through typer's runner, on a real workspace."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

from .conftest import EXAMPLE

runner = CliRunner()


def foi(*args: str, home: Path) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)])
    return result.exit_code, result.output


def test_a_campaign_from_init_to_status(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    assert foi("init", home=home)[0] == 0
    assert (home / "foi.toml").exists() and (home / "foi.duckdb").exists()
    code, out = foi("authorities", "import", "builtin:ccgs-2016", home=home)
    assert code == 0 and "209 added" in out
    code, out = foi("authorities", "import", "builtin:ccgs-2016", home=home)
    assert "0 added, 0 updated, 209 unchanged" in out
    code, out = foi("campaign", "add", str(EXAMPLE), home=home)
    assert code == 0 and "3 questions" in out
    code, out = foi("send", "qof-local-schemes", "--preview", "00C", home=home)
    assert code == 0 and "Dear NHS Darlington CCG" in out and "QOF16-00C" in out
    code, out = foi("send", "qof-local-schemes", "--dry-run", home=home)
    assert code == 0 and not list((home / "outbox").glob("*.eml"))
    code, out = foi("send", "qof-local-schemes", "--limit", "4", home=home)
    assert code == 0 and len(list((home / "outbox").glob("*.eml"))) == 4
    code, out = foi("status", "qof-local-schemes", "--format", "json", home=home)
    data = json.loads(out)
    assert len(data) == 4 and {r["status"] for r in data} == {"awaiting_response"}
    code, out = foi("sql", "SELECT status, count(*) AS n FROM v_requests GROUP BY ALL",
                    "--format", "csv", home=home)
    assert list(csv.DictReader(io.StringIO(out))) == [{"status": "awaiting_response", "n": "4"}]
    code, out = foi("report", "qof-local-schemes", home=home)
    assert code == 0
    page = (home / "site" / "qof-local-schemes" / "index.html").read_text()
    assert "QOF16-00C" in page and "No responses" in page


def test_markup_in_an_authoritys_text_is_shown_as_written(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    registry = tmp_path / "bodies.csv"
    registry.write_text("id,name,email\nx1,[bold]Trust[/bold] [link=http://evil.example]A[/link]"
                        ",foi@x1.example\n", encoding="utf-8")
    assert foi("init", home=home)[0] == 0
    assert foi("authorities", "import", str(registry), home=home)[0] == 0
    code, out = foi("sql", "SELECT name FROM authorities", home=home)
    assert code == 0
    assert "[bold]Trust[/bold]" in out and "[link=http://evil.example]A[/link]" in out


def test_the_cli_reads_the_snapshot_while_a_run_writes(tmp_path: Path, caplog) -> None:
    from warehouse.access import writing

    home = tmp_path / "ws"
    assert foi("init", home=home)[0] == 0
    assert foi("authorities", "import", "builtin:ccgs-2016", home=home)[0] == 0
    assert foi("campaign", "add", str(EXAMPLE), home=home)[0] == 0
    with writing(home / "foi.duckdb") as con:   # a run in the middle of writing
        con.execute("DELETE FROM authorities")
        code, out = foi("sql", "SELECT count(*) AS n FROM authorities", "--format", "csv",
                        home=home)
        assert code == 0 and out.splitlines() == ["n", "209"]
        code, out = foi("status", "qof-local-schemes", "--format", "json", home=home)
        assert code == 0 and json.loads(out) == []
    # and it says so: the reporter knows the figures are as of the last finished run
    assert "foi.duckdb is being written by another foitrack run (PID" in caplog.text
    assert "reading the snapshot of" in caplog.text
    code, out = foi("sql", "SELECT count(*) AS n FROM authorities", "--format", "csv",
                    home=home)
    assert out.splitlines() == ["n", "0"]
    assert (home / "parquet" / "v_requests.parquet").exists()


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    code, out = foi("status", "x", home=home)
    assert code == 1 and "foi init" in out
    foi("init", home=home)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,email\nA,Alpha,foi@a.example\nB,Beta,nope\n")
    code, out = foi("authorities", "import", str(bad), home=home)
    assert code == 2 and "line 3" in out and "1 added" in out
    code, out = foi("problems", "--format", "json", home=home)
    assert json.loads(out)[0]["item"].endswith("bad.csv:3")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('id = "x"\n')
    code, out = foi("campaign", "add", str(wrong), home=home)
    assert code == 1 and "title: required field is missing" in out
    code, out = foi("problems", "--format", "json", home=home)
    assert json.loads(out)[-1]["item"] == str(wrong)
    code, out = foi("sql", "SELEC 1", home=home)
    assert code == 1 and "syntax error" in out.lower()
    code, out = foi("sql", "DELETE FROM authorities", home=home)
    assert code == 1 and "read-only" in out.lower()
    code, out = foi("status", "nope", home=home)
    assert code == 1 and "no campaign 'nope'" in out


def every_command_path() -> list[list[str]]:
    """Every command and subcommand of `foi`, as the words that call it."""
    import typer.main

    def walk(command, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in getattr(command, "commands", {}).items():
            found += walk(sub, [*path, name])
        return found
    return walk(typer.main.get_command(app), [])


def test_every_command_has_help() -> None:
    paths = every_command_path()
    assert ["authorities", "import"] in paths and ["tables", "map"] in paths and len(paths) >= 40
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output, path


def test_holding_pen_assign_review_and_override(tmp_path: Path) -> None:
    from email.message import EmailMessage

    home = tmp_path / "ws"
    foi("init", home=home)
    foi("authorities", "import", "builtin:ccgs-2016", home=home)
    foi("campaign", "add", str(EXAMPLE), home=home)
    foi("send", "qof-local-schemes", "--limit", "3", home=home)
    inbox = tmp_path / "in"
    inbox.mkdir()
    msg = EmailMessage()
    msg["From"] = "someone@unknown.example"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = "Your information request"
    msg["Message-ID"] = "<held-1@unknown.example>"
    msg.set_content("Dear Alex,\n\n1. Yes.\n2. No, we have no such plans.\n3. Not applicable.\n")
    (inbox / "held.eml").write_bytes(msg.as_bytes())
    code, out = foi("ingest", "--eml", str(inbox), home=home)
    assert "1 in the holding pen" in out
    code, out = foi("held", "--format", "json", home=home)
    held = json.loads(out)
    assert len(held) == 1 and held[0]["subject"] == "Your information request"
    code, out = foi("assign", held[0]["id"], "qof16-00c", home=home)
    assert code == 0 and "assigned to QOF16-00C" in out
    assert json.loads(foi("held", "--format", "json", home=home)[1]) == []
    code, out = foi("extract", home=home)
    assert code == 0
    code, out = foi("sql", "SELECT question_key, status, value FROM v_answers"
                    " WHERE request_reference = 'QOF16-00C' ORDER BY question_number",
                    "--format", "json", home=home)
    assert json.loads(out) == [
        {"question_key": "delegated", "status": "answered", "value": "yes"},
        {"question_key": "local_scheme", "status": "answered", "value": "no"},
        {"question_key": "budget", "status": "not_applicable", "value": None}]
    code, out = foi("override", "QOF16-00C", "delegated", "no", home=home)
    assert code == 1 and "--reason" in out
    code, out = foi("override", "QOF16-00C", "delegated", "no", "--reason",
                    "letter p2 corrects it", home=home)
    assert code == 0
    code, out = foi("sql", "SELECT value, overridden, override_reason FROM v_answers WHERE"
                    " request_reference = 'QOF16-00C' AND question_key = 'delegated'",
                    "--format", "json", home=home)
    assert json.loads(out) == [{"value": "no", "overridden": True,
                                "override_reason": "letter p2 corrects it"}]
    code, out = foi("review", "qof-local-schemes", "--format", "json", home=home)
    assert code == 0 and isinstance(json.loads(out), list)


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "--install-completion" in result.output
