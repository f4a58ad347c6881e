"""One reply's data files read into tidy rows, totals checked, and what a person must see.

    reading = read_tables([("Q1.xlsx", data), ...], questions, matcher(codes, mappings))
    reading.cells     # TableCell: question, period, code, category as sent, value, source cell
    reading.totals    # TotalCheck: a total row against the sum of its parts
    reading.problems  # grids whose layout could not be read, blocks with no question

Every figure keeps its file, sheet and cell (or PDF page, table, row and column). A figure
the same authority sent twice (a summary sheet and its raw data, a PDF of the spreadsheet)
is kept with `repeat` set, so totals count it once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.tables.assign import TableQuestion, assign_question, breakdown_of
from extract.tables.checks import by_period, group_parts, group_rows, total_parts
from extract.tables.codes import Code, Match, Matcher, match_label, matcher
from extract.tables.grids import CutShort, Grid, UnreadableTable
from extract.tables.layout import Block, find_blocks
from extract.tables.loading import load_grids, table_kind

# a change to how tables are read: every request of a campaign with table questions is read
# again (not the others)
TABLES_VERSION = "3"


@dataclass(frozen=True)
class TableCell:
    """One figure of a data return, tidy."""

    question: int
    period: str
    code: str | None
    category: str            # as the authority wrote it
    match: str               # how its code was found: file, mapping, label, prefix, fuzzy, own
    value: float | None
    value_text: str
    suppressed: bool
    filename: str
    sheet: str
    cell: str
    layout: str
    repeat: bool = False
    dimension: str = ""      # '' for the question's categories, else a further breakdown
    unit: str = ""           # a quantity's unit as the cell wrote it ('kg', 'cigarettes')


@dataclass(frozen=True)
class TotalCheck:
    """A total the authority wrote, against the sum of the figures it totals."""

    question: int
    period: str
    category: str
    value: float | None
    parts: float
    suppressed_parts: int
    filename: str
    sheet: str
    cell: str
    # 'table': the rows of its own table; 'reply': every figure of the reply for its period
    # (a body's stated total per year, against its breakdowns or its records)
    of: str = "table"

    @property
    def adds_up(self) -> bool | None:
        """Whether the parts add up to the total; None when a suppressed part hides it."""
        if self.value is None or (self.of == "reply" and not self.parts and
                                  not self.suppressed_parts):
            return None   # a stated total with no figures of the reply to add up
        if self.suppressed_parts:
            return None if self.parts <= self.value else False
        return abs(self.parts - self.value) < 0.5


@dataclass(frozen=True)
class TableRecord:
    """One record of a listing (a crime, a seizure): its period and fields as sent."""

    question: int
    period: str
    fields: dict[str, str]
    filename: str
    sheet: str
    cell: str


@dataclass(frozen=True)
class TableProblem:
    """Something a person must look at: a layout not read, a block with no question."""

    filename: str
    sheet: str
    kind: str                # unreadable, no_question, by_elimination, cut_short,
                             # part_exceeds_whole
    detail: str


@dataclass
class TableReading:
    """Everything read from one reply's data files."""

    cells: list[TableCell] = field(default_factory=list)
    totals: list[TotalCheck] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)
    grids: int = 0
    records: list[TableRecord] = field(default_factory=list)


def holds_table(filename: str, data: bytes) -> bool:
    """Whether a file may hold a data table (a spreadsheet, CSV or PDF)."""
    return table_kind(filename, data) is not None


Codes = Matcher | Mapping[int, Matcher]   # one code list for all, or per question number


def read_tables(files: Sequence[tuple[str, bytes]], questions: Sequence[TableQuestion],
                codes: Codes, *, sheet_questions: dict[str, int] | None = None
                ) -> TableReading:
    """Read every table of a reply's files for its table questions, in this process (trusted
    files: tests, benches; foi extract reads each file in a worker, see read_file_tables).
    `sheet_questions` holds a person's answers to "which question does this file or sheet
    answer" ('file#sheet' -> n)."""
    return merge_readings([read_file_tables(name, data, questions, codes,
                                            sheet_questions=sheet_questions)
                           for name, data in files if holds_table(name, data)],
                          [q.number for q in questions], same_codes=same_code_lists(codes),
                          parts={q.number: q.part_of for q in questions if q.part_of})


