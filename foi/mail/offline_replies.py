"""Replies that came by post or through a portal, written down as a message like any other.

The message carries the documents as attachments, answers the request's letter (In-Reply-To)
and names the reference in its subject, so it is matched, stored and read as an emailed reply
would be. Its bytes depend only on what is attached and when it was received: attaching the
same files for the same day twice gives the same message, stored once.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from datetime import date, datetime, time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

CHANNELS = ("post", "portal", "other")


def offline_reply(*, reference: str, authority_addr: str, desk_addr: str,
                  letter_message_id: str | None, received: date, channel: str,
                  files: Sequence[tuple[str, bytes]]) -> bytes:
    """Raw RFC 822 bytes of a reply received on `received` through `channel`."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if not files:
        raise ValueError("attach at least one file")
    digest = hashlib.sha256(f"{reference}|{received.isoformat()}|{channel}".encode())
    for name, data in files:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    token = digest.hexdigest()[:32]
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = authority_addr or "unknown@invalid"
    msg["To"] = desk_addr or "foi-desk@invalid"
    msg["Subject"] = f"{reference}: reply received by {channel}"
    msg["Date"] = format_datetime(datetime.combine(received, time(12),
                                                   ZoneInfo("Europe/London")))
    msg["Message-ID"] = f"<offline.{token}@foitrack.invalid>"
    if letter_message_id:
        msg["In-Reply-To"] = letter_message_id
        msg["References"] = letter_message_id
    msg["X-Foitrack-Channel"] = channel
    msg.set_content("")
    for name, data in files:
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = media.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    msg.set_boundary(f"foitrack-{token}")
    return msg.as_bytes()
