"""First-run set-up of ``AMANAH_HOME``: keyring, database schema, TLS certificate,
the first admin token and a small demo data set. Idempotent: a second run
creates nothing that exists and never prints a secret twice."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy import func, select

from amanah.crypto.errors import KeyringError
from amanah.crypto.keyring import Keyring
from amanah.crypto.tls import write_self_signed
from amanah.db import make_engine, make_session_factory
from amanah.identity.models import ServiceToken
from amanah.identity.tokens import ALL_SCOPES, issue_token
from amanah.migrate import upgrade
from amanah.settings import Settings


@dataclass
class InitReport:
    created: list[str] = field(default_factory=list)
    admin_token: str | None = None
    demo_customers: int = 0


def init_home(settings: Settings, passphrase: str | None = None, demo: bool = True) -> InitReport:
    report = InitReport()
    settings.home.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.home, 0o700)
    keyring = _ensure_keyring(settings, passphrase, report)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            if not session.scalar(select(func.count()).select_from(ServiceToken)):
                report.admin_token, _ = issue_token(session, "initial admin", "admin", ["*"])
                report.created.append("admin token")
        if demo and keyring is not None and not keyring.sealed:
            from amanah.demo import seed_demo

            report.demo_customers = seed_demo(factory, keyring, settings)
    finally:
        engine.dispose()
    if not settings.insecure_http and not settings.cert_path.exists():
        write_self_signed(settings.cert_path, settings.key_path)
        report.created.append(f"TLS certificate {settings.cert_path}")
    return report


def _ensure_keyring(
    settings: Settings, passphrase: str | None, report: InitReport
) -> Keyring | None:
    if settings.keyring == "pkcs11":
        from amanah.crypto.pkcs11_keyring import Pkcs11Keyring

        if settings.pkcs11_pin is None:
            raise KeyringError("set AMANAH_PKCS11_PIN to initialise keys in the token")
        return Pkcs11Keyring.initialise(
            settings.pkcs11_library,
            settings.pkcs11_token_label,
            settings.pkcs11_pin.get_secret_value(),
            settings.pkcs11_key_label,
        )
    from amanah.crypto.local_keyring import LocalKeyring

    if settings.keyring_path.exists():
        secret = passphrase or (
            settings.keyring_passphrase.get_secret_value() if settings.keyring_passphrase else None
        )
        return LocalKeyring(settings.keyring_path, secret)
    keyring = LocalKeyring.create(settings.keyring_path, passphrase)
    report.created.append(f"keyring {settings.keyring_path}")
    return keyring


__all__ = ["ALL_SCOPES", "InitReport", "init_home"]
