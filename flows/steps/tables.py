"""Reading the data returns of a campaign's `table` questions into the warehouse.

Called by the extract step for the requests whose inputs changed, in its transaction:

    read_table_answers(con, campaign, references, store)

A person's corrections (label -> code mappings, "this sheet answers question 2") are read
from the warehouse each time, so they apply to every authority that wrote the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import duckdb

from extract.tables.assign import TableQuestion
from extract.tables.codes import Code, matcher
from extract.tables.tidy import TableReading, read_tables
from foi.campaigns import Campaign
from warehouse.tables import (
    code_list,
    label_mappings,
    replace_table_reading,
    sheet_questions,
    table_documents,
)


def table_questions(campaign: Campaign) -> list[TableQuestion]:
    """The campaign's table questions, numbered as in the letter."""
    return [TableQuestion(n, q.key, tuple(q.keywords)) for n, q in campaign.numbered()
            if q.type == "table"]


def read_table_answers(con: duckdb.DuckDBPyConnection, campaign: Campaign,
                       references: Sequence[str], store: Path) -> int:
    """Read the tables of these requests' replies; the number of figures stored."""
    questions = table_questions(campaign)
    if not questions or not references:
        return 0
    keys = {q.number: q.key for q in questions}
    numbers = {q.key: q.number for q in questions}
    # one code list and mappings for the reading: those of the first table question; a
    # campaign whose table questions use different lists reads each question apart
    first = questions[0].key
    codes = matcher([Code(c, label) for c, label in code_list(con, campaign.id, first)],
                    label_mappings(con, campaign.id, first))
    told = {grid: numbers[key] for grid, key in sheet_questions(con, campaign.id).items()
            if key in numbers}
    documents: dict[str, list[dict]] = defaultdict(list)
    for d in table_documents(con, campaign.id):
        documents[d["reference"]].append(d)
    stored = 0
    for reference in references:
        files, ids = [], {}
        for d in documents.get(reference, []):
            path = store / d["store_path"]
            if path.exists():
                files.append((d["filename"] or d["document_id"][:12], path.read_bytes()))
                ids[files[-1][0]] = d["document_id"]
        reading = read_tables(files, questions, codes, sheet_questions=told)
        stored += _store(con, reference, reading, keys, ids)
    return stored


def _store(con: duckdb.DuckDBPyConnection, reference: str, reading: TableReading,
           keys: dict[int, str], ids: dict[str, str]) -> int:
    cells = [{"question_key": keys[c.question], "period": c.period, "category_code": c.code,
              "category_as_sent": c.category, "match": c.match, "value": c.value,
              "value_as_sent": c.value_text, "suppressed": c.suppressed, "repeat": c.repeat,
              "document_id": ids.get(c.filename, ""), "filename": c.filename,
              "sheet": c.sheet, "cell": c.cell, "layout": c.layout} for c in reading.cells]
    totals = [{"question_key": keys[t.question], "period": t.period, "label_as_sent": t.category,
               "value": t.value, "parts": t.parts, "suppressed_parts": t.suppressed_parts,
               "adds_up": t.adds_up, "document_id": ids.get(t.filename, ""),
               "filename": t.filename, "sheet": t.sheet, "cell": t.cell}
              for t in reading.totals]
    problems = [{"document_id": ids.get(p.filename, ""), "filename": p.filename,
                 "sheet": p.sheet, "kind": p.kind, "detail": p.detail}
                for p in reading.problems]
    return replace_table_reading(con, reference, cells, totals, problems)


def save_code_lists(con: duckdb.DuckDBPyConnection, campaign: Campaign, campaign_file: Path
                    ) -> None:
    """Store the code list of each table question, read from beside the campaign file."""
    from extract.tables.codes import read_code_list
    from foi.campaigns import code_list_path
    from warehouse.tables import save_code_list

    for q in campaign.questions:
        path = code_list_path(campaign_file, q)
        if path is not None:
            save_code_list(con, campaign.id, q.key,
                           [(c.code, c.label) for c in read_code_list(path)])