def same_code_lists(codes: Codes) -> bool:
    """Whether every table question reads the same code list with the same mappings."""
    if isinstance(codes, Matcher):
        return True
    return len({(m.codes, tuple(sorted(m.mappings.items()))) for m in codes.values()}) <= 1


def read_file_tables(filename: str, data: bytes, questions: Sequence[TableQuestion],
                     codes: Codes, *, sheet_questions: dict[str, int] | None = None,
                     deadline: float | None = None) -> TableReading:
    """Every table of one file read for the table questions (repeats not marked yet); a PDF
    read page by page until the `deadline` (time.monotonic()), keeping what was read."""
    reading = TableReading()
    try:
        grids = load_grids(data, filename, deadline=deadline)
    except UnreadableTable as exc:
        reading.problems.append(TableProblem(filename, "", "unreadable", str(exc)))
        return reading
    if isinstance(grids, CutShort):
        reading.problems.append(TableProblem(
            filename, "", "cut_short", f"{filename}: {grids.detail}; the figures read before "
            "are kept"))
    last: list[int | None] = [None]  # a PDF's tables run on from one to the next
    open_parts: dict[int, Parts] = {}   # a PDF table's figures not totalled yet, by grid
    records: Records = {}
    listed: list[TableRecord] = []
    for grid in grids:
        reading.grids += 1
        _read_grid(grid, questions, codes, sheet_questions or {}, reading, last, open_parts,
                   records, listed)
    if isinstance(grids, CutShort) and records:
        reading.problems.append(TableProblem(
            filename, "", "cut_short",
            f"the records listed in {filename} are not counted: part of the file was not "
            "read, and a count of part of a listing would be wrong"))
    else:
        _count_records(records, codes, reading)
        reading.records = listed
    return reading


# a listing's records counted across its pages: (question, dimension, period, label, code)
# -> [records, first cell, last cell, file, sheet]
Records = dict[tuple[int, str, str, str, str | None], list]


def _count_records(records: Records, codes: Codes, reading: TableReading) -> None:
    """One figure per question, breakdown, period and label of a listing: its records."""
    free = matcher(())
    for (number, dimension, period, label, code), (n, first, last, filename, sheet) in \
            records.items():
        m = match_label(free if dimension else _codes_of(codes, number), label, code,
                        coded_block=False)
        reading.cells.append(TableCell(
            number, period, m.code, label, m.method, float(n), f"{n} records", False, filename,
            sheet, first if first == last else f"{first} to {last}", "records",
            dimension=dimension))


UNASSIGNED = 0   # the question number of figures whose table names no question yet


def merge_readings(readings: Sequence[TableReading], questions: Sequence[int] = (), *,
                   same_codes: bool = False, parts: Mapping[int, int] | None = None
                   ) -> TableReading:
    """One reply's file readings, in file order, as one: a figure already read from another
    file or sheet marked as a repeat; the one file or sheet that names no question given the
    one question no other table answers (when every question reads the same code list, as
    `same_codes` says), else left out for a person to say; each question's figures checked
    against those of the question they are part of (`parts`: part -> whole)."""
    merged = TableReading()
    for r in readings:
        merged.cells += r.cells
        merged.totals += r.totals
        merged.problems += r.problems
        merged.grids += r.grids
        merged.records += r.records
    _by_elimination(merged, questions, same_codes)
    merged.cells = [c for c in merged.cells if c.question != UNASSIGNED]
    merged.totals = [t for t in merged.totals if t.question != UNASSIGNED]
    _mark_repeats(merged)
    _check_stated(merged)
    _check_parts(merged, parts or {})
    return merged


