"""Reading documents of every kind into text, in and out of an isolated worker."""

from __future__ import annotations

import io
import shutil
import time
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extract.reading.documents import DocumentText, detect_kind, read_document
from extract.reading.isolation import ReadJob, read_documents_isolated

RESPONSES = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cipfa-libraries-2017" / "responses"
)
needs_corpus = pytest.mark.skipif(
    not RESPONSES.is_dir(), reason=f"real-reply corpus not found at {RESPONSES}"
)
LETTER = [
    "Dear Mr Rowe,",
    "1. Yes \u2013 the Council spent \u00a3125,000 on the \u201cLibraries Review\u201d.",
    "2. We do not hold this information.",
]


def make_pdf(lines: list[str], pages: int = 1, encrypt: str | None = None) -> bytes:
    """A text PDF with the same lines on every page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    for _ in range(pages):
        pdf.setFont("Helvetica", 10)
        for i, line in enumerate(lines):
            pdf.drawString(50, 800 - 14 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def decompression_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` MB."""
    packer = zlib.compressobj(1)
    chunk = b"0 0 m\n" * (1 << 18)
    stream = b"".join(packer.compress(chunk) for _ in range(megabytes * (1 << 20) // len(chunk)))
    stream += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf


# --- generated documents ----------------------------------------------------------------------


def test_pdf_text_keeps_pound_signs_and_curly_quotes() -> None:
    result = read_document(make_pdf(LETTER, pages=2), "reply.pdf", "application/pdf")
    assert (result.kind, result.status, result.error) == ("pdf", "ok", None)
    assert len(result.pages) == 2
    assert "\u00a3125,000" in result.pages[0] and "\u201cLibraries Review\u201d" in result.pages[0]


def test_pdf_page_cap() -> None:
    result = read_document(make_pdf(LETTER, pages=5), "reply.pdf", max_pages=2)
    assert result.status == "ok" and len(result.pages) == 2
    assert result.error == "read the first 2 of 5 pages"


def test_truncated_pdf_is_a_clear_error() -> None:
    data = make_pdf(LETTER, pages=3)
    result = read_document(data[: len(data) // 3], "reply.pdf")
    assert result.status == "error" and result.kind == "pdf"
    assert "truncated or corrupt" in (result.error or "") or "corrupt" in (result.error or "")


def test_encrypted_pdf_is_a_clear_error() -> None:
    result = read_document(make_pdf(LETTER, encrypt="s3cret"), "reply.pdf")
    assert (result.status, result.error) == ("error", "PDF is encrypted with a password")


def test_non_pdf_named_pdf() -> None:
    result = read_document(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "scan.pdf")
    assert result.status == "error"
    assert "not a PDF" in (result.error or "")


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    document = docx.Document()
    document.add_paragraph("Our response to your request:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Question", "Answer"
    table.cell(1, 0).text, table.cell(1, 1).text = "Spend in 2022/23?", "\u00a31.2m"
    document.add_paragraph("Yours sincerely")
    buffer = io.BytesIO()
    document.save(buffer)
    result = read_document(buffer.getvalue(), "reply.docx")
    assert (result.kind, result.status) == ("docx", "ok")
    assert result.pages[0].splitlines() == [
        "Our response to your request:",
        "Question | Answer",
        "Spend in 2022/23? | \u00a31.2m",
        "Yours sincerely",
    ]


def test_xlsx_one_page_per_sheet() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Spend"
    workbook.active.append(["Year", "Amount"])
    workbook.active.append(["2022/23", 125000.0])
    workbook.create_sheet("Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_document(buffer.getvalue(), "data.xlsx")
    assert (result.kind, result.status, len(result.pages)) == ("xlsx", "ok", 2)
    assert result.pages[0] == "[Sheet: Spend]\nYear\tAmount\n2022/23\t125000"


def test_xlsx_declaring_the_largest_sheet_is_read_at_once() -> None:
    from tests.hostile import _xlsx, zip_version

    started = time.monotonic()
    result = read_document(_xlsx("A1:XFD1048576", far_cell=True), "data.xlsx")
    assert time.monotonic() - started < 5
    assert result.status == "ok" and result.pages[0].startswith("[Sheet: Sheet]\nrow 0\t0")
    broken = read_document(zip_version(_xlsx(), 129), "data.xlsx")  # "zip file version 12.9"
    assert broken.status == "error" and "NotImplementedError" in (broken.error or "")


@pytest.mark.parametrize(
    ("data", "name", "media_type", "expected"),
    [
        (b"name,amount\nA,\xa3100\n", "data.csv", "text/csv", "name\tamount\nA\t\u00a3100"),
        (
            b"<html><body><p>Yes.</p><script>x()</script><p>No.</p></body></html>",
            "",
            "text/html",
            "Yes.\nNo.",
        ),
        ("Caf\u00e9 \u2013 \u00a35".encode("cp1252"), "body.txt", None, "Caf\u00e9 \u2013 \u00a35"),
        ("\ufeffYes \u2013 \u00a35".encode(), "", "text/plain", "Yes \u2013 \u00a35"),
    ],
)
def test_text_kinds(data: bytes, name: str, media_type: str | None, expected: str) -> None:
    result = read_document(data, name, media_type)
    assert result.status == "ok" and result.pages == (expected,)


@pytest.mark.parametrize(
    ("name", "media_type", "head", "kind"),
    [
        ("reply.bin", None, b"%PDF-1.7\n", "pdf"),
        ("reply.doc", "application/msword", b"%PDF-1.4", "pdf"),  # magic beats the name
        (
            "x",
            None,
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"),
            "doc",
        ),
        ("Book1.xls", None, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        ("reply.docx", None, b"", "docx"),
        ("", "text/html; charset=utf-8", b"<p>hi</p>", "html"),
        ("", None, b"  <!DOCTYPE html><html>", "html"),
        ("", None, b"plain words", "text"),
        ("", None, b"\x00\x01\x02\x03", "unknown"),
    ],
)
def test_detect_kind(name: str, media_type: str | None, head: bytes, kind: str) -> None:
    assert detect_kind(name, media_type, head) == kind


def test_nothing_escapes_read_document() -> None:
    for name in ("a.docx", "a.xlsx", "a.xls", "a.pdf", "a.doc", "a.bin", ""):
        result = read_document(b"PK\x03\x04 garbage \x00\xff" * 10, name)
        assert isinstance(result, DocumentText) and result.status in ("error", "unsupported")
        assert result.error


# --- the real replies -------------------------------------------------------------------------


def read_real(name: str) -> DocumentText:
    return read_document((RESPONSES / name).read_bytes(), name)


@needs_corpus
def test_real_scan_is_ocrd_and_says_so() -> None:
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (scripts/system-deps.sh installs it)")
    result = read_real("BlaenauGwent1.pdf")
    assert (result.kind, result.status, result.ocr) == ("pdf", "ok", (True,))
    assert "read by OCR" in (result.error or "")
    assert len(result.text.split()) > 50


@needs_corpus
@pytest.mark.parametrize(
    ("name", "pages", "words"),
    [
        ("Bedford.pdf", 24, "PUBLIC LIBRARY STATISTICS"),
        ("BlaenauGwent2.pdf", 5, "Abertillery"),
        ("BexleyResponse.pdf", 2, "1 \u2013 I can confirm"),
    ],
)
def test_real_text_pdfs(name: str, pages: int, words: str) -> None:
    result = read_real(name)
    assert (result.status, len(result.pages)) == ("ok", pages)
    assert words in result.text


@needs_corpus
@pytest.mark.parametrize(("name", "kind"), [("Bolton.xlsx", "xlsx"), ("AberdeenCity.xls", "xls")])
def test_real_spreadsheets(name: str, kind: str) -> None:
    result = read_real(name)
    assert (result.kind, result.status) == (kind, "ok")
    assert len(result.pages) > 1
    assert all(page.startswith("[Sheet: ") for page in result.pages)
    assert sum(len(page.splitlines()) > 3 for page in result.pages) >= 2


@needs_corpus
def test_real_docx_keeps_numbered_answers() -> None:
    result = read_real("BirminghamResponse.docx")
    assert result.status == "ok" and "1.\tYes." in result.text


@needs_corpus
def test_real_legacy_doc() -> None:
    result = read_real("Barnsley.doc")
    assert result.kind == "doc"
    if shutil.which("antiword"):
        assert result.status == "ok" and result.text.strip()
    else:
        assert result.status == "unsupported"
        assert result.error == "legacy Word .doc needs antiword (not installed)"


# --- isolation --------------------------------------------------------------------------------


def ruled_grid_pdf(pages: int) -> bytes:
    """A long ruled table: pdfplumber's table finder takes ~0.5 s a page on it."""
    from reportlab.lib import colors
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    table = Table([[f"r{r} c{c} text" for c in range(4)] for r in range(45 * pages)],
                  colWidths=[120] * 4)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    return buffer.getvalue()


def test_isolated_reads_survive_bad_and_slow_documents() -> None:
    good = make_pdf(LETTER)
    slow = ruled_grid_pdf(10)  # ~5 s of pdfplumber work
    done: list[str] = []
    jobs = [
        ReadJob("good-1", good, "a.pdf", None),
        ReadJob("truncated", good[: len(good) // 2], "b.pdf", None),
        ReadJob("renamed", b"GIF89a" + bytes(200), "c.pdf", None),
        ReadJob("slow", slow, "d.pdf", None),
        ReadJob("good-2", good, "e.pdf", None),
        ReadJob("text", b"We do not hold this information.", "body.txt", "text/plain"),
    ]
    results = read_documents_isolated(
        jobs, timeout_s=1.5, on_done=lambda key, _result: done.append(key)
    )
    assert sorted(done) == sorted(job.key for job in jobs)  # in the order they finish
    assert results["good-1"].status == results["good-2"].status == "ok"
    assert "\u00a3125,000" in results["good-2"].text
    assert results["truncated"].status == "error"
    assert results["renamed"].status == "error" and "not a PDF" in (results["renamed"].error or "")
    assert (results["slow"].status, results["slow"].error) == ("error", "timed out after 1.5 s")
    assert results["text"].pages == ("We do not hold this information.",)


def test_isolated_memory_cap() -> None:
    jobs = [
        ReadJob("bomb", decompression_bomb(400), "bomb.pdf", None),
        ReadJob("after", make_pdf(LETTER), "a.pdf", None),
    ]
    results = read_documents_isolated(jobs, memory_mb=256, timeout_s=60)
    assert results["bomb"].status == "error"
    assert (results["bomb"].error or "").startswith("worker ran out of memory (256 MB cap")
    assert results["after"].status == "ok"


# --- ruled tables in PDFs ---------------------------------------------------------------------


def grid_pdf(rows: list[list[str]], style: list[tuple], widths: list[float]) -> bytes:
    """A letter with a reportlab table between two paragraphs, cells wrapping as Paragraphs."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    normal = getSampleStyleSheet()["Normal"]
    table = Table([[Paragraph(c, normal) for c in row] for row in rows], colWidths=widths)
    table.setStyle(TableStyle(style))
    buffer = io.BytesIO()
    flow = [Paragraph("Our response is set out below.", normal), table]
    SimpleDocTemplate(buffer, pagesize=A4).build([*flow, Paragraph("Yours sincerely", normal)])
    return buffer.getvalue()


def test_ruled_qa_table_is_read_row_by_row_in_place() -> None:
    from reportlab.lib import colors

    question = "Does the Trust have a policy on the use of private ambulances in 2022/23?"
    answer = "No, the Trust does not have a policy on the use of private ambulances."
    rows = [["No.", "Question", "Response"], ["1", question, answer], ["2", "Spend?", "Nil"]]
    data = grid_pdf(rows, [("GRID", (0, 0), (-1, -1), 0.5, colors.black)], [30, 200, 180])
    lines = read_document(data, "t.pdf").text.splitlines()
    assert lines[0] == "Our response is set out below."
    rows_read = ["No. | Question | Response", f"1 | {question} | {answer}", "2 | Spend? | Nil"]
    assert lines[1:4] == rows_read
    assert lines[-1] == "Yours sincerely"


def test_grid_without_rules_between_records_keeps_its_lines() -> None:
    from reportlab.lib import colors

    records = ["Adult Fiction<br/>Adult Non-fiction<br/>Children's Fiction", "136,177<br/>9<br/>88"]
    style = [("BOX", (0, 0), (-1, -1), 0.5, colors.black)]
    style.append(("LINEAFTER", (0, 0), (0, -1), 0.5, colors.black))
    style.append(("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black))
    data = grid_pdf([["Stock", "Volumes"], records], style, [200, 100])
    text = read_document(data, "s.pdf").text
    assert " | " not in text  # one cell holds three records: not one row of a Q/A table
    assert "Adult Fiction 136,177" in text


def test_wide_data_grid_is_left_to_extract_text() -> None:
    from reportlab.lib import colors

    rows = [[f"r{r}c{c}" for c in range(6)] for r in range(3)]
    data = grid_pdf(rows, [("GRID", (0, 0), (-1, -1), 0.5, colors.black)], [60] * 6)
    text = read_document(data, "w.pdf").text
    assert " | " not in text and "r1c0 r1c1 r1c2 r1c3 r1c4 r1c5" in text
