"""Every kind of document authorities send: scans and images (OCR), legacy Word, Outlook .msg,
TNEF winmail.dat, ZIP archives and HTML-only bodies, each read from a real or realistic file."""

from __future__ import annotations

import email
import io
import shutil
import zipfile
import zlib
from email import policy

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extract.reading.containers import MAX_DEPTH
from extract.reading.documents import read_document
from extract.reading.isolation import ReadJob, read_documents_isolated
from tests.conftest import shared_path

needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"),
                                     reason="tesseract is not installed (scripts/system-deps.sh)")
ANSWERS = ["Freedom of Information response FOI 2024-117", "",
           "1. Yes, the Council holds a policy on library opening hours.",
           "2. The total spent in 2023 was 125,000 pounds.",
           "3. We do not hold this information."]


def text_pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica", 13)
    for i, line in enumerate(lines):
        pdf.drawString(60, 780 - 22 * i, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned(lines: list[str]) -> Image.Image:
    """A page as a scanner gives it back: rendered, slightly rotated and blurred, grey."""
    page = pdfium.PdfDocument(text_pdf(lines))[0]
    image = page.render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    return image.rotate(0.6, fillcolor=255, expand=False).filter(ImageFilter.GaussianBlur(0.6))


def image_pdf(pages: list[Image.Image | list[str]]) -> bytes:
    """A PDF of scanned pages (images) and text pages (lists of lines)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    for page in pages:
        if isinstance(page, Image.Image):
            pdf.drawImage(ImageReader(page), 0, 0, width, height)
        else:
            pdf.setFont("Helvetica", 12)
            for i, line in enumerate(page):
                pdf.drawString(60, 780 - 20 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- scans and images --------------------------------------------------------------------------


@needs_tesseract
def test_only_pages_without_a_text_layer_are_ocrd() -> None:
    data = image_pdf([["Covering letter: our reply to FOI 2024-117 follows."], scanned(ANSWERS)])
    result = read_document(data, "reply.pdf")
    assert (result.status, result.ocr) == ("ok", (False, True))
    assert result.pages[0] == "Covering letter: our reply to FOI 2024-117 follows."
    assert "125,000" in result.pages[1] and "do not hold" in result.pages[1]
    assert result.error == "pages 2 read by OCR"


@needs_tesseract
@pytest.mark.parametrize(("fmt", "name", "options"), [
    ("PNG", "scan.png", {}), ("JPEG", "scan.jpg", {"quality": 70}), ("TIFF", "scan.tif", {}),
])
def test_image_attachments_are_ocrd(fmt: str, name: str, options: dict) -> None:
    result = read_document(image_bytes(scanned(ANSWERS), fmt, **options), name)
    assert (result.kind, result.status, result.ocr) == ("image", "ok", (True,))
    assert "library opening hours" in result.text


@needs_tesseract
def test_multipage_tiff_is_one_page_per_frame() -> None:
    first, second = scanned(ANSWERS[:3]), scanned(ANSWERS[3:])
    data = image_bytes(first, "TIFF", save_all=True, append_images=[second])
    result = read_document(data, "fax.tiff")
    assert len(result.pages) == 2 and "do not hold" in result.pages[1]


@needs_tesseract
def test_image_declaring_gigapixels_is_refused_before_decoding() -> None:
    data = bytearray(image_bytes(Image.new("L", (64, 64), 255), "PNG"))
    data[16:24] = (60000).to_bytes(4, "big") + (60000).to_bytes(4, "big")  # IHDR width, height
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # and its checksum
    result = read_document(bytes(data), "huge.png")
    assert result.status == "error" and "too large to OCR" in (result.error or "")


# --- legacy Word ---------------------------------------------------------------------------------


def test_real_legacy_doc_with_antiword() -> None:
    if not shutil.which("antiword"):
        pytest.skip("antiword is not installed (scripts/system-deps.sh)")
    path = shared_path("corpus", "cipfa-libraries-2017", "responses", "Barnsley.doc")
    result = read_document(path.read_bytes(), path.name)
    assert (result.kind, result.status) == ("doc", "ok")
    assert "Barnsley" in result.text


# --- containers ----------------------------------------------------------------------------------


def attachment_of(eml_name: str, media_type: str) -> bytes:
    raw = shared_path("corpus", "mail-edge-cases", eml_name).read_bytes()
    message = email.message_from_bytes(raw, policy=policy.compat32)
    return next(p.get_payload(decode=True) for p in message.walk()
                if p.get_content_type() == media_type)


def test_real_tnef_body_and_attached_word_documents() -> None:
    data = attachment_of("incoming-request-tnef-attachments.eml", "application/ms-tnef")
    result = read_document(data, "winmail.dat", "application/ms-tnef")
    assert (result.kind, result.status) == ("tnef", "ok")
    assert result.pages[0].startswith("[File: winmail.dat / message body]\n")
    assert "Dear Mr. Walker" in result.pages[0]
    names = {page.splitlines()[0] for page in result.pages[1:]}
    assert names == {"[File: winmail.dat / FOI 09-02976i.doc]",
                     "[File: winmail.dat / FOI 09-02976iii.doc]"}
    if shutil.which("antiword"):
        assert all("[not read" not in page for page in result.pages)


def test_truncated_tnef_is_a_clear_error() -> None:
    data = attachment_of("tnef-attachment-truncated.eml", "application/ms-tnef")
    result = read_document(data, "winmail.dat")
    assert (result.kind, result.status) == ("tnef", "error")
    assert result.error == "tnef holds no message body and no file: empty or truncated"


def test_real_outlook_message_body_and_attachment() -> None:
    data = attachment_of("incoming-request-oft-attachments.eml", "application/octet-stream")
    result = read_document(data, "test.oft")
    assert (result.kind, result.status) == ("msg", "ok")
    assert result.pages[0].splitlines()[0] == "[File: test.oft / message body]"
    assert "Test oft" in result.pages[0]
    assert result.pages[1].splitlines()[0] == "[File: test.oft / attach.txt]"


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_parts_are_read_in_order_each_named() -> None:
    data = zip_of({"letter.pdf": text_pdf(["1. Yes.", "2. No."]),
                   "data/spend.csv": b"year,amount\n2023,125000\n",
                   "notes.txt": b"We do not hold this information."})
    result = read_document(data, "FOI-117.zip")
    assert (result.kind, result.status, result.error) == ("zip", "ok", None)
    assert [p.splitlines()[0] for p in result.pages] == [
        "[File: FOI-117.zip / letter.pdf]", "[File: FOI-117.zip / data/spend.csv]",
        "[File: FOI-117.zip / notes.txt]"]
    assert "2023\t125000" in result.pages[1]


def test_zip_nesting_and_size_are_bounded() -> None:
    nested = b"Deepest answer."
    for depth in range(MAX_DEPTH + 2):
        nested = zip_of({f"level{depth}.zip" if depth else "answer.txt": nested})
    result = read_document(nested, "outer.zip")
    assert result.status == "ok"
    assert f"nested deeper than {MAX_DEPTH} levels" in result.text
    assert "Deepest answer." not in result.text
    bomb = zip_of({"zeros.txt": b"0" * (300 * 1024 * 1024)})  # 300 MB in ~300 KB
    result = read_document(bomb, "bomb.zip")
    assert result.status == "ok" and "limit on what one document may unpack" in result.text


def test_html_only_body() -> None:
    body = (b"<html><head><style>p {color: red}</style></head><body><p>Dear Ms Smith,</p>"
            b"<table><tr><td>1.</td><td>Yes</td></tr></table></body></html>")
    result = read_document(body, "", "text/html")
    assert (result.kind, result.status) == ("html", "ok")
    assert result.pages == ("Dear Ms Smith,\n1.\nYes",)


@needs_tesseract
def test_containers_and_scans_through_the_isolated_workers() -> None:
    jobs = [ReadJob("zip", zip_of({"scan.png": image_bytes(scanned(ANSWERS), "PNG")}), "a.zip"),
            ReadJob("pdf", text_pdf(ANSWERS), "b.pdf")]
    results = read_documents_isolated(jobs, timeout_s=60)
    assert results["zip"].ocr == (True,) and "125,000" in results["zip"].text
    assert results["pdf"].ocr == () and "125,000" in results["pdf"].text
