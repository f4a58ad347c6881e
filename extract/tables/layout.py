"""A grid's layout recognised: where its tables are, which way periods run, what is a total.

Three shapes cover the returns we have seen: *wide* with periods across a header row (a block
per year or per question, months named alone under a row of years, or a year column), *down*
with periods in a column and categories across (a pivot's year rows and month rows too), and
*long* with one row per figure (period or year and month columns, or the period in the file's
name). Totals rows and columns are kept apart, to be checked, never stored as categories.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from extract.tables.cells import (
    Period,
    code_of,
    fiscal_month,
    is_figure,
    is_nil,
    is_suppressed,
    is_total,
    parse_fiscal_year,
    parse_month,
    parse_number,
    parse_period,
    parse_quantity,
    parse_span,
    parse_year,
    period_cells,
)
from extract.tables.grids import Grid, Value, as_text


@dataclass(frozen=True)
class RawCell:
    """One figure of a block, before its label is matched to a code."""

    period: Period
    category: str            # the label as written (the text label when a code is beside it)
    code: str | None         # the code the file gives, if any
    value_text: str
    value: float | None
    suppressed: bool
    address: str
    total: bool = False      # a total row or column of the block
    unit: str = ""           # a quantity's unit written in its cell ('1400 L'): 'l'


@dataclass
class Block:
    """One table of a grid: its shape, the text that says what it counts, and its figures."""

    grid: Grid
    layout: str              # wide, down, long
    header_row: int
    titles: list[str]        # the nearest line first: what the block says it counts
    cells: list[RawCell] = field(default_factory=list)
    measure: str = ""        # a long table's value column header, when it has several
    coded: bool = False      # the file gives codes in a column (or row) of their own
    label: str = ""          # the header over its labels ('Crime Outcome / Financial Year')
    # a listing's records (its first block only): period, fields by column name, row
    records: list[tuple[Period, dict[str, str], str]] = field(default_factory=list)


@dataclass
class GridLayout:
    """What was found in a grid: its blocks, and why nothing was, if nothing was."""

    blocks: list[Block]
    problem: str | None = None


def _row_text(row: list[Value]) -> str:
    return " ".join(t for t in (as_text(v) for v in row) if t)


_FISCAL_IN = re.compile(r"(?<!\d)((?:19|20)\d\d\s*[/\-–]\s*(?:(?:19|20)?\d\d))(?!\d)")


def _year_in(text: str) -> int | None:
    years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text)}
    return years.pop() if len(years) == 1 else None


def _year_of(texts: list[str]) -> tuple[int, bool] | None:
    """The one year (or financial year: fiscal True) the first text naming one names."""
    for text in texts:
        fiscal = {fy for m in _FISCAL_IN.findall(text) if (fy := parse_fiscal_year(m))}
        if len(fiscal) == 1:
            return fiscal.pop(), True
        if fiscal:
            return None
        if (y := _year_in(text)) is not None:
            return y, False
    return None


def month_of(year: int, fiscal: bool, month: int) -> Period:
    """A month named alone, in a year or in a financial year starting that year."""
    return fiscal_month(year, month) if fiscal else Period(year, month)


def find_blocks(grid: Grid) -> GridLayout:
    """The blocks of a grid, in any of the three shapes."""
    wide = _wide_blocks(grid)
    if wide:
        return GridLayout(wide)
    long = _long_or_down_blocks(grid)
    if long.blocks:
        return long
    return long if long.problem else GridLayout([], "no table of figures by period found")


# ---------------------------------------------------------------- wide: periods across

def _is_header(grid: Grid, r: int) -> dict[int, Period | int]:
    row = grid.rows[r]
    periods = period_cells(row)
    figures = sum(1 for c, v in enumerate(row) if c not in periods and parse_number(v) is not None
                  and parse_year(v) is None)
    if len(periods) == 1 and not figures:
        # one month across (a file for a single month): a label before it, figures below it
        (c, _), = periods.items()
        below = [grid.cell(r + i, c) for i in (1, 2)]
        labelled = any(as_text(v) for v in row[:c])
        if labelled and all(is_figure(v) for v in below) and \
                not any(period_cells(grid.rows[r + 1]) if r + 1 < len(grid.rows) else []):
            return periods
        return {}
    if len(periods) < 2:
        return {}
    return periods if figures < 2 else {}


def _wide_blocks(grid: Grid) -> list[Block]:
    headers = [(r, p) for r in range(len(grid.rows)) if (p := _is_header(grid, r))]
    blocks: list[Block] = []
    previous_end = -1
    for i, (h, periods) in enumerate(headers):
        end = headers[i + 1][0] if i + 1 < len(headers) else len(grid.rows)
        runs = _side_by_side(grid.rows[h], periods)
        lasts = []
        for start, run in runs:
            block, last = _wide_block(grid, h, run, end, previous_end, start,
                                      alone=len(runs) == 1)
            if block.cells:   # (a header with no figures is the upper row of the next one's)
                lasts.append(last)
                blocks.append(block)
        if lasts:
            previous_end = max(lasts)
    return blocks


def _side_by_side(header: list[Value], periods: dict[int, Period | int]
                  ) -> list[tuple[int, dict[int, Period | int]]]:
    """Tables side by side under one header row: each run of period columns with the label
    columns before it ('Status', Jan … Mar, 'Status', Jan … Mar), as (first label column,
    periods)."""
    runs: list[tuple[int, dict[int, Period | int]]] = [(0, {})]
    previous = None
    for c in sorted(periods):
        between = [as_text(v) for v in header[(previous + 1 if previous is not None else c):c]]
        if previous is not None and any(t and not is_total(t) for t in between):
            runs.append((previous + 1, {}))
        runs[-1][1][c] = periods[c]
        previous = c
    return runs


def _titles_above(grid: Grid, h: int, stop: int, label_cols: range,
                  columns: range | None = None) -> list[str]:
    """Text above a header, nearest first, up to the end of the block before (only in the
    block's own `columns` when tables stand side by side)."""
    titles = []
    header_label = _row_text([grid.cell(h, c) for c in label_cols])
    if header_label:
        titles.append(header_label)
    for r in range(h - 1, max(stop, h - 12), -1):
        row = grid.rows[r] if columns is None else grid.rows[r][columns.start:columns.stop]
        text = _row_text(row)
        if text and not any(parse_number(v) is not None and parse_year(v) is None
                            for v in row):
            titles.append(text)
    titles += reversed(grid.title.splitlines())
    return titles


def _year_of_columns(grid: Grid, h: int, columns: list[int]) -> dict[int, tuple[int, bool]]:
    """Years (or financial years) for month-only header columns from a row of years just
    above (each spread right, to the next)."""
    for r in range(h - 1, max(-1, h - 4), -1):
        row = grid.rows[r]
        years: dict[int, tuple[int, bool]] = {}
        for c, v in enumerate(row):
            if (fy := parse_fiscal_year(v)) is not None:
                years[c] = (fy, True)
            elif (y := parse_year(v)) is not None:
                years[c] = (y, False)
        if not years:
            continue
        out = {}
        for c in columns:
            left = [yc for yc in years if yc <= c]
            if left:
                out[c] = years[max(left)]
        if out:
            return out
    return {}


def _running_years(periods: dict[int, Period | int], start: tuple[int, bool]
                   ) -> dict[int, tuple[int, bool]]:
    """Years for month-only columns from one year named elsewhere: months in column order,
    a new year each time they start again (Dec, then Jan; Mar, then Apr in financial years)."""
    year, fiscal = start
    out, previous = {}, None
    for c in sorted(periods):
        m = periods[c]
        if not isinstance(m, int):
            continue
        position = (m - 4) % 12 if fiscal else m
        if previous is not None and position <= previous:
            year += 1
        previous = position
        out[c] = (year, fiscal)
    return out


def _wide_block(grid: Grid, h: int, periods: dict[int, Period | int], end: int,
                previous_end: int, start: int = 0, *, alone: bool = True) -> tuple[Block, int]:
    first = min(periods)
    label_cols = range(start, first)
    month_only = [c for c, p in periods.items() if isinstance(p, int)]
    column_years = _year_of_columns(grid, h, month_only) if month_only else {}
    titles = _titles_above(grid, h, previous_end, label_cols,
                           None if alone else range(start, max(periods) + 1))
    named = _year_of([*titles, grid.sheet, grid.filename])
    if month_only and not column_years and named:
        column_years = _running_years(periods, named)
    # a label column holding years (a block per year down the rows): which one, if any
    data_rows = range(h + 1, end)
    year_col = None
    for c in label_cols:
        values = [grid.cell(r, c) for r in data_rows if grid.cell(r, c) is not None]
        if values and sum(_row_year(v) is not None for v in values) >= 0.8 * len(values):
            year_col = c
            break
    block = Block(grid, "wide", h, titles, label=_row_text([grid.cell(h, c) for c in label_cols]))
    last = h
    previous_label: tuple[str, str | None] | None = None
    blank_run = 0
    for r in data_rows:
        row = grid.rows[r]
        if not any(as_text(v) for v in row):
            blank_run += 1
            if blank_run >= 1 and last > h:
                break
            continue
        blank_run = 0
        labels = [as_text(grid.cell(r, c)) for c in label_cols if c != year_col]
        labels = [t for t in labels if t]
        has_figures = any(is_value(grid.cell(r, c)) for c in periods)
        if not labels:
            if not has_figures or previous_label is None:
                continue
            category, code = previous_label
        else:
            category, code = _category(labels)
            previous_label = (category, code)
        if not has_figures:
            continue
        last = r
        row_year = _row_year(grid.cell(r, year_col)) if year_col is not None else None
        total_row = is_total(category) or _row_year(category) is not None
        if code and code in labels:
            block.coded = True
        for c, p in periods.items():
            value = grid.cell(r, c)
            if not is_value(value) or is_nil(value):  # a dash: nil, or not yet known
                continue
            if isinstance(p, int):
                if row_year is not None:
                    period = month_of(*row_year, p)
                elif c in column_years:
                    period = month_of(*column_years[c], p)
                else:
                    continue
            else:
                period = p
            block.cells.append(_raw(period, category, code, value, grid.address(r, c),
                                    total_row))
    return block, last


def _row_year(value: Value) -> tuple[int, bool] | None:
    """A label cell naming a year or a financial year: (first year, fiscal)."""
    if (fy := parse_fiscal_year(value)) is not None:
        return fy, True
    return (y, False) if (y := parse_year(value)) is not None else None


def _category(labels: list[str]) -> tuple[str, str | None]:
    """(label as written, code) from a row's label cells: the text label beside a code."""
    codes = [t for t in labels if len(t) == 4 and code_of(t) == t]
    texts = [t for t in labels if t not in codes]
    code = codes[0] if codes else next((c for t in texts if (c := code_of(t))), None)
    return (texts[-1] if texts else labels[0]), code


def _raw(period: Period, category: str, code: str | None, value: Value, address: str,
         total: bool) -> RawCell:
    suppressed = is_suppressed(value)
    quantity = parse_quantity(value)
    if quantity is not None:
        return RawCell(period, category, code, as_text(value), quantity[0], False, address,
                       total, quantity[1])
    return RawCell(period, category, code, as_text(value), None if suppressed else
                   parse_number(value), suppressed, address, total)


def is_value(value: Value) -> bool:
    """A cell a figure can be read from: a figure, a suppressed one, a quantity with its unit."""
    return is_figure(value) or parse_quantity(value) is not None


# ------------------------------------------------------ long (one row a figure) and down

_PERIODISH = re.compile(r"year|month|period|date|snapshot|quarter", re.I)


def _periodish(name: str) -> bool:
    """A column named for the period ('Year', 'MonthY'), not a count 'ContactedInMonth'."""
    return bool(_PERIODISH.search(name)) and len(name) <= 15


def _long_or_down_blocks(grid: Grid) -> GridLayout:
    rows = grid.rows
    width = max((len(r) for r in rows), default=0)
    period_cols = []
    for c in range(width):
        found = [(r, p) for r in range(len(rows)) if (p := _down_period(rows[r], c))]
        if len(found) >= 2:
            period_cols.append((len(found), c, found))
    if period_cols:
        _, c, found = max(period_cols)
        full = [p for _, p in found if isinstance(p, Period)]
        alone = [p for _, p in found if isinstance(p, int)]
        runs = sum(1 for a, b in itertools.pairwise(alone) if a == b)
        if (full and len(set(full)) < len(full)) or (not full and runs > len(alone) / 3):
            return _long_blocks(grid, found[0][0] - 1)
        return _down_block(grid, c, found)
    header = _long_header(grid)
    if header is None:
        return GridLayout([], "no header row and no periods found")
    return _long_blocks(grid, header)


def _down_period(row: list[Value], c: int) -> Period | int | None:
    v = row[c] if c < len(row) else None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return None
    return parse_period(v) or parse_month(v) or _coarse_span(v)


def _coarse_span(value: Value) -> Period | None:
    """A financial year or a quarter written in a cell ('2019/2020', 'Q1 2019/20'); not a
    bare year, which may be a count."""
    found = parse_span(value) if isinstance(value, str) else None
    return found if found is not None and found.span in ("financial_year", "quarter") else None


def _down_block(grid: Grid, pc: int, found: list[tuple[int, Period | int]]) -> GridLayout:
    """Periods down a column, categories across: codes and labels in the rows above."""
    first_row = found[0][0]
    year: int | None = None
    # a pivot's year row above its month rows ('2018', then 'Jan' ... 'Dec')
    for r in range(first_row - 1, max(-1, first_row - 3), -1):
        if (y := parse_year(grid.cell(r, pc))) is not None:
            year = y
            first_row = r
            break
    # (a merged title spread over the columns is one text, not a row of headers)
    head = [r for r in range(max(0, first_row - 3), first_row)
            if len({as_text(v) for c, v in enumerate(grid.rows[r]) if c > pc and as_text(v)})
            >= 2]
    if not head:
        return _stated_totals(grid, pc, found)
    columns: dict[int, tuple[str, str | None]] = {}
    width = max(len(grid.rows[r]) for r in head)
    spread = _pivot_codes(grid, head, pc, width)
    for c in range(pc + 1, width):
        texts = [spread.get((r, c)) or as_text(grid.cell(r, c)) for r in head]
        texts = [t for t in texts if t]
        if texts:
            columns[c] = _category(texts)
    block = Block(grid, "down", head[-1], _titles_above(grid, head[0], -1, range(0)))
    block.coded = any((code and code == category) or code in
                      [as_text(grid.cell(r, c)) for r in head]
                      for c, (category, code) in columns.items())
    fallback_year = _year_in(" ".join([*block.titles, grid.filename]))
    for r in range(first_row, len(grid.rows)):
        v = grid.cell(r, pc)
        if (y := parse_year(v)) is not None and not isinstance(v, float):
            year = y  # a year row: its figures are the year's subtotals
            continue
        p = _down_period(grid.rows[r], pc)
        if p is None:
            if is_total(as_text(v)) or not any(as_text(x) for x in grid.rows[r]):
                continue
            break
        if isinstance(p, int):
            y = year or fallback_year
            if y is None:
                continue
            p = Period(y, p)
        for c, (category, code) in columns.items():
            value = grid.cell(r, c)
            if is_value(value) and not is_nil(value):
                block.cells.append(_raw(p, category, code, value, grid.address(r, c),
                                        is_total(category)))
    return GridLayout([block] if block.cells else [],
                      None if block.cells else "periods down a column but no figures")


def _stated_totals(grid: Grid, pc: int, found: list[tuple[int, Period | int]]) -> GridLayout:
    """Periods down a column and one column of figures headed as a total ('Financial Year',
    'Total'): what the body says the whole was, each period, to check the rest of the reply
    against."""
    first = found[0][0]
    header = [(c, as_text(v)) for c, v in enumerate(grid.rows[first - 1]) if c > pc and
              as_text(v)] if first > 0 else []
    if len(header) != 1 or not is_total(header[0][1]):
        return GridLayout([], f"periods down column {pc + 1} but no category headers above")
    c, name = header[0]
    block = Block(grid, "stated", first - 1, _titles_above(grid, first - 1, -1, range(0)),
                  label=name)
    for r, p in found:
        value = grid.cell(r, c)
        if isinstance(p, Period) and is_figure(value) and not is_nil(value):
            block.cells.append(_raw(p, name, None, value, grid.address(r, c), True))
    return GridLayout([block] if block.cells else [], None if block.cells else
                      "a column of totals but no figures")


_NO_CODE = frozenset({"NULL", "(BLANK)", "BLANK", "#N/A", "N/A", "UNKNOWN"})   # a pivot's


def _pivot_codes(grid: Grid, head: list[int], pc: int, width: int
                 ) -> dict[tuple[int, int], str]:
    """A pivot table's code row over a label row writes each code once, over the first of its
    labels ('MA01' over 'NULL' and 'Owner occupier'): the code of each empty cell of a row of
    codes, from the code on its left, where the row below has a label."""
    spread: dict[tuple[int, int], str] = {}
    for r, below in itertools.pairwise(head):
        present = [t for c in range(pc + 1, width) if (t := as_text(grid.cell(r, c)))]
        codes = [t for t in present if code_of(t) == t]
        if len(codes) < 2 or any(code_of(t) != t and not is_total(t) and t.upper() not in
                                 _NO_CODE for t in present):
            continue
        code = None
        for c in range(pc + 1, width):
            text = as_text(grid.cell(r, c))
            if text:
                code = text if code_of(text) == text else None
            elif code and as_text(grid.cell(below, c)):
                spread[(r, c)] = code
    return spread


def _long_header(grid: Grid) -> int | None:
    """The header row of a long table: text names over rows with a figure column."""
    for r, row in enumerate(grid.rows[:60]):
        names = [as_text(v) for v in row]
        if sum(1 for t in names if t and parse_number(t) is None) < 2:
            continue
        below = grid.rows[r + 1:r + 6]
        if len(below) < 2:
            return None
        for c in range(len(row)):
            if names[c] and all(is_figure(b[c]) if c < len(b) else False for b in below):
                return r
    return None


def _long_blocks(grid: Grid, header: int) -> GridLayout:
    """One row a figure: period (or year and month) column, category columns, value columns."""
    names = [as_text(v) for v in grid.cell_row(header)] if hasattr(grid, "cell_row") else \
        [as_text(v) for v in (grid.rows[header] if header >= 0 else [])]
    data = []
    for row in grid.rows[header + 1:]:
        if not any(as_text(v) for v in row):
            if data:
                break
            continue
        data.append(row)
    if not data:
        return GridLayout([], "a header but no rows below it")
    width = max(len(r) for r in data)
    names += [""] * (width - len(names))

    def column(c: int) -> list[Value]:
        return [r[c] if c < len(r) else None for r in data]

    def share(c: int, test) -> float:
        return sum(1 for v in column(c) if test(v)) / len(data)

    period_col = next((c for c in range(width) if share(c, lambda v: (
        parse_period(v) is not None or _coarse_span(v) is not None)
        and not isinstance(v, int)) >= 0.8), None)
    year_col = next((c for c in range(width) if c != period_col and
                     share(c, lambda v: parse_year(v) is not None) >= 0.95 and
                     (re.search("year", names[c], re.I) or period_col is None)), None)
    month_col = next((c for c in range(width) if share(c, lambda v: parse_month(v) is not None)
                      >= 0.95), None)
    if month_col is None and year_col is not None:
        month_col = next((c for c in range(width) if re.fullmatch(r"month", names[c], re.I)
                          and share(c, lambda v: parse_number(v) in {*map(float, range(1, 13))})
                          >= 0.95), None)
    used = {c for c in (period_col, year_col, month_col) if c is not None}
    used |= {c for c in range(width) if _running_number(column(c))}   # 'No.': 1, 2, 3 …
    value_cols = [c for c in range(width) if c not in used and not _periodish(names[c])
                  and share(c, is_figure) >= 0.8]
    category_cols = [c for c in range(width) if c not in used and c not in value_cols
                     and not _periodish(names[c])
                     and share(c, lambda v: bool(as_text(v))) >= 0.5
                     and len({as_text(v) for v in column(c)}) > 1]
    file_year = _year_in(grid.filename) if period_col is None and year_col is None else None
    if not value_cols and category_cols and (period_col is not None or year_col is not None) \
            and len(data) >= 10:
        return _record_blocks(grid, header, names, data, category_cols,
                              (period_col, year_col, month_col))
    if not value_cols or not category_cols:
        return GridLayout([], "rows of figures, but no category or value column")
    if period_col is None and year_col is None and file_year is None:
        return GridLayout([], "rows of figures, but no period column or period in the name")
    titles = _titles_above(grid, header, -1, range(0))
    blocks = []
    for vc in value_cols:
        block = Block(grid, "long", header, titles,
                      measure=names[vc] if len(value_cols) > 1 else "",
                      label=" ".join(names[c] for c in category_cols))
        last_period = None
        for i, row in enumerate(data):
            r = header + 1 + i
            period = _long_period(row, period_col, year_col, month_col, file_year)
            labels = [as_text(row[c]) for c in category_cols if c < len(row)]
            labels = [t for t in labels if t]
            value = row[vc] if vc < len(row) else None
            if period is None and labels and is_total(labels[-1]):
                period = last_period  # a total row under its period's rows, with no period
            last_period = period or last_period
            if period is None or not labels or not is_figure(value) or is_nil(value):
                continue
            category, code = _category(labels)
            block.coded = block.coded or (code is not None and code in labels)
            block.cells.append(_raw(period, category, code, value, grid.address(r, vc),
                                    is_total(category)))
        if block.cells:
            blocks.append(block)
    return GridLayout(blocks, None if blocks else "rows of figures, but none by period")


def _running_number(values: list[Value]) -> bool:
    """A column numbering its rows (1, 2, 3 …, or on from an earlier page): an index."""
    numbers = [parse_number(v) for v in values if as_text(v)]
    return len(numbers) >= 5 and all(n is not None for n in numbers) and all(
        b == a + 1 for a, b in itertools.pairwise(numbers))  # type: ignore[operator]


def _record_blocks(grid: Grid, header: int, names: list[str], data: list[list[Value]],
                   category_cols: list[int], period: tuple[int | None, int | None, int | None]
                   ) -> GridLayout:
    """One row a record (a crime, a seizure): each category column a block of records, one
    figure of 1 per row, to be counted by period and label across every page of the file."""
    titles = _titles_above(grid, header, -1, range(0))
    blocks = []
    for c in category_cols:
        block = Block(grid, "records", header, titles, label=names[c])
        for i, row in enumerate(data):
            found = _long_period(row, *period, None)
            label = as_text(row[c]) if c < len(row) else ""
            if found is None or not label:
                continue
            category, code = _category([label])
            block.cells.append(RawCell(found, category, code, "1", 1.0, False,
                                       grid.address(header + 1 + i, c)))
        if block.cells:
            blocks.append(block)
    if blocks:
        for i, row in enumerate(data):
            found = _long_period(row, *period, None)
            if found is not None:
                blocks[0].records.append((found, {
                    names[c] or f"column {c + 1}": as_text(row[c]) for c in range(len(row))
                    if c < len(names) and as_text(row[c])}, grid.address(header + 1 + i, 0)))
    return GridLayout(blocks, None if blocks else "rows of records, but none by period")


def _long_period(row: list[Value], pc: int | None, yc: int | None, mc: int | None,
                 file_year: int | None) -> Period | None:
    def at(c: int) -> Value:
        return row[c] if c < len(row) else None

    if pc is not None:
        return parse_period(at(pc)) or _coarse_span(at(pc))
    if yc is not None:
        year = parse_year(at(yc))
        if year is None:
            return None
        if mc is None:
            return Period(year)
        month = parse_month(at(mc))
        if month is None and (n := parse_number(at(mc))) is not None and 1 <= n <= 12:
            month = int(n)
        return Period(year, month) if month else None
    return Period(file_year) if file_year else None
