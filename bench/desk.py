"""The review desk on the real round-robins: time to the first page image, and time to move on
after each decision, beside the bare costs and the command-line way of correcting.

    python bench/desk.py [--corpus mh-accommodation-2021 cipfa-libraries-2017] [--authorities N]
                         [--tiny]

For each corpus it builds a workspace from the real replies (sent, mailed back, ingested, read),
opens the desk in headless Chromium and works through the whole queue by keyboard as a reporter
would, deciding each answer from the hand-written labels (tests/labels): accept what the label
says is right, correct the rest. The times are the machine's: from a key press to the next answer
on screen with its page image loaded. Side by side: rendering the same page bare (pypdfium2) and
correcting the same answers with `foi override`, one command each, as before the desk.

Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import FOI, parse_args  # noqa: E402
from extract.reading.page_image import draw_page  # noqa: E402
from flows.desk import Publisher, desk_config  # noqa: E402
from flows.steps.session import workspace_db  # noqa: E402
from reports.desk import create_app  # noqa: E402
from tests.corpora import CORPORA, LABELS, _labels, is_right  # noqa: E402
from tests.real_workspace import build_real_workspace  # noqa: E402
from warehouse.db import rows  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def serving(home: Path, campaign: str, port: int) -> Iterator[None]:
    """The desk on port until the block ends; then stopped, its pending Parquet views written,
    so nothing writes into the workspace while it is removed."""
    import uvicorn

    publisher = Publisher(home)
    server = uvicorn.Server(uvicorn.Config(
        create_app(desk_config(campaign, home, author="bench", port=port, publisher=publisher)),
        host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        publisher.flush()


def on_screen(page) -> None:
    """Until the answer's source (page image, or page text) is shown."""
    while not page.evaluate("(() => { const i = document.getElementById('page-image');"
                            " return !i || (i.complete && i.naturalWidth > 0); })()"):
        time.sleep(0.005)


def decide(page, labels: dict, names: dict[str, str]) -> tuple[str, str | None]:
    """The key presses a reporter who read the label would make: accept, or correct."""
    reference = page.get_attribute("main", "data-reference")
    number = int(page.text_content("#answer p.muted").split("question ")[1].split()[0])
    label = labels.get(names[reference], {}).get(number)
    status = page.text_content("#status").split(" (")[0].strip()
    value = page.text_content("#value").strip()
    value = None if value == "(no value)" else value
    if label is None or is_right(label, status, value):
        return "accept", None
    kind = page.get_attribute("main", "data-type")
    if label.status in ("answered", "partly") and label.value:
        if kind == "document":
            return "provided", "provided"
        if kind == "yes_no":
            return label.value, label.value
        return "value", label.value
    return "status", {"missing": "unanswered"}.get(label.status, label.status)


def work_through(url: str, labels: dict, names: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(url)
        on_screen(page)
        first = (time.perf_counter() - started) * 1000
        moves, actions, decisions, corrections = [], [], {}, []
        while not page.locator("#done").count():
            action, value = decide(page, labels, names)
            reference = page.get_attribute("main", "data-reference")
            key = page.get_attribute("main", "data-question")
            decisions[action] = decisions.get(action, 0) + 1
            actions.append(action)
            if action != "accept":
                corrections.append((reference, key, action, value))
            with page.expect_navigation():
                started = time.perf_counter()
                if action == "accept":
                    page.keyboard.press("a")
                elif action in ("provided", "yes", "no"):
                    page.keyboard.press("c")
                    page.keyboard.press(action[0])
                elif action == "value":
                    page.keyboard.press("c")
                    page.keyboard.type(value)
                    page.keyboard.press("Enter")
                else:
                    page.keyboard.press("c")
                    page.select_option("#status-select", value)
                    page.click("#correct-status button[type=submit]")
            on_screen(page)
            moves.append((time.perf_counter() - started) * 1000)
        browser.close()
    return {"first_ms": first, "moves": moves, "actions": actions, "decisions": decisions,
            "corrections": corrections}


def bare_render(home: Path, campaign: str) -> float:
    """Milliseconds to render the queue's first PDF page bare, with pypdfium2 alone."""
    with workspace_db(home, read_only=True) as (workspace, con):
        found = rows(con, "SELECT d.store_path, v.page FROM v_answers v JOIN documents d ON"
                          " d.id = v.document_id WHERE v.campaign_id = ? AND v.needs_review AND"
                          " (d.kind = 'pdf' OR d.media_type = 'application/pdf')"
                          " ORDER BY v.confidence NULLS FIRST, v.request_reference,"
                          " v.question_number LIMIT 1", [campaign])
        store = workspace.store
    if not found:
        return float("nan")
    started = time.perf_counter()
    draw_page(store / found[0]["store_path"], found[0]["page"])
    return (time.perf_counter() - started) * 1000


def by_command(home: Path, corrections: list[tuple[str, str, str, object]]) -> list[float]:
    """Milliseconds per `foi override` of the same corrections, one command each."""
    times = []
    for reference, key, action, value in corrections:
        args = [FOI, "override", reference, key, "--home", str(home), "--author", "bench",
                "--reason", "bench"]
        args += ["--status", str(value)] if action == "status" else [str(value)]
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", nargs="*", default=list(CORPORA))
    parser.add_argument("--authorities", type=int, help="only the first N authorities' replies")
    args = parse_args(parser, corpus=["mh-accommodation-2021"], authorities=1)
    if CHROMIUM is None:
        print("no chromium: run scripts/system-deps.sh")
        return
    for port, corpus in enumerate(args.corpus, start=18790):
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "ws"
            started = time.perf_counter()
            build_real_workspace(home, corpus, authorities=args.authorities)
            built = time.perf_counter() - started
            command_home = Path(tmp) / "ws-command"
            shutil.copytree(home, command_home)
            with workspace_db(home, read_only=True) as (_, con):
                names = dict(con.execute(
                    "SELECT r.reference, a.name FROM requests r JOIN authorities a ON"
                    " a.id = r.authority_id WHERE r.campaign_id = ?", [corpus]).fetchall())
            labels = _labels(LABELS / corpus / "answers.csv")
            with serving(home, corpus, port):
                result = work_through(f"http://127.0.0.1:{port}/", labels, names)
            bare = bare_render(command_home, corpus)   # the copy still has its queue
            command = by_command(command_home, result["corrections"])
        moves = result["moves"]
        mean = statistics.mean(moves) if moves else float("nan")
        print(f"\n{corpus}: workspace built from the real replies in {built:.1f} s; "
              f"{len(moves)} answers to check")
        print(f"  first answer on screen      {result['first_ms']:7.0f} ms   " + (
            f"(its page image; bare pypdfium2 render of that page {bare:.0f} ms, "
            f"x{result['first_ms'] / bare:.1f})" if bare == bare else "(its page text)"))
        if moves:
            print(f"  move on after a decision    {mean:7.0f} ms mean, "
                  f"{statistics.median(moves):.0f} median, {max(moves):.0f} max")
            print(f"  decisions: {result['decisions']}")
            print(f"  machine time for the whole queue: {sum(moves) / 1000:.1f} s; "
                  f"at this speed the machine allows {600_000 / mean:.0f} answers in 10 minutes")
        if command:
            per = statistics.mean(command)
            desk_corrections = [m for m, a in zip(moves, result["actions"], strict=True)
                                if a != "accept"]
            desk = statistics.mean(desk_corrections) if desk_corrections else float("nan")
            print(f"  a correction: desk {desk:.0f} ms vs `foi override` {per:.0f} ms per "
                  f"command (x{desk / per:.2f})")


if __name__ == "__main__":
    main()
