"""The review queue's spreadsheet round trip through the real CLI and warehouse: export,
fill in, import; safe cells; bad rows stop everything; a second import adds nothing."""

from __future__ import annotations

import csv
import io
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from reports.review_sheet import SHEET_COLUMNS
from reports.spreadsheet import cell, neutralise, unneutralise
from warehouse.answers import save_answers
from warehouse.db import connect, rows

from .conftest import EXAMPLE, copy_workspace

runner = CliRunner()
HOSTILE = '=HYPERLINK("http://x","y")'


def foi(*args: str, home: Path, code: int = 0) -> str:
    result = runner.invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def table(home: Path, sql: str) -> list[dict]:
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        return rows(con, sql)
    finally:
        con.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_csv(path: Path, data: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(data[0]))
    writer.writeheader()
    writer.writerows(data)
    path.write_text(out.getvalue(), encoding="utf-8-sig")


@pytest.fixture(scope="module")
def unsure_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two replies read with low confidence, one of them quoting a formula (built once for the
    module, then copied)."""
    tmp_path = tmp_path_factory.mktemp("unsure")
    home = tmp_path / "ws"
    foi("init", home=home)
    foi("authorities", "import", "builtin:ccgs-2016", home=home)
    foi("campaign", "add", str(EXAMPLE), home=home)
    foi("send", "qof-local-schemes", "--limit", "2", home=home)
    inbox = tmp_path / "in"
    inbox.mkdir()
    bodies = [f"1. {HOSTILE}\n2. We think so, possibly.\n3. Not applicable.",
              "1. Yes.\n2. Perhaps; the board meets in May.\n3. Roughly a hundred thousand, to "
              "be confirmed."]
    letters = table(home, "SELECT reference, message_id FROM requests ORDER BY 1")
    for letter, body in zip(letters, bodies, strict=True):
        reference, message_id = letter["reference"], letter["message_id"]
        msg = EmailMessage()
        msg["From"], msg["To"] = "foi@ccg.example", "foi-desk@newsroom.example"
        msg["Subject"], msg["In-Reply-To"] = f"RE: FOI {reference}", message_id
        msg.set_content(body)
        (inbox / f"{reference}.eml").write_bytes(msg.as_bytes())
    foi("ingest", "--eml", str(inbox), home=home)
    foi("extract", home=home)
    return home


@pytest.fixture
def unsure(unsure_template: Path, tmp_path: Path) -> Path:
    """The test's own copy of the two replies read with low confidence."""
    return copy_workspace(unsure_template, tmp_path)


