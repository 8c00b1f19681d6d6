"""Email over SMTP against a real aiosmtpd server on 127.0.0.1: plain, and STARTTLS with login."""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from amanah.notify.email import SmtpConfig, SmtpMailer, mailer_from_settings
from amanah.notify.errors import DeliveryFailed


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    cert, key = self_signed(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == b"amanah" and auth_data.password == b"s3cret-relay"
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def test_plain_smtp_delivers(smtp_server):
    inbox, port = smtp_server
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, sender="amanah@bank.test", starttls=False))
    mailer.send("siti@bank.test", "Your Amanah account is locked", "Body text\nline two")
    assert len(inbox.messages) == 1
    mail_from, rcpt, content = inbox.messages[0]
    assert mail_from == "amanah@bank.test" and rcpt == ["siti@bank.test"]
    message = message_from_bytes(content)
    assert message["Subject"] == "Your Amanah account is locked"
    assert message["Message-ID"] and message["Date"]
    assert "line two" in message.get_payload()


def test_starttls_with_login(tls_server):
    inbox, port, cert = tls_server
    client_context = ssl.create_default_context(cafile=str(cert))
    mailer = SmtpMailer(
        SmtpConfig(
            "127.0.0.1",
            port,
            sender="amanah@bank.test",
            starttls=True,
            username="amanah",
            password="s3cret-relay",
            ssl_context=client_context,
        )
    )
    mailer.send("budi@bank.test", "Pengaturan masuk Amanah Anda berubah", "Kata sandi diubah.")
    assert len(inbox.messages) == 1
    assert message_from_bytes(inbox.messages[0][2])["Subject"].startswith("Pengaturan")


def test_starttls_refuses_an_untrusted_certificate(tls_server):
    _inbox, port, _cert = tls_server
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, starttls=True))  # system CAs only
    with pytest.raises(DeliveryFailed):
        mailer.send("budi@bank.test", "subject", "body")


def test_wrong_login_is_a_delivery_failure(tls_server):
    inbox, port, cert = tls_server
    mailer = SmtpMailer(
        SmtpConfig(
            "127.0.0.1",
            port,
            username="amanah",
            password="wrong",
            ssl_context=ssl.create_default_context(cafile=str(cert)),
        )
    )
    with pytest.raises(DeliveryFailed) as info:
        mailer.send("budi@bank.test", "subject", "body")
    assert isinstance(info.value.__cause__, smtplib.SMTPAuthenticationError)
    assert inbox.messages == []


def test_unreachable_server_is_a_delivery_failure():
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", free_port(), starttls=False, timeout=2))
    with pytest.raises(DeliveryFailed):
        mailer.send("a@b.test", "s", "b")


def test_identity_notices_reach_the_smtp_server(smtp_server, tmp_path):
    """A lockout notice, end to end: identity -> notices -> SMTP -> aiosmtpd."""
    from amanah.identity.notices import Notice, Notices

    inbox, port = smtp_server
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, starttls=False))
    Notices(mailer).send(
        [
            Notice(
                "locked", "siti@bank.test", "en", "siti", dt.datetime.now(dt.UTC), factor="totp"
            ),
            Notice("new_device", None, "en", "nomail", dt.datetime.now(dt.UTC)),  # no address
        ]
    )
    assert len(inbox.messages) == 1
    body = message_from_bytes(inbox.messages[0][2]).get_payload()
    assert "authenticator app" in body and "locked" in body


def test_mailer_from_settings(tmp_path):
    from amanah.settings import Settings

    outbox = mailer_from_settings(Settings(home=tmp_path))
    outbox.send("a@b.test", "subject", "body")
    assert (tmp_path / "outbox" / "mail.jsonl").read_text().count("\n") == 1
