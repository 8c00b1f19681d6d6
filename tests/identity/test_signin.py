"""The sign-in flow: password, then a second factor, then a session (SQLite and PostgreSQL).

NIST SP 800-63B rev 4 and OWASP ASVS 5.0 V6 items are named on each test.
"""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import select, text

from amanah.identity import events as ev
from amanah.identity.errors import (
    AccountLocked,
    EnrolmentRequired,
    InvalidCode,
    InvalidCredentials,
    InvalidInvitation,
    Throttled,
    WeakPassword,
)
from amanah.identity.models import Invitation, StaffAccount
from amanah.identity.testing import PASSWORD, sign_in, totp_now


def test_invitation_is_single_use_and_hashed(identity, factory):
    invite = identity.invite("budi", "agent", email="budi@bank.test")
    with factory() as s:
        row = s.scalar(select(Invitation).where(Invitation.account_id == invite.account_id))
        assert row.token_hash != invite.token and invite.token not in row.token_hash
    identity.accept_invitation(invite.token, PASSWORD)
    with pytest.raises(InvalidInvitation):
        identity.accept_invitation(invite.token, PASSWORD + "x")


def test_invitation_expires(identity, clock):
    invite = identity.invite("budi", "agent")
    clock.advance(hours=73)
    with pytest.raises(InvalidInvitation):
        identity.accept_invitation(invite.token, PASSWORD)


def test_first_password_needs_15_characters(identity):
    """800-63B rev 4 3.1.1.2: 15 when the password is the only factor the account has used."""
    invite = identity.invite("budi", "agent")
    with pytest.raises(WeakPassword) as info:
        identity.accept_invitation(invite.token, "fourteen chars")
    assert info.value.reason == "too-short"
    identity.accept_invitation(invite.token, "fifteen chars!!")


def test_first_sign_in_forces_enrolment(identity, clock, events):
    """MFA is mandatory: without a second factor the password yields no session."""
    invite = identity.invite("budi", "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("budi", PASSWORD)
    assert attempt.next == "enrol"
    assert attempt.factors == ()
    # the attempt token is not a session
    with pytest.raises(InvalidCredentials):
        identity.authenticate(attempt.token)
    # and it cannot be used as a second factor
    with pytest.raises(InvalidCode):
        identity.verify_totp(attempt.token, "123456")
    enrolment = identity.enrol_totp(attempt.token)
    assert enrolment.uri.startswith("otpauth://totp/")
    assert "<svg" in enrolment.qr_svg
    signed = identity.confirm_totp_enrolment(attempt.token, totp_now(enrolment.secret, clock))
    assert set(signed.factors) == {"password", "totp"}
    assert len(signed.recovery_codes) == 10
    ctx = identity.authenticate(signed.session_token)
    assert ctx.account_id == invite.account_id
    assert ev.FACTOR_ENROLLED in events.names()
    assert ev.SIGNIN_SUCCEEDED in events.names()


def test_enrolment_refused_once_a_factor_exists(identity, make_staff):
    """A password alone must not add a factor to an account that has one."""
    staff = make_staff()
    attempt = identity.begin(staff.username, PASSWORD)
    assert attempt.next == "second-factor"
    with pytest.raises(EnrolmentRequired):
        identity.enrol_totp(attempt.token)


def test_second_factor_signs_in(identity, make_staff, clock):
    staff = make_staff()
    attempt = identity.begin(staff.username, PASSWORD)
    assert "totp" in attempt.factors and "recovery" in attempt.factors
    signed = identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock))
    assert signed is not None
    assert identity.authenticate(signed.session_token).username == staff.username
    # the attempt is spent
    with pytest.raises(InvalidCredentials):
        identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock, 1))


def test_same_answer_for_unknown_user_and_wrong_password(identity, make_staff, monkeypatch):
    """No enumeration (ASVS 5.0 V6.3.8): same error, same message, the same Argon2id work."""
    staff = make_staff()
    invited = identity.invite("newbie", "agent")  # invited, no password yet
    calls: list[str] = []
    real_verify, real_dummy = identity.hasher.verify, identity.hasher.dummy_verify
    monkeypatch.setattr(
        identity.hasher, "verify", lambda *a: (calls.append("verify"), real_verify(*a))[1]
    )
    monkeypatch.setattr(
        identity.hasher, "dummy_verify", lambda *a: (calls.append("dummy"), real_dummy(*a))[1]
    )
    answers = []
    for username in (staff.username, "nobody-here", "newbie"):
        with pytest.raises(InvalidCredentials) as info:
            identity.begin(username, "wrong password entirely", source=f"src-{username}")
        answers.append((type(info.value), str(info.value), info.value.code, info.value.status))
    assert answers[0] == answers[1] == answers[2]
    assert len(calls) == 3  # one Argon2id verification each, real or dummy
    assert invited.account_id


