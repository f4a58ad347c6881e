"""The review desk (`foi review --serve`) on a real workspace: the queue in headless Chromium
with its source page (a PDF page image, or the stored text), keys to correct an answer into an
override, escaped reply text, CSRF on every form, and the token off 127.0.0.1."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from extract.reading.page_image import passage_boxes
from flows.desk import desk_config, desk_token
from reports.desk import DeskConfig, create_app
from reports.desk.app import REASON
from reports.desk.passage import marked, matched_words
from reports.desk.sheets import as_table

from .conftest import EXAMPLE, ROOT, copy_workspace
from .real_workspace import build_real_workspace
from .test_extract_answers import make_pdf
from .test_review_sheet import foi

ARTIFACTS = ROOT / "test-artifacts" / "desk"
HOSTILE = '<img src=x onerror="alert(1)">=HYPERLINK("http://x","y")'
CAMPAIGN = "qof-local-schemes"
CAMPAIGN_REAL = "mh-accommodation-2021"
DESK = "http://127.0.0.1:8765"   # desk_config's address unless told


@pytest.fixture(scope="module")
def unsure_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two replies read with low confidence: one in the body quoting hostile markup, one a PDF
    (built once for the module, then copied)."""
    tmp_path = tmp_path_factory.mktemp("unsure")
    home = tmp_path / "ws"
    foi("init", home=home)
    foi("authorities", "import", "builtin:ccgs-2016", home=home)
    foi("campaign", "add", str(EXAMPLE), home=home)
    foi("send", CAMPAIGN, "--limit", "2", home=home)
    inbox = tmp_path / "in"
    inbox.mkdir()
    letters = table(home, "SELECT reference, message_id FROM requests ORDER BY 1")
    for n, letter in enumerate(letters):
        reference, message_id = letter["reference"], letter["message_id"]
        msg = EmailMessage()
        msg["From"], msg["To"] = "foi@ccg.example", "foi-desk@newsroom.example"
        msg["Subject"], msg["In-Reply-To"] = f"RE: FOI {reference}", message_id
        if n == 0:
            msg.set_content(f"1. {HOSTILE}\n2. We think so, possibly.\n3. Not applicable.")
        else:
            msg.set_content("Please find our response attached.")
            msg.add_attachment(make_pdf([[
                f"Freedom of Information request {reference}", "",
                "1. Yes.", "2. Perhaps; the board meets in May.",
                "3. Roughly a hundred thousand, to be confirmed."]]),
                maintype="application", subtype="pdf", filename="response.pdf")
        (inbox / f"{reference}.eml").write_bytes(msg.as_bytes())
    foi("ingest", "--eml", str(inbox), home=home)
    foi("extract", home=home)
    return home


@pytest.fixture
def unsure(unsure_template: Path, tmp_path: Path) -> Path:
    """The test's own copy of the two replies read with low confidence."""
    return copy_workspace(unsure_template, tmp_path)


def table(home: Path, sql: str) -> list[dict]:
    """Read the readers' snapshot, as the desk does (never the warehouse it writes)."""
    from flows.steps.session import workspace_db
    from warehouse.db import rows

    with workspace_db(home, read_only=True) as (_, con):
        return rows(con, sql)


def desk_client(config: DeskConfig) -> TestClient:
    """The desk as its own page in a browser sees it: at its address (127.0.0.1:8765), and
    every form sent from there."""
    return TestClient(create_app(config), base_url=DESK, headers={"Origin": DESK})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(home: Path, campaign: str) -> Iterator[str]:
    """The desk served by uvicorn in a thread, as `foi review --serve` runs it."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(desk_config(campaign, home, author="desk-test",
                                                   port=port)),
                            host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def desk(unsure: Path) -> Iterator[str]:
    yield from serve(unsure, CAMPAIGN)


@pytest.fixture
def real_desk(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The desk on the real accommodation-status round-robin (21 trusts' replies)."""
    home = build_real_workspace(tmp_path / "ws", CAMPAIGN_REAL)
    for url in serve(home, CAMPAIGN_REAL):
        yield home, url


