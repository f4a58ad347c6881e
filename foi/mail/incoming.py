"""Reading an incoming message: headers, body text, attachments, and what kind it is."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from foi.mail.kinds import classify_message, might_be_bounce
from foi.mail.parts import LENIENT, leaf_data, raw_8bit_headers, split_headers, split_leaves


@dataclass(frozen=True)
class Attachment:
    """One attached file as it arrived."""

    part: int                 # position among the message's attachments, 1-based
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class IncomingMessage:
    """What foitrack needs to know of one received email; the raw bytes are kept apart."""

    message_id: str | None
    in_reply_to: tuple[str, ...]
    subject: str
    from_addr: str
    to_addrs: tuple[str, ...]
    dated: datetime | None
    kind: str                 # one of foi.mail.kinds.KINDS
    body_text: str
    attachments: tuple[Attachment, ...]
    problems: tuple[str, ...] = field(default=())
    evidence: str = ""                   # why it was read as its kind
    case_reference: str | None = None    # the authority's own reference, if it gives one
    until: date | None = None            # an extension notice's new due date


# A body bigger than this is kept as an attachment and read by the (capped) document reader.
MAX_BODY_BYTES = 1024 * 1024
MAX_HEADER_CHARS = 8000
# A bigger message is read part by part from its raw bytes: the standard parser's tree of it
# would cost about ten times its size in memory.
WHOLE_PARSE_BYTES = 8 * 1024 * 1024
# A bigger one still is not read at all: kept raw, its headers read, the problem recorded.
MAX_MESSAGE_BYTES = 200 * 1024 * 1024


def read_message(raw: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> IncomingMessage:
    """Read raw RFC 822 bytes as far as they go; never raises: what could not be read is
    named in `problems`."""
    if len(raw) > max_bytes:
        return _headers_only(raw, f"message of {len(raw):,} bytes is over the limit of "
                                  f"{max_bytes:,} bytes: kept raw, only its headers read")
    problems: list[str] = []
    if len(raw) <= WHOLE_PARSE_BYTES:
        try:
            return _read_tree(raw)
        except Exception as exc:  # RecursionError too: the raw bytes are read part by part
            problems.append(f"message structure could not be parsed ({type(exc).__name__}: "
                            f"{str(exc)[:160]}); read part by part")
    try:
        return _read_leaves(raw, problems)
    except Exception as exc:
        return _headers_only(raw, f"message could not be read ({type(exc).__name__}: "
                                  f"{str(exc)[:160]}); kept raw, only its headers read")


def _read_tree(raw: bytes) -> IncomingMessage:
    problems: list[str] = []
    msg = message_from_bytes(raw, policy=LENIENT)
    attachments: list[Attachment] = []
    bodies: list[tuple[str, str]] = []
    for part in msg.walk():
        _note_8bit(part, problems)
        if part.is_multipart():
            problems += [f"{part.get_content_type()}: {type(d).__name__}" for d in part.defects]
            continue
        if part.get_content_type().startswith("message/") and not _filename(part, []):
            continue  # walk() descends into attached messages; their parts are kept
        _take_part(part, _payload(part, problems), problems, attachments, bodies)
    return _message(msg, bodies, attachments, problems, raw, tree=msg)


def _read_leaves(raw: bytes, problems: list[str]) -> IncomingMessage:
    top, leaves = split_leaves(raw)
    attachments: list[Attachment] = []
    bodies: list[tuple[str, str]] = []
    _note_8bit(top, problems)
    for leaf in leaves:
        _note_8bit(leaf.headers, problems)
        data, problem = leaf_data(leaf)
        if problem:
            problems.append(f"{leaf.headers.get_content_type()}: {problem}")
        _take_part(leaf.headers, data, problems, attachments, bodies)
    return _message(top, bodies, attachments, problems, raw)


def _headers_only(raw: bytes, problem: str) -> IncomingMessage:
    try:
        headers, _ = split_headers(raw[:1024 * 1024])
    except Exception:  # nothing at all can be read: the raw bytes are kept all the same
        headers = Message(policy=LENIENT)
    return _message(headers, [], [], [problem], raw[:1024 * 1024])


def _take_part(part: Message, data: bytes, problems: list[str],
               attachments: list[Attachment], bodies: list[tuple[str, str]]) -> None:
    """Keep one leaf part as a body text or an attachment."""
    media_type = part.get_content_type()
    filename = _filename(part, problems)
    disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    is_body = (media_type in ("text/plain", "text/html") and not filename
               and disposition != "attachment")
    if is_body and len(data) <= MAX_BODY_BYTES:
        bodies.append((media_type, _text_of(part, data, problems)))
        return
    if is_body:  # decoded here it would cost GBs: the capped document reader reads it
        filename = f"body{_extension(media_type)}"
        problems.append(f"{media_type} body of {len(data):,} bytes kept as {filename}")
    name = filename or f"part-{len(attachments) + 1}{_extension(media_type)}"
    attachments.append(Attachment(len(attachments) + 1, name, media_type, data))


def _message(msg: Message, bodies: list[tuple[str, str]], attachments: list[Attachment],
             problems: list[str], raw: bytes, tree: Message | None = None) -> IncomingMessage:
    subject = _header_text(msg, "Subject", problems)
    from_addr = _addresses(msg, "From")
    body = _choose_body(bodies)
    kind = classify_message(msg, subject, from_addr[0] if from_addr else "", body,
                            [a.media_type for a in attachments], raw, _failures(tree),
                            first_text=bodies[0][1] if bodies else "")
    return IncomingMessage(
        message_id=_msgid(msg.get("Message-ID")),
        in_reply_to=tuple(_msgids(msg.get_all("In-Reply-To", []) + msg.get_all("References", []))),
        subject=subject,
        from_addr=from_addr[0] if from_addr else "",
        to_addrs=tuple(_addresses(msg, "To") + _addresses(msg, "Cc")),
        dated=_date(msg.get("Date"), problems),
        kind=kind.kind,
        body_text=body,
        attachments=tuple(attachments),
        problems=tuple(dict.fromkeys(problems)),
        evidence=kind.evidence,
        case_reference=kind.case_reference,
        until=kind.until,
    )


def _failures(tree: Message | None) -> tuple[set[str], set[str]]:
    """Recipients flufl.bounce finds failed, (temporary, permanent); its detectors know the
    bounce formats of many mail servers beyond standard delivery reports. They cost ~15 ms a
    message, so only mail with a sign of coming from a mail system is scanned."""
    if tree is None or not might_be_bounce(tree):
        return set(), set()
    from flufl.bounce import all_failures

    try:
        temporary, permanent = all_failures(tree)
    except Exception:  # a detector tripping on a hostile message is no bounce
        return set(), set()
    return ({a.decode("utf-8", "replace").lower() for a in temporary},
            {a.decode("utf-8", "replace").lower() for a in permanent})


def _note_8bit(part: Message, problems: list[str]) -> None:
    for name in raw_8bit_headers(part):
        problems.append(f"{name} header holds raw 8-bit bytes; read as UTF-8 (else cp1252)")


def _header_text(msg: Message, name: str, problems: list[str]) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    if len(str(value)) > MAX_HEADER_CHARS:  # decoding costs time by the square of its length
        problems.append(f"{name} header of {len(str(value)):,} characters cut to "
                        f"{MAX_HEADER_CHARS:,}")
        value = str(value)[:MAX_HEADER_CHARS]
    try:
        # A header folded right after its colon parses with leading white space.
        return str(policy.default.header_factory(name, str(value))).strip()
    except Exception as exc:  # a hostile header must not stop ingestion
        problems.append(f"{name} header could not be decoded ({exc}); kept as raw text")
        return str(value).strip()


def _addresses(msg: Message, name: str) -> list[str]:
    values = [str(v) for v in msg.get_all(name, [])]
    return [addr.lower() for _, addr in getaddresses(values) if "@" in addr]


def _msgid(value: object) -> str | None:
    ids = _msgids([value] if value else [])
    return ids[0] if ids else None


def _msgids(values: list) -> list[str]:
    found: list[str] = []
    for v in values:
        for mid in re.findall(r"<[^<>\s]+>", str(v)):
            if mid not in found:
                found.append(mid)
    return found


def _date(value: object, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        problems.append(f"Date header {str(value)[:60]!r} is not a date")
        return None


def _filename(part: Message, problems: list[str]) -> str:
    try:
        name = part.get_filename()
    except Exception as exc:
        problems.append(f"attachment filename could not be decoded ({exc})")
        return ""
    if not name:
        return ""
    name = str(policy.default.header_factory("X-Filename", name)) if "=?" in name else name
    return re.sub(r"[\x00-\x1f/\\]", "_", name).strip() or ""


def _payload(part: Message, problems: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        problems.append(f"part {part.get_content_type()} could not be decoded ({exc}); raw kept")
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    for defect in part.defects:
        problems.append(f"{part.get_content_type()}: {type(defect).__name__}")
    return data


def _text_of(part: Message, data: bytes, problems: list[str]) -> str:
    charset = (part.get_content_charset() or "utf-8").strip().lower() or "utf-8"
    text = _decode(data, charset, problems)
    if part.get_content_type() == "text/html":
        # imported here: `foi extract` loads this module for its types and parses no mail
        from bs4 import BeautifulSoup

        text = BeautifulSoup(text, "html.parser").get_text("\n")
    return text.replace("\r\n", "\n")


def _decode(data: bytes, charset: str, problems: list[str]) -> str:
    if charset in ("unicode-1-1-utf-7", "utf7"):
        charset = "utf-7"
    try:
        codecs.lookup(charset)
    except LookupError:
        problems.append(f"unknown charset {charset!r}; read as utf-8 with replacements")
        charset = "utf-8"
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        for fallback in ("utf-8", "cp1252"):
            try:
                text = data.decode(fallback)
            except UnicodeDecodeError:
                continue
            problems.append(f"body is not valid {charset}; read as {fallback}")
            return text
        problems.append(f"body is not valid {charset}; undecodable bytes replaced")
        return data.decode(charset, "replace")


def _choose_body(bodies: list[tuple[str, str]]) -> str:
    plain = [t for kind, t in bodies if kind == "text/plain" and t.strip()]
    if plain:
        return "\n\n".join(plain)
    return "\n\n".join(t for _, t in bodies)


def _extension(media_type: str) -> str:
    return {
        "application/pdf": ".pdf", "text/plain": ".txt", "text/html": ".html",
        "message/rfc822": ".eml", "application/ms-tnef": ".dat",
        "application/vnd.ms-tnef": ".dat",
    }.get(media_type, ".bin")
