"""The data returns published: the tidy table and its coverage as CSV and Parquet, through
the real CLI (`foi export`, `foi report`), from a real warehouse holding a real trust's
reply and a generated one with a formula for a label."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.steps.tables import read_table_answers
from foi.workspace import Workspace
from tests.table_workspace import (
    HOSTILE_CSV,
    HOSTILE_LABEL,
    add_campaign,
    add_reply,
    corpus_files,
)
from warehouse.db import connect, rows

runner = CliRunner()
DEVON = "Devon Partnership NHS Trust"


@pytest.fixture
def returns(workspace: Workspace) -> Workspace:
    """Devon's three CSVs and a generated reply with a formula label, read into the warehouse;
    a third trust asked that never replied."""
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con)
        refs = [add_reply(con, workspace, "RWV", DEVON, corpus_files(DEVON, "*.[cC][sS][vV]")),
                add_reply(con, workspace, "XX1", "Formula Trust", [("data.csv", HOSTILE_CSV)])]
        add_reply(con, workspace, "XX2", "Silent Trust", [])
        assert read_table_answers(con, campaign, refs, workspace.store) > 1000
    finally:
        con.close()
    return workspace


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _parquet(path: Path) -> list[dict]:
    with duckdb.connect() as con:
        cur = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_export_the_tidy_table_and_its_coverage(returns: Workspace, tmp_path: Path) -> None:
    home = ["--home", str(returns.home)]
    out = tmp_path / "out"
    for fmt in ("csv", "parquet"):
        result = runner.invoke(app, ["export", "mh-accommodation-2021", "--format", fmt,
                                     "--table", "table-answers", "--table", "table-coverage",
                                     "--out", str(out), *home])
        assert result.exit_code == 0, result.output
    con = connect(returns.database)
    try:
        stored = rows(con, "SELECT count(*) AS n FROM v_table_answers")[0]["n"]
    finally:
        con.close()
    figures = _csv(out / "mh-accommodation-2021-table-answers.csv")
    assert len(figures) == stored == len(_parquet(out / "mh-accommodation-2021-table-answers"
                                                        ".parquet"))
    # a cell a person read: Devon, question 1, Tenant - private landlord, January 2021 = 52
    (devon,) = [f for f in figures if f["authority_name"] == DEVON and f["question_number"]
                == "1" and f["period"] == "2021-01"
                and f["category_as_sent"] == "Tenant - private landlord"]
    assert (devon["category_code"], devon["value"], devon["cell"], devon["repeat"]) == \
        ("MA06", "52", "row 53 col AL", "no")
    assert devon["filename"] == "Individuals in contact with Adult mental health services.csv"
    # what the authority wrote is shown, never evaluated: neutralised in CSV, kept in Parquet
    hostile = [f for f in figures if f["authority_name"] == "Formula Trust"
               and f["category_code"] == ""]
    assert {f["category_as_sent"] for f in hostile} == {"'" + HOSTILE_LABEL}
    assert {(f["value"], f["value_as_sent"], f["suppressed"]) for f in hostile} == \
        {("3", "3", "no"), ("", "<5", "yes")}
    typed = _parquet(out / "mh-accommodation-2021-table-answers.parquet")
    assert HOSTILE_LABEL in {f["category_as_sent"] for f in typed}
    assert {type(f["value"]) for f in typed} <= {int, type(None)}

    coverage = {(c["authority_name"], c["question_key"]): c
                for c in _csv(out / "mh-accommodation-2021-table-coverage.csv")}
    assert len(coverage) == 3 * 3   # every trust asked, each table question
    devon_all = coverage[(DEVON, "all_contacts")]
    assert (devon_all["first_period"], devon_all["last_period"]) == ("2018-01", "2021-02")
    formula = coverage[("Formula Trust", "all_contacts")]
    assert (formula["periods"], formula["figures"], formula["labels_unmatched"],
            formula["suppressed"], formula["totals"], formula["totals_not_adding_up"],
            formula["complete"]) == ("2", "4", "1", "1", "2", "1", "no")
    assert coverage[("Silent Trust", "cpa")]["figures"] == "0"
    assert len(_parquet(out / "mh-accommodation-2021-table-coverage.parquet")) == 9


def test_report_writes_the_data_returns_beside_the_page(returns: Workspace) -> None:
    result = runner.invoke(app, ["report", "mh-accommodation-2021", "--home",
                                 str(returns.home)])
    assert result.exit_code == 0, result.output
    folder = returns.site / "mh-accommodation-2021"
    for name in ("table-answers", "table-coverage"):
        assert (folder / f"{name}.csv").exists() and (folder / f"{name}.parquet").exists()
        assert len(_csv(folder / f"{name}.csv")) == len(_parquet(folder / f"{name}.parquet"))


def test_data_returns_of_a_campaign_without_table_questions(qof_workspace, tmp_path) -> None:
    home = ["--home", str(qof_workspace.home)]
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "qof-local-schemes", "--table", "table-answers",
                                 "--out", str(out), *home])
    assert result.exit_code == 1 and "no `table` question" in result.output
    result = runner.invoke(app, ["export", "qof-local-schemes", "--out", str(out), *home])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "qof-local-schemes-answers-long.csv", "qof-local-schemes-answers.csv",
        "qof-local-schemes-status.csv"]


def test_review_lists_the_data_returns_after_the_answers(returns: Workspace) -> None:
    result = runner.invoke(app, ["review", "mh-accommodation-2021", "--home",
                                 str(returns.home)])
    assert result.exit_code == 0, result.output
    answers, _, tables = result.output.partition("data returns:")
    assert "answers to review" in answers
    waiting = int(tables.split(" labels not matched")[0])
    assert waiting > 10 and "1 totals not adding up" in tables
    assert tables.count("\n  label ") == 10   # the first ten, and where the rest are
    assert "MHA21-XX1 all_contacts 2021-01: 'Total' = 14, its parts add up to 13" in tables
    assert "foi tables review mh-accommodation-2021" in tables
    as_json = runner.invoke(app, ["review", "mh-accommodation-2021", "--format", "json",
                                  "--home", str(returns.home)])
    assert as_json.exit_code == 0 and as_json.stdout.lstrip().startswith("[")
    assert "foi tables review" in as_json.stderr
