"""Events carry ids only; service tokens list and revoke; concurrency cannot replay a code."""

from __future__ import annotations

import threading

import pytest

from amanah.identity import events as ev
from amanah.identity.errors import InvalidCode, InvalidCredentials
from amanah.identity.testing import PASSWORD, sign_in, totp_now
from amanah.identity.tokens import authenticate_token, issue_token, list_tokens, revoke_token


def test_every_step_is_an_event_with_ids_only(identity, make_staff, clock, events, outbox):
    staff = make_staff("siti", phone="+62 812 3456 7890")
    with pytest.raises(InvalidCredentials):
        identity.begin(staff.username, "wrong password here")
    signed = sign_in(identity, staff, clock)
    identity.new_recovery_codes(signed.session_token)
    identity.sign_out(signed.session_token)
    identity.disable(staff.account_id)
    names = events.names()
    for expected in (
        ev.ACCOUNT_INVITED,
        ev.ACCOUNT_ACTIVATED,
        ev.FACTOR_ENROLLED,
        ev.SIGNIN_PASSWORD_OK,
        ev.SIGNIN_FAILED,
        ev.SIGNIN_SUCCEEDED,
        ev.SESSION_STARTED,
        ev.RECOVERY_CODES_ISSUED,
        ev.SESSION_ENDED,
        ev.ACCOUNT_DISABLED,
    ):
        assert expected in names, expected
    secrets = {
        staff.username,
        "siti@bank.test",
        "+6281234567890",
        PASSWORD,
        signed.session_token,
        *staff.recovery_codes,
    }
    for _name, ids in events.events:
        for value in ids.values():
            assert value is None or isinstance(value, int) or value not in secrets


def test_service_tokens_list_and_revoke(factory):
    with factory() as s, s.begin():
        token, row = issue_token(s, "crm", "agent", ["customers:read"])
        other, _ = issue_token(s, "ivr", "agent", ["customers:read"])
    with factory() as s, s.begin():
        assert {t.name for t in list_tokens(s)} == {"crm", "ivr"}
        assert revoke_token(s, row.id)
    with factory() as s:
        assert [t.name for t in list_tokens(s)] == ["ivr"]
        assert {t.name for t in list_tokens(s, include_revoked=True)} == {"crm", "ivr"}
        with pytest.raises(InvalidCredentials):
            authenticate_token(s, token)
        assert authenticate_token(s, other).kind == "service"


def test_concurrent_use_of_one_totp_code_succeeds_once(identity, make_staff, clock):
    staff = make_staff()
    attempts = [identity.begin(staff.username, PASSWORD) for _ in range(4)]
    code = totp_now(staff.totp_secret, clock)
    results: list[str] = []
    barrier = threading.Barrier(len(attempts))

    def use(token: str) -> None:
        barrier.wait()
        try:
            identity.verify_totp(token, code)
            results.append("ok")
        except InvalidCode:
            results.append("refused")
        except Exception as exc:  # a database serialisation error is also a refusal
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=use, args=(a.token,)) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results.count("ok") == 1


def test_identity_from_settings(settings, factory):
    from amanah.identity.service import Identity
    from amanah.notify.email import FileOutboxMailer
    from amanah.notify.sms import FileOutboxSms

    identity = Identity.from_settings(factory, settings)
    assert isinstance(identity.sms_provider, FileOutboxSms)
    assert isinstance(identity.notices.mailer, FileOutboxMailer)
    assert identity.config.session_idle_minutes == 15
    assert identity.config.session_absolute_hours == 12
    assert len(identity.config.secret) == 32
    assert (settings.home / "identity.key").stat().st_mode & 0o777 == 0o600
    # the same secret on the next start
    assert Identity.from_settings(factory, settings).config.secret == identity.config.secret
