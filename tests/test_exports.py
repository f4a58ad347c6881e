"""The publication's tables (wide, long, status) in CSV, Parquet and JSON, from a real
warehouse, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from flows.steps.report import publish_campaign
from warehouse.answers import add_override, save_answers
from warehouse.db import connect
from warehouse.requests import record_sending, record_sent
from warehouse.timeline import record_event

runner = CliRunner()
FORMULA = '=HYPERLINK("http://x","y")'


def _answer(key: str, status: str, value: str | None, snippet: str | None = None,
            sections: list[str] | None = None) -> dict:
    return {"question_key": key, "status": status, "value": value, "confidence": 0.4,
            "document_id": None, "page": 2, "snippet": snippet or value, "method": "test",
            "sections": sections or []}


def _campaign(ws) -> list[str]:
    """Six CCGs asked; three replied (one with a formula in its words), three did not."""
    con = connect(ws.database)
    try:
        ccgs = [r[0] for r in con.execute(
            "SELECT id FROM authorities ORDER BY id LIMIT 6").fetchall()]
        refs = [f"QOF16-{c}" for c in ccgs]
        for n, (ccg, ref) in enumerate(zip(ccgs, refs, strict=True)):
            record_sending(con, reference=ref, campaign_id="qof-local-schemes",
                           authority_id=ccg, to_addr="x@y.example", message_id=f"<{n}@t>")
            record_sent(con, ref, datetime(2016, 4, 4, tzinfo=UTC), "test")
        save_answers(con, refs[0], [_answer("delegated", "answered", "yes"),
                                    _answer("local_scheme", "answered", "yes"),
                                    _answer("budget", "answered", "125000.00")])
        save_answers(con, refs[1], [_answer("delegated", "answered", "yes", FORMULA),
                                    _answer("local_scheme", "answered", "yes"),
                                    _answer("budget", "unclear", FORMULA)])
        save_answers(con, refs[2], [_answer("delegated", "answered", "no"),
                                    _answer("local_scheme", "not_applicable", None),
                                    _answer("budget", "refused", None, "exempt",
                                            ["s40"])])
        for ref in refs[:3]:
            record_event(con, ref, "successful")
        add_override(con, reference=refs[2], question_key="delegated", status="answered",
                     value="yes", reason="p2 says yes", author="editor")
    finally:
        con.close()
    return refs


def _rows_in(parquet: Path) -> tuple:
    with duckdb.connect() as con:
        return con.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet)]).fetchone()


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_published_tables_one_row_per_authority_asked(qof_workspace) -> None:
    refs = _campaign(qof_workspace)
    con = connect(qof_workspace.database)
    try:
        publish_campaign(con, qof_workspace.site, "qof-local-schemes")
    finally:
        con.close()
    folder = qof_workspace.site / "qof-local-schemes"
    wide = _csv(folder / "answers.csv")
    assert sorted(r["reference"] for r in wide) == sorted(refs)   # non-responders included
    assert {"q1_delegated", "q1_delegated_status", "q2_local_scheme", "q3_budget",
            "q3_budget_status", "ons_code", "sent_on", "due_on", "replied_on",
            "working_days_late"} <= set(wide[0])
    by_ref = {r["reference"]: r for r in wide}
    assert by_ref[refs[0]]["q3_budget"] == "125000"
    assert by_ref[refs[0]]["ons_code"].startswith("E38")
    assert (by_ref[refs[2]]["q3_budget"], by_ref[refs[2]]["q3_budget_status"]) == (
        "refused (s40)", "refused (s40)")
    assert by_ref[refs[2]]["q1_delegated"] == "yes"          # the override wins
    assert by_ref[refs[2]]["q2_local_scheme"] == "not applicable"
    assert by_ref[refs[5]]["status"] == "awaiting response"
    assert by_ref[refs[5]]["q1_delegated"] == ""
    long = _csv(folder / "answers-long.csv")
    assert len(long) == 9
    assert {r["overridden"] for r in long} == {"yes", "no"}
    assert {r["needs_review"] for r in long} <= {"yes", "no"}
    [fixed] = [r for r in long if r["overridden"] == "yes"]
    assert (fixed["override_reason"], fixed["override_author"]) == ("p2 says yes", "editor")
    status = _csv(folder / "status.csv")
    assert len(status) == 6 and {"next_action", "working_days_late"} <= set(status[0])
    for name in ("answers", "answers-long", "status"):
        text = (folder / f"{name}.csv").read_text(encoding="utf-8")
        assert f",{FORMULA[0]}" not in text and f'"{FORMULA}' not in text
        count = _rows_in(folder / f"{name}.parquet")
        assert count == (len(_csv(folder / f"{name}.csv")),)
    assert "'" + FORMULA in [r["q3_budget"] for r in wide]
    assert "'" + FORMULA in [r["passage"] for r in long]
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Are CCGs replacing QOF")
    assert "Of the three CCGs that responded" in summary and "Methodology:" in summary
    assert "sent to 6 CCGs; 3 responded" in summary


def test_export_override_and_show_through_the_cli(qof_workspace, tmp_path: Path) -> None:
    refs = _campaign(qof_workspace)
    home = ["--home", str(qof_workspace.home)]
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "qof-local-schemes", "--format", "json",
                                 "--out", str(out), *home])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["qof-local-schemes-answers-long.json", "qof-local-schemes-answers.json",
                       "qof-local-schemes-status.json"]
    wide = json.loads((out / "qof-local-schemes-answers.json").read_text(encoding="utf-8"))
    assert len(wide) == 6 and FORMULA in [r["q3_budget"] for r in wide]
    assert all(str(out) in line for line in result.output.splitlines())
    result = runner.invoke(app, ["export", "qof-local-schemes", "--format", "parquet",
                                 "--table", "status", "--out", str(out), *home])
    assert result.exit_code == 0, result.output
    status = out / "qof-local-schemes-status.parquet"
    assert _rows_in(status) == (6,)
    result = runner.invoke(app, ["export", "qof-local-schemes", "--format", "xml", *home])
    assert result.exit_code == 1 and "csv, parquet, json" in result.output

    result = runner.invoke(app, ["override", refs[1], "3", "250000", "--reason", "p3",
                                 *home])
    assert result.exit_code == 0, result.output
    assert "budget: answered 250000" in result.output
    result = runner.invoke(app, ["override", refs[1], "9", "1", "--reason", "p3", *home])
    assert result.exit_code == 1 and "no question 9" in result.output

    result = runner.invoke(app, ["campaign", "show", "qof-local-schemes", *home])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("1" in ln and "delegated" in ln and "yes_no" in ln for ln in lines)
    assert any("3" in ln and "budget" in ln and "money" in ln and "local_scheme" in ln
               for ln in lines)
    assert "209 CCGs (kind: ccg)" in result.output and "FOIA" in result.output

    result = runner.invoke(app, ["authorities", "list", "--kind", "ccg", "--format", "json",
                                 *home])
    assert result.exit_code == 0 and len(json.loads(result.output)) == 209
    result = runner.invoke(app, ["authorities", "list", "--kind", "school", "--format", "csv",
                                 *home])
    assert result.exit_code == 0 and result.output == ""
