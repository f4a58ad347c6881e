"""Files that hold other files: ZIP archives, Outlook .msg messages and TNEF winmail.dat.

A container's pages are its parts' pages in order (a message's body first), each page
starting with a line that names the part, e.g. `[File: winmail.dat / FOI 0976.doc]`, so
every page still points to one stored document and says where inside it the text is. A part
that cannot be read gets one page saying why: nothing inside is dropped silently.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extract.reading.document_text import DocumentText, decode_text
from extract.reading.markup import html_to_text, rtf_text

MAX_DEPTH = 3                          # a zip in a zip in a zip, and no deeper
MAX_INNER_FILES = 200
MAX_INNER_BYTES = 200 * 1024 * 1024    # uncompressed, all parts of one document together

# read(data, filename, media_type, budget) -> the part's text
Reader = Callable[[bytes, str, "str | None", "Budget"], DocumentText]


@dataclass
class Budget:
    """What one stored document may still unpack: depth, files, bytes, pages."""

    pages: int
    depth: int = 0
    files: int = MAX_INNER_FILES
    bytes: int = MAX_INNER_BYTES

    def inner(self) -> Budget:
        """The same budget one level deeper (shared counters are copied back by `absorb`)."""
        return Budget(self.pages, self.depth + 1, self.files, self.bytes)

    def absorb(self, inner: Budget) -> None:
        """Take back what a deeper level used."""
        self.pages, self.files, self.bytes = inner.pages, inner.files, inner.bytes


@dataclass(frozen=True)
class Part:
    """One file inside a container: its bytes, or why they could not be had."""

    name: str
    data: bytes | None
    media_type: str | None = None
    problem: str | None = None
    text: str | None = None  # already text (a message body)


def read_container(kind: str, data: bytes, name: str, read: Reader,
                   budget: Budget) -> DocumentText:
    """Read a ZIP, .msg or TNEF file and every part inside it."""
    if budget.depth >= MAX_DEPTH:
        return DocumentText(kind, "error", (), f"{kind} nested deeper than {MAX_DEPTH} levels: "
                                               "not opened")
    parts = {"zip": _zip_parts, "msg": _msg_parts, "tnef": _tnef_parts}[kind](data, budget)
    pages: list[str] = []
    ocr: list[bool] = []
    problems: list[str] = []
    label = name or kind
    for part in parts:
        where = f"[File: {label} / {part.name}]"
        text: DocumentText | None = None
        if part.text is not None:
            text = DocumentText("text", "ok", (part.text,))
        elif part.data is not None and budget.pages > 0:
            inner = budget.inner()
            text = read(part.data, part.name, part.media_type, inner)
            budget.absorb(inner)
        if text is None or text.status not in ("ok", "needs_ocr"):
            reason = part.problem or (text.error if text else None) or "not read (page cap)"
            problems.append(f"{part.name}: {reason}")
            pages.append(f"{where}\n[not read: {reason}]")
            ocr.append(False)
            continue
        for index, page in enumerate(text.pages or ("",)):
            pages.append(f"{where}\n{page}")
            ocr.append(text.page_ocr(index))
            budget.pages -= 1
        if text.error:
            problems.append(f"{part.name}: {text.error}")
    if not pages:
        return DocumentText(kind, "error", (), f"{kind} holds no message body and no file: "
                                               "empty or truncated")
    note = f"{len(problems)} inner file(s) with problems: " + "; ".join(problems)
    return DocumentText(kind, "ok", tuple(pages), note if problems else None,
                        tuple(ocr) if any(ocr) else ())


def _take(budget: Budget, name: str, size: int) -> str | None:
    """Charge one inner file to the budget, or say why it is not opened."""
    if budget.files <= 0:
        return f"not opened: more than {MAX_INNER_FILES} files inside"
    if size > budget.bytes:
        return (f"not opened: {size:,} bytes would pass the {MAX_INNER_BYTES:,}-byte limit "
                "on what one document may unpack")
    budget.files -= 1
    budget.bytes -= size
    return None


# --- ZIP --------------------------------------------------------------------------------------


def _zip_parts(data: bytes, budget: Budget) -> Iterator[Part]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise ValueError(f"ZIP archive is corrupt or truncated ({exc})") from exc
    with archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/") or \
                    info.filename.endswith(".DS_Store"):
                continue
            name = info.filename
            if info.flag_bits & 0x1:
                yield Part(name, None, problem="encrypted with a password")
                continue
            refused = _take(budget, name, info.file_size)
            if refused:
                yield Part(name, None, problem=refused)
                continue
            try:
                with archive.open(info) as member:
                    # the declared size may lie: read one byte more than allowed and see
                    content = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError,
                    RuntimeError) as exc:
                yield Part(name, None, problem=f"corrupt inside the archive ({exc})")
                continue
            if len(content) > info.file_size:
                yield Part(name, None, problem="larger than its archive entry declares")
                continue
            yield Part(name, content)


# --- Outlook .msg -----------------------------------------------------------------------------


def _msg_parts(data: bytes, budget: Budget) -> Iterator[Part]:
    import extract_msg

    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
    except Exception as exc:
        raise ValueError(f"Outlook message could not be opened ({type(exc).__name__}: "
                         f"{exc})") from exc
    try:
        yield from _message_parts(message, budget)
    finally:
        message.close()


def _message_parts(message: object, budget: Budget) -> Iterator[Part]:
    yield Part("message body", None, text=_msg_body(message))
    for index, attachment in enumerate(getattr(message, "attachments", ()), start=1):
        name = (getattr(attachment, "longFilename", None)
                or getattr(attachment, "shortFilename", None) or f"attachment-{index}")
        try:
            content = attachment.data
        except Exception as exc:
            yield Part(name, None, problem=f"attachment could not be read ({exc})")
            continue
        if isinstance(content, bytes | bytearray):
            refused = _take(budget, name, len(content))
            yield Part(name, None, problem=refused) if refused else Part(name, bytes(content))
        elif content is not None and hasattr(content, "attachments"):
            yield from (Part(f"{name} / {p.name}", p.data, p.media_type, p.problem, p.text)
                        for p in _message_parts(content, budget))
        else:
            yield Part(name, None, problem="attachment of a kind that holds no file")


def _msg_body(message: object) -> str:
    """Subject, sender, date and body of an Outlook message as plain text."""
    head = [f"{label}: {value}" for label, value in (
        ("Subject", _safe(message, "subject")), ("From", _safe(message, "sender")),
        ("Date", _safe(message, "date"))) if value]
    body = _safe(message, "body")
    if not body:
        html = _safe(message, "htmlBody")
        if html:
            body = html_to_text(decode_text(html) if isinstance(html, bytes) else str(html))
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    return "\n".join([*head, "", text.replace("\r\n", "\n")]).strip()


def _safe(obj: object, name: str) -> object:
    try:
        return getattr(obj, name, None)
    except Exception:  # extract-msg parses lazily: a broken property raises on access
        return None


# --- TNEF winmail.dat -------------------------------------------------------------------------


def _tnef_parts(data: bytes, budget: Budget) -> Iterator[Part]:
    import tnefparse

    try:
        tnef = tnefparse.TNEF(data)
    except Exception as exc:
        raise ValueError(f"TNEF (winmail.dat) is corrupt or truncated ({type(exc).__name__}: "
                         f"{exc})") from exc
    body = _tnef_body(tnef)
    if body:
        yield Part("message body", None, text=body)
    for index, attachment in enumerate(tnef.attachments, start=1):
        try:
            name = attachment.long_filename() or f"attachment-{index}"
        except Exception:
            name = f"attachment-{index}"
        content = bytes(attachment.data or b"")
        refused = _take(budget, name, len(content))
        yield Part(name, None, problem=refused) if refused else Part(name, content)


def _tnef_body(tnef: object) -> str:
    body = getattr(tnef, "body", None)
    if body:
        return (decode_text(body) if isinstance(body, bytes) else str(body)).strip()
    html = getattr(tnef, "htmlbody", None)
    if html:
        return html_to_text(decode_text(html) if isinstance(html, bytes) else str(html))
    rtf = getattr(tnef, "rtfbody", None)
    return rtf_text(rtf) if rtf else ""