def test_cells_that_start_like_formulas_get_an_apostrophe() -> None:
    for text in (HOSTILE, "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text and unneutralise(neutralise(text)) == text
    assert neutralise("Yes, from July") == "Yes, from July"
    assert cell("1. Yes\n2. No") == "1. Yes / 2. No"
    assert cell(["s12", "s40(2)"]) == "s12, s40(2)" and cell(0.25) == 0.25


def test_export_lists_the_queue_with_why_and_where(unsure: Path, tmp_path: Path) -> None:
    queue = json.loads(runner.invoke(app, ["review", "qof-local-schemes", "--format", "json",
                                           "--home", str(unsure)]).output)
    assert queue and all("reason" in r for r in queue)
    sheet = tmp_path / "review.csv"
    out = foi("review", "qof-local-schemes", "--export", str(sheet), home=unsure)
    assert f"{len(queue)} answers to review written to" in out
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")   # Excel reads it as UTF-8
    exported = read_csv(sheet)
    assert tuple(exported[0]) == SHEET_COLUMNS and len(exported) == len(queue)
    hostile = [r for r in exported if HOSTILE in r["passage"]]
    assert [r["passage"] for r in hostile] == ["'" + HOSTILE]
    assert all(not v.startswith(("=", "+", "-", "@")) for r in exported for v in r.values())
    first = exported[0]
    assert first["question"].startswith("Did the CCG take on")
    assert first["document"] == "message body" and first["page"] == "1"
    assert float(first["confidence"]) < 0.6
    assert all(first[c] == "" for c in ("corrected_status", "corrected_value",
                                        "corrected_sections", "note"))


def test_round_trip_creates_overrides_and_checks_once(unsure: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    foi("review", "qof-local-schemes", "--export", str(sheet), home=unsure)
    exported = read_csv(sheet)
    by_key = {(r["reference"], r["question_key"]): r for r in exported}
    (a, b) = sorted({r["reference"] for r in exported})
    by_key[(a, "delegated")].update(corrected_value="no", note="letter p1: not delegated")
    by_key[(a, "local_scheme")].update(corrected_status="not_applicable")
    by_key[(b, "local_scheme")].update(corrected_status="OK", note="read it myself")
    by_key[(b, "budget")].update(corrected_status="refused", corrected_sections="section 43")
    filled = tmp_path / "filled.csv"
    write_csv(filled, exported)
    out = foi("review", "qof-local-schemes", "--import", str(filled), "--author", "sam",
              home=unsure)
    assert "3 corrections recorded, 1 answers checked, 0 already recorded" in out
    answers = {(r["request_reference"], r["question_key"]): r for r in table(
        unsure, "SELECT * FROM v_answers")}
    fixed = answers[(a, "delegated")]
    assert (fixed["status"], fixed["value"], fixed["overridden"]) == ("answered", "no", True)
    assert fixed["override_reason"] == "letter p1: not delegated"
    assert fixed["override_author"] == "sam" and not fixed["needs_review"]
    assert answers[(a, "local_scheme")]["status"] == "not_applicable"
    checked = answers[(b, "local_scheme")]
    assert checked["checked"] and checked["checked_by"] == "sam"
    assert not checked["needs_review"] and not checked["overridden"]
    refused = answers[(b, "budget")]
    assert (refused["status"], refused["sections"]) == ("refused", ["s43"])
    overrides = table(unsure, "SELECT * FROM overrides ORDER BY id")
    assert [o["author"] for o in overrides] == ["sam", "sam", "sam"]
    assert all(o["created_at"] is not None for o in overrides)
    # the same file again: nothing twice
    out = foi("review", "qof-local-schemes", "--import", str(filled), "--author", "sam",
              home=unsure)
    assert "0 corrections recorded, 0 answers checked, 4 already recorded" in out
    assert len(table(unsure, "SELECT * FROM overrides")) == 3
    assert len(table(unsure, "SELECT * FROM answer_checks")) == 1
    # and the three left the queue
    left = read_csv_after_export(unsure, tmp_path)
    assert {(r["reference"], r["question_key"]) for r in left}.isdisjoint(
        {(a, "delegated"), (a, "local_scheme"), (b, "local_scheme"), (b, "budget")})
    code_override = foi("override", b, "delegated", "no", "--reason", "p2", "--author", "sam",
                        home=unsure)
    assert "answered no" in code_override
    by_hand, from_sheet = (table(unsure, "SELECT * FROM overrides ORDER BY id DESC")[0],
                           overrides[0])
    assert set(by_hand) == set(from_sheet)   # both go the same way into the same table


def read_csv_after_export(home: Path, tmp_path: Path) -> list[dict[str, str]]:
    again = tmp_path / "again.csv"
    foi("review", "qof-local-schemes", "--export", str(again), home=home)
    return read_csv(again)


def test_bad_rows_are_reported_by_line_and_nothing_is_applied(unsure: Path,
                                                              tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    foi("review", "qof-local-schemes", "--export", str(sheet), home=unsure)
    exported = read_csv(sheet)
    assert len(exported) >= 3
    exported[0].update(corrected_value="no")                     # good
    exported[1].update(corrected_status="maybe")                 # line 3: no such status
    exported[2].update(corrected_status="ok", corrected_value="yes")   # line 4: ok + value
    filled = tmp_path / "filled.csv"
    write_csv(filled, exported)
    result = runner.invoke(app, ["review", "qof-local-schemes", "--import", str(filled),
                                 "--home", str(unsure)])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "line 3: status 'maybe'" in out and "line 4: corrected_status 'ok'" in out
    assert "line 2" not in out and "nothing applied" in out
    assert table(unsure, "SELECT * FROM overrides") == []
    assert table(unsure, "SELECT * FROM answer_checks") == []


def test_an_accepted_answer_read_again_since_the_export_is_refused(unsure: Path,
                                                                   tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    foi("review", "qof-local-schemes", "--export", str(sheet), home=unsure)
    exported = read_csv(sheet)
    exported[0].update(corrected_status="accept")
    exported[0]["value"] = "yes"     # not what was read: as if it was read again since
    filled = tmp_path / "filled.csv"
    write_csv(filled, exported)
    out = foi("review", "qof-local-schemes", "--import", str(filled), home=unsure, code=2)
    assert "line 2: the answer was read again since the export" in out


def test_why_the_reader_was_unsure_is_kept_and_shown(unsure: Path, tmp_path: Path) -> None:
    con = connect(unsure / "foi.duckdb")
    try:
        [reference] = [r[0] for r in con.execute(
            "SELECT request_reference FROM answers WHERE question_key = 'budget'"
            " AND snippet LIKE 'Roughly%'").fetchall()]
        save_answers(con, reference, [
            {"question_key": "budget", "status": "partly", "value": "100000", "confidence": 0.4,
             "document_id": None, "page": 1, "snippet": "Roughly a hundred thousand",
             "method": "numbered", "sections": [], "reason": "numbered answer; 'roughly' "
             "hedges the figure", "detail": "GP practices 80,000; admin 20,000"}])
    finally:
        con.close()
    [row] = [r for r in json.loads(runner.invoke(app, [
        "review", "qof-local-schemes", "--format", "json", "--home", str(unsure)]).output)
        if r["request_reference"] == reference and r["question_key"] == "budget"]
    assert row["reason"] == "numbered answer; 'roughly' hedges the figure"
    sheet = tmp_path / "review.csv"
    foi("review", "qof-local-schemes", "--export", str(sheet), home=unsure)
    [exported] = [r for r in read_csv(sheet) if r["reference"] == reference
                  and r["question_key"] == "budget"]
    assert exported["detail"] == "GP practices 80,000; admin 20,000"
    assert exported["status"] == "partly"
    foi("override", reference, "delegated", "--status", "unclear", "--reason", "p1 hedges",
        home=unsure)
    summary = table(unsure, "SELECT unclear FROM v_campaign_summary"
                            " WHERE question_key = 'delegated'")
    assert summary == [{"unclear": 1}]
    foi("report", "qof-local-schemes", home=unsure)
    page = (unsure / "site" / "qof-local-schemes" / "index.html").read_text()
    assert "one gave an answer that was not clear" in page
    published = read_csv(unsure / "site" / "qof-local-schemes" / "answers-long.csv")
    [line] = [r for r in published if r["reference"] == reference
              and r["question_key"] == "budget"]
    assert (line["status"], line["detail"]) == ("partly", "GP practices 80,000; admin 20,000")


def test_the_terminal_queue_shows_each_answer_whole(unsure: Path) -> None:
    result = runner.invoke(app, ["review", "qof-local-schemes", "--home", str(unsure)],
                           terminal_width=80)
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    queue = json.loads(runner.invoke(app, ["review", "qof-local-schemes", "--format", "json",
                                           "--home", str(unsure)]).output)
    assert f"{len(queue)} answers to review" in out
    for answer in queue:   # every passage and reason whole, never cut to "answe…"
        assert " ".join((answer["snippet"] or "").split()) in out
        assert " ".join(answer["reason"].split()) in out
    assert HOSTILE in out and "…" not in out
