"""What reading one document gives (DocumentText), and the caps every reader keeps to."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("ok", "needs_ocr", "unsupported", "error")
OUT_OF_MEMORY = "ran out of memory while reading the document"
# One document's text is capped: later stages scan every character, and a 150 MB text
# attachment read in full once took 3.6 GB and minutes. 2 M characters is ~1,000 pages.
MAX_DOCUMENT_CHARS = 2_000_000
MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 256


@dataclass(frozen=True)
class DocumentText:
    """The text of one document, page by page, or why there is none.

    `ocr` says, page by page, whether the text was recognised from an image (Tesseract)
    rather than read from a text layer: digits on such pages deserve less trust ("1." can
    come out as "4."). Empty when no page was OCR'd.
    """

    kind: str
    status: str  # 'ok' | 'needs_ocr' | 'unsupported' | 'error'
    pages: tuple[str, ...]
    error: str | None = None
    ocr: tuple[bool, ...] = ()

    @property
    def text(self) -> str:
        """All pages joined with a blank line."""
        return "\n\n".join(self.pages)

    def page_ocr(self, index: int) -> bool:
        """Whether page `index` (0-based) was read by OCR."""
        return index < len(self.ocr) and self.ocr[index]


def failed(kind: str, reason: str) -> DocumentText:
    """A document that could not be read, with the reason."""
    return DocumentText(kind, "error", (), reason)


def decode_text(data: bytes) -> str:
    """Decode a text body: UTF-8 (with or without BOM), then cp1252, then latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def capped(text: DocumentText) -> DocumentText:
    """The same reading, storable (no NULs, valid UTF-8) and at most MAX_DOCUMENT_CHARS long."""
    pages: list[str] = []
    left = MAX_DOCUMENT_CHARS
    for page in text.pages:
        # lone surrogates (from a broken UTF-16 text layer) cannot be stored as UTF-8
        page = page.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
        if len(page) > left:
            pages.append(page[:left])
            note = f"text cut at {MAX_DOCUMENT_CHARS:,} characters"
            error = f"{text.error}; {note}" if text.error else note
            ocr = text.ocr[: len(pages)]
            return DocumentText(text.kind, text.status, tuple(pages), error, ocr)
        pages.append(page)
        left -= len(page)
    return DocumentText(text.kind, text.status, tuple(pages), text.error, text.ocr)
