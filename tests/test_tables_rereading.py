"""A person's correction to the data returns (a label -> code mapping, "this file answers
question N") marks exactly the requests it changes for the next `foi extract`, through the
real extract step: documents read in workers, answers and figures stored, fingerprints kept."""

from __future__ import annotations

from flows.steps.extract import extract_replies, plan_extraction
from flows.steps.tables import map_table_label
from foi.workspace import Workspace
from tests.table_workspace import HOSTILE_CSV, add_campaign, add_reply, corpus_files
from warehouse.data_returns import set_sheet_question
from warehouse.db import connect, rows

DEVON = "Devon Partnership NHS Trust"


def _stale(ws: Workspace) -> int:
    con = connect(ws.database)
    try:
        return plan_extraction(con, ws).stale
    finally:
        con.close()


def _figures(ws: Workspace, sql: str) -> list[dict]:
    con = connect(ws.database)
    try:
        return rows(con, sql)
    finally:
        con.close()


def test_a_correction_marks_only_the_requests_it_changes(workspace: Workspace) -> None:
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con)
        add_reply(con, workspace, "RWV", DEVON, corpus_files(DEVON, "*.[cC][sS][vV]"))
        add_reply(con, workspace, "XX1", "Other Trust", [("data.csv", HOSTILE_CSV)])
    finally:
        con.close()
    first = extract_replies(workspace.home)
    assert first.requests == 2 and first.table_figures > 1000
    assert _stale(workspace) == 0            # nothing new: nothing to read again
    assert extract_replies(workspace.home).requests == 0

    # a label only Devon sent: Devon alone is read again, and then it is coded
    hostel = "SELECT DISTINCT category_code, match FROM v_table_answers" \
             " WHERE category_as_sent = 'Other Residential'"
    assert _figures(workspace, hostel) == [{"category_code": None, "match": "none"}]
    con = connect(workspace.database)
    try:
        map_table_label(con, campaign.id, None, "other  residential", "HS09", "tester")
    finally:
        con.close()
    assert _stale(workspace) == 1
    again = extract_replies(workspace.home)
    assert (again.requests, again.unchanged) == (1, 1)
    assert _figures(workspace, hostel) == [{"category_code": "HS09", "match": "mapping"}]
    assert _stale(workspace) == 0

    # "data.csv answers question 2": only the trust that sent a data.csv is read again
    con = connect(workspace.database)
    try:
        set_sheet_question(con, campaign.id, "data.csv", "cpa", "tester")
    finally:
        con.close()
    assert _stale(workspace) == 1
    assert extract_replies(workspace.home).requests == 1
    moved = _figures(workspace, "SELECT DISTINCT question_key FROM v_table_answers"
                                " WHERE reference = 'MHA21-XX1'")
    assert moved == [{"question_key": "cpa"}]
    assert _stale(workspace) == 0