def test_similar_timing_for_unknown_user_and_wrong_password(identity, make_staff):
    staff = make_staff()

    def timed(username: str, n: int) -> float:
        times = []
        for i in range(n):
            start = time.perf_counter()
            with pytest.raises(InvalidCredentials):
                identity.begin(username, f"wrong password {i}", source=f"t-{username}-{i}")
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = timed(staff.username, 5), timed("no-such-user", 5)
    assert 0.5 < known / unknown < 2.0


def test_password_step_throttles_per_account_with_growing_delays(identity, make_staff, clock):
    staff = make_staff()
    free = identity.config.account_free_failures
    for _ in range(free):
        with pytest.raises(InvalidCredentials):
            identity.begin(staff.username, "wrong password here")
    waits = []
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            identity.begin(staff.username, "wrong password here")
        with pytest.raises(Throttled) as info:
            identity.begin(staff.username, PASSWORD)  # even the right one waits
        waits.append(info.value.retry_after)
        clock.advance(seconds=info.value.retry_after)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    # the right password after the wait works, and resets the account's counter
    assert identity.begin(staff.username, PASSWORD).next == "second-factor"
    with pytest.raises(InvalidCredentials):
        identity.begin(staff.username, "wrong password here")


def test_unknown_usernames_are_throttled_like_real_ones(identity, clock):
    for _ in range(identity.config.account_free_failures + 1):
        with pytest.raises(InvalidCredentials):
            identity.begin("ghost", "wrong password here")
    with pytest.raises(Throttled):
        identity.begin("ghost", "wrong password here")


def test_password_step_throttles_per_source_address(identity, make_staff, clock, config):
    staff = make_staff()
    limit = config.source_free_failures
    for i in range(limit + 1):
        with pytest.raises(InvalidCredentials):
            identity.begin(f"user{i}", "wrong password", source="203.0.113.9")
    with pytest.raises(Throttled):
        identity.begin(staff.username, PASSWORD, source="203.0.113.9")
    # another address is not affected
    assert identity.begin(staff.username, PASSWORD, source="203.0.113.10").token


def test_lock_after_100_consecutive_password_failures(identity, make_staff, clock, mailer, events):
    """800-63B rev 4 3.2.2: at most 100 consecutive failed attempts on one account."""
    staff = make_staff()
    for i in range(100):
        clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
        with pytest.raises(InvalidCredentials):
            identity.begin(staff.username, f"wrong password {i}", source=f"s{i}")
    clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
    with pytest.raises(AccountLocked):
        identity.begin(staff.username, PASSWORD)
    assert events.of(ev.ACCOUNT_LOCKED) == [{"account_id": staff.account_id, "factor": "password"}]
    locked_mail = [m for m in mailer.sent if "locked" in m[1]]
    assert len(locked_mail) == 1 and locked_mail[0][0] == "siti@bank.test"
    identity.unlock(staff.account_id)
    assert identity.begin(staff.username, PASSWORD).next == "second-factor"


def test_99_failures_then_success_do_not_lock(identity, make_staff, clock):
    staff = make_staff()
    for i in range(99):
        clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
        with pytest.raises(InvalidCredentials):
            identity.begin(staff.username, f"wrong password {i}", source=f"s{i}")
    clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
    identity.begin(staff.username, PASSWORD)
    for i in range(5):
        clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
        with pytest.raises(InvalidCredentials):
            identity.begin(staff.username, f"wrong again {i}")
    clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
    assert identity.begin(staff.username, PASSWORD).token  # counter was reset


def test_lock_after_100_consecutive_totp_failures(identity, make_staff, clock, mailer):
    staff = make_staff()
    wrong = "000000" if totp_now(staff.totp_secret, clock) != "000000" else "111111"
    failures, attempt = 0, None
    while failures < 100:
        clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
        if attempt is None:
            attempt = identity.begin(staff.username, PASSWORD)
        try:
            identity.verify_totp(attempt.token, wrong)
        except InvalidCode:
            failures += 1
        except InvalidCredentials:  # this attempt has had its share: start another
            attempt = None
    assert identity.account(staff.account_id).locked
    clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
    with pytest.raises(AccountLocked):
        identity.begin(staff.username, PASSWORD)
    assert any("locked" in m[1] for m in mailer.sent)


