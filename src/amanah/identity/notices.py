"""Notices to staff by email, in the account's language (English or Bahasa Indonesia).

Sent after the database commit; a mail failure is logged and never fails a sign-in.
Notices carry the time and what happened, never a code, token or password.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from amanah.notify.email import Mailer

log = logging.getLogger("amanah.identity.notices")

FACTOR_NAMES = {
    "en": {
        "password": "password",
        "totp": "authenticator app",
        "sms": "SMS code",
        "passkey": "passkey",
        "recovery": "recovery codes",
        "phone": "phone number",
    },
    "id": {
        "password": "kata sandi",
        "totp": "aplikasi autentikator",
        "sms": "kode SMS",
        "passkey": "passkey",
        "recovery": "kode pemulihan",
        "phone": "nomor telepon",
    },
}

TEMPLATES = {
    "new_device": {
        "en": (
            "New sign-in to your Amanah account",
            "Your account {username} signed in from a new device at {when} UTC ({agent}).\n\n"
            "If this was not you, tell your security officer now.",
        ),
        "id": (
            "Masuk baru ke akun Amanah Anda",
            "Akun Anda {username} masuk dari perangkat baru pada {when} UTC ({agent}).\n\n"
            "Jika ini bukan Anda, segera hubungi petugas keamanan.",
        ),
    },
    "locked": {
        "en": (
            "Your Amanah account is locked",
            "Your account {username} was locked at {when} UTC after too many failed "
            "attempts with the {factor}.\n\nAn administrator must unlock it. If you did not "
            "make these attempts, tell your security officer.",
        ),
        "id": (
            "Akun Amanah Anda terkunci",
            "Akun Anda {username} dikunci pada {when} UTC setelah terlalu banyak percobaan "
            "gagal dengan {factor}.\n\nAdministrator harus membukanya. Jika bukan Anda yang "
            "mencoba, hubungi petugas keamanan.",
        ),
    },
    "factor_changed": {
        "en": (
            "Your Amanah sign-in settings changed",
            "The {factor} of your account {username} was {change} at {when} UTC.\n\n"
            "If this was not you, tell your security officer now.",
        ),
        "id": (
            "Pengaturan masuk Amanah Anda berubah",
            "{factor} akun Anda {username} telah {change} pada {when} UTC.\n\n"
            "Jika ini bukan Anda, segera hubungi petugas keamanan.",
        ),
    },
}

CHANGES = {
    "en": {"added": "added", "removed": "removed", "changed": "changed", "used": "used"},
    "id": {"added": "ditambahkan", "removed": "dihapus", "changed": "diubah", "used": "dipakai"},
}


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # new_device | locked | factor_changed
    to: str | None
    locale: str
    username: str
    when: datetime
    factor: str = ""
    change: str = ""
    agent: str = ""


def render(notice: Notice) -> tuple[str, str]:
    locale = notice.locale if notice.locale in ("en", "id") else "en"
    subject, body = TEMPLATES[notice.kind][locale]
    return subject, body.format(
        username=notice.username,
        when=notice.when.strftime("%Y-%m-%d %H:%M"),
        agent=(notice.agent or "unknown browser")[:120],
        factor=FACTOR_NAMES[locale].get(notice.factor, notice.factor),
        change=CHANGES[locale].get(notice.change, notice.change),
    )


class Notices:
    def __init__(self, mailer: Mailer | None) -> None:
        self.mailer = mailer

    def send(self, notices: list[Notice]) -> None:
        for notice in notices:
            if self.mailer is None or not notice.to:
                continue
            subject, body = render(notice)
            try:
                self.mailer.send(notice.to, subject, body)
            except Exception as exc:  # a notice must never break the flow that caused it
                log.warning("notice not delivered", extra={"kind": notice.kind, "error": str(exc)})