def _check_parts(reading: TableReading, parts: Mapping[int, int]) -> None:
    """A part's figure above its whole's for the same period and code (people on CPA above
    all people in contact) says a table answers another question than the one it was read
    for, or a figure is wrong: one problem per part and whole, with the cells."""
    figures = {(c.question, c.dimension, c.period, c.code): c for c in reading.cells
               if not c.repeat and not c.suppressed and c.value is not None and c.code}
    for part, whole in sorted(parts.items()):
        above = [(c, w) for (q, d, p, code), c in figures.items() if q == part
                 and (w := figures.get((whole, d, p, code))) is not None
                 and c.value > w.value + 1e-9]   # type: ignore[operator]
        if not above:
            continue
        c, w = above[0]
        where = [" ".join(x for x in (f.filename, f.sheet, f.cell) if x) for f in (c, w)]
        reading.problems.append(TableProblem(
            c.filename, c.sheet, "part_exceeds_whole",
            f"{len(above)} figure(s) of question {part} above those of question {whole}, which "
            f"they are part of: {c.period} {c.code} is {c.value_text} ({where[0]}) against "
            f"{w.value_text} ({where[1]}); the tables may answer each other's questions: say "
            "which with `foi tables answers`"))


def _check_stated(reading: TableReading) -> None:
    """A stated total against the reply's figures for its period and question, in each of
    its breakdowns: the categories' (or, with none, the first breakdown's)."""
    sums: dict[tuple[int, str, str], list[float | None]] = defaultdict(list)
    for c in reading.cells:
        if not c.repeat:
            sums[(c.question, c.dimension, c.period)].append(None if c.suppressed else c.value)
    out = []
    for t in reading.totals:
        if t.of == "reply":
            found = next((sums[k] for d in ["", *sorted({d for _, d, _ in sums})]
                          if (k := (t.question, d, t.period)) in sums), [])
            t = _replace(t, parts=sum(v for v in found if v is not None),
                         suppressed_parts=sum(1 for v in found if v is None))
        out.append(t)
    reading.totals = out


def _by_elimination(reading: TableReading, questions: Sequence[int], same_codes: bool) -> None:
    """The only table naming no question answers the only question nothing else answers."""
    waiting = {(c.filename, c.sheet) for c in reading.cells if c.question == UNASSIGNED}
    left = [q for q in questions if q not in {c.question for c in reading.cells}]
    if len(waiting) != 1 or len(left) != 1 or not same_codes:
        return
    (filename, sheet), number = waiting.pop(), left[0]
    reading.cells = [_replace(c, question=number) if c.question == UNASSIGNED else c
                     for c in reading.cells]
    reading.totals = [_replace(t, question=number) if t.question == UNASSIGNED else t
                      for t in reading.totals]
    reading.problems = [TableProblem(p.filename, p.sheet, "by_elimination",
                                     f"{p.detail.split(': say')[0]}; read as question {number}, "
                                     "the only one no other table answers: say otherwise with "
                                     "`foi tables answers`")
                        if (p.filename, p.sheet, p.kind) == (filename, sheet, "no_question")
                        else p for p in reading.problems]


def reading_to_json(reading: TableReading) -> str:
    """A reading as JSON text, to carry it out of the worker process that read the file."""
    from dataclasses import asdict
    return json.dumps({"cells": [asdict(c) for c in reading.cells],
                       "totals": [asdict(t) for t in reading.totals],
                       "problems": [asdict(p) for p in reading.problems],
                       "grids": reading.grids,
                       "records": [asdict(r) for r in reading.records]}, ensure_ascii=False)


def reading_from_json(text: str) -> TableReading:
    """The reading reading_to_json wrote."""
    found = json.loads(text)
    return TableReading([TableCell(**c) for c in found["cells"]],
                        [TotalCheck(**t) for t in found["totals"]],
                        [TableProblem(**p) for p in found["problems"]], found["grids"],
                        [TableRecord(**r) for r in found.get("records", [])])


def reading_setup_to_json(questions: Sequence[TableQuestion], codes: Mapping[int, Matcher],
                          sheet_questions: Mapping[str, int]) -> dict[str, Any]:
    """What read_file_tables needs besides the file, as JSON for the worker process."""
    return {"questions": [[q.number, q.key, list(q.keywords),
                           [[name, list(words)] for name, words in q.breakdowns]]
                          for q in questions],
            "codes": {str(n): {"codes": [[c.code, c.label] for c in m.codes],
                               "mappings": dict(m.mappings)} for n, m in codes.items()},
            "sheet_questions": dict(sheet_questions)}


