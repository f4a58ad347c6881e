"""Reading the data returns of a campaign's `table` questions into the warehouse.

Called by the extract step for the requests whose inputs changed, in its transaction:

    read_table_answers(con, campaign, references, store, limits)

Each file is loaded in a worker process (extract/reading/worker.py) with the same caps as documents.
A person's corrections (label -> code mappings, "this sheet answers question 2") are read
from the warehouse each time, so they apply to every authority that wrote the same thing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from extract.reading.isolation import ReadJob, read_documents_isolated
from extract.tables.assign import TableQuestion
from extract.tables.codes import Code, level_of, matcher, normalise, similar_groups
from extract.tables.tidy import (
    TableProblem,
    TableReading,
    holds_table,
    merge_readings,
    reading_from_json,
    reading_setup_to_json,
    same_code_lists,
)
from flows.steps.limits import ReadingLimits
from foi.campaigns import Campaign
from warehouse.data_returns import (
    code_list,
    label_mappings,
    map_label,
    replace_table_reading,
    sheet_questions,
    table_documents,
)


def free_label_groups(free: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Labels kept as sent (a free category, a breakdown such as outcome or hospital) that read
    alike across authorities, per question and dimension, most authorities first."""
    by_dimension: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for r in free:
        by_dimension[(r["question_key"], r["dimension"])].append(r)
    groups = []
    for (question_key, dimension), found in by_dimension.items():
        counts = {r["label"]: r["authorities"] for r in found}
        named = {r["label"]: r["name"] for r in found if r["name"] != r["label"]}
        for labels in similar_groups(list(counts)):
            if all(x in named for x in labels) and len({named[x] for x in labels}) == 1:
                continue   # a person gave them one name
            groups.append({"question_key": question_key, "dimension": dimension or "category",
                           "labels": labels, "authorities": sum(counts[x] for x in labels)})
    return sorted(groups, key=lambda g: (-g["authorities"], g["question_key"], g["labels"][0]))


def table_questions(campaign: Campaign) -> list[TableQuestion]:
    """The campaign's table questions, numbered as in the letter."""
    numbers = {q.key: n for n, q in campaign.numbered()}
    return [TableQuestion(n, q.key, tuple(q.keywords),
                          tuple((b.name, b.keywords) for b in q.table.breakdowns),
                          numbers.get(q.table.part_of or ""))
            for n, q in campaign.numbered() if q.type == "table" and q.table]


def read_table_answers(con: duckdb.DuckDBPyConnection, campaign: Campaign,
                       references: Sequence[str], store: Path,
                       limits: ReadingLimits | None = None) -> int:
    """Read the tables of these requests' replies; the number of figures stored. Each file is
    loaded in a worker process with the time and memory caps of documents: a file that
    hangs, crashes or runs out of memory is a table problem of its request, nothing more."""
    questions = table_questions(campaign)
    if not questions or not references:
        return 0
    keys = {q.number: q.key for q in questions}
    numbers = {q.key: q.number for q in questions}
    parts = {q.number: q.part_of for q in questions if q.part_of}
    codes = {q.number: matcher([Code(c, label) for c, label in code_list(con, campaign.id, q.key)],
                               label_mappings(con, campaign.id, q.key)) for q in questions}
    told = {grid: numbers[key] for grid, key in sheet_questions(con, campaign.id).items()
            if key in numbers}
    wanted = set(references)
    documents: dict[str, list[dict]] = defaultdict(list)
    for d in table_documents(con, campaign.id):
        path = store / d["store_path"]
        d["filename"] = d["filename"] or d["document_id"][:12]
        if d["reference"] in wanted and path.exists() and holds_table(d["filename"],
                                                                        _head(path)):
            documents[d["reference"]].append({**d, "path": path})
    setup = reading_setup_to_json(questions, codes, told)
    read = read_isolated({d["document_id"]: d for ds in documents.values() for d in ds}, setup,
                         limits or ReadingLimits())
    stored = 0
    for reference in references:
        mine = documents.get(reference, [])
        reading = merge_readings([read[d["document_id"]] for d in mine], list(keys),
                                 same_codes=same_code_lists(codes), parts=parts)
        stored += _store(con, reference, reading, keys,
                         {d["filename"]: d["document_id"] for d in mine})
    return stored


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(8)


