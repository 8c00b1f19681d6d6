"""Identity fixtures: a migrated database (SQLite and PostgreSQL), a clock the tests move,
an in-memory event sink and mailer, the SMS file outbox, and ready-made staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from amanah.identity.config import IdentityConfig
from amanah.identity.events import MemoryEvents
from amanah.identity.service import Identity
from amanah.identity.testing import FAST, ORIGIN, PASSWORD, RP_ID, Clock, Staff, totp_now
from amanah.notify.email import MemoryMailer
from amanah.notify.sms import FileOutboxSms


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def factory(settings) -> Iterator[object]:
    from amanah.db import make_engine, make_session_factory
    from amanah.migrate import upgrade

    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def config(settings) -> IdentityConfig:
    return IdentityConfig.from_settings(
        settings,
        argon2=FAST,
        webauthn_rp_id=RP_ID,
        webauthn_origins=(ORIGIN,),
        organisation="Bank Nusantara",
    )


@pytest.fixture
def events() -> MemoryEvents:
    return MemoryEvents()


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def outbox(settings) -> FileOutboxSms:
    return FileOutboxSms(Path(settings.home) / "outbox" / "sms.jsonl")


@pytest.fixture
def identity(factory, config, events, mailer, outbox, clock) -> Identity:
    return Identity(factory, config, events=events, mailer=mailer, sms_provider=outbox, clock=clock)


@pytest.fixture
def make_staff(identity: Identity, clock: Clock):
    """Invite, accept and sign in once with TOTP enrolment: a ready account."""

    def make(username: str = "siti", role: str = "agent", **kwargs: object) -> Staff:
        invite = identity.invite(
            username,
            role,
            display_name=str(kwargs.pop("display_name", "Siti Rahma")),
            email=str(kwargs.pop("email", f"{username}@bank.test")),
            **kwargs,  # type: ignore[arg-type]
        )
        identity.accept_invitation(invite.token, PASSWORD)
        attempt = identity.begin(username, PASSWORD, source="10.0.0.1", user_agent="pytest")
        assert attempt.next == "enrol"
        enrolment = identity.enrol_totp(attempt.token)
        signed = identity.confirm_totp_enrolment(attempt.token, totp_now(enrolment.secret, clock))
        clock.advance(seconds=30)  # the enrolment code's step is spent
        return Staff(
            account_id=invite.account_id,
            username=username,
            password=PASSWORD,
            totp_secret=enrolment.secret,
            recovery_codes=signed.recovery_codes,
            device=signed.device_token,
            signed=signed,
        )

    return make
