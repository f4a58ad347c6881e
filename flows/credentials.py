"""Mail credentials from Prefect blocks (EmailServerCredentials or a Secret), never files."""

from __future__ import annotations

from dataclasses import replace

from prefect.blocks.system import Secret
from prefect_email import EmailServerCredentials, SMTPType

from foi.mail.transports import SmtpTransport

_SECURITY = {SMTPType.SSL: "tls", SMTPType.STARTTLS: "starttls", SMTPType.INSECURE: "none"}


def smtp_transport_from_block(block_name: str, *, ca_file: str | None = None) -> SmtpTransport:
    """An SMTP transport configured from a saved EmailServerCredentials block."""
    creds = EmailServerCredentials.load(block_name)
    smtp_type = creds.smtp_type if isinstance(creds.smtp_type, SMTPType) \
        else SMTPType[str(creds.smtp_type).upper()]
    host = creds.smtp_server if isinstance(creds.smtp_server, str) else creds.smtp_server.value
    return SmtpTransport(
        host=host, port=creds.smtp_port or smtp_type.value, security=_SECURITY[smtp_type],
        username=creds.username or None, password=creds.password.get_secret_value() or None,
        ca_file=ca_file,
    )


def with_secret_password(transport: SmtpTransport, secret_name: str) -> SmtpTransport:
    """The foi.toml SMTP transport with its password from a Prefect Secret block."""
    return replace(transport, password=str(Secret.load(secret_name).get()))


def secret_text(secret_name: str) -> str:
    """The value of a saved Prefect Secret block (e.g. the IMAP password)."""
    return str(Secret.load(secret_name).get())