def test_wrong_second_factors_end_the_attempt(identity, make_staff, clock):
    staff = make_staff()
    attempt = identity.begin(staff.username, PASSWORD)
    wrong = "000000" if totp_now(staff.totp_secret, clock) != "000000" else "111111"
    waits, failures = [], 0
    while failures < identity.config.attempt_max_failures:
        try:
            identity.verify_totp(attempt.token, wrong)
        except InvalidCode:
            failures += 1
        except Throttled as exc:
            waits.append(exc.retry_after)
            clock.advance(seconds=exc.retry_after)
    assert waits and waits == sorted(waits)  # growing delays on the second factor too
    with pytest.raises(InvalidCredentials):
        identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock))


def test_sign_in_attempt_expires(identity, make_staff, clock):
    staff = make_staff()
    attempt = identity.begin(staff.username, PASSWORD)
    clock.advance(minutes=identity.config.signin_attempt_minutes + 1)
    with pytest.raises(InvalidCredentials):
        identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock))


def test_new_device_is_notified(identity, make_staff, clock, mailer, events):
    staff = make_staff()
    mailer.sent.clear()
    # the same browser (its device cookie): no notice
    same = sign_in(identity, staff, clock)
    assert same.device_token is None and not same.new_device
    assert not [m for m in mailer.sent if "New sign-in" in m[1]]
    # a new browser: notice, a device cookie to set, an event
    staff.device = None
    other = sign_in(identity, staff, clock, user_agent="Firefox on Linux")
    assert other.new_device and other.device_token
    notices = [m for m in mailer.sent if "New sign-in" in m[1]]
    assert len(notices) == 1 and "Firefox on Linux" in notices[0][2]
    assert events.of(ev.NEW_DEVICE)


def test_notices_in_bahasa_indonesia(identity, make_staff, clock, mailer):
    staff = make_staff("andi", locale="id")
    staff.device = None
    sign_in(identity, staff, clock)
    assert any(m[1] == "Masuk baru ke akun Amanah Anda" for m in mailer.sent)


def test_disable_ends_every_session_at_once(identity, make_staff, clock, events):
    staff = make_staff()
    second = sign_in(identity, staff, clock)
    first = staff.signed
    assert identity.disable(staff.account_id) == 2
    for signed in (first, second):
        with pytest.raises(InvalidCredentials):
            identity.authenticate(signed.session_token)
    with pytest.raises(InvalidCredentials):
        identity.begin(staff.username, PASSWORD)
    assert len(events.of(ev.SESSION_ENDED)) == 2
    identity.enable(staff.account_id)
    assert sign_in(identity, staff, clock).session_token


def test_rehash_when_parameters_change(identity, make_staff, factory, config, clock):
    """ASVS 5.0 V6 / 800-63B: stored hashes move to the current parameters on next sign-in."""
    from amanah.identity.config import Argon2Params
    from amanah.identity.service import Identity

    staff = make_staff()
    with factory() as s:
        before = s.get(StaffAccount, staff.account_id).password_hash
    assert "$argon2id$" in before and "m=8192,t=1,p=1" in before
    stronger = Identity(factory, config.with_(argon2=Argon2Params(2, 9216, 1)), clock=clock)
    stronger.begin(staff.username, PASSWORD)
    with factory() as s:
        after = s.get(StaffAccount, staff.account_id).password_hash
    assert "m=9216,t=2,p=1" in after
    assert stronger.begin(staff.username, PASSWORD).token


def test_role_change_is_seen_by_the_next_request(identity, make_staff):
    staff = make_staff()
    assert identity.authenticate(staff.signed.session_token).principal.role == "agent"
    identity.set_role(staff.account_id, "supervisor")
    principal = identity.authenticate(staff.signed.session_token).principal
    assert principal.role == "supervisor" and principal.kind == "staff"


def test_secrets_never_stored_in_clear(identity, make_staff, factory, outbox, clock):
    staff = make_staff()
    identity.factors(staff.account_id)
    with factory() as s:
        dump = "\n".join(
            str(row)
            for table in (
                "staff_sessions",
                "signin_attempts",
                "staff_recovery_codes",
                "staff_invitations",
                "staff_devices",
            )
            for row in s.execute(text(f"SELECT * FROM {table}"))
        )
    assert staff.signed.session_token not in dump
    assert staff.device not in dump
    for code in staff.recovery_codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert PASSWORD not in dump
