"""Email over SMTP (smtplib), STARTTLS optional, for notices to staff.

Email is never a sign-in factor (NIST SP 800-63B rev 4); it carries notices only:
a new device signed in, the account locked, a factor changed.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

from amanah.notify.errors import DeliveryFailed


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    sender: str = "amanah@localhost"
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body)
    return message


class SmtpMailer:
    """One connection per message: notices are rare and must not hold sockets open."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, to: str, subject: str, body: str) -> None:
        c = self.config
        message = build_message(c.sender, to, subject, body)
        try:
            with smtplib.SMTP(c.host, c.port, timeout=c.timeout) as smtp:
                smtp.ehlo()
                if c.starttls:
                    smtp.starttls(context=c.ssl_context or ssl.create_default_context())
                    smtp.ehlo()
                if c.username:
                    smtp.login(c.username, c.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed("the mail server refused or could not be reached") from exc


class FileOutboxMailer:
    """Development mailer: one JSON line per message in ``AMANAH_HOME/outbox/mail.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, to: str, subject: str, body: str) -> None:
        line = json.dumps(
            {"to": to, "subject": subject, "body": body, "at": datetime.now(UTC).isoformat()}
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)


@dataclass
class MemoryMailer:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def mailer_from_settings(settings: Any) -> Mailer:
    """SMTP when ``smtp_host`` is set, else the file outbox in home."""
    host = getattr(settings, "smtp_host", None)
    if not host:
        return FileOutboxMailer(Path(getattr(settings, "home", "var")) / "outbox" / "mail.jsonl")
    password = getattr(settings, "smtp_password", None)
    if password is not None and hasattr(password, "get_secret_value"):
        password = password.get_secret_value()
    return SmtpMailer(
        SmtpConfig(
            host=host,
            port=getattr(settings, "smtp_port", None) or 587,
            sender=getattr(settings, "mail_from", None) or "amanah@localhost",
            starttls=getattr(settings, "smtp_starttls", True),
            username=getattr(settings, "smtp_username", None),
            password=password,
        )
    )
