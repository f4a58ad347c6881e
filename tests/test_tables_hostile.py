"""Hostile data returns (tests/hostile.py) read by `foi extract`'s table reader: each file in
a worker process with the documents' time and memory caps, so a file that hangs, bombs or is
garbage is a table problem of its request and the run goes on with the others."""

from __future__ import annotations

import time

import pytest

from flows.steps.limits import ReadingLimits
from flows.steps.tables import read_table_answers
from foi.workspace import Workspace
from tests.hostile import hostile_corpus
from tests.table_workspace import add_campaign, add_reply, corpus_files
from warehouse.db import connect, rows

DEVON = "Devon Partnership NHS Trust"
BROKEN = ("truncated-50-data.xlsx", "random-3-x.xls", "mislabelled-notes.xlsx", "empty.xlsx",
          "reply[/bold]-0[red].pdf", "flipped-3-data.xlsx")
# a PDF whose one stream inflates to 300 MB; a ruled grid of 40,000 cells for pdfplumber
ENDLESS = ("bomb-stream.pdf", "grid-200x200.pdf")
# a stray cell at XFD1048576: the workbook is streamed up to the row and column caps, and
# what lies beyond them is named
CAPPED = ("cell-at-XFD1048576.xlsx",)


@pytest.mark.long_running(16)
def test_hostile_files_are_problems_and_the_run_goes_on(workspace: Workspace) -> None:
    hostile = {h.name: h.data for h in hostile_corpus() if h.name in BROKEN + ENDLESS + CAPPED}
    assert sorted(hostile) == sorted(BROKEN + ENDLESS + CAPPED)
    limits = ReadingLimits(timeout_s=8, memory_mb=768)
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con)
        refs = [add_reply(con, workspace, "XX1", "Hostile Trust", sorted(hostile.items())),
                add_reply(con, workspace, "RWV", DEVON, corpus_files(DEVON, "*.[cC][sS][vV]"))]
        started = time.monotonic()
        stored = read_table_answers(con, campaign, refs, workspace.store, limits)
        took = time.monotonic() - started
        problems = {r["filename"]: r for r in rows(
            con, "SELECT * FROM table_problems WHERE request_reference = 'MHA21-XX1'")}
        devon = rows(con, "SELECT value FROM v_table_answers WHERE reference = 'MHA21-RWV'"
                          " AND question_number = 1 AND period = '2021-01'"
                          " AND category_as_sent = 'Tenant - private landlord'")
    finally:
        con.close()
    assert stored > 1000 and [d["value"] for d in devon] == [52]   # the good reply is read
    assert sorted(problems) == sorted(BROKEN + ENDLESS + CAPPED)
    assert {problems[n]["kind"] for n in BROKEN + ENDLESS} == {"unreadable"}
    capped = problems["cell-at-XFD1048576.xlsx"]
    assert capped["kind"] == "cut_short" and "rows 20001 to 1048576 not read" in \
        capped["detail"], capped
    for name in ENDLESS:   # stopped by the time limit or the memory cap
        detail = problems[name]["detail"]
        assert any(w in detail for w in ("timed out", "memory", "allocate")), detail
    for name in BROKEN:   # a reason a person can act on, naming the file
        assert problems[name]["detail"] and "timed out" not in problems[name]["detail"]
    # two files stopped at 8 s each, two at a time: nothing waited for them to finish
    assert took < 2 * limits.timeout_s + 30, took