def waiting(home: Path) -> list[dict]:
    return table(home, "SELECT request_reference, authority_name, question_key, status, value,"
                       " confidence,"
                       " document_id, page FROM v_answers WHERE needs_review"
                       " ORDER BY confidence NULLS FIRST, request_reference, question_number")


def test_desk_in_chromium(unsure: Path, desk: str, browser) -> None:
    queue = waiting(unsure)
    assert len(queue) >= 2, queue
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append(f"dialog {d.message}"))
    page.goto(desk)
    assert page.text_content("#progress").strip() == f"0 of {len(queue)} checked"
    page.screenshot(path=str(ARTIFACTS / "desk-generated-1280.png"), full_page=True)

    # walk the queue by keyboard, correcting each answer with the form its type gets
    corrected, moves = [], []
    for _ in range(len(queue)):
        if page.locator("#done").count():
            break
        reference, key = page.get_attribute("main", "data-reference"), page.get_attribute(
            "main", "data-question")
        kind = page.get_attribute("main", "data-type")
        page.keyboard.press("c")
        started = time.perf_counter()
        if kind == "yes_no":
            with page.expect_navigation():
                page.keyboard.press("y")
            want = "yes"
        elif kind in ("count", "number", "money"):
            page.keyboard.type("125,000")
            started = time.perf_counter()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            want = "125000"
        else:   # text: Esc closes the form, s skips
            page.keyboard.press("Escape")
            assert page.locator("#correct").is_hidden()
            with page.expect_navigation():
                page.keyboard.press("s")
            continue
        page.wait_for_load_state("load")
        moves.append((time.perf_counter() - started) * 1000)
        corrected.append((reference, key, want))
    assert corrected and not errors, errors
    print(f"moved on after a correction in {sum(moves) / len(moves):.0f} ms on average "
          f"({len(moves)} corrections)")
    for reference, key, want in corrected:
        got = table(unsure, f"SELECT status, value, needs_review FROM v_answers WHERE "
                            f"request_reference = '{reference}' AND question_key = '{key}'")
        assert got == [{"status": "answered", "value": want, "needs_review": False}]
        over = table(unsure, f"SELECT reason, author FROM overrides WHERE request_reference = "
                             f"'{reference}' AND question_key = '{key}'")
        assert over == [{"reason": REASON, "author": "desk-test"}]
    page.goto(desk)
    assert page.text_content("#progress").strip() == f"{len(corrected)} of {len(queue)} checked"

    # the hostile reply, whole: its words are text, never markup
    hostile_ref = table(unsure, "SELECT request_reference AS r FROM messages WHERE body_text"
                                " LIKE '%onerror%'")[0]["r"]
    page.goto(f"{desk}reply/{hostile_ref}")
    assert HOSTILE in page.text_content("#reply")
    assert page.locator("img[src=x]").count() == 0 and not errors
    page.keyboard.press("Escape")
    page.wait_for_url(desk)


