"""The journalist's checklist on one table: which rows are groups and subtotals of others,
and what each total adds up.

A *group row* is a row the authority wrote as the sum of the rows right after it ('Homeless'
over 'Rough sleeper', 'Squatting' …, with no word 'total'): in every period where it has a
figure, it equals the sum of the same next rows, in two periods at least. It is checked as a
total, never stored as a category: a reader summing the table would count its members twice.
A *subtotal* is a total row with more total rows after it: it adds up the rows since the
total (or the group) before it. The last total row adds up every row that is neither a group
nor a total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Figure(Protocol):
    """A figure of a block as the checklist needs it."""

    @property
    def category(self) -> str: ...
    @property
    def code(self) -> str | None: ...
    @property
    def total(self) -> bool: ...
    @property
    def value(self) -> float | None: ...
    @property
    def suppressed(self) -> bool: ...


Key = tuple[str, str | None]


def _key(f: Figure) -> Key:
    return f.category, f.code


def group_rows(by_period: dict[str, Sequence[Figure]]) -> dict[Key, list[Key]]:
    """The categories that are groups of the ones right after them, in every period, each
    with its members."""
    order = list(dict.fromkeys(_key(f) for figures in by_period.values() for f in figures
                               if not f.total))
    values: dict[tuple[Key, str], float | None] = {
        (_key(f), p): (None if f.suppressed else f.value)
        for p, figures in by_period.items() for f in figures if not f.total}
    groups: dict[Key, list[Key]] = {}
    for i, key in enumerate(order):
        periods = [p for p in by_period if values.get((key, p)) is not None]
        if sum(1 for p in periods if values[(key, p)]) < 2:
            continue
        running = dict.fromkeys(periods, 0.0)
        for k in range(1, min(len(order) - i, MOST_MEMBERS + 1)):
            member = order[i + k]
            if member in groups:
                break
            found = [values.get((member, p)) for p in periods]
            if any(v is None or v < 0 for v in found):
                break   # a member must have a figure wherever its group has one
            for p, v in zip(periods, found, strict=True):
                running[p] += v  # type: ignore[operator]
            if any(running[p] > values[(key, p)] + 0.5 for p in periods):  # type: ignore[operator]
                break   # (figures are not negative: the sum only grows)
            if k >= 2 and all(abs(running[p] - values[(key, p)]) < 0.5  # type: ignore[operator]
                              for p in periods):
                groups[key] = order[i + 1:i + 1 + k]
                break
    return groups


MOST_MEMBERS = 60   # a group row over more rows than this is not looked for


@dataclass(frozen=True)
class Sum:
    """What one total row of one period adds up: its parts' known sum and suppressed ones."""

    parts: float
    suppressed_parts: int


def group_parts(figures: Sequence[Figure], members: list[Key]) -> Sum:
    """What a group row of one period adds up: its members' figures in that period."""
    found = [None if f.suppressed else f.value for f in figures if _key(f) in members]
    return Sum(sum(v for v in found if v is not None), sum(1 for v in found if v is None))


def total_parts(figures: Sequence[Figure], groups: dict[Key, list[Key]],
                carried: Sequence[float | None] = ()) -> dict[int, Sum]:
    """For each total row of one period's figures (by its index), the sum of its parts: a
    subtotal's since the total before it, the last total's of every row that is neither a
    group nor a total (with the figures `carried` from a page before)."""
    totals = [i for i, f in enumerate(figures) if f.total]
    leaves: list[float | None] = list(carried)
    section: list[float | None] = list(carried)
    closing: set[Key] = set()   # the last member of each group: its section ends there
    out: dict[int, Sum] = {}
    for i, f in enumerate(figures):
        if f.total:
            parts = leaves if i == totals[-1] else section
            out[i] = Sum(sum(v for v in parts if v is not None),
                         sum(1 for v in parts if v is None))
            section = []
        elif _key(f) in groups:
            closing.add(groups[_key(f)][-1])
            section = []
        elif not getattr(f, "unit", ""):   # a quantity in its own unit adds up with nothing
            value = None if f.suppressed else f.value
            leaves.append(value)
            section.append(value)
            if _key(f) in closing:
                section = []
    return out


def by_period(figures: Sequence[Figure], period_of) -> dict[str, list[Figure]]:
    """Figures grouped by period, each period's in the block's order."""
    out: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        out[period_of(f)].append(f)
    return out
