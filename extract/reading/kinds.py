"""What kind of document some bytes are: magic bytes first, then the name, then the media type."""

from __future__ import annotations

import io
import os
import zipfile

KINDS = ("pdf", "docx", "xlsx", "xls", "csv", "html", "text", "doc", "image", "zip", "msg",
         "tnef", "unknown")

_EXTENSIONS = {
    ".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls", ".csv": "csv", ".htm": "html", ".html": "html", ".txt": "text",
    ".text": "text", ".eml": "text", ".doc": "doc", ".png": "image", ".jpg": "image",
    ".jpeg": "image", ".tif": "image", ".tiff": "image", ".gif": "image", ".bmp": "image",
    ".zip": "zip", ".msg": "msg", ".oft": "msg",
}
_MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/msword": "doc",
    "text/csv": "csv",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "image/png": "image", "image/jpeg": "image", "image/tiff": "image", "image/gif": "image",
    "application/zip": "zip", "application/x-zip-compressed": "zip",
    "application/vnd.ms-outlook": "msg",
    "application/ms-tnef": "tnef", "application/vnd.ms-tnef": "tnef",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TNEF_MAGIC = b"\x78\x9f\x3e\x22"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a",
                b"GIF89a")


def _zip_kind(data: bytes) -> str | None:
    """A Word document, a workbook, or some other zip archive, by the parts inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except Exception:  # too broken to list: the name decides (a .docx is a broken .docx)
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def _ole_kind(data: bytes) -> str | None:
    """Word 97, Excel 97 or an Outlook message, by the OLE stream names."""
    names: set[str] = set()
    try:
        import olefile

        with olefile.OleFileIO(data) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # truncated: fall back to the names that appear in the bytes
        for name in ("WordDocument", "Workbook", "Book", "__substg1.0_", "__properties_version1.0"):
            if name.encode("utf-16-le") in data[:1 << 20]:
                names.add(name)
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if any(n.startswith(("__substg1.0_", "__properties_version1.0")) for n in names):
        return "msg"
    return None


def _sniff_magic(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(_TNEF_MAGIC):
        return "tnef"
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    stripped = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:200]:
        return "html"
    return None


def looks_like_text(sample: bytes) -> bool:
    """Whether a sample of bytes reads as text (no NULs, nearly all printable)."""
    if b"\x00" in sample:
        return False
    printable = sum(1 for b in sample if b >= 32 or b in (9, 10, 13))
    return printable / max(len(sample), 1) > 0.95


def detect_kind(filename: str, media_type: str | None, data: bytes) -> str:
    """Kind of a document: magic bytes first, then extension, then media type; never raises."""
    magic = _sniff_magic(data)
    if magic is not None:
        return magic
    name = filename.lower()
    if name.endswith("winmail.dat"):
        return "tnef"
    by_ext = _EXTENSIONS.get(os.path.splitext(name)[1])
    if by_ext is not None:
        return by_ext
    by_media = _MEDIA_TYPES.get((media_type or "").split(";")[0].strip().lower())
    if by_media is not None:
        return by_media
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data and looks_like_text(data[:4096]):
        return "text"
    return "unknown"