def test_real_replies_desk(real_desk: tuple[Path, str], browser) -> None:
    """On the real round-robin: the first answer shows its PDF page with the passage outlined;
    correcting it by keyboard is an override in v_answers and on the published page."""
    home, url = real_desk
    queue = waiting(home)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    started = time.perf_counter()
    page.goto(url)
    assert page.text_content("#progress").strip() == f"0 of {len(queue)} checked"
    first = queue[0]
    assert page.get_attribute("main", "data-reference") == first["request_reference"]
    assert first["document_id"] and first["page"]   # the least sure answer cites a PDF page
    wait_for_image(page)
    print(f"desk opened to the first page image in {(time.perf_counter() - started) * 1000:.0f}"
          " ms (real replies)")
    src = page.get_attribute("#page-image", "src")
    assert src.startswith(f"/page/{first['document_id']}/{first['page']}.jpg?passage=")
    outlined, plain = (page.request.get(url.rstrip("/") + s).body()
                       for s in (src, src.split("?")[0]))
    assert red_pixels(outlined) > 200 and red_pixels(plain) < red_pixels(outlined) / 10
    page.screenshot(path=str(ARTIFACTS / "desk-1280.png"), full_page=True)

    # the other pages and documents of the reply are a click (or a key) away
    if page.locator("#next-page").count():
        with page.expect_navigation():
            page.keyboard.press("ArrowRight")
        wait_for_image(page)
        assert f"/{first['page'] + 1}.jpg" in page.get_attribute("#page-image", "src")
        assert page.get_attribute("main", "data-reference") == first["request_reference"]
    # a spreadsheet shows as a table, its sheets named: the cells a person read are there
    cells = [c for c in read_cells() if c["authority"] == first["authority_name"]
             and c["sheet"] and c["file"].lower().endswith(".xlsx")]
    if cells:
        cell = cells[0]
        page.click(f"#documents a:text-is({json.dumps(cell['file'])})")
        page.click(f"#pages a.sheet:text-is({json.dumps(cell['sheet'])})")
        assert page.text_content("#page-sheet caption") == cell["sheet"]
        shown = page.locator("#page-sheet td").all_text_contents()
        assert cell["value_as_written"] in shown and cell["category_as_written"] in shown
    page.goto(url)

    # correct it: c, then p (the data were provided, in the reply's spreadsheet)
    assert page.get_attribute("main", "data-type") == "document"
    page.keyboard.press("c")
    with page.expect_navigation():
        page.keyboard.press("p")
    got = table(home, "SELECT status, value, overridden, needs_review, override_author FROM"
                      f" v_answers WHERE request_reference = '{first['request_reference']}'"
                      f" AND question_key = '{first['question_key']}'")
    assert got == [{"status": "answered", "value": "provided", "overridden": True,
                    "needs_review": False, "override_author": "desk-test"}]
    assert page.text_content("#progress").strip() == f"1 of {len(queue)} checked"
    assert page.get_attribute("main", "data-reference") != first["request_reference"] or (
        page.get_attribute("main", "data-question") != first["question_key"])
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "desk-390.png"), full_page=True)

    # the summary counts it, per question and per authority
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "summary")
    row = page.locator(f"#questions tr[data-key={first['question_key']}]")
    assert row.locator(".corrected").text_content() == "1"
    still = sum(1 for a in queue[1:] if a["question_key"] == first["question_key"])
    assert row.locator(".waiting").text_content() == str(still)
    authority = page.locator(f"#authorities tr[data-reference='{first['request_reference']}']")
    assert authority.locator(".corrected").text_content() == "1"
    assert authority.locator("li").count() >= 1   # the reply's attachments are listed
    page.screenshot(path=str(ARTIFACTS / "desk-summary-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.body.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "desk-summary-390.png"), full_page=True)

    # and the published page shows the correction, with the desk's reason
    foi("report", CAMPAIGN_REAL, home=home)
    published = home / "site" / CAMPAIGN_REAL / "index.html"
    page.goto(published.as_uri())
    cell = page.locator("tr", has=page.locator(
        f"th[scope=row]:text-is({json.dumps(first['authority_name'])})"))
    assert "corrected" in cell.inner_text() and REASON in cell.text_content()
    assert not errors, errors


def read_cells() -> list[dict[str, str]]:
    """The data cells a person read from the real replies (tests/labels)."""
    import csv

    path = ROOT / "tests" / "labels" / CAMPAIGN_REAL / "cells.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sheet_pages_as_tables() -> None:
    view = as_table("[Sheet: CPA]\n2. People on CPA\nYear\tCode\tJan\n2018\tMA01\t122\n"
                    "2018\tMA02\t85\t\tnote")
    assert view is not None and view.name == "CPA" and view.columns == 5
    assert view.rows[2] == ["2018", "MA01", "122", "", ""]
    assert as_table("Dear requester,\nPlease find attached.\nYours") is None


def wait_for_image(page, timeout: float = 20.0) -> None:
    """Until the page image has loaded (polled from here: the desk's CSP forbids the eval
    Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("(() => { const i = document.getElementById('page-image');"
                            " return !!i && i.complete && i.naturalWidth > 0; })()"):
        assert time.monotonic() < deadline, "the page image never loaded"
        time.sleep(0.01)


def red_pixels(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 180 and g < 80 and b < 80)


def test_passage_outlined_where_it_is(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(make_pdf([["Our reference FOI 123", "", "1. Yes, we have a scheme.",
                               "2. The board agreed it in May 2016 and it started in June.",
                               "3. Roughly a hundred thousand pounds, to be confirmed."]]))
    boxes = passage_boxes(pdf, 1, "Roughly a hundred thousand pounds, to be confirmed.")
    assert len(boxes) == 1
    x0, top, x1, bottom = boxes[0]
    # make_pdf draws line 5 at baseline y = 800 - 4 * 14 on an 842-point A4 page, from x = 50
    baseline = (842 - (800 - 4 * 14)) / 842
    assert top < baseline < bottom + 0.01 and bottom - top < 0.03
    assert 50 / 595 < x0 < 70 / 595 and x1 > 250 / 595
    two_lines = passage_boxes(pdf, 1, "1. Yes, we have a scheme. 2. The board agreed it in May")
    assert len(two_lines) == 2 and two_lines[0][1] < two_lines[1][1]
    assert passage_boxes(pdf, 1, "nothing of the kind appears") == []
    assert passage_boxes(pdf, 2, "Roughly a hundred") == []


def test_highlighted_words() -> None:
    words = matched_words("How much did the CCG spend on its local scheme in 2016/17?",
                          ("budget",), "125000")
    runs = marked("The local schemes budget was £125,000 in total.", words)
    assert [text for text, hit in runs if hit] == ["local", "schemes", "budget", "£125,000"]
    assert "".join(text for text, _ in runs) == "The local schemes budget was £125,000 in total."
    assert marked("", words) == []


def test_queue_order_skips_and_progress_survive_a_restart(unsure: Path) -> None:
    def client() -> TestClient:
        return desk_client(desk_config(CAMPAIGN, unsure, author="desk-test"))

    queue = waiting(unsure)
    first = client()
    html = first.get("/").text
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    head = reference_and_key(html)
    assert head == (queue[0]["request_reference"], queue[0]["question_key"])
    skipped = first.post("/skip", data={"csrf": csrf, "reference": head[0],
                                        "question_key": head[1], "order": "confidence"},
                         follow_redirects=False)
    assert skipped.status_code == 303
    again = client().get("/").text     # a new desk process: the skip was kept
    assert reference_and_key(again) != head and "(1 skipped)" in again
    by_question = client().get("/?order=question").text
    numbers = table(unsure, "SELECT min(question_number) AS n FROM v_answers WHERE needs_review"
                            f" AND NOT (request_reference = '{head[0]}'"
                            f" AND question_key = '{head[1]}')")
    assert f"question {numbers[0]['n']} ·" in " ".join(by_question.split())
    restarted = client()
    csrf = restarted.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    assert restarted.post("/unskip", data={"csrf": csrf}).status_code == 200
    assert reference_and_key(restarted.get("/").text) == head
    assert table(unsure, "SELECT count(*) AS n FROM review_marks") == [{"n": 0}]


def reference_and_key(html: str) -> tuple[str, str]:
    reference = html.split('data-reference="')[1].split('"')[0]
    return reference, html.split('data-question="')[1].split('"')[0]


def test_name_asked_once_per_browser(unsure: Path) -> None:
    client = desk_client(desk_config(CAMPAIGN, unsure))
    html = client.get("/").text
    assert 'id="name-form"' in html and 'id="accept"' not in html
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    first = waiting(unsure)[0]
    form = {"csrf": csrf, "reference": first["request_reference"],
            "question_key": first["question_key"], "status": first["status"],
            "value": first["value"] or "", "has_value": "1" if first["value"] else ""}
    assert client.post("/accept", data=form).status_code == 400   # nobody to record it under
    named = client.post("/name", data={"csrf": csrf, "author": "Sam\x1b[31m Jones "},
                        follow_redirects=False)
    assert named.status_code == 303
    assert 'id="accept"' in client.get("/").text
    assert client.post("/accept", data=form, follow_redirects=False).status_code == 303
    assert table(unsure, "SELECT author FROM answer_checks") == [{"author": "Sam[31m Jones"}]


def test_escaping_accept_and_csrf(unsure: Path) -> None:
    client = desk_client(desk_config(CAMPAIGN, unsure, author="desk-test"))
    html = client.get("/").text
    assert 'onerror="alert(1)"' not in html
    queue = waiting(unsure)
    first = queue[0]
    form = {"reference": first["request_reference"], "question_key": first["question_key"],
            "status": first["status"], "value": first["value"] or "",
            "has_value": "1" if first["value"] is not None else ""}
    assert client.post("/accept", data=form, follow_redirects=False).status_code == 403
    assert client.post("/accept", data={**form, "csrf": "nope"}).status_code == 403
    assert table(unsure, "SELECT count(*) AS n FROM answer_checks") == [{"n": 0}]
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    reply = client.post("/accept", data={**form, "csrf": csrf}, follow_redirects=False)
    assert reply.status_code == 303
    checks = table(unsure, "SELECT request_reference, question_key, author FROM answer_checks")
    assert checks == [{"request_reference": first["request_reference"],
                       "question_key": first["question_key"], "author": "desk-test"}]
    assert "1 of" in client.get("/").text
    bad = client.post("/correct", data={**form, "csrf": csrf, "status": "answered",
                                        "value": "<b>not a number</b>"})
    assert bad.status_code in (303, 400) and "<b>not a number</b>" not in bad.text


def test_token_off_localhost(unsure: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Off loopback every request needs the token; one given in $FOI_DESK_TOKEN short enough
    to guess (the attacker found "x" in 26 tries) is refused, a made one is long."""
    for short in ("x", "s3cret-token", "k" * 31):
        monkeypatch.setenv("FOI_DESK_TOKEN", short)
        with pytest.raises(ValueError, match="at least 32 characters"):
            desk_token("0.0.0.0")
    given = "s3cret-token-" + "k" * 19
    monkeypatch.setenv("FOI_DESK_TOKEN", given)
    token, made = desk_token("0.0.0.0")
    assert (token, made) == (given, False)
    client = desk_client(desk_config(CAMPAIGN, unsure, token=token))
    assert client.get("/").status_code == 403
    assert client.get("/static/desk.js").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get(f"/?token={token[:-1]}").status_code == 403
    assert client.get("/", headers={"X-Desk-Token": token}).status_code == 200
    assert client.get(f"/?token={token}").status_code == 200
    assert client.get("/").status_code == 200   # the cookie the first request set
    monkeypatch.delenv("FOI_DESK_TOKEN")
    made_token, made = desk_token("0.0.0.0")
    assert made and len(made_token) >= 32
    assert desk_token("127.0.0.1") == desk_token("localhost") == desk_token("::1") == (None, False)


def test_parquet_views_follow_once_the_clicks_pause(unsure: Path) -> None:
    """Each desk write publishes the readers' snapshot at once; the Parquet views follow once
    the clicks pause (here 0.3 s), so a data journalist's files never lag for long."""
    import duckdb

    from flows.desk import Publisher

    client = desk_client(desk_config(CAMPAIGN, unsure, author="desk-test",
                                     publisher=Publisher(unsure, delay=0.3)))
    csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    target = waiting(unsure)[0]
    parquet = unsure / "parquet" / "v_answers.parquet"

    def overridden() -> list[tuple]:
        return duckdb.sql(f"SELECT status FROM '{parquet}' WHERE overridden AND "
                          f"request_reference = '{target['request_reference']}' AND "
                          f"question_key = '{target['question_key']}'").fetchall()

    assert overridden() == []
    reply = client.post("/correct", data={
        "csrf": csrf, "reference": target["request_reference"],
        "question_key": target["question_key"], "status": "not_held"}, follow_redirects=False)
    assert reply.status_code == 303
    assert table(unsure, "SELECT count(*) AS n FROM v_answers WHERE overridden") == [{"n": 1}]
    deadline = time.monotonic() + 20
    while not overridden():
        assert time.monotonic() < deadline, "the Parquet views were never published"
        time.sleep(0.1)
    assert overridden() == [("not_held",)]