def read_isolated(documents: Mapping[str, Mapping[str, Any]], setup: dict[str, Any],
                  limits: ReadingLimits) -> dict[str, TableReading]:
    """Each stored file's tables (by document id), read in worker processes with the
    documents' caps; a file that could not be read is a problem of its reading."""
    jobs = [ReadJob(key, filename=d["filename"], path=d["path"], mode="tables", tables=setup)
            for key, d in documents.items()]
    read = read_documents_isolated(jobs, timeout_s=limits.timeout_s,
                                   memory_mb=limits.memory_mb, max_pages=limits.max_pages)
    return {key: reading_from_json(r.pages[0]) if r.status == "ok" and r.pages else
            TableReading(problems=[TableProblem(documents[key]["filename"], "", "unreadable",
                                                r.error or r.status)])
            for key, r in read.items()}


def _store(con: duckdb.DuckDBPyConnection, reference: str, reading: TableReading,
           keys: dict[int, str], ids: dict[str, str]) -> int:
    cells = [{"question_key": keys[c.question], "period": c.period, "category_code": c.code,
              "category_as_sent": c.category, "category_key": normalise(c.category),
              "match": c.match, "value": c.value,
              "value_as_sent": c.value_text, "suppressed": c.suppressed, "repeat": c.repeat,
              "document_id": ids.get(c.filename, ""), "filename": c.filename,
              "sheet": c.sheet, "cell": c.cell, "layout": c.layout, "dimension": c.dimension,
              "category_level": level_of(c.code), "unit": c.unit} for c in reading.cells]
    totals = [{"question_key": keys[t.question], "period": t.period, "label_as_sent": t.category,
               "value": t.value, "parts": t.parts, "suppressed_parts": t.suppressed_parts,
               "adds_up": t.adds_up, "parts_from": t.of, "document_id": ids.get(t.filename, ""),
               "filename": t.filename, "sheet": t.sheet, "cell": t.cell}
              for t in reading.totals]
    problems = [{"document_id": ids.get(p.filename, ""), "filename": p.filename,
                 "sheet": p.sheet, "kind": p.kind, "detail": p.detail}
                for p in reading.problems]
    records = [{"question_key": keys[r.question], "period": r.period,
                "fields": json.dumps(r.fields, ensure_ascii=False),
                "document_id": ids.get(r.filename, ""), "filename": r.filename,
                "sheet": r.sheet, "cell": r.cell} for r in reading.records
               if r.question in keys]
    return replace_table_reading(con, reference, cells, totals, problems, records)


def save_code_lists(con: duckdb.DuckDBPyConnection, campaign: Campaign, campaign_file: Path
                    ) -> None:
    """Store the code list of each table question, read from beside the campaign file."""
    from extract.tables.codes import read_aliases, read_categories
    from foi.campaigns import code_list_path
    from warehouse.data_returns import save_code_list

    for q in campaign.questions:
        path = code_list_path(campaign_file, q)
        if path is not None and q.table is not None:
            codes = read_categories(path, q.table.categories.levels)
            save_code_list(con, campaign.id, q.key, [(c.code, c.label) for c in codes])
            known = frozenset(c.code for c in codes)
            for name in q.table.categories.aliases:
                save_aliases(con, campaign.id, q.key,
                             read_aliases(campaign_file.parent / name, known), name)


def save_aliases(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str,
                 aliases: Mapping[str, str], source: str) -> None:
    """A campaign's aliases as mappings of its question, recorded as by `aliases FILE`; a
    person's own mapping of the same label is kept (a person's word wins)."""
    decided = {r[0] for r in con.execute(
        "SELECT label_key FROM table_label_mappings WHERE campaign_id = ? AND question_key = ?"
        " AND NOT starts_with(author, 'aliases ')", [campaign_id, question_key]).fetchall()}
    for label, code in aliases.items():
        if normalise(label) not in decided:
            map_label(con, campaign_id, question_key, label, code or None, f"aliases {source}",
                      label_key=normalise(label))


def mappings_as_aliases(con: duckdb.DuckDBPyConnection, campaign_id: str,
                        question_key: str | None = None) -> list[tuple[str, str]]:
    """A campaign's mappings (people's and its aliases') as (label, code) rows of an aliases
    file, for the next campaign that reads the same list."""
    return [(r[0], r[1] or "") for r in con.execute(
        "SELECT label, any_value(code) FROM table_label_mappings WHERE campaign_id = ?"
        " AND (? IS NULL OR question_key = ?) GROUP BY label ORDER BY lower(label)",
        [campaign_id, question_key, question_key]).fetchall()]


def map_table_label(con: duckdb.DuckDBPyConnection, campaign_id: str, question_key: str | None,
                    label: str, code: str | None, author: str) -> int:
    """Record that a label means a code (None: the authority's own category); the requests
    that sent it, compared by its words, are read again by the next `foi extract`."""
    return map_label(con, campaign_id, question_key, label, code, author,
                     label_key=normalise(label))
