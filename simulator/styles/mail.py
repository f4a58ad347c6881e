"""The reply as an email: threaded to our letter, subject quoting the reference."""

from __future__ import annotations

import string
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from html import escape

from simulator.styles.compose import Ctx

# Outlook and NHSmail do not fold long Message-ID headers.
_WIRE = SMTP.clone(max_line_length=998)
_TYPES = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def subject_line(ctx: Ctx) -> str:
    """The reply's subject: always quoting our reference, often theirs too."""
    ref, ours = ctx.letter.reference, ctx.voice.our_ref
    return ctx.pick([
        f"RE: {ctx.letter.subject}", f"RE: {ctx.letter.subject}",
        f"FOI {ours} - Response - {ref}",
        f"Freedom of Information Request {ours} (your ref: {ref})",
        f"[OFFICIAL] RE: FOI request {ref}", f"{ref} - Freedom of Information response",
        f"Response to your FOI request {ref} – {ours}",
    ])


def _token(ctx: Ctx, length: int) -> str:
    """Random upper-case/digit text from the reply's dice."""
    return "".join(ctx.rng.choices(string.ascii_uppercase + string.digits, k=length))


def html_of(text: str) -> str:
    """A plain body as Outlook's HTML alternative."""
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>"
                         for p in text.split("\n\n"))
    return f"<html><body>{paragraphs}</body></html>"


def reply_email(ctx: Ctx, *, body: str | None, html: str | None,
                attachments: Sequence[tuple[str, bytes]]) -> bytes:
    """Serialise the reply with a fixed Message-ID, Date and MIME boundaries."""
    letter, voice = ctx.letter, ctx.voice
    msg = EmailMessage()
    msg["From"] = formataddr((ctx.pick([voice.team, f"FOI ({voice.short})", voice.name]),
                              letter.authority_email))
    msg["To"] = formataddr((letter.requester_name, letter.requester_email))
    msg["Subject"] = subject_line(ctx)
    msg["Date"] = format_datetime(voice.replied_at)
    if ctx.chance(0.5):
        host = f"{ctx.pick(['AM3PR03MB', 'DB6PR0301MB', 'LO2P265MB'])}{ctx.rng.randint(100, 9999)}"
        msg["Message-ID"] = f"<{_token(ctx, 32)}@{host}.eurprd03.prod.outlook.com>"
    else:
        domain = letter.authority_email.rpartition("@")[2]
        msg["Message-ID"] = f"<{_token(ctx, 20).lower()}.foi@{domain}>"
    msg["In-Reply-To"] = letter.message_id
    msg["References"] = letter.message_id
    if body is not None:
        msg.set_content(body, cte="quoted-printable")
        if html is not None:
            msg.add_alternative(html, subtype="html", cte="quoted-printable")
    elif html is not None:
        msg.set_content(html, subtype="html", cte="quoted-printable")
    for filename, data in attachments:
        maintype, subtype = _TYPES[filename.rpartition(".")[2].lower()]
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"_{n:03d}_{_token(ctx, 24)}_")
    return msg.as_bytes(policy=_WIRE)
