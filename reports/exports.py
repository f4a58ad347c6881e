"""A campaign's published tables (answers wide, answers long, status; for data returns the
tidy figures and their coverage) and their writers.

The rows hold typed values (numbers, dates; booleans already yes/no). CSV cells go through
reports.spreadsheet.cell, so a reply's "=HYPERLINK(...)" is shown, never evaluated; JSON and
Parquet keep the text exactly as the authority wrote it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from reports.spreadsheet import csv_text
from reports.summary import STATUS_LABELS, Headline
from warehouse.publication import (
    answer_detail_rows,
    asked_rows,
    campaign_questions,
    has_table_questions,
    table_answer_rows,
    table_coverage_rows,
)

TABLES = ("answers", "answers-long", "status", "table-answers", "table-coverage")
# only a campaign with a `table` question has these
DATA_RETURN_TABLES = ("table-answers", "table-coverage")
FORMATS = ("csv", "parquet", "json")
_NUMERIC = ("count", "number", "money")
_CODE_TAG = re.compile(r"^([a-z][a-z0-9_]{0,15}):(\S+)$")


@dataclass(frozen=True)
class Table:
    """One published table: its name, its columns in order and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def campaign_tables(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, Table]:
    """The published tables of a campaign, by name: the data returns' two when it has any."""
    asked = asked_rows(con, campaign_id)
    answers = answer_detail_rows(con, campaign_id)
    questions = campaign_questions(con, campaign_id)
    tables = {"answers": wide_table(asked, answers, questions),
              "answers-long": long_table(answers),
              "status": status_table(asked)}
    if has_table_questions(con, campaign_id):
        tables["table-answers"] = table_answers_table(table_answer_rows(con, campaign_id))
        tables["table-coverage"] = Table("table-coverage", TABLE_COVERAGE_COLUMNS, tuple(
            table_coverage_rows(con, campaign_id)))
    return tables


def _plain(value: Any) -> Any:
    """A value as published: yes/no for booleans, lists joined, the rest as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def _status_words(answer: Mapping[str, Any]) -> str:
    """An answer's status in words, with the sections it cites: "refused (s40)"."""
    words = str(answer["status"]).replace("_", " ")
    return f"{words} ({', '.join(answer['sections'])})" if answer["sections"] else words


def _value(answer: Mapping[str, Any]) -> Any:
    """The answer's figure or words; its status when it has no value."""
    if answer["value"] in (None, ""):
        return _status_words(answer)
    number = answer["value_number"]
    if answer["question_type"] in _NUMERIC and number is not None:
        return int(number) if float(number).is_integer() else number
    return answer["value"]


def _codes(tags: Sequence[str]) -> dict[str, str]:
    """Registry codes kept as tags ("ons:E38000001") as columns ("ons_code")."""
    return {f"{m.group(1)}_code": m.group(2) for t in tags if (m := _CODE_TAG.match(t))}


def wide_table(asked: Sequence[Mapping[str, Any]], answers: Sequence[Mapping[str, Any]],
               questions: Sequence[Mapping[str, Any]]) -> Table:
    """One row per authority asked, a value and a status column per question."""
    by_request: dict[str, dict[str, Mapping[str, Any]]] = {}
    for a in answers:
        by_request.setdefault(a["reference"], {})[a["question_key"]] = a
    code_columns = sorted({c for r in asked for c in _codes(r["tags"])})
    question_columns = [f"q{q['number']}_{q['key']}" for q in questions]
    columns = ("reference", "authority_id", "authority_name", *code_columns, "nation",
               "authority_kind", "status", "sent_on", "due_on", "replied_on",
               "working_days_late",
               *(c for name in question_columns for c in (name, f"{name}_status")))
    out = []
    for r in asked:
        codes = _codes(r["tags"])
        row: dict[str, Any] = {
            "reference": r["reference"], "authority_id": r["authority_id"],
            "authority_name": r["authority_name"], **{c: codes.get(c) for c in code_columns},
            "nation": r["nation"], "authority_kind": r["authority_kind"],
            "status": STATUS_LABELS.get(r["status"], r["status"]), "sent_on": r["sent_on"],
            "due_on": r["due_on"], "replied_on": r["responded_on"],
            "working_days_late": r["working_days_late"]}
        mine = by_request.get(r["reference"], {})
        for q, name in zip(questions, question_columns, strict=True):
            answer = mine.get(q["key"])
            row[name] = None if answer is None else _value(answer)
            row[f"{name}_status"] = None if answer is None else _status_words(answer)
        out.append(row)
    return Table("answers", columns, tuple(out))


LONG_COLUMNS = ("reference", "authority_id", "authority_name", "question_number",
                "question_key", "status", "value", "unit", "sections", "confidence", "needs_review",
                "checked", "document", "page", "passage", "reason", "detail", "overridden",
                "override_reason", "override_author")


def long_table(answers: Sequence[Mapping[str, Any]]) -> Table:
    """One row per answer with where it was read, how sure the reader was and who corrected it."""
    return Table("answers-long", LONG_COLUMNS,
                 tuple({c: _plain(a[c]) for c in LONG_COLUMNS} for a in answers))


STATUS_TABLE_COLUMNS = ("reference", "authority_id", "authority_name", "status", "sent_on",
                        "due_on", "replied_on", "working_days_late", "clock", "next_action")


