"""Bad input loses nothing: every hostile file ends classified with a reason, in time, and the
sound replies beside them still get their answers."""

from __future__ import annotations

import io
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from extract.reading.document_text import STATUSES
from extract.reading.isolation import ReadJob, read_documents_isolated
from extract.reading.kinds import KINDS
from flows.cli import app
from flows.steps.send import send_campaign
from foi.mail.transports import FileOutbox
from tests.hostile import hostile_corpus
from warehouse.db import connect, rows

TIMEOUT_S = 15
CRASHED = ("worker crashed", "worker stopped unexpectedly", "worker was killed")


@pytest.mark.long_running(25)
def test_every_hostile_file_is_classified_with_a_reason_in_time() -> None:
    corpus = hostile_corpus()
    assert len(corpus) >= 300
    jobs = [ReadJob(str(n), h.data, h.name, h.media_type) for n, h in enumerate(corpus)]
    started = time.monotonic()
    results = read_documents_isolated(jobs, timeout_s=TIMEOUT_S, memory_mb=512)
    seconds = time.monotonic() - started
    errors = [r.error or "" for r in results.values()]
    timeouts = sum(e.startswith("timed out") for e in errors)
    crashes = sum(e.startswith(CRASHED) for e in errors)
    out_of_memory = sum(e.startswith("worker ran out of memory") for e in errors)
    statuses = Counter(r.status for r in results.values())
    print(f"\nhostile corpus: {len(corpus)} files tried in {seconds:.1f} s; {dict(statuses)}; "
          f"{crashes} worker crashes, {out_of_memory} out of memory, {timeouts} time-outs")
    assert sorted(results, key=int) == [job.key for job in jobs]  # nothing lost
    for n, hostile in enumerate(corpus):
        result = results[str(n)]
        assert result.status in STATUSES and result.kind in KINDS, hostile.name
        if result.status != "ok":
            assert result.error, hostile.name  # classified with a reason
        assert len(result.ocr) in (0, len(result.pages)), hostile.name
    assert timeouts == 0 and crashes == 0
    # the worst case is every worker timing out on every file at once; far below that:
    assert seconds < 150


def _pdf(lines: list[str]) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for i, line in enumerate(lines):
        pdf.drawString(60, 780 - 18 * i, line)
    pdf.save()
    return out.getvalue()


def _reply(reference: str, in_reply_to: str, files: list[tuple[str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "foi@ccg.example"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = f"RE: FOI {reference}"
    msg["In-Reply-To"] = in_reply_to
    msg.set_content("Please find our response attached.")
    for name, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


@pytest.mark.long_running(50)
def test_foi_extract_reads_sound_replies_beside_hostile_ones(qof_workspace,
                                                             tmp_path: Path) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=3)
    letters = dict(con.execute("SELECT reference, message_id FROM requests").fetchall())
    con.close()
    first, second, third = sorted(letters)
    hostile = [h for h in hostile_corpus() if h.family in (
        "brackets", "truncated", "bomb", "xlsx dimensions", "empty", "mislabelled", "huge text")]
    inbox = tmp_path / "in"
    inbox.mkdir()
    good = ["1. Yes, the CCG took on fully delegated commissioning from 1 April 2016.",
            "2. No, there are no plans to replace QOF.", "3. Not applicable."]
    for name, reference, files in (
            ("a.eml", first, [("reply.pdf", _pdf([first, *good]))]),
            ("b.eml", second, [(h.name, h.data) for h in hostile]),
            ("c.eml", third, [("reply.pdf", _pdf([third, *good]))])):
        (inbox / name).write_bytes(_reply(reference, letters[reference], files))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--eml", str(inbox), "--home", str(ws.home)]
                         ).exit_code == 0
    result = runner.invoke(app, ["extract", "--home", str(ws.home)])
    assert result.exit_code == 0, result.output
    # reasons holding [brackets] are printed as written (ingest made the "/" of the name "_")
    assert "unrecognised document type (reply[_bold].bin)" in result.output
    assert "'[Content_Types].xml'" in result.output
    con = connect(ws.database)
    try:
        answers = {(r["request_reference"], r["question_key"]): (r["status"], r["value"])
                   for r in rows(con, "SELECT * FROM v_answers")}
        for reference in (first, third):
            assert answers[(reference, "delegated")] == ("answered", "yes")
            assert answers[(reference, "local_scheme")] == ("answered", "no")
        documents = rows(con, "SELECT status, error FROM documents")
        assert len(documents) >= len({h.data for h in hostile})
        assert all(d["status"] != "pending" for d in documents)
        assert all(d["error"] for d in documents if d["status"] != "ok")
        failed = con.execute("SELECT count(*) FROM documents WHERE status = 'error'").fetchone()
        problems = con.execute("SELECT count(*) FROM problems WHERE stage = 'extract'"
                               ).fetchone()
        assert failed[0] > 0 and problems[0] == failed[0]  # each recorded once
    finally:
        con.close()
    again = runner.invoke(app, ["extract", "--home", str(ws.home)])  # nothing retried
    assert again.exit_code == 0 and "0 documents read, 0 not readable" in again.output