def reading_setup_from_json(setup: Mapping[str, Any]
                            ) -> tuple[list[TableQuestion], dict[int, Matcher], dict[str, int]]:
    """The questions, code lists and a person's sheet answers reading_setup_to_json wrote."""
    questions = [TableQuestion(n, key, tuple(words),
                               tuple((name, tuple(w)) for name, w in breakdowns))
                 for n, key, words, breakdowns in setup["questions"]]
    codes = {int(n): matcher([Code(c, label) for c, label in m["codes"]], m["mappings"])
             for n, m in setup["codes"].items()}
    return questions, codes, dict(setup["sheet_questions"])


def _codes_of(codes: Codes, number: int) -> Matcher:
    return codes if isinstance(codes, Matcher) else codes[number]


def grid_key(grid: Grid) -> str:
    """How a person names a grid when saying which question it answers: file or file#sheet."""
    return f"{grid.filename}#{grid.sheet}" if grid.sheet else grid.filename


_SURE = ("file", "mapping", "label")
Parts = dict[str, list[float | None]]   # period -> the figures a total there adds up


def _read_grid(grid: Grid, questions: Sequence[TableQuestion], codes: Codes,
               told: dict[str, int], reading: TableReading, last: list[int | None],
               open_parts: dict[int, Parts], records: Records, listed: list[TableRecord]
               ) -> None:
    layout = find_blocks(grid)
    if not layout.blocks:
        if grid.kind not in ("pdf", "docx", "doc") and \
                any(any(v is not None for v in r) for r in grid.rows[:3]) \
                and _has_figures(grid):
            reading.problems.append(TableProblem(grid.filename, grid.sheet, "unreadable",
                                                 layout.problem or "no table found"))
        return
    previous: int | None = told.get(grid_key(grid)) or told.get(grid.filename) or \
        (last[0] if grid.kind == "pdf" else None)
    for block in layout.blocks:
        number = told.get(grid_key(grid)) or _question_of(block, questions) or previous
        if grid.kind == "pdf" and grid.continues is not None and grid.header_rows:
            number = getattr(grid.continues, "_question", None) or number
        if number is None:
            reading.problems.append(TableProblem(
                grid.filename, grid.sheet, "no_question",
                f"a {block.layout} table at {grid.address(block.header_row, 0)} names no "
                "question: say which with `foi tables answers`"))
            # kept aside as question 0: merge_readings may find its question by elimination
            if questions:
                _tidy_block(block, UNASSIGNED, _codes_of(codes, questions[0].number), reading,
                            dimension=breakdown_of(block.label, block.titles, questions[0]))
            continue
        grid._question = number  # type: ignore[attr-defined]  # read by a continued PDF table
        previous = last[0] = number
        # a table run on from the previous page: its total counts the rows of both
        carried = open_parts.pop(id(grid.continues), None) \
            if grid.kind == "pdf" and grid.continues is not None and grid.header_rows \
            and block is layout.blocks[0] else None
        question = next((q for q in questions if q.number == number), None)
        dimension = breakdown_of(block.label, block.titles, question) if question else ""
        if block.layout == "records":
            listed.extend(TableRecord(number, str(p), fields, grid.filename, grid.sheet, cell)
                          for p, fields, cell in block.records)
            for raw in block.cells:
                found = records.setdefault((number, dimension, str(raw.period), raw.category,
                                            raw.code),
                                           [0, raw.address, raw.address, grid.filename,
                                            grid.sheet])
                found[0] += 1
                found[2] = raw.address
            continue
        left = _tidy_block(block, number, _codes_of(codes, number), reading, carried,
                           dimension)
        if left is not None and block is layout.blocks[-1]:
            open_parts[id(grid)] = left


def _has_figures(grid: Grid) -> bool:
    from extract.tables.cells import parse_number
    return sum(1 for r in grid.rows[:200] for v in r if parse_number(v) is not None) >= 12


def _question_of(block: Block, questions: Sequence[TableQuestion]) -> int | None:
    if len(questions) == 1:   # one table question: every table of the reply is a part of it
        return questions[0].number
    titles = [block.measure] if block.measure else []
    return assign_question([*titles, *block.titles],
                           [t for t in (block.grid.sheet, block.grid.filename) if t], questions)