def status_table(asked: Sequence[Mapping[str, Any]]) -> Table:
    """One row per request: where it stands on the statutory clock and what to do next."""
    return Table("status", STATUS_TABLE_COLUMNS, tuple(
        {**{c: r.get(c) for c in STATUS_TABLE_COLUMNS},
         "status": STATUS_LABELS.get(r["status"], r["status"]), "replied_on": r["responded_on"]}
        for r in asked))


TABLE_ANSWERS_COLUMNS = ("reference", "authority_id", "authority_name", "question_number",
                         "question_key", "period", "category_code", "category_label",
                         "category_as_sent", "match", "value", "value_as_sent", "suppressed",
                         "repeat", "filename", "sheet", "cell", "layout")
TABLE_COVERAGE_COLUMNS = ("reference", "authority_id", "authority_name", "question_number",
                          "question_key", "first_period", "last_period", "periods", "figures",
                          "categories_matched", "labels_unmatched", "labels_own", "suppressed",
                          "totals", "totals_not_adding_up", "complete")


def _count(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def table_answers_table(figures: Sequence[Mapping[str, Any]]) -> Table:
    """One row per figure an authority sent (repeats flagged), with its file, sheet and cell."""
    return Table("table-answers", TABLE_ANSWERS_COLUMNS, tuple(
        {**{c: f[c] for c in TABLE_ANSWERS_COLUMNS}, "value": _count(f["value"])}
        for f in figures))


def to_csv(table: Table) -> str:
    """The table as CSV text, every cell safe to open in a spreadsheet."""
    return csv_text(table.columns, ([_plain(row[c]) for c in table.columns]
                                    for row in table.rows))


def _json_value(value: Any) -> Any:
    value = _plain(value)
    return value.isoformat() if isinstance(value, date | datetime) else value


def to_json(table: Table) -> str:
    """The table as a JSON list of objects (dates as ISO text)."""
    return json.dumps([{c: _json_value(r[c]) for c in table.columns} for r in table.rows],
                      ensure_ascii=False, indent=2) + "\n"


def _duckdb_type(values: Sequence[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "BIGINT"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "DOUBLE"
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return "DATE"
    return "VARCHAR"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_parquet(table: Table, path: Path) -> None:
    """Write the table as Parquet through an in-memory DuckDB (numbers and dates typed)."""
    types = {c: _duckdb_type([_plain(r[c]) for r in table.rows]) for c in table.columns}
    lines = path.with_name(f".{path.name}.{os.getpid()}.ndjson")
    try:
        with lines.open("w", encoding="utf-8") as f:
            for r in table.rows:
                values = {c: _json_value(r[c]) for c in table.columns}
                f.write(json.dumps({c: v if v is None or types[c] != "VARCHAR" else str(v)
                                    for c, v in values.items()}, ensure_ascii=False) + "\n")
        con = duckdb.connect()
        try:
            con.execute("CREATE TABLE t (" + ", ".join(
                f'"{c}" {t}' for c, t in types.items()) + ")")
            if table.rows:
                spec = "{" + ", ".join(f"{_quoted(c)}: {_quoted(t)}"
                                       for c, t in types.items()) + "}"
                con.execute(f"INSERT INTO t SELECT * FROM read_json({_quoted(str(lines))},"
                            f" format = 'newline_delimited', columns = {spec})")
            con.execute(f"COPY t TO {_quoted(str(path))} (FORMAT parquet)")
        finally:
            con.close()
    finally:
        lines.unlink(missing_ok=True)


def write_table(table: Table, fmt: str, path: Path) -> Path:
    """Write one table in one format (csv, parquet or json) to path; returns the path."""
    if fmt == "csv":
        path.write_text(to_csv(table), encoding="utf-8")
    elif fmt == "json":
        path.write_text(to_json(table), encoding="utf-8")
    elif fmt == "parquet":
        write_parquet(table, path)
    else:
        raise ValueError(f"format {fmt!r}: use {', '.join(FORMATS)}")
    return path


def summary_markdown(campaign: Mapping[str, Any], headlines: Sequence[Headline],
                     asked: int, responded: int, needs_review: int) -> str:
    """The headline sentences and a line of methodology, as Markdown for a CMS."""
    nouns = campaign["authority_noun_plural"]
    regime = {"foia": "the Freedom of Information Act 2000",
              "eir": "the Environmental Information Regulations 2004",
              "foisa": "the Freedom of Information (Scotland) Act 2002"}.get(
                  campaign["regime"], str(campaign["regime"]).upper())
    lines = [f"# {campaign['title']}", ""]
    lines += [f"- {h.sentence}" for h in headlines]
    review = (f" {needs_review} answers read with low confidence were still waiting for a "
              "person to check them." if needs_review else "")
    lines += ["", f"Methodology: the same request under {regime} was sent to {asked} {nouns}; "
                  f"{responded} responded. Answers were read from the replies and checked by "
                  f"hand where the reader was unsure.{review}", ""]
    return "\n".join(lines)


def write_publication(folder: Path, tables: Mapping[str, Table], summary: str) -> list[Path]:
    """Write every table as CSV and Parquet, and summary.md, into folder; returns the paths."""
    written = [write_table(t, fmt, folder / f"{name}.{fmt}")
               for name, t in tables.items() for fmt in ("csv", "parquet")]
    (folder / "summary.md").write_text(summary, encoding="utf-8")
    return [*written, folder / "summary.md"]
