"""SMS one-time codes (800-63B rev 4 section 3.1.3; ASVS 5.0 V6.6), on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from amanah.errors import InvalidInput
from amanah.identity.config import IdentityConfig
from amanah.identity.errors import InvalidCode, InvalidCredentials, Throttled
from amanah.identity.models import SmsCode
from amanah.identity.testing import PASSWORD, last_sms_code


@pytest.fixture
def sms_staff(identity, clock, outbox):
    """An account whose only second factor is SMS, enrolled at first sign-in."""
    invite = identity.invite("wati", "agent", phone="0812-3456-7890", email="wati@bank.test")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("wati", PASSWORD)
    assert attempt.next == "enrol"
    identity.enrol_sms(attempt.token)  # the number the administrator recorded
    assert outbox.messages()[-1]["to"] == "+6281234567890"
    signed = identity.confirm_sms_enrolment(attempt.token, last_sms_code(outbox))
    assert "sms" in signed.factors and len(signed.recovery_codes) == 10
    clock.advance(minutes=1)
    return invite.account_id


def test_sms_code_signs_in(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    assert "sms" in attempt.factors
    expires = identity.send_sms(attempt.token)
    assert expires - clock() <= __import__("datetime").timedelta(minutes=10)
    code = last_sms_code(outbox)
    assert len(code) == 6 and code.isdigit()
    signed = identity.verify_sms(attempt.token, code)
    assert signed is not None and "sms" in signed.factors


def test_code_lifetime_is_at_most_10_minutes(settings):
    with pytest.raises(InvalidInput):
        IdentityConfig.from_settings(settings, sms_code_minutes=11)


def test_expired_code_is_refused(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    clock.advance(minutes=identity.config.sms_code_minutes, seconds=1)
    with pytest.raises(InvalidCode):
        identity.verify_sms(attempt.token, last_sms_code(outbox))


def test_code_is_bound_to_its_sign_in(identity, sms_staff, outbox, clock):
    first = identity.begin("wati", PASSWORD)
    identity.send_sms(first.token)
    code = last_sms_code(outbox)
    second = identity.begin("wati", PASSWORD)
    with pytest.raises(InvalidCode):
        identity.verify_sms(second.token, code)
    assert identity.verify_sms(first.token, code) is not None


def test_code_is_hashed_at_rest_and_single_use(identity, sms_staff, outbox, factory):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    code = last_sms_code(outbox)
    with factory() as s:
        rows = s.scalars(select(SmsCode)).all()
        assert all(code not in row.code_hash for row in rows)
    assert identity.verify_sms(attempt.token, code) is not None
    with pytest.raises(InvalidCredentials):  # the sign-in is complete
        identity.verify_sms(attempt.token, code)


def test_limited_attempts_per_code(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    code = last_sms_code(outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(identity.config.sms_attempts_per_code):
        with pytest.raises(InvalidCode):
            identity.verify_sms(attempt.token, wrong)
    clock.advance(seconds=60)  # past the growing delay, within the attempt's lifetime
    with pytest.raises(InvalidCode):  # the right code no longer works: it is spent
        identity.verify_sms(attempt.token, code)


def test_resends_are_throttled_with_growing_waits(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    waits = []
    for _ in range(identity.config.sms_max_sends - 1):
        with pytest.raises(Throttled) as info:
            identity.send_sms(attempt.token)
        waits.append(info.value.retry_after)
        clock.advance(seconds=info.value.retry_after)
        identity.send_sms(attempt.token)
    assert waits == sorted(waits) and waits[0] >= identity.config.sms_resend_seconds
    with pytest.raises(Throttled):
        identity.send_sms(attempt.token)
    assert len(outbox.messages()) == 1 + identity.config.sms_max_sends


def test_a_new_code_does_not_reset_the_failure_count(
    factory, config, sms_staff, outbox, clock, events, mailer
):
    from amanah.identity.service import Identity

    limit = 6
    strict = Identity(
        factory,
        config.with_(sms_failures_per_attempt=limit, attempt_max_failures=50),
        sms_provider=outbox,
        clock=clock,
    )
    attempt = strict.begin("wati", PASSWORD)
    for _ in range(limit // 3):  # three wrong tries on each of two codes
        clock.advance(seconds=config.sms_resend_seconds * 4)
        strict.send_sms(attempt.token)
        code = last_sms_code(outbox)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(3):
            with pytest.raises(InvalidCode):
                strict.verify_sms(attempt.token, wrong)
            clock.advance(seconds=5)
    clock.advance(seconds=config.sms_resend_seconds * 4)
    with pytest.raises(InvalidCode, match="too many wrong codes"):
        strict.send_sms(attempt.token)  # a new code would not reset the count
    with pytest.raises(InvalidCode):
        strict.verify_sms(attempt.token, last_sms_code(outbox))


def test_older_code_stops_working_when_a_new_one_is_sent(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    old = last_sms_code(outbox)
    clock.advance(seconds=identity.config.sms_resend_seconds)
    identity.send_sms(attempt.token)
    new = last_sms_code(outbox)
    if old != new:
        with pytest.raises(InvalidCode):
            identity.verify_sms(attempt.token, old)
    assert identity.verify_sms(attempt.token, new) is not None


def test_outbox_is_json_lines_in_home(identity, sms_staff, settings):
    path = settings.home / "outbox" / "sms.jsonl"
    lines = path.read_text().splitlines()
    assert lines and all(line.startswith("{") for line in lines)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_sms_text_in_bahasa_indonesia(identity, clock, outbox):
    invite = identity.invite("dewi", "agent", phone="+62 811 1111 2222", locale="id")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("dewi", PASSWORD)
    identity.enrol_sms(attempt.token)
    assert outbox.messages()[-1]["text"].startswith("Kode Amanah:")


def test_step_up_by_sms(identity, sms_staff, outbox, clock):
    attempt = identity.begin("wati", PASSWORD)
    identity.send_sms(attempt.token)
    signed = identity.verify_sms(attempt.token, last_sms_code(outbox))
    clock.advance(minutes=11)
    identity.authenticate(signed.session_token)
    clock.advance(minutes=1)
    identity.step_up_send_sms(signed.session_token)
    ctx = identity.step_up_sms(signed.session_token, last_sms_code(outbox))
    identity.require_fresh_factor(ctx, 1)
