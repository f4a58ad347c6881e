"""Building the email that carries a request letter."""

from __future__ import annotations

import secrets
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from foi.campaigns import Sender
from foi.letters import Letter


def new_message_id(reference: str, sender_email: str) -> str:
    """A fresh Message-ID that names the request, recorded before sending."""
    domain = sender_email.rpartition("@")[2] or "foitrack.invalid"
    return f"<{reference.lower()}.{secrets.token_hex(8)}@{domain}>"


def letter_message(
    letter: Letter, sender: Sender, message_id: str, sent_at: datetime
) -> EmailMessage:
    """The email for one letter, with the reference in its subject and headers."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender.name, sender.email))
    msg["To"] = formataddr((letter.to_name, letter.to_addr))
    msg["Subject"] = letter.subject
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = message_id
    msg["X-FOI-Reference"] = letter.reference
    msg.set_content(letter.body)
    return msg
