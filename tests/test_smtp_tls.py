"""SMTP over STARTTLS and implicit TLS with AUTH, against aiosmtpd and a throwaway test CA."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from flows.steps.send import send_campaign
from foi.mail.transports import SmtpTransport, TransportError, configured_transport
from foi.workspace import Workspace
from warehouse.db import connect, rows

from .conftest import RecordingHandler, free_port

USER = "foi-desk"
PASSWORD = "pw-7f3a9c-correct-horse"      # distinctive, so a leak is found by a plain search


@dataclass
class Authenticator:
    """aiosmtpd authenticator accepting one login and remembering every attempt."""

    attempts: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(self, server, session, envelope, mechanism: str, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        self.attempts.append((auth_data.login.decode(), ok))
        # handled=False: aiosmtpd itself answers a failure with 535.
        return AuthResult(success=ok, handled=False)


@dataclass
class TlsServer:
    """A running aiosmtpd server that wants TLS and AUTH."""

    port: int
    handler: RecordingHandler
    auth: Authenticator


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """The test CA our transport is told to trust."""
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    """The test CA's certificate as a PEM file."""
    path = tmp_path / "relay-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def tls_server() -> Iterator[Callable[..., TlsServer]]:
    """Starts servers: security 'starttls' or 'tls', with a certificate from the given CA."""
    controllers: list[Controller] = []

    def start(security: str, issuer: trustme.CA) -> TlsServer:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        issuer.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        handler, auth = RecordingHandler(), Authenticator()
        kwargs = {"authenticator": auth, "auth_required": True}
        if security == "starttls":
            kwargs |= {"tls_context": context, "require_starttls": True}
        else:
            # aiosmtpd only counts STARTTLS as encryption, so implicit TLS must waive the check.
            kwargs |= {"ssl_context": context, "auth_require_tls": False}
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        controllers.append(controller)
        return TlsServer(controller.port, handler, auth)

    yield start
    for controller in controllers:
        controller.stop()


def letter() -> EmailMessage:
    """A small letter to hand over."""
    msg = EmailMessage()
    msg["From"] = "foi-desk@newsroom.example"
    msg["To"] = "foi@00c.ccg.example"
    msg["Subject"] = "Freedom of Information request QOF16-00C"
    msg["Message-ID"] = "<qof16-00c.test@newsroom.example>"
    msg.set_content("Dear CCG,\n")
    return msg


def assert_password_not_stored(ws: Workspace) -> None:
    """The password is in no row of events, requests or messages, nor in any workspace file."""
    con = connect(ws.database, read_only=True)
    try:
        for table in ("events", "requests", "messages"):
            assert PASSWORD not in repr(rows(con, f"SELECT * FROM {table}")), table
        raw = con.execute("SELECT raw_path FROM messages").fetchall()
    finally:
        con.close()
    assert raw
    for (path,) in raw:
        assert PASSWORD.encode() not in (ws.store / path).read_bytes()
    for path in ws.home.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_auth_delivers(tls_server, ca, ca_file, security) -> None:
    server = tls_server(security, ca)
    smtp = SmtpTransport("127.0.0.1", server.port, security=security, username=USER,
                         password=PASSWORD, ca_file=ca_file, timeout=10)
    assert smtp.deliver(letter()) == f"smtp 127.0.0.1:{server.port}"
    assert server.auth.attempts == [(USER, True)]
    assert [env.rcpt_tos for env in server.handler.received] == [["foi@00c.ccg.example"]]
    assert PASSWORD not in repr(smtp)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_wrong_password_is_the_transports_failure(tls_server, ca, ca_file, security) -> None:
    server = tls_server(security, ca)
    smtp = SmtpTransport("127.0.0.1", server.port, security=security, username=USER,
                         password="not-it", ca_file=ca_file, timeout=10)
    with pytest.raises(TransportError, match=r"refused the login .*535.*FOI_SMTP_PASSWORD"):
        smtp.deliver(letter())
    # smtplib tries PLAIN, then LOGIN: both refused, nothing sent.
    assert server.auth.attempts and not any(ok for _, ok in server.auth.attempts)
    assert not server.handler.received


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_certificate_from_another_ca_is_refused_clearly(tls_server, ca_file, security) -> None:
    server = tls_server(security, trustme.CA())
    smtp = SmtpTransport("127.0.0.1", server.port, security=security, username=USER,
                         password=PASSWORD, ca_file=ca_file, timeout=10)
    with pytest.raises(TransportError) as caught:
        smtp.deliver(letter())
    message = str(caught.value)
    assert "certificate" in message and f"127.0.0.1:{server.port}" in message
    assert "ca_file" in message
    # Nothing was said to an unverified server: no login, no letter.
    assert server.auth.attempts == [] and not server.handler.received


