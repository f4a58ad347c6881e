"""Matching an incoming message to the request it answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from foi.mail.incoming import IncomingMessage
from foi.references import find_references


@dataclass(frozen=True)
class KnownRequest:
    """What the matcher needs to know of a request."""

    reference: str
    message_ids: tuple[str, ...]   # Message-IDs of our letters and chasers
    authority_email: str
    open: bool                     # still expecting correspondence


@dataclass(frozen=True)
class Match:
    """The request a message belongs to and how that was decided; None: holding pen."""

    reference: str | None
    method: str | None


def match_message(
    message: IncomingMessage, requests: Sequence[KnownRequest], prefixes: Iterable[str],
    extra_texts: Sequence[str] = (),
) -> Match:
    """Match by In-Reply-To/References, reference in subject, body or attachments, plus-address,
    then sender domain when only one open request is with it."""
    prefixes = list(prefixes)
    by_msgid = {mid: r.reference for r in requests for mid in r.message_ids}
    known = {r.reference for r in requests}
    for mid in message.in_reply_to:
        if mid in by_msgid:
            return Match(by_msgid[mid], "in_reply_to")
    for method, text in (("reference_subject", message.subject),
                         ("reference_body", message.body_text),
                         *(("reference_attachment", t) for t in extra_texts)):
        found = [ref for ref in find_references(text, prefixes) if ref in known]
        if len(found) == 1:
            return Match(found[0], method)
    for addr in message.to_addrs:
        local = addr.partition("@")[0]
        if "+" in local:
            tag = local.partition("+")[2]
            found = [ref for ref in find_references(tag, prefixes) if ref in known]
            if len(found) == 1:
                return Match(found[0], "plus_address")
    domain = message.from_addr.rpartition("@")[2]
    if domain:
        candidates = [r.reference for r in requests
                      if r.open and r.authority_email.lower().rpartition("@")[2] == domain]
        if len(candidates) == 1:
            return Match(candidates[0], "sender_domain")
    return Match(None, None)
