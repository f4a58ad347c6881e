"""People's decisions on answers: one correction by hand, or a review sheet filled in.

A review sheet row is one answer of the review queue. Its decision columns say:
- `corrected_status` ok (or accept): the answer is right as read; it leaves the queue;
- `corrected_status` / `corrected_value` / `corrected_sections`: a correction, recorded as
  `foi override` records one (the note is its reason); a value alone means answered,
  sections alone keep the status and value read;
- nothing, or only a note: no decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from foi.corrections import Correction, CorrectionError, correction, typed
from reports.review_sheet import SheetRow, read_sheet, write_sheet
from warehouse.answers import add_override, check_answer, has_override, question_of
from warehouse.campaigns import load_campaign
from warehouse.db import transaction
from warehouse.queries import review_queue


def correct_answer(con: duckdb.DuckDBPyConnection, *, reference: str, question_key: str,
                   status: str, value: str | None, sections: str | None, reason: str,
                   author: str) -> Correction:
    """Record a person's correction of one answer (the latest always wins)."""
    question_type, choices = question_of(con, reference, question_key)
    fixed = correction(question_type, status, value, sections, choices)
    add_override(con, reference=reference, question_key=question_key, status=fixed.status,
                 value=fixed.value, sections=fixed.sections, reason=reason, author=author)
    return fixed


def export_review(con: duckdb.DuckDBPyConnection, campaign_id: str) -> tuple[str, int]:
    """The campaign's review queue as a sheet to fill in (CSV text), and its row count."""
    load_campaign(con, campaign_id)
    queue = review_queue(con, campaign_id)
    return write_sheet(queue), len(queue)


class ReviewSheetRejected(ValueError):
    """Rows of a review sheet that cannot be applied; nothing of the sheet was."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} rows cannot be applied, so none was: " + "; ".join(
            f"line {line}: {reason}" for line, reason in problems))


@dataclass
class ReviewImport:
    """What importing a review sheet did."""

    corrected: int = 0
    checked: int = 0
    already_done: int = 0   # the same correction or check was recorded before
    undecided: int = 0      # rows with only a note


@dataclass(frozen=True)
class _Decision:
    row: SheetRow
    fix: Correction | None    # None: accepted as read


def import_review(con: duckdb.DuckDBPyConnection, campaign_id: str, text: str, *,
                  source: str, author: str) -> ReviewImport:
    """Apply a filled-in review sheet in one transaction, or nothing of it when any row is
    wrong (ReviewSheetRejected lists each with its line)."""
    load_campaign(con, campaign_id)
    sheet = read_sheet(text)
    answers = {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in con.execute(
        "SELECT r.reference, q.key, q.type, q.choices, a.status, a.value"
        " FROM requests r JOIN questions q ON q.campaign_id = r.campaign_id"
        " LEFT JOIN answers a ON a.request_reference = r.reference AND a.question_key = q.key"
        " WHERE r.campaign_id = ?", [campaign_id]).fetchall()}
    done = ReviewImport()
    decisions: list[_Decision] = []
    problems: list[tuple[int, str]] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in sheet:
        if not row.decided:
            done.undecided += bool(row.note)
            continue
        key = (row.reference, row.question_key)
        try:
            if key not in answers:
                raise CorrectionError(f"no question {row.question_key!r} in request "
                                      f"{row.reference!r} of {campaign_id}")
            if key in first_line:
                raise CorrectionError(f"{row.reference} {row.question_key} is decided on "
                                      f"line {first_line[key]} already")
            first_line[key] = row.line
            decisions.append(_decide(row, *answers[key]))
        except CorrectionError as exc:
            problems.append((row.line, str(exc)))
    if problems:
        raise ReviewSheetRejected(problems)
    with transaction(con):
        for d in decisions:
            _apply(con, d, source, author, done)
    return done


def _decide(row: SheetRow, question_type: str, choices: list[str] | None,
            status: str | None, value: str | None) -> _Decision:
    """Check one row's decision against the answer it was exported with."""
    if row.accepted:
        if row.corrected_value or row.corrected_sections:
            raise CorrectionError(f"corrected_status {row.corrected_status!r} accepts the answer "
                                  "as read: leave corrected_value and corrected_sections empty")
        if status is None or status != row.status or not _same_value(
                question_type, row.value, value):
            now = "no answer" if status is None else f"{status} {value or ''}".rstrip()
            raise CorrectionError(f"the answer was read again since the export (now {now}): "
                                  "export a new sheet")
        return _Decision(row, None)
    if row.corrected_status:
        new_status, new_value = row.corrected_status, row.corrected_value
    elif row.corrected_value:
        new_status, new_value = "answered", row.corrected_value
    else:   # sections alone: the status and value stay as read
        new_status, new_value = row.status, row.value or ""
    return _Decision(row, correction(question_type, new_status, new_value,
                                     row.corrected_sections, tuple(choices or ())))


def _same_value(question_type: str, exported: str | None, current: str | None) -> bool:
    """Whether a value came back as exported (a spreadsheet may rewrite 2016-04-01 as
    01/04/2016, or 1500.50 as 1500.5)."""
    if exported == current or exported is None or current is None:
        return exported == current
    try:
        return typed(question_type, exported) == typed(question_type, current)
    except CorrectionError:
        return False


def _apply(con: duckdb.DuckDBPyConnection, d: _Decision, source: str, author: str,
           done: ReviewImport) -> None:
    row = d.row
    if d.fix is None:
        if check_answer(con, reference=row.reference, question_key=row.question_key,
                        status=row.status, value=row.value, note=row.note or None,
                        author=author):
            done.checked += 1
        else:
            done.already_done += 1
        return
    fix = d.fix
    if has_override(con, reference=row.reference, question_key=row.question_key,
                    status=fix.status, value=fix.value, sections=fix.sections):
        done.already_done += 1
        return
    add_override(con, reference=row.reference, question_key=row.question_key,
                 status=fix.status, value=fix.value, sections=fix.sections,
                 reason=row.note or f"review sheet {source}, line {row.line}", author=author)
    done.corrected += 1
