"""`foi extract` reads again only what changed, never holds the warehouse while reading, and
stores what two runs read at once only once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.steps import extract as extract_step
from flows.steps.extract import (
    extract_replies,
    plan_extraction,
    read_documents,
    reading_limits,
    store_and_extract,
)
from flows.steps.session import workspace_db
from warehouse.access import WarehouseBusy, writing
from warehouse.db import connect, rows

from .conftest import EXAMPLE, ROOT, copy_workspace

runner = CliRunner()
ANSWERS = "SELECT * FROM answers ORDER BY request_reference, question_key"


def foi(*args: str, home: Path) -> str:
    result = runner.invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())   # as one line, however the console wrapped it


def reply(reference: str, in_reply_to: str, body: str, n: int = 1) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"foi@{reference.lower()}.ccg.example"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = f"RE: Freedom of Information request {reference}"
    msg["In-Reply-To"] = in_reply_to
    msg["Message-ID"] = f"<reply-{n}-{reference}@ccg.example>"
    msg["Date"] = f"Mon, {10 + n} Apr 2016 10:00:00 +0100"
    msg.set_content(body)
    return msg.as_bytes()


def table(home: Path, sql: str, params: list | None = None) -> list[dict]:
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        return rows(con, sql, params)
    finally:
        con.close()


def references(home: Path) -> list[str]:
    """The four requests: the first three replied, the last did not."""
    return [r["reference"] for r in table(home, "SELECT reference FROM requests ORDER BY 1")]


@pytest.fixture(scope="module")
def replied_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace where 4 requests are sent and 3 authorities replied by email (not read),
    built once for the module, then copied."""
    tmp_path = tmp_path_factory.mktemp("replied")
    home = tmp_path / "ws"
    foi("init", home=home)
    foi("authorities", "import", "builtin:ccgs-2016", home=home)
    foi("campaign", "add", str(EXAMPLE), home=home)
    foi("send", "qof-local-schemes", "--limit", "4", home=home)
    letters = {r["reference"]: r["message_id"] for r in table(
        home, "SELECT reference, message_id FROM requests ORDER BY reference")}
    inbox = tmp_path / "in"
    inbox.mkdir()
    bodies = ["1. Yes.\n2. No, we have no such plans.\n3. Not applicable.",
              "1. No.\n2. Not applicable.\n3. Not applicable.",
              "1. Yes.\n2. Yes, from July.\n3. £125,000 in 2016-17."]
    for (reference, message_id), body in zip(sorted(letters.items()), bodies, strict=False):
        (inbox / f"{reference}.eml").write_bytes(reply(reference, message_id, body))
    foi("ingest", "--eml", str(inbox), home=home)
    return home


@pytest.fixture
def replied(replied_template: Path, tmp_path: Path) -> Path:
    """The test's own copy of the workspace whose replies are not read yet."""
    return copy_workspace(replied_template, tmp_path)


def test_a_second_run_with_nothing_new_extracts_nothing_and_changes_no_answer(replied) -> None:
    out = foi("extract", home=replied)
    assert "3 documents read" in out and "from 3 requests extracted, 0 unchanged" in out
    before = table(replied, ANSWERS)
    assert len(before) == 9
    assert {a["request_reference"] for a in before} == set(references(replied)[:3])
    snapshot = replied / "foi-read.duckdb"
    published = snapshot.stat().st_mtime_ns
    out = foi("extract", home=replied)
    assert "0 documents read" in out and "0 answers from 0 requests extracted, 3 unchanged" in out
    assert table(replied, ANSWERS) == before       # every row as it was, extracted_at too
    assert snapshot.stat().st_mtime_ns == published  # nothing written, nothing republished


def test_what_each_requests_answers_came_from_is_recorded(replied) -> None:
    foi("extract", home=replied)
    recorded = table(replied, "SELECT e.request_reference, e.reader_version, e.documents,"
                              " md.document_id FROM extractions e JOIN messages m"
                              " ON m.request_reference = e.request_reference"
                              " JOIN message_documents md ON md.message_id = m.id"
                              " ORDER BY e.request_reference")
    assert len(recorded) == 3
    for r in recorded:
        assert r["reader_version"].split("+")[0] == extract_step.READER_VERSION
        assert r["documents"] == [r["document_id"]]


