"""The data returns on the published page, in a real headless Chromium: each table question's
national total by category over time and the per-authority coverage, checked against the
warehouse, hostile labels shown as text, nothing wider than a 390 px phone."""

from __future__ import annotations

import pytest

from flows.steps.report import publish_campaign
from flows.steps.tables import read_table_answers
from foi.workspace import Workspace
from tests.table_workspace import (
    HOSTILE_CSV,
    HOSTILE_LABEL,
    add_campaign,
    add_reply,
    corpus_files,
)
from tests.test_page_browser import ARTIFACTS
from warehouse.db import connect, rows

DEVON = "Devon Partnership NHS Trust"


@pytest.fixture
def published(workspace: Workspace):
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con)
        refs = [add_reply(con, workspace, "RWV", DEVON, corpus_files(DEVON, "*.[cC][sS][vV]")),
                add_reply(con, workspace, "XX1", "Formula <b>Trust</b>",
                          [("data.csv", HOSTILE_CSV)])]
        add_reply(con, workspace, "XX2", "Silent Trust", [])
        read_table_answers(con, campaign, refs, workspace.store)
        page = publish_campaign(con, workspace.site, campaign.id)
        # what the page must show, asked of the warehouse in SQL of its own
        months = rows(con, """
            SELECT period,
                   sum(value) FILTER (WHERE category_code LIKE 'MA%' AND NOT suppressed) AS ma,
                   sum(value) FILTER (WHERE category_code IS NULL AND NOT suppressed) AS none,
                   count(*) FILTER (WHERE suppressed) AS suppressed,
                   count(DISTINCT reference) AS authorities
            FROM v_table_answers WHERE question_key = 'all_contacts' AND NOT repeat
              AND period LIKE '____-__' GROUP BY period ORDER BY period""")
        coverage = rows(con, "SELECT * FROM v_table_coverage WHERE question_key = 'cpa'")
    finally:
        con.close()
    return page, months, coverage


def test_data_returns_on_the_page(published, browser) -> None:
    index, months, coverage = published
    shots = ARTIFACTS / "page-tables"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(index.as_uri())

    for n in (1, 2, 3):   # every table question: a chart, its caption, its coverage table
        fig = page.locator(f"#chart-table-q{n}")
        assert fig.locator("svg").count() == 1 and fig.locator("figcaption").count() == 1
        assert page.locator(f"#coverage-q{n} tbody tr").count() == 3
    notes = page.locator("#table-q1-notes").inner_text()
    assert "counted as unknown" in notes and "lower bound" in notes

    figures = page.locator("#table-q1-figures")
    page.locator("details.figures summary").first.click()
    headers = figures.locator("thead th").all_inner_texts()
    ma, unmatched = headers.index("Mainstream Housing") - 1, \
        headers.index("not matched to a code") - 1
    shown = {}
    for row in figures.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        shown[row.locator("th").inner_text()] = (
            int(cells[ma].replace(",", "")), int(cells[unmatched].replace(",", "")),
            int(cells[-2]), int(cells[-1]))
    assert shown == {m["period"]: (int(m["ma"] or 0), int(m["none"] or 0), m["suppressed"],
                                   m["authorities"]) for m in months}
    # 38 months from Devon; the generated reply's "<5" counted as unknown
    assert len(shown) >= 38 and shown["2021-02"][2] >= 1

    table = page.locator("#coverage-q2")
    for c in coverage:
        row = table.locator(f"tr[data-reference='{c['reference']}']")
        assert row.locator("th").inner_text() == c["authority_name"]
        got = {k: row.locator(f"td[data-key={k}]").inner_text()
               for k in ("figures", "categories_matched", "suppressed", "complete")}
        assert got == {"figures": f"{c['figures']:,}",
                       "categories_matched": str(c["categories_matched"]),
                       "suppressed": str(c["suppressed"]),
                       "complete": ("yes" if c["complete"] else "no") if c["figures"] else ""}
        periods = row.locator("td[data-key=periods]").inner_text()
        assert periods == (f"{c['first_period']} to {c['last_period']} ({c['periods']})"
                           if c["figures"] else "none sent")
    # what an authority wrote stays text
    q1 = page.locator("#coverage-q1")
    assert HOSTILE_LABEL in q1.locator("tr[data-reference='MHA21-XX1']").inner_text()
    assert q1.get_by_text("Formula <b>Trust</b>").count() == 1
    page.screenshot(path=str(shots / "data-returns-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth,"
                           " document.querySelector('#coverage-q1').parentElement.scrollWidth,"
                           " document.querySelector('#coverage-q1').parentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert widths[2] > widths[3]   # the coverage table scrolls in its own box
    page.screenshot(path=str(shots / "data-returns-390.png"), full_page=True)
    assert errors == [] and dialogs == []