def _tidy_block(block: Block, number: int, codes: Matcher, reading: TableReading,
                carried: Parts | None = None, dimension: str = "") -> Parts | None:
    """Tidy one block's figures and check its totals; the figures left without a total (a
    table that may run on to the next page), or None when a total closed them."""
    grid = block.grid
    if block.layout == "stated":
        reading.totals += [TotalCheck(number, str(raw.period), raw.category, raw.value, 0.0, 0,
                                      grid.filename, grid.sheet, raw.address, of="reply")
                           for raw in block.cells]
        return None
    parts: Parts = defaultdict(list)
    for period, found in (carried or {}).items():
        parts[period] += found
    free = matcher(())   # a further breakdown: its labels kept as written
    matches = {key: match_label(free if dimension else codes, *key, coded_block=block.coded)
               for key in dict.fromkeys((raw.category, raw.code) for raw in block.cells
                                        if not raw.total)}
    # a guess is not given a code another row of this table has too: that label waits
    # ('Not Recorded' beside a 'Not Known' row that is OC99; two rows guessed the same code)
    labels_of: dict[str, set[str]] = defaultdict(set)
    for (label, _), m in matches.items():
        if m.code:
            labels_of[m.code].add(label)
    for (label, code), m in matches.items():
        if m.method not in _SURE and m.code and len(labels_of[m.code]) > 1:
            matches[(label, code)] = Match(None, "none", m.score)
    in_periods = by_period(block.cells, lambda raw: str(raw.period))
    groups = group_rows(in_periods)
    for raw in block.cells:
        if raw.total or (raw.category, raw.code) in groups:
            continue
        m = matches[(raw.category, raw.code)]
        reading.cells.append(TableCell(
            number, str(raw.period), m.code, raw.category, m.method, raw.value, raw.value_text,
            raw.suppressed, grid.filename, grid.sheet, raw.address, block.layout,
            dimension=dimension, unit=raw.unit))
        if raw.unit:   # a quantity is not a count: it adds up with nothing else
            continue
        parts[str(raw.period)].append(raw.value)
    closed = False
    for period, figures in in_periods.items():
        sums = total_parts(figures, groups, (carried or {}).get(period, ()))
        for i, raw in enumerate(figures):
            key = (raw.category, raw.code)
            if i not in sums and key not in groups:
                continue
            closed = closed or raw.total
            found = sums[i] if i in sums else group_parts(figures, groups[key])
            reading.totals.append(TotalCheck(
                number, period, raw.category, raw.value, found.parts, found.suppressed_parts,
                grid.filename, grid.sheet, raw.address))
    return None if closed else parts


def _mark_repeats(reading: TableReading) -> None:
    """A figure already read from another file or sheet of the reply is a repeat."""
    seen: dict[tuple, str] = {}
    out = []
    for c in reading.cells:
        key = (c.question, c.period, c.code or c.category.casefold(), c.category.casefold())
        source = f"{c.filename}#{c.sheet}"
        first = seen.setdefault(key, source)
        out.append(c if first == source else _replace(c, repeat=True))
    reading.cells = out


def _replace(cell: TableCell, **changes: object) -> TableCell:
    from dataclasses import replace
    return replace(cell, **changes)


@dataclass(frozen=True)
class Coverage:
    """What one reply gave for one table question."""

    question: int
    first: str | None
    last: str | None
    periods: int
    figures: int
    categories_matched: int
    categories_unmatched: tuple[str, ...]
    suppressed: int
    totals: int
    totals_not_adding_up: int

    @property
    def complete(self) -> bool:
        """Read with nothing for a person to do: every label coded, every total adding up."""
        return self.figures > 0 and not self.categories_unmatched and \
            not self.totals_not_adding_up


def coverage(reading: TableReading, question: int) -> Coverage:
    """The coverage of one question in a reading (repeats counted once)."""
    cells = [c for c in reading.cells if c.question == question and not c.repeat]
    periods = sorted({c.period for c in cells})
    matched = {c.code for c in cells if c.code}
    unmatched = sorted({c.category for c in cells if not c.code})
    totals = [t for t in reading.totals if t.question == question]
    return Coverage(question, periods[0] if periods else None, periods[-1] if periods else None,
                    len(periods), len(cells), len(matched), tuple(unmatched),
                    sum(1 for c in cells if c.suppressed), len(totals),
                    sum(1 for t in totals if t.adds_up is False))