def test_a_new_reply_extracts_only_its_request(replied, tmp_path: Path) -> None:
    foi("extract", home=replied)
    before = {(a["request_reference"], a["question_key"]): a for a in table(replied, ANSWERS)}
    # The first authority writes again: it got question 2 wrong.
    first = references(replied)[0]
    letters = dict((r["reference"], r["message_id"]) for r in table(
        replied, "SELECT reference, message_id FROM requests"))
    inbox = tmp_path / "later"
    inbox.mkdir()
    (inbox / "c.eml").write_bytes(reply(first, letters[first], "Correction to our reply.\n"
                                        "2. Yes, we do plan a local scheme.", n=2))
    foi("ingest", "--eml", str(inbox), home=replied)
    out = foi("extract", home=replied)
    assert "1 documents read" in out and "from 1 requests extracted, 2 unchanged" in out
    after = {(a["request_reference"], a["question_key"]): a for a in table(replied, ANSWERS)}
    assert after.keys() == before.keys()
    for key, answer in after.items():
        if key[0] != first:
            assert answer == before[key], key
        else:
            assert answer["extracted_at"] > before[key]["extracted_at"]
    [documents] = [r["documents"] for r in table(
        replied, "SELECT documents FROM extractions WHERE request_reference = ?", [first])]
    assert len(documents) == 2   # its answers now come from both replies


def test_a_new_reader_version_or_all_extracts_every_request(replied, monkeypatch) -> None:
    foi("extract", home=replied)
    assert "from 0 requests extracted, 3 unchanged" in foi("extract", home=replied)
    monkeypatch.setattr(extract_step, "READER_VERSION", "test-next")
    assert "from 3 requests extracted, 0 unchanged" in foi("extract", home=replied)
    assert {r["reader_version"].split("+")[0]
            for r in table(replied, "SELECT * FROM extractions")} == {"test-next"}
    assert "from 0 requests extracted, 3 unchanged" in foi("extract", home=replied)
    assert "from 3 requests extracted, 0 unchanged" in foi("extract", "--all", home=replied)


def test_an_assigned_message_is_extracted_for_its_new_request(replied) -> None:
    foi("extract", home=replied)
    a, b, c, silent = references(replied)
    [message] = table(replied, "SELECT id FROM messages WHERE direction = 'incoming'"
                               " AND request_reference = ?", [b])
    foi("assign", message["id"], silent, home=replied)
    out = foi("extract", home=replied)
    assert "from 1 requests extracted, 2 unchanged" in out
    refs = {a["request_reference"] for a in table(replied, ANSWERS)}
    assert refs == {a, c, silent}   # the second's answers went with its reply


def test_documents_are_read_with_the_warehouse_free(replied) -> None:
    database = replied / "foi.duckdb"
    got_in: list[bool] = []

    def another_run() -> None:
        try:
            with writing(database, wait_seconds=0):
                got_in.append(True)
        except WarehouseBusy:
            got_in.append(False)

    def progress(done: int, total: int, item: str) -> None:
        if item.startswith("read "):   # a document was just read: is the warehouse free?
            other = threading.Thread(target=another_run)
            other.start()
            other.join()

    report = extract_replies(replied, progress=progress)
    assert report.documents_read == 3 and got_in == [True, True, True]


def test_two_runs_reading_the_same_documents_store_them_once(replied) -> None:
    with workspace_db(replied, publish=False) as (workspace, con):
        plan = plan_extraction(con, workspace)
    assert len(plan.pending) == 3
    readings = read_documents(plan.pending, reading_limits(workspace))
    # Meanwhile another run read them too, and stored them first.
    first = extract_replies(replied)
    assert first.documents_read == 3 and first.requests == 3
    with workspace_db(replied) as (workspace, con):
        second = store_and_extract(con, workspace, readings)
    assert (second.documents_read, second.already_read, second.requests) == (0, 3, 0)
    assert table(replied, "SELECT count(*) AS n FROM document_pages")[0]["n"] == 3
    outcomes = table(replied, "SELECT count(*) AS n, count(DISTINCT request_reference) AS refs"
                              " FROM events WHERE kind = 'successful'")[0]
    assert outcomes == {"n": 3, "refs": 3}   # each reply's outcome recorded once


