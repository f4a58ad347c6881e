"""Data returns of the real accommodation round-robin read into tidy rows, checked against
the cells a person read from each trust's files (tests/labels/mh-accommodation-2021)."""

from __future__ import annotations

import csv
from functools import cache

import pytest

from extract.tables.tidy import TableReading, coverage, read_tables
from tests.conftest import shared_path
from tests.corpora import LABELS, cell_verdict, mh_cell_labels, mh_table_files, mh_table_setup

CELLS = mh_cell_labels()
ANSWERS = list(csv.DictReader((LABELS / "mh-accommodation-2021" / "answers.csv")
                              .open(encoding="utf-8")))


@cache
def reading_of(authority: str) -> TableReading:
    shared_path("corpus", "mh-accommodation-2021")
    questions, codes = mh_table_setup()
    return read_tables(mh_table_files(authority), questions, codes)


@pytest.mark.parametrize("label", CELLS, ids=[f"{c['authority'][:24]}-Q{c['question']}-{c['cell']}"
                                              for c in CELLS])
def test_hand_read_cell(label: dict[str, str]) -> None:
    verdict, why = cell_verdict(reading_of(label["authority"]), label)
    assert verdict == "right", why


@pytest.mark.parametrize("label", ANSWERS, ids=[f"{a['authority'][:24]}-Q{a['question']}"
                                                for a in ANSWERS])
def test_coverage_of_each_question(label: dict[str, str]) -> None:
    """Months covered as the person read them; nothing for a question with no data sent."""
    found = coverage(reading_of(label["authority"]), int(label["question"]))
    if label["value"] != "provided":
        assert found.figures == 0, found
    elif label["months"]:
        assert f"{found.first}..{found.last}" == label["months"], found
    else:  # yearly files: years, no months
        assert found.figures and found.first and len(found.first) == 4, found


def test_totals_checked_not_stored_as_categories() -> None:
    reading = reading_of("Essex Partnership University NHS Foundation Trust")
    assert not [c for c in reading.cells if "total" in c.category.lower()]
    jan = [t for t in reading.totals if t.question == 1 and t.period == "2021-01"]
    assert len(jan) == 1 and jan[0].value == 16925 and jan[0].adds_up is True


def test_figures_sent_twice_count_once() -> None:
    """Kent's 'Raw Data' sheet repeats its 'Question 1..3' sheets: one of each is a repeat."""
    reading = reading_of("Kent and Medway NHS and Social Care Partnership Trust")
    first = [c for c in reading.cells if (c.question, c.period, c.code) == (1, "2021-01", "MA01")]
    assert sorted(c.repeat for c in first) == [False, True]
    assert len({c.value for c in first}) == 1


@pytest.mark.parametrize("authority", ["Herefordshire and Worcestershire Health and Care NHS Trust",
                                       "Lancashire and South Cumbria NHS Foundation Trust"])
def test_a_total_on_the_next_page_adds_up_the_rows_of_both(authority: str) -> None:
    """A PDF table run on to the next page: its total is checked against the rows of both
    pages (the hand-read totals of tests/labels/README.md add up so), not the last only."""
    reading = reading_of(authority)
    continued = [t for t in reading.totals if t.cell.startswith("page 2 table 1")
                 and t.filename.endswith(".pdf") and t.period == "2021-01"]
    assert continued and all(t.adds_up for t in continued), continued
    assert [t for t in reading.totals if t.adds_up is False] == []
