"""The review queue as a spreadsheet (CSV): written for a person to fill in, read back after.

Every text cell is neutralised (reports.spreadsheet): a spreadsheet shows what an authority
wrote and never runs it as a formula, and a CSV line is a spreadsheet row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reports.spreadsheet import csv_text, unneutralise

SHEET_COLUMNS = ("reference", "authority", "question_number", "question_key", "question",
                 "status", "value", "sections", "confidence", "reason", "detail", "document",
                 "page", "passage", "corrected_status", "corrected_value", "corrected_sections",
                 "note")
DECISION_COLUMNS = ("corrected_status", "corrected_value", "corrected_sections", "note")
# corrected_status words that accept the answer as read.
ACCEPT_WORDS = ("ok", "accept")


class SheetError(ValueError):
    """The file is not a review sheet (its header lacks columns we need)."""


@dataclass(frozen=True)
class SheetRow:
    """One filled-in row: which answer, what it said when exported, and the decision."""

    line: int
    reference: str
    question_key: str
    status: str
    value: str | None
    corrected_status: str
    corrected_value: str
    corrected_sections: str
    note: str

    @property
    def decided(self) -> bool:
        """Whether the person accepted or corrected the answer (a note alone decides nothing)."""
        return bool(self.corrected_status or self.corrected_value or self.corrected_sections)

    @property
    def accepted(self) -> bool:
        """Whether the person marked the answer as right as read."""
        return self.corrected_status.lower() in ACCEPT_WORDS


def write_sheet(rows: Iterable[Mapping[str, Any]]) -> str:
    """The sheet as CSV text: SHEET_COLUMNS, the decision columns left empty."""
    return csv_text(SHEET_COLUMNS, ([row.get(column) for column in SHEET_COLUMNS] for row in rows),
                    lineterminator="\r\n")


def read_sheet(text: str) -> list[SheetRow]:
    """Every non-blank row of a filled-in sheet, with the line it starts on."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    # A spreadsheet saved in some locales separates with ; or tabs: the header tells which.
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("reference", "question_key", "status", "value", *DECISION_COLUMNS)
               if c not in header]
    if missing:
        raise SheetError(f"not a review sheet: no column {', '.join(missing)} (export one "
                         "with `foi review CAMPAIGN --export FILE.csv`)")
    found, line = [], reader.line_num + 1
    for cells in reader:
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        if any(row.values()):
            found.append(SheetRow(
                line, row.get("reference", "").upper(), row.get("question_key", ""),
                unneutralise(row.get("status", "")), unneutralise(row.get("value", "")) or None,
                row.get("corrected_status", ""), unneutralise(row.get("corrected_value", "")),
                row.get("corrected_sections", ""), unneutralise(row.get("note", ""))))
        line = reader.line_num + 1
    return found