def test_a_run_that_dies_after_reading_loses_nothing(replied) -> None:
    with workspace_db(replied, publish=False) as (workspace, con):
        plan = plan_extraction(con, workspace)
    read_documents(plan.pending, reading_limits(workspace))   # and then the process dies
    assert table(replied, "SELECT count(*) AS n FROM documents WHERE status = 'pending'"
                 )[0]["n"] == 3
    assert "3 documents read" in foi("extract", home=replied)


def test_killed_at_any_moment_it_leaves_all_or_nothing(replied, tmp_path: Path) -> None:
    outcomes = []
    for n, delay in enumerate((0.7, 1.4, 2.1, 2.8)):
        home = tmp_path / f"copy{n}"
        shutil.copytree(replied, home)
        run = subprocess.Popen([sys.executable, "-c", "from flows.cli import main; main()",
                                "extract", "--home", str(home)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.kill()   # SIGKILL: no cleanup of any kind
        run.wait()
        pending = table(home, "SELECT count(*) AS n FROM documents WHERE status = 'pending'")
        answers = table(home, "SELECT count(*) AS n FROM answers")
        state = (pending[0]["n"], answers[0]["n"])
        assert state in ((3, 0), (0, 9)), (delay, state)
        outcomes.append(state)
        out = foi("extract", home=home)   # the next run finishes the job
        assert table(home, "SELECT count(*) AS n FROM answers")[0]["n"] == 9, out
    print(f"\nkilled 4 runs: {outcomes.count((3, 0))} before storing, "
          f"{outcomes.count((0, 9))} after")


def test_a_new_review_threshold_judges_every_answer_again(replied) -> None:
    foi("extract", home=replied)
    before = table(replied, "SELECT count(*) AS n FROM answers WHERE review_below = 0.99")
    settings = replied / "foi.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "# review_below = 0.75", "review_below = 0.99"), encoding="utf-8")
    foi("extract", home=replied)
    after = table(replied, "SELECT count(*) AS n, count(*) FILTER (WHERE needs_review) AS queued"
                           " FROM v_answers a JOIN answers USING (request_reference, question_key)"
                           " WHERE answers.review_below = 0.99")
    assert before[0]["n"] == 0 and after[0]["n"] > 0
    assert after[0]["queued"] == after[0]["n"]  # nothing the reader reads is 99% sure


def test_unclear_answers_wait_for_a_person_however_sure(replied) -> None:
    foi("extract", home=replied)
    con = connect(replied / "foi.duckdb")
    try:
        con.execute("UPDATE answers SET status = 'unclear', value = NULL, confidence = 0.99"
                    " WHERE rowid = (SELECT min(rowid) FROM answers)")
        queued = con.execute("SELECT needs_review FROM v_answers WHERE status = 'unclear'"
                             ).fetchall()
    finally:
        con.close()
    assert queued == [(True,)]


def test_a_second_extract_waits_for_the_first_instead_of_reading_again(replied) -> None:
    from warehouse.access import extraction_lock

    command = [sys.executable, "-c", "from flows.cli import main; main()", "extract", "--home",
               str(replied)]
    with extraction_lock(replied / "foi.duckdb"):      # a first run, reading
        second = subprocess.Popen(command, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        assert second.stderr is not None
        said = second.stderr.readline()                   # it says it waits ...
        assert "waiting for" in said and "reading documents" in said, said
        time.sleep(1)
        assert second.poll() is None                      # ... waits ...
        assert table(replied, "SELECT count(*) AS n FROM documents WHERE status = 'pending'"
                     )[0]["n"] == 3                       # ... and has read nothing
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0 and "3 documents read" in out
    # two at once: each document is read by one of them, never by both
    runs = [subprocess.Popen(command, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    said = [run.communicate(timeout=120)[0] for run in runs]
    assert all("already read by another run" not in out for out in said), said
