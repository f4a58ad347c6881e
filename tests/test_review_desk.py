"""The review desk (`foi review --serve`) on a real workspace: the queue in headless Chromium
with its source page (a PDF page image, or the stored text), keys to correct an answer into an
override, escaped reply text, CSRF on every form, and the token off 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from flows.desk import desk_config, desk_token
from reports.desk import create_app
from reports.desk.app import REASON

from .conftest import EXAMPLE, ROOT
from .test_extract_answers import make_pdf
from .test_review_sheet import foi

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts" / "desk"
HOSTILE = '<img src=x onerror="alert(1)">=HYPERLINK("http://x","y")'
CAMPAIGN = "qof-local-schemes"


@pytest.fixture
def unsure(tmp_path: Path) -> Path:
    """Two replies read with low confidence: one in the body quoting hostile markup, one a PDF."""
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


def table(home: Path, sql: str) -> list[dict]:
    """Read the readers' snapshot, as the desk does (never the warehouse it writes)."""
    from flows.steps.session import workspace_db
    from warehouse.db import rows

    with workspace_db(home, read_only=True) as (_, con):
        return rows(con, sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def desk(unsure: Path) -> Iterator[str]:
    """The desk served by uvicorn in a thread, as `foi review --serve` runs it."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(desk_config(CAMPAIGN, unsure, author="desk-test")),
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
def browser():
    if CHROMIUM is None:
        pytest.skip("no Debian chromium: run scripts/system-deps.sh as root")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def waiting(home: Path) -> list[dict]:
    return table(home, "SELECT request_reference, question_key, status, value, confidence,"
                       " document_id, page FROM v_answers WHERE needs_review"
                       " ORDER BY confidence NULLS FIRST")


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
    # the source beside the answer: an image of the PDF page, or the stored page text
    if page.locator("#page-image").count():
        page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
        source = "page image"
    else:
        assert page.locator("#page-text").count()
        source = "page text"
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const img = performance.getEntriesByType('resource').find(r => r.name.includes('/page/'));
        return {start: nav.startTime, loaded: nav.loadEventEnd,
                image: img ? img.responseEnd : null};
    }""")
    first_page_ms = (timing["image"] or timing["loaded"]) - timing["start"]
    print(f"desk opened to first {source}: {first_page_ms:.0f} ms")
    page.screenshot(path=str(ARTIFACTS / "desk-1280.png"), full_page=True)

    # walk the queue by keyboard until the hostile reply shows; correct each answer on the way
    corrected = []
    for _ in range(len(queue)):
        if page.locator("#done").count():
            break
        if HOSTILE in (page.text_content("#passage") or "") + (page.text_content("#value") or ""):
            assert page.locator("img[src=x]").count() == 0   # shown as text, not markup
        reference, key = (page.get_attribute("#accept input[name=reference]", "value"),
                          page.get_attribute("#accept input[name=question_key]", "value"))
        kind = page.get_attribute("main", "data-type")
        page.keyboard.press("c")
        if kind == "yes_no":
            with page.expect_navigation():
                page.keyboard.press("y")
            want = "yes"
        elif kind in ("count", "number", "money"):
            page.keyboard.type("125000")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            want = "125000"
        else:   # text: skip it with the key
            page.keyboard.press("Escape")
            page.locator("body").focus()
            with page.expect_navigation():
                page.keyboard.press("s")
            continue
        corrected.append((reference, key, want))
        if len(corrected) == 2:
            break
    assert corrected and not errors, errors
    for reference, key, want in corrected:
        got = table(unsure, f"SELECT status, value, needs_review FROM v_answers WHERE "
                            f"request_reference = '{reference}' AND question_key = '{key}'")
        assert got == [{"status": "answered", "value": want, "needs_review": False}]
        over = table(unsure, f"SELECT reason, author FROM overrides WHERE request_reference = "
                             f"'{reference}' AND question_key = '{key}'")
        assert over == [{"reason": REASON, "author": "desk-test"}]
    page.goto(desk)
    assert page.text_content("#progress").strip() == f"{len(corrected)} of {len(queue)} checked"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "desk-390.png"), full_page=True)


def test_escaping_accept_and_csrf(unsure: Path) -> None:
    client = TestClient(create_app(desk_config(CAMPAIGN, unsure, author="desk-test")))
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
    monkeypatch.setenv("FOI_DESK_TOKEN", "s3cret-token")
    token, made = desk_token("0.0.0.0")
    assert (token, made) == ("s3cret-token", False)
    client = TestClient(create_app(desk_config(CAMPAIGN, unsure, token=token)))
    assert client.get("/").status_code == 403
    assert client.get("/static/desk.js").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get("/", headers={"X-Desk-Token": token}).status_code == 200
    assert client.get(f"/?token={token}").status_code == 200
    assert client.get("/").status_code == 200   # the cookie the first request set
    monkeypatch.delenv("FOI_DESK_TOKEN")
    made_token, made = desk_token("0.0.0.0")
    assert made and len(made_token) > 20 and desk_token("127.0.0.1") == (None, False)
