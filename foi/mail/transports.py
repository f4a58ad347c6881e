"""Outgoing transports: one interface, a file outbox and SMTP behind it."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Protocol

from foi.store import write_atomically


class DeliveryError(RuntimeError):
    """The letter was not accepted; `permanent` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class TransportError(RuntimeError):
    """The transport itself failed (unreachable, TLS, login, sender refused): no letter was
    handed over, and every other letter would fail the same way. Stop the run, keep them due."""


class Transport(Protocol):
    """Hands a letter to the outside world."""

    name: str

    def deliver(self, message: EmailMessage) -> str:
        """Deliver one message; return a line describing where it went."""
        ...

    def delivered(self, message_id: str, reference: str) -> bool:
        """Whether a message with this Message-ID is known to have been accepted."""
        ...


@dataclass
class FileOutbox:
    """Writes each letter as `<reference>.eml` in a folder: the default, for review or demo."""

    directory: Path
    name: str = "outbox"

    def deliver(self, message: EmailMessage) -> str:
        """Write the message atomically under its reference."""
        reference = str(message["X-FOI-Reference"] or message["Message-ID"]).strip("<>")
        target = self.directory / f"{reference}.eml"
        write_atomically(target, message.as_bytes(policy=policy.SMTP))
        return str(target)

    def delivered(self, message_id: str, reference: str) -> bool:
        """True when the outbox file for the reference carries this Message-ID."""
        target = self.directory / f"{reference}.eml"
        if not target.exists():
            return False
        with target.open("rb") as f:
            headers = BytesHeaderParser(policy=policy.default).parse(f)
        return str(headers.get("Message-ID", "")).strip() == message_id


@dataclass
class SmtpTransport:
    """Sends through an SMTP server (plain, STARTTLS or implicit TLS)."""

    host: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)   # never in logs or reprs
    timeout: float = 60.0
    ca_file: str | None = None       # a private CA's certificate, e.g. a newsroom relay's
    name: str = "smtp"

    def deliver(self, message: EmailMessage) -> str:
        """Send one message, mapping 4xx to a retryable and 5xx to a permanent error; a failure
        of the server or our credentials (before any letter is handed over) to TransportError."""
        smtp = self._session()
        try:
            with smtp:
                refused = smtp.send_message(message)
        except smtplib.SMTPSenderRefused as exc:
            raise TransportError(f"{self.host}:{self.port} refused the sender "
                                 f"{exc.sender!r}: {_reply(exc.smtp_code, exc.smtp_error)}"
                                 ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise DeliveryError(_reply(code, text), permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(_reply(exc.smtp_code, exc.smtp_error),
                                permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # The connection dropped while the letter was under way: it may have arrived.
            raise DeliveryError(f"connection to {self.host}:{self.port} lost while sending: "
                                f"{exc}", permanent=False) from exc
        if refused:
            raise DeliveryError(f"refused recipients: {refused}", permanent=True)
        return f"smtp {self.host}:{self.port}"

    def _session(self) -> smtplib.SMTP:
        """A connected, authenticated session, or TransportError saying what to fix."""
        where = f"{self.host}:{self.port}"
        try:
            smtp = self._connect()
        except ssl.SSLCertVerificationError as exc:
            raise TransportError(f"TLS certificate of {where} not trusted: {exc.verify_message};"
                                 " for a relay with a private CA set [smtp] ca_file") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"cannot reach the SMTP server {where}: {exc}") from exc
        if not self.username:
            return smtp
        try:
            smtp.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()
            raise TransportError(f"{where} refused the login of {self.username!r} "
                                 f"({_reply(exc.smtp_code, exc.smtp_error)}): check "
                                 "FOI_SMTP_USERNAME and FOI_SMTP_PASSWORD (or the credentials "
                                 "block)") from exc
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise TransportError(f"cannot log in to {where}: {exc}") from exc
        return smtp

    def delivered(self, message_id: str, reference: str) -> bool:
        """SMTP cannot be asked afterwards whether it accepted a message."""
        return False

    def _connect(self) -> smtplib.SMTP:
        # Only for TLS: loading the default CA paths costs ~50 ms a connection.
        if self.security == "tls":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context(cafile=self.ca_file))
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
            except BaseException:
                smtp.close()
                raise
        return smtp


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


def configured_transport(outbox: Path, settings: dict) -> Transport:
    """The transport foi.toml asks for; SMTP credentials come from FOI_SMTP_USERNAME and
    FOI_SMTP_PASSWORD (a username in foi.toml is allowed, a password never)."""
    kind = settings.get("mail", {}).get("transport", "outbox")
    if kind == "outbox":
        return FileOutbox(outbox)
    if kind == "smtp":
        smtp = settings.get("smtp", {})
        security = smtp.get("security", "none")
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"[smtp] security = {security!r}: use none, starttls or tls")
        if "password" in smtp:
            raise ValueError("foi.toml must not hold a password: remove [smtp] password and "
                             "set FOI_SMTP_PASSWORD (or use a Prefect credentials block)")
        return SmtpTransport(
            host=smtp.get("host", "localhost"), port=int(smtp.get("port", 25)),
            security=security,
            username=os.environ.get("FOI_SMTP_USERNAME") or smtp.get("username") or None,
            password=os.environ.get("FOI_SMTP_PASSWORD"), ca_file=smtp.get("ca_file") or None,
        )
    raise ValueError(f"[mail] transport = {kind!r}: use outbox or smtp")
