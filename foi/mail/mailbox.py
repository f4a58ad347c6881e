"""The mailbox-source seam: where incoming messages come from, and when they may be marked.

A source (IMAP, a Maildir; later WhatDoTheyKnow) hands over raw message bytes in batches and
is told, batch by batch, which messages are now safely in the warehouse:

    with ImapMailbox(settings) as source:
        for batch in source.batches():
            for item in batch:
                if item.raw is not None:
                    ingest(item.raw)          # committed to DuckDB before it returns
            source.taken_in([i for i in batch if i.raw is not None])

`taken_in` marks the messages on their side (an IMAP keyword, a Maildir flag) and must only
ever be called after the commit: a crash between the two leaves a message stored but
unmarked, which the next run fetches again and recognises as a duplicate. The opposite order
could mark a message that was never stored, and it would be lost. A source never writes to the
warehouse; it reports what it could not hand over (`Received.problem`) and its caller records
it. Sources hold no Prefect and no SQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Received:
    """One message as a source found it: its bytes, or why they were not fetched."""

    raw: bytes | None          # None when the message was not fetched (see `problem`)
    source: str                # a stable label, e.g. imap://desk@host:993/INBOX;UIDVALIDITY=7;UID=42
    key: object                # the source's own handle, given back to `taken_in`
    size: int
    problem: str | None = None


class MailboxSource(Protocol):
    """Where incoming messages come from (see the module docstring for the contract)."""

    expected: int              # messages found so far that wait to be taken in

    def batches(self) -> Iterator[list[Received]]:
        """The messages not yet taken in, a batch at a time."""
        ...

    def taken_in(self, items: Sequence[Received]) -> None:
        """Mark these messages as stored; call only after they are committed."""
        ...


# What the author of a message wrote; trace headers (Received, Delivered-To, Return-Path...)
# differ between two deliveries of the same message, and are left out.
_AUTHORED = frozenset({
    b"from", b"sender", b"to", b"cc", b"subject", b"date", b"message-id", b"in-reply-to",
    b"references", b"mime-version", b"content-type", b"content-transfer-encoding",
    b"content-disposition",
})
_MSGID = re.compile(rb"<[^<>\s]+>")


@dataclass(frozen=True)
class Identity:
    """What makes two copies the same message: its Message-ID and a hash of its content."""

    message_id: str | None
    content_sha: str


def identity(raw: bytes) -> Identity:
    """The Message-ID and content hash of raw bytes, whatever line endings or trace headers
    the copy picked up on its way (an IMAP server's CRLF, a second folder's Delivered-To)."""
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    fields, message_id = [], None
    for name, value in _header_fields(head):
        if name in _AUTHORED:
            fields.append(name + b":" + b" ".join(value.split()))
        if name == b"message-id" and message_id is None:
            found = _MSGID.search(value)
            message_id = found.group().decode("ascii", "replace") if found else None
    if message_id is None:
        # Nothing says two copies are one message: only the same text is, or malformed
        # messages whose authored headers and body agree (none, or empty) would be one.
        return Identity(None, hashlib.sha256(text.rstrip(b"\n")).hexdigest())
    digest = hashlib.sha256(b"\n".join(fields) + b"\n\n" + body.rstrip(b"\n"))
    return Identity(message_id, digest.hexdigest())


def _header_fields(head: bytes) -> Iterator[tuple[bytes, bytes]]:
    name, value = None, b""
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and name is not None:
            value += b" " + line.strip()
            continue
        if name is not None:
            yield name, value
        field_name, colon, rest = line.partition(b":")
        name, value = (field_name.strip().lower(), rest.strip()) if colon else (None, b"")
    if name is not None:
        yield name, value
