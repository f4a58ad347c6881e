"""Building the email that carries a request letter."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from foi.authorities import Authority
from foi.campaigns import Campaign, Sender
from foi.letters import Letter, LetterError, render_letter
from foi.references import make_reference

# Rendered against when the recipient selector picks no one yet.
SAMPLE_AUTHORITY = Authority("SAMPLE", "Sample Authority", "foi@sample.example")


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


def letter_problems(campaign: Campaign, recipients: Sequence[Authority], today: date
                    ) -> list[str]:
    """Every problem of building the campaign's letter to each recipient (or to a sample
    authority when there is none yet), each told once with the recipients it affects."""
    failed: dict[str, list[str]] = {}
    for authority in recipients or [SAMPLE_AUTHORITY]:
        reference = make_reference(campaign.reference_prefix, authority.id)
        try:
            letter = render_letter(campaign, authority, reference, today)
        except LetterError as exc:  # the template's own error, without the authority's id
            failed.setdefault(f"letter template: {exc.__cause__ or exc}", []).append(
                authority.id)
            letter = Letter(reference, authority.id, authority.name, authority.email,
                            reference, "")  # the headers can still be tried
        except Exception as exc:
            failed.setdefault(f"letter template: {type(exc).__name__}: {exc}", []).append(
                authority.id)
            continue
        try:
            letter_message(letter, campaign.sender, new_message_id(
                reference, campaign.sender.email), datetime.combine(today, time(9), UTC)
            ).as_bytes()
        except Exception as exc:  # e.g. "Header values may not contain linefeed"
            failed.setdefault(f"letter email: {exc}", []).append(authority.id)
    return [f"{reason} (letter to {_some(ids)})" for reason, ids in failed.items()]


def _some(ids: list[str]) -> str:
    shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"{len(ids)} {'authority' if len(ids) == 1 else 'authorities'}: {shown}"