def test_server_requiring_auth_refuses_a_transport_without_credentials(
    tls_server, ca, ca_file
) -> None:
    server = tls_server("starttls", ca)
    smtp = SmtpTransport("127.0.0.1", server.port, security="starttls", ca_file=ca_file,
                         timeout=10)
    with pytest.raises(TransportError, match=r"refused the sender .*530"):
        smtp.deliver(letter())
    assert not server.handler.received


def test_configured_transport_takes_credentials_from_the_environment(
    qof_workspace, tls_server, ca, ca_file, monkeypatch
) -> None:
    server = tls_server("starttls", ca)
    monkeypatch.setenv("FOI_SMTP_USERNAME", USER)
    monkeypatch.setenv("FOI_SMTP_PASSWORD", PASSWORD)
    settings = {"mail": {"transport": "smtp"},
                "smtp": {"host": "127.0.0.1", "port": server.port, "security": "starttls",
                         "username": "someone-else", "ca_file": ca_file}}
    smtp = configured_transport(qof_workspace.outbox, settings)
    assert (smtp.username, smtp.password, smtp.ca_file) == (USER, PASSWORD, ca_file)
    con = connect(qof_workspace.database)
    try:
        report = send_campaign(con, qof_workspace, "qof-local-schemes", smtp, limit=3)
    finally:
        con.close()
    assert len(report.sent) == 3 and not report.failed
    assert len(server.handler.received) == 3
    assert_password_not_stored(qof_workspace)


def test_wrong_password_fails_the_run_loudly_and_the_letters_stay_due(
    qof_workspace, tls_server, ca, ca_file
) -> None:
    server = tls_server("starttls", ca)
    wrong = SmtpTransport("127.0.0.1", server.port, security="starttls", username=USER,
                          password="not-it", ca_file=ca_file, timeout=10)
    con = connect(qof_workspace.database)
    try:
        with pytest.raises(TransportError, match=r"535.*2 letters are still due"):
            send_campaign(con, qof_workspace, "qof-local-schemes", wrong, limit=2)
        assert rows(con, "SELECT * FROM requests") == []
        right = SmtpTransport("127.0.0.1", server.port, security="starttls", username=USER,
                              password=PASSWORD, ca_file=ca_file, timeout=10)
        report = send_campaign(con, qof_workspace, "qof-local-schemes", right, limit=2)
        statuses = rows(con, "SELECT DISTINCT status FROM requests")
    finally:
        con.close()
    assert len(report.sent) == 2 and not report.already_sent and not report.failed
    assert statuses == [{"status": "awaiting_response"}]
    assert len(server.handler.received) == 2


def test_configured_transport_refuses_a_password_in_foi_toml(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FOI_SMTP_PASSWORD", PASSWORD)
    settings = {"mail": {"transport": "smtp"}, "smtp": {"host": "127.0.0.1", "password": "x"}}
    with pytest.raises(ValueError, match="FOI_SMTP_PASSWORD"):
        configured_transport(tmp_path, settings)


def test_prefect_credentials_block_sends_over_starttls(
    prefect_harness, qof_workspace, tls_server, ca, ca_file
) -> None:
    from prefect_email import EmailServerCredentials

    from flows.credentials import smtp_transport_from_block

    server = tls_server("starttls", ca)
    EmailServerCredentials(smtp_server="127.0.0.1", smtp_type="STARTTLS", smtp_port=server.port,
                           username=USER, password=PASSWORD).save("foi-relay-test",
                                                                  overwrite=True)
    smtp = smtp_transport_from_block("foi-relay-test", ca_file=ca_file)
    assert (smtp.host, smtp.port, smtp.security) == ("127.0.0.1", server.port, "starttls")
    con = connect(qof_workspace.database)
    try:
        report = send_campaign(con, qof_workspace, "qof-local-schemes", smtp, limit=2)
    finally:
        con.close()
    assert len(report.sent) == 2 and not report.failed
    assert server.auth.attempts == [(USER, True), (USER, True)]
    assert_password_not_stored(qof_workspace)


def test_send_flow_takes_the_password_from_a_prefect_secret(
    prefect_harness, qof_workspace, tls_server, ca, ca_file
) -> None:
    from prefect.blocks.system import Secret

    from flows.round_robin import send_letters

    server = tls_server("starttls", ca)
    Secret(value=PASSWORD).save("foi-smtp-password-test", overwrite=True)
    settings = qof_workspace.home / "foi.toml"
    settings.write_text(settings.read_text().replace('transport = "outbox"', 'transport = "smtp"')
                        .replace('host = "localhost"', 'host = "127.0.0.1"')
                        .replace("port = 25", f"port = {server.port}")
                        .replace('security = "none"', 'security = "starttls"')
                        .replace('username = ""', f'username = "{USER}"\nca_file = "{ca_file}"'))
    result = send_letters(home=str(qof_workspace.home), campaign_id="qof-local-schemes",
                          password_secret="foi-smtp-password-test")
    assert result["sent"] == 209 and result["failed"] == 0
    assert len(server.handler.received) == 209
    assert all(ok for _, ok in server.auth.attempts)
    assert_password_not_stored(qof_workspace)
