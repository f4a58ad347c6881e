"""Finding a message's leaf parts by their boundary lines, without building a MIME tree.

The standard parser builds the whole tree in memory (about ten times the message's size) and
recurses once per nesting level, so a very large or very deeply nested message breaks it.
This reader works on the raw bytes: it collects every boundary the message declares, cuts
the bytes at every delimiter line, and keeps each piece that is not itself a multipart
container. Depth costs nothing, and a leaf's body is decoded straight from the raw bytes.

    headers, leaves = split_leaves(raw)
    for leaf in leaves:
        leaf.headers.get_content_type(), leaf_data(leaf)
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from email._policybase import Compat32
from email.message import Message
from email.parser import BytesHeaderParser

_HEADER_END = re.compile(rb"\r?\n\r?\n|\r\r")
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""", re.I)
_SURROGATE = re.compile("[\udc80-\udcff]")


class LenientHeaders(Compat32):
    """compat32, but a header holding raw 8-bit bytes reads as UTF-8 (else cp1252) text
    instead of a Header object that most code cannot handle."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        """The header as text, 8-bit bytes decoded."""
        if not _SURROGATE.search(value):
            return value
        data = value.encode("ascii", "surrogateescape")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


LENIENT = LenientHeaders()


def raw_8bit_headers(part: Message) -> list[str]:
    """Names of the part's headers that hold raw (undeclared) 8-bit bytes."""
    return [name for name, value in part.raw_items() if _SURROGATE.search(str(value))]


@dataclass(frozen=True)
class Leaf:
    """One non-container part: its headers and where its body lies in the raw bytes."""

    headers: Message
    body: memoryview


def split_headers(raw: bytes | memoryview) -> tuple[Message, memoryview]:
    """A block's headers (parsed) and its body (a view on the same bytes)."""
    view = memoryview(raw)
    found = _HEADER_END.search(view)
    end, start = (found.start(), found.end()) if found else (len(view), len(view))
    if view[:1] in (b"\n", b"\r"):  # no headers at all
        end, start = 0, (2 if view[:2] == b"\r\n" else 1)
    headers = BytesHeaderParser(policy=LENIENT).parsebytes(bytes(view[:end]))
    return headers, view[start:]


def split_leaves(raw: bytes) -> tuple[Message, list[Leaf]]:
    """The top headers and every leaf part, in order, found by delimiter lines alone."""
    top, body = split_headers(raw)
    boundaries = {b for m in _BOUNDARY.finditer(raw) for b in m.groups() if b}
    if top.get_content_maintype() != "multipart" or not boundaries:
        return top, [_unwrapped(top, body)]
    alternatives = b"|".join(re.escape(b) for b in sorted(boundaries, key=len, reverse=True))
    delimiter = re.compile(rb"^--(?:" + alternatives + rb")(?:--)?[ \t]*\r?$\n?", re.M)
    cuts = [(m.start(), m.end()) for m in delimiter.finditer(raw)]
    leaves = []
    for (_, start), (end, _) in zip(cuts, [*cuts[1:], (len(raw), len(raw))], strict=True):
        if raw[end - 2:end] == b"\r\n":  # the line break before a delimiter belongs to it
            end -= 2
        elif raw[end - 1:end] == b"\n":
            end -= 1
        piece = memoryview(raw)[start:max(start, end)]
        if not bytes(piece[:4000]).strip():
            continue  # between a closing delimiter and the next, or the epilogue
        leaf = _unwrapped(*split_headers(piece))
        if leaf.headers.get_content_maintype() == "multipart":
            continue  # a container: its children are the next pieces
        leaves.append(leaf)
    return top, leaves


def _unwrapped(headers: Message, body: memoryview) -> Leaf:
    """An attached message's own part in place of the attachment, however deep."""
    while headers.get_content_type() in ("message/rfc822", "message/global"):
        headers, body = split_headers(body)
    return Leaf(headers, body)


def leaf_data(leaf: Leaf) -> tuple[bytes, str | None]:
    """A leaf's body decoded from its transfer encoding (base64, quoted-printable, or none),
    and what went wrong decoding it."""
    encoding = str(leaf.headers.get("Content-Transfer-Encoding", "")).strip().lower()
    body = leaf.body
    if encoding == "base64":
        try:
            return binascii.a2b_base64(body), None  # not strict: skips line breaks
        except binascii.Error as exc:
            letters = re.sub(rb"[^A-Za-z0-9+/]", b"", body)
            letters = letters[:len(letters) - len(letters) % 4]
            return (binascii.a2b_base64(letters),
                    f"base64 body is damaged ({exc}); decoded what was whole")
    if encoding == "quoted-printable":
        return binascii.a2b_qp(body), None
    return bytes(body), None
