"""A corpus of hostile documents, generated at test time: what a broken mail client, a buggy
export or a malicious sender can put in an FOI reply. Nothing here is committed as a binary."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


@dataclass(frozen=True)
class Hostile:
    """One hostile file: a name to attach it under, its bytes, and what makes it hostile."""

    name: str
    data: bytes
    family: str
    media_type: str | None = None


def _pdf(lines: list[str], pages: int = 1, **options: object) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **options)
    for page in range(pages):
        pdf.setFont("Helvetica", 10)
        for i, line in enumerate(lines):
            pdf.drawString(50, 800 - 14 * i, f"{line} ({page + 1})" if pages > 1 else line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("1. Yes, the Trust holds this information.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Question", "Answer"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx(dimension: str | None = None, far_cell: bool = False, rows: int = 3) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for r in range(rows):
        workbook.active.append([f"row {r}", r * 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if dimension is None and not far_cell:
        return data
    return _rezip(data, "xl/worksheets/sheet1.xml", lambda xml: _sheet_hack(xml, dimension,
                                                                             far_cell))


def _sheet_hack(xml: bytes, dimension: str | None, far_cell: bool) -> bytes:
    import re

    if dimension:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % dimension.encode(),
                     xml)
    if far_cell:
        xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v>'
                                           b"</c></row></sheetData>")
    return xml


def _rezip(data: bytes, member: str, change: object) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)  # type: ignore[operator]
            target.writestr(info, content)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    image = Image.new("L", (500, 160), 255)
    ImageDraw.Draw(image).text((20, 60), "1. Yes. 2. No. 3. 125,000", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _stream_pdf(content: bytes, pages: int = 1, compress: bool = True,
                box: bytes = b"0 0 612 792", xobjects: bytes = b"", extra: tuple[bytes, ...] = ()
                ) -> bytes:
    """A hand-written PDF whose pages all share one content stream (and its `xobjects`, the
    `extra` objects numbered after the pages)."""
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               _stream(content, compress)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents 3 0 R "
                b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
                b" >> >> %s>> >>" % (box, xobjects)] * pages
    objects += extra
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return pdf


def _stream(content: bytes, compress: bool = True, head: bytes = b"") -> bytes:
    stream = zlib.compress(content, 1) if compress else content
    return (b"<< %s/Length %d %s>>\nstream\n" % (head, len(stream), b"/Filter /FlateDecode "
                                                  if compress else b"") + stream + b"\nendstream")


def _laughs(levels: int = 9, fan: int = 10) -> bytes:
    """One page drawing a form that draws the form below it `fan` times, `levels` deep: a
    billion rectangles from a few hundred bytes."""
    first = 5   # after the catalog, the pages, the content stream and the page
    forms = [_stream(b"0 0 1 1 re f", head=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] ")]
    for level in range(1, levels + 1):
        forms.append(_stream(b"/X Do " * fan, head=b"/Type /XObject /Subtype /Form /BBox "
                             b"[0 0 612 792] /Resources << /XObject << /X %d 0 R >> >> "
                             % (first + level - 1)))
    return _stream_pdf(b"/X Do", xobjects=b"/XObject << /X %d 0 R >> " % (first + levels),
                       extra=tuple(forms))


def _grid(cells: int) -> bytes:
    """One page ruled into cells x cells boxes, a number in each."""
    step = 560 / cells
    ops = [b"0.2 w"]
    for i in range(cells + 1):
        ops.append(b"%.2f 20 m %.2f 780 l S" % (20 + i * step, 20 + i * step))
        ops.append(b"20 %.2f m 580 %.2f l S" % (20 + i * step * 1.36, 20 + i * step * 1.36))
    ops.append(b"BT /F1 4 Tf")
    for r in range(cells):
        for c in range(cells):
            ops.append(b"1 0 0 1 %.2f %.2f Tm (%d) Tj" % (22 + c * step, 22 + r * step * 1.36,
                                                          r * c))
    ops.append(b"ET")
    return _stream_pdf(b"\n".join(ops))


def _flip(data: bytes, rng: random.Random, flips: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(flips):
        buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def _nested_zip(depth: int) -> bytes:
    data = b"the answer at the bottom"
    for level in range(depth):
        data = _zip({f"level{level}.zip" if level else "answer.txt": data})
    return data


def _tnef_garbage(rng: random.Random) -> bytes:
    return b"\x78\x9f\x3e\x22" + rng.randbytes(400)


def _ole_garbage(rng: random.Random) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(2000)


def hostile_corpus(seed: int = 2016) -> list[Hostile]:
    """At least 300 hostile files, the same ones for the same seed."""
    return list(_generate(random.Random(seed)))


def _generate(rng: random.Random) -> Iterator[Hostile]:
    letter = ["Our ref: FOI [2024/117]", "1. Yes.", "2. We do not hold this information.",
              "3. \u00a3125,000"]
    sound = {"reply.pdf": _pdf(letter, pages=3), "reply.docx": _docx(), "data.xlsx": _xlsx(),
             "scan.png": _image("PNG"), "scan.jpg": _image("JPEG"),
             "bundle.zip": _zip({"a.pdf": _pdf(letter), "b.txt": b"2. No."})}

    for name, data in sound.items():                      # truncated: 6 x 6
        for fraction in (0.01, 0.1, 0.3, 0.5, 0.7, 0.95):
            yield Hostile(f"truncated-{int(fraction * 100)}-{name}",
                          data[: max(1, int(len(data) * fraction))], "truncated")
    for name, data in sound.items():                      # corrupted by byte flips: 6 x 16
        for n in range(30):
            yield Hostile(f"flipped-{n}-{name}", _flip(data, rng, 1 + n * 2), "corrupted")

    yield Hostile("encrypted.pdf", _pdf(letter, encrypt="s3cret"), "encrypted")
    from reportlab.lib.pdfencrypt import StandardEncryption
    yield Hostile("encrypted-owner-only.pdf",
                  _pdf(letter, encrypt=StandardEncryption("", "owner", canPrint=0)), "encrypted")
    yield Hostile("encrypted-40bit.pdf",
                  _pdf(letter, encrypt=StandardEncryption("u", "o", strength=40)), "encrypted")

    yield Hostile("bomb-stream.pdf", _stream_pdf(b"0 0 m\n" * (50 << 20)), "bomb")   # 300 MB
    yield Hostile("bomb-small-stream.pdf", _stream_pdf(b"q Q\n" * (8 << 20)), "bomb")
    yield Hostile("bomb.zip", _zip({"zeros.txt": b"0" * (210 << 20)}), "bomb")
    zeros = b"0" * (30 << 20)
    yield Hostile("bomb-many.zip", _zip({f"z{i}.txt": zeros for i in range(8)}), "bomb")
    yield Hostile("bomb.docx", _rezip(_docx(), "word/document.xml",
                                      lambda x: x + b" " * (150 << 20)), "bomb")
    yield Hostile("bomb.png", _png_bomb(20000), "bomb")
    yield Hostile("zip-lies-about-size.zip", _zip_lying(), "bomb")

    for cells in (10, 60, 200):                          # dense grids
        yield Hostile(f"grid-{cells}x{cells}.pdf", _grid(cells), "dense grid")

    yield Hostile("pages-3000.pdf", _pdf(["A page of a very long reply."], pages=3000),
                  "thousands of pages")
    yield Hostile("pages-5000-shared.pdf", _stream_pdf(b"BT /F1 9 Tf 50 700 Td (page) Tj ET",
                                                       pages=5000), "thousands of pages")

    mislabels = [("reply.docx", sound["reply.pdf"]), ("reply.pdf", sound["reply.docx"]),
                 ("scan.pdf", sound["scan.png"]), ("data.doc", sound["data.xlsx"]),
                 ("notes.xlsx", b"We do not hold this information.\n"),
                 ("page.pdf", b"<html><body>1. Yes</body></html>"),
                 ("reply.xls", sound["reply.docx"]), ("photo.jpg", sound["reply.pdf"]),
                 ("winmail.dat", sound["bundle.zip"]), ("message.msg", sound["scan.jpg"]),
                 ("archive.zip", sound["reply.pdf"]), ("table.csv", sound["scan.png"])]
    for name, data in mislabels:
        yield Hostile(f"mislabelled-{name}", data, "mislabelled")

    for name in ("empty.pdf", "empty.docx", "empty.xlsx", "empty.txt", "empty", "empty.zip",
                 "empty.png", "winmail.dat"):
        yield Hostile(name, b"", "empty")

    yield Hostile("huge.txt", b"We do not hold this information. " * (1_600_000), "huge text")
    yield Hostile("huge.csv", b"2023,125000,yes,no\n" * (1_000_000), "huge text")
    yield Hostile("huge.html", b"<p>1. Yes</p>" * (1_500_000), "huge text", "text/html")
    yield Hostile("one-long-line.txt", b"x" * (30 << 20), "huge text")

    for depth in (5, 20, 60):
        yield Hostile(f"nested-{depth}.zip", _nested_zip(depth), "nested zip")

    yield Hostile("declares-XFD1048576.xlsx", _xlsx("A1:XFD1048576"), "xlsx dimensions")
    yield Hostile("cell-at-XFD1048576.xlsx", _xlsx(far_cell=True), "xlsx dimensions")
    yield Hostile("declares-and-has-far-cell.xlsx", _xlsx("A1:XFD1048576", far_cell=True),
                  "xlsx dimensions")

    for n in range(6):                                    # reasons with [brackets] and markup
        broken = b"%PDF-1.4\n[/red] broken " + rng.randbytes(200)
        yield Hostile(f"reply[/bold]-{n}[red].pdf", broken, "brackets")
        yield Hostile(f"[/link]-{n}.docx", b"PK\x03\x04[/bold]" + bytes(200), "brackets")
    yield Hostile("reply[/bold].bin", rng.randbytes(300), "brackets")  # named in its reason
    for name, data in (("reply.docx", sound["reply.docx"]), ("data.xlsx", sound["data.xlsx"]),
                       ("bundle.zip", sound["bundle.zip"])):
        yield Hostile(f"zip-version-12.9-{name}", zip_version(data, 129), "corrupted")
    yield Hostile("no-content-types.docx", _rezip_drop(_docx(), "[Content_Types].xml"),
                  "brackets")

    for n in range(6):                                    # container garbage
        yield Hostile(f"garbage-{n}-winmail.dat", _tnef_garbage(rng), "corrupted")
        yield Hostile(f"garbage-{n}.msg", _ole_garbage(rng), "corrupted")
    yield Hostile("many-frames.tiff", _tiff_frames(40), "thousands of pages")

    for n in range(24):                                   # random bytes under every name
        name = ["x.pdf", "x.docx", "x.xlsx", "x.xls", "x.doc", "x.csv", "x.html", "x.png",
                "x.zip", "x.msg", "winmail.dat", "x.bin"][n % 12]
        yield Hostile(f"random-{n}-{name}", rng.randbytes(5000), "random")


def page_bombs() -> list[Hostile]:
    """PDFs the reader gets through (there is little text to read) and drawing a page of them
    does not: a page image of each takes gigabytes, or fails on its shape."""
    text = b"BT /F1 9 Tf 0 700 Td (1. Yes.) Tj ET"
    return [Hostile("narrow-page.pdf", _stream_pdf(text, box=b"0 0 0.5 792"), "page bomb"),
            Hostile("strip-1x14400.pdf", _stream_pdf(text, box=b"0 0 1 14400"), "page bomb"),
            Hostile("laughs.pdf", _laughs(), "page bomb"),
            Hostile("operators-400mb.pdf", _stream_pdf(b"0 0 m\n" * (70 << 20)), "page bomb")]


def zip_version(data: bytes, version: int) -> bytes:
    """The ZIP with every entry asking for an unknown version (zipfile: NotImplementedError)."""
    buffer = bytearray(data)
    for header, offset in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        at = buffer.find(header)
        while at != -1:
            buffer[at + offset:at + offset + 2] = version.to_bytes(2, "little")
            at = buffer.find(header, at + 4)
    return bytes(buffer)


def _zip_lying() -> bytes:
    """A ZIP whose entry says 10 bytes and inflates to 100 MB."""
    data = bytearray(_zip({"small.txt": b"0" * (100 << 20)}))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(header)
        offset = 22 if header == b"PK\x03\x04" else 24
        data[at + offset:at + offset + 4] = (10).to_bytes(4, "little")
    return bytes(data)


def _rezip_drop(data: bytes, member: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _png_bomb(side: int) -> bytes:
    """A white 1-bit PNG of side x side pixels: ~50 MB of pixels in ~50 KB."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def _tiff_frames(frames: int) -> bytes:
    images = [Image.new("L", (200, 100), 255) for _ in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:])
    return buffer.getvalue()
