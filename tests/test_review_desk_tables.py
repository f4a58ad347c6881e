"""The review desk's data returns page: labels with no code (one decision per label, whatever
the question), tables not read, totals that disagree; a mapping made there is the same as
`foi tables map` and the next `foi extract` reads the affected replies again."""

from __future__ import annotations

from flows.desk import desk_config
from flows.steps.extract import extract_replies
from foi.workspace import Workspace
from reports.desk import create_app
from tests.table_workspace import HOSTILE_CSV, HOSTILE_LABEL, add_campaign, add_reply, corpus_files
from warehouse.db import connect, rows

from .test_review_desk import ARTIFACTS, desk_client

DEVON = "Devon Partnership NHS Trust"
CAMPAIGN = "mh-accommodation-2021"


def _workspace(workspace: Workspace) -> Workspace:
    con = connect(workspace.database)
    try:
        add_campaign(con)
        add_reply(con, workspace, "RWV", DEVON, corpus_files(DEVON, "*.[cC][sS][vV]"))
        add_reply(con, workspace, "XX1", "Other Trust", [("data.csv", HOSTILE_CSV)])
    finally:
        con.close()
    extract_replies(workspace.home)
    return workspace


def _table(ws: Workspace, sql: str) -> list[dict]:
    con = connect(ws.database)
    try:
        return rows(con, sql)
    finally:
        con.close()


def test_labels_mapped_in_the_desk(workspace: Workspace, browser) -> None:
    ws = _workspace(workspace)
    client = desk_client(desk_config(CAMPAIGN, ws.home, author="desk-test"))
    page = client.get("/tables").text
    assert 'id="nav-tables"' in client.get("/summary").text
    waiting = _table(ws, "SELECT DISTINCT category_as_sent AS label, question_key FROM"
                         " v_table_answers WHERE category_code IS NULL AND match <> 'mapping'"
                         " AND NOT repeat")
    labels = {w["label"] for w in waiting}
    assert "Other Residential" in labels and HOSTILE_LABEL in labels
    # one row per label: Devon's "Other Residential" stands for all three questions
    assert page.count('data-label="Other Residential"') == 1
    questions = sorted(w["question_key"] for w in waiting if w["label"] == "Other Residential")
    assert len(questions) == 3
    assert HOSTILE_LABEL not in page   # escaped, never the raw quotes of a formula
    assert "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;click&#34;)" in page

    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"csrf": csrf, "question_key": questions[0], "label": "Other Residential",
            "code": "HS09", "every_question": "1"}
    assert client.post("/tables/map", data={**form, "csrf": "stale"}).status_code == 403
    bad = client.post("/tables/map", data={**form, "code": "ZZ99"})
    assert bad.status_code == 400 and "is not a code" in bad.text
    saved = client.post("/tables/map", data=form, follow_redirects=False)
    assert saved.status_code == 303
    mapped = _table(ws, "SELECT question_key, code, author FROM table_label_mappings"
                        " ORDER BY question_key")
    assert mapped == [{"question_key": q, "code": "HS09", "author": "desk-test"}
                      for q in sorted(questions)]
    assert "→ HS09 (desk-test" in client.get("/tables").text

    # the next foi extract reads Devon again with it: the label is coded and off the page
    again = extract_replies(ws.home)
    assert again.requests == 1
    coded = _table(ws, "SELECT DISTINCT category_code, match FROM v_table_answers"
                       " WHERE category_as_sent = 'Other Residential'")
    assert coded == [{"category_code": "HS09", "match": "mapping"}]
    assert 'data-label="Other Residential"' not in client.get("/tables").text

    # in a browser at phone width the page stays inside the screen, its tables scroll
    import threading
    import time

    import uvicorn

    from .test_review_desk import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(desk_config(CAMPAIGN, ws.home, author="desk-test", port=port)),
        host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    try:
        tab = browser.new_page(viewport={"width": 390, "height": 844})
        tab.goto(f"http://127.0.0.1:{port}/tables")
        assert HOSTILE_LABEL in tab.text_content("#labels")
        assert tab.evaluate("document.body.scrollWidth") <= 390
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "desk-tables-390.png"), full_page=True)
    finally:
        server.should_exit = True
