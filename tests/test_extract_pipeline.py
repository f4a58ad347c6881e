"""Extraction through the pipeline: a corrupt attachment is recorded and the rest go on."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from flows.steps.extract import extract_replies
from flows.steps.ingest import ingest_files
from flows.steps.send import send_campaign
from foi.mail.transports import FileOutbox
from warehouse.db import connect, rows


def _pdf(lines: list[str]) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    y = 780
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.save()
    return out.getvalue()


def _reply(reference: str, in_reply_to: str, filename: str, data: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "foi@ccg.example"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = f"RE: FOI {reference}"
    msg["In-Reply-To"] = in_reply_to
    msg.set_content("Please find our response attached.")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return msg.as_bytes()


def test_a_corrupt_pdf_is_recorded_and_the_other_replies_are_read(qof_workspace,
                                                                  tmp_path: Path) -> None:
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=2)
    letters = dict(con.execute("SELECT reference, message_id FROM requests").fetchall())
    good = _pdf(["Our response to your request QOF16-00D:",
                 "1. Yes, the CCG took on fully delegated commissioning from 1 April 2016.",
                 "2. No, there are no plans to replace QOF.", "3. Not applicable."])
    corrupt = good[: len(good) // 3]  # truncated mid-stream, as a broken mail client leaves it
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(_reply("QOF16-00C", letters["QOF16-00C"], "reply.pdf",
                                         corrupt))
    (inbox / "b.eml").write_bytes(_reply("QOF16-00D", letters["QOF16-00D"], "reply.pdf", good))
    ingest_files(con, ws, sorted(inbox.glob("*.eml")))
    con.close()
    report = extract_replies(ws.home)
    con = connect(ws.database)
    assert len(report.documents_failed) == 1
    problems = rows(con, "SELECT stage, reason FROM problems")
    assert [p["stage"] for p in problems] == ["extract"]
    assert problems[0]["reason"]
    answers = {(r["request_reference"], r["question_key"]): (r["status"], r["value"])
               for r in rows(con, "SELECT * FROM v_answers")}
    assert answers[("QOF16-00D", "delegated")] == ("answered", "yes")
    assert answers[("QOF16-00D", "local_scheme")] == ("answered", "no")
    assert answers[("QOF16-00C", "delegated")] == ("unanswered", None)
    kept = con.execute("SELECT count(*) FROM documents WHERE status = 'error'").fetchone()[0]
    assert kept == 1  # the broken file is kept in the store, with its reason


def test_ocr_pages_are_marked_in_the_warehouse(qof_workspace, tmp_path: Path) -> None:
    import shutil

    import pytest

    from tests.test_extract_kinds import ANSWERS, image_pdf, scanned

    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (scripts/system-deps.sh)")
    ws = qof_workspace
    con = connect(ws.database)
    send_campaign(con, ws, "qof-local-schemes", FileOutbox(ws.outbox), limit=1)
    reference, letter = con.execute("SELECT reference, message_id FROM requests").fetchone()
    scan = image_pdf([[f"Our reference {reference}: the reply is on the next page."],
                      scanned(ANSWERS)])
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(_reply(reference, letter, "scan.pdf", scan))
    ingest_files(con, ws, sorted(inbox.glob("*.eml")))
    con.close()
    extract_replies(ws.home)
    con = connect(ws.database)
    pages = rows(con, "SELECT p.page, p.ocr, p.text FROM document_pages p JOIN documents d"
                      " ON d.id = p.document_id WHERE d.kind = 'pdf' ORDER BY p.page")
    assert [(p["page"], p["ocr"]) for p in pages] == [(1, False), (2, True)]
    assert "125,000" in pages[1]["text"]
    assert con.execute("SELECT error FROM documents WHERE kind = 'pdf'").fetchone()[0] == \
        "pages 2 read by OCR"
