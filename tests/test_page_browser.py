"""The published page in a real headless Chromium: charts, table, provenance, 390 px."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flows.steps.report import publish_campaign
from foi.campaigns import parse_campaign
from warehouse.answers import add_override, check_answer, save_answers
from warehouse.campaigns import save_campaign
from warehouse.clock import refresh_deadlines
from warehouse.db import connect, rows
from warehouse.requests import record_sending, record_sent
from warehouse.timeline import record_event

from .conftest import EXAMPLE, ROOT

HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","click")'
ARTIFACTS = ROOT / "test-artifacts"


def _answer(key: str, status: str, value: str | None, snippet: str | None = None,
            confidence: float = 0.95, sections: list[str] | None = None) -> dict:
    return {"question_key": key, "status": status, "value": value, "confidence": confidence,
            "document_id": None, "page": 2, "snippet": snippet or f"The answer is {value}.",
            "method": "test", "sections": sections or []}


def build_campaign(ws, *, cutoff: date | None = date(2016, 6, 30), n: int = 40) -> str:
    """A 2016 campaign (optionally frozen at a cut-off) with replies, refusals, a correction,
    a check and hostile text in one reply; returns the campaign id."""
    con = connect(ws.database)
    text = re.sub(r"(?m)^cutoff = .*\n", "", EXAMPLE.read_text(encoding="utf-8"))
    if cutoff:
        text = text.replace('authority_noun_plural = "CCGs"',
                            f'authority_noun_plural = "CCGs"\ncutoff = {cutoff.isoformat()}')
    save_campaign(con, parse_campaign(text), text)
    ccgs = [r[0] for r in con.execute("SELECT id FROM authorities ORDER BY id").fetchall()]
    rng = random.Random(5)
    for i, ccg in enumerate(ccgs[:n]):
        ref = f"QOF16-{ccg}"
        record_sending(con, reference=ref, campaign_id="qof-local-schemes", authority_id=ccg,
                       to_addr="x@y.example", message_id=f"<{i}@t>")
        record_sent(con, ref, datetime(2016, 4, 4, 10, tzinfo=UTC), "test")
        if i % 8 == 7:
            continue  # never answered
        if i % 11 == 3:
            save_answers(con, ref, [_answer("delegated", "refused", None, "Exempt under s43.",
                                            sections=["s43"])])
            record_event(con, ref, "refused", on=date(2016, 4, 20), sections=("s43",))
            continue
        delegated = rng.random() < 0.6
        answers = [_answer("delegated", "answered", "yes" if delegated else "no",
                           confidence=0.5 if i % 5 == 0 else 0.95)]
        if delegated:
            local = rng.random() < 0.3
            answers.append(_answer("local_scheme", "answered", "yes" if local else "no"))
            if local:
                answers.append(_answer("budget", "answered", str(rng.randrange(10, 90) * 10_000)))
        if i == 1:
            answers = [_answer("delegated", "answered", "yes", snippet=HOSTILE),
                       _answer("local_scheme", "answered", "yes"),
                       _answer("budget", "unclear", FORMULA, snippet=FORMULA)]
        save_answers(con, ref, answers)
        replied = date(2016, 4, 4) + timedelta(days=rng.randrange(10, 45))
        record_event(con, ref, "successful", on=replied)
    refresh_deadlines(con)
    refs = [r["request_reference"] for r in rows(
        con, "SELECT request_reference FROM v_answers WHERE question_key = 'delegated'"
             " AND status = 'answered' ORDER BY 1")]
    add_override(con, reference=refs[2], question_key="delegated", status="answered",
                 value="no", reason="page 3 says the CCG withdrew", author="editor")
    check_answer(con, reference=refs[3], question_key="delegated", status="answered",
                 value=rows(con, "SELECT value FROM answers WHERE request_reference = ? AND"
                                 " question_key = 'delegated'", [refs[3]])[0]["value"],
                 note=None, author="editor")
    con.close()
    return "qof-local-schemes"


def publish(ws, campaign_id: str) -> Path:
    """Publish from a fresh connection, as the CLI would."""
    con = connect(ws.database)
    try:
        return publish_campaign(con, ws.site, campaign_id)
    finally:
        con.close()


def test_lateness_is_counted_to_the_cut_off(qof_workspace) -> None:
    page = publish(qof_workspace, build_campaign(qof_workspace)).read_text()
    late = [int(x) for x in __import__("re").findall(r"\((\d+) working days late\)", page)]
    assert late and max(late) < 60  # 4 April to 30 June 2016, not to today
    assert "cut-off on 30 June 2016" in page
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_page_in_chromium(qof_workspace, browser) -> None:
    campaign_id = build_campaign(qof_workspace)
    index = publish(qof_workspace, campaign_id)
    con = connect(qof_workspace.database)
    summary = rows(con, "SELECT * FROM v_campaign_summary WHERE campaign_id = ?"
                        " ORDER BY question_number", [campaign_id])
    con.close()
    shots = ARTIFACTS / "page"
    shots.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {shots}")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(index.parent.as_uri())
            else outside.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(index.as_uri())
    page.wait_for_load_state("load")

    # the numbers of each question's figure are the warehouse's
    for row in summary:
        fig = page.locator(f"#chart-q{row['question_number']}")
        assert fig.locator("svg").count() == 1 and fig.locator("figcaption").count() == 1
        shown = {c.get_attribute("data-key"): int(c.inner_text())
                 for c in fig.locator("td[data-key]").all()}
        assert shown, row["question_key"]
        for key, value in shown.items():
            assert value == row[key], (row["question_key"], key)
    page.screenshot(path=str(shots / "index-1280.png"), full_page=True)

    # sorting by the authority column, both ways
    names = page.locator("#authorities tbody th")
    first = names.all_inner_texts()
    page.locator("#authorities thead th").first.locator("button").click()
    ascending = names.all_inner_texts()
    assert ascending == sorted(first, key=str.lower)
    page.locator("#authorities thead th").first.locator("button").click()
    assert names.all_inner_texts() == ascending[::-1]
    assert page.locator("#authorities thead th").first.get_attribute("aria-sort") == "descending"

    # the filter box keeps only the matching rows
    target = ascending[5]
    page.fill("#filter", target.lower()[:-1])
    visible = [t for t in page.locator("#authorities tbody tr:not([hidden]) th").all_inner_texts()]
    assert target in visible and len(visible) < len(first)
    page.fill("#filter", "")
    assert page.locator("#authorities tbody tr:not([hidden])").count() == len(first)

    # provenance on demand, by keyboard; hostile text stays text
    cell = page.locator("details", has_text="yes").filter(
        has=page.locator("blockquote", has_text=HOSTILE)).first
    summary_el = cell.locator("summary")
    summary_el.focus()
    page.keyboard.press("Enter")
    assert cell.locator("blockquote").inner_text() == HOSTILE
    assert page.get_by_text(FORMULA).count() >= 1
    corrected = page.locator("details", has=page.locator(".corrected")).first
    corrected.locator("summary").click()
    assert "page 3 says the CCG withdrew" in corrected.inner_text()

    # 390 px: nothing wider than the viewport; the table scrolls in its own box
    page.set_viewport_size({"width": 390, "height": 844})
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth,"
                           " document.querySelector('.scroll').scrollWidth,"
                           " document.querySelector('.scroll').clientWidth]")
    assert widths[0] <= widths[1], widths
    assert widths[2] > widths[3]  # the wide table scrolls inside its container
    page.screenshot(path=str(shots / "index-390.png"), full_page=True)

    assert errors == [] and outside == [] and dialogs == []
