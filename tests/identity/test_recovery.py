"""Recovery codes and password reset (800-63B rev 4 section 4.2; ASVS 5.0 V6.4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from amanah.identity import events as ev
from amanah.identity.errors import (
    EnrolmentRequired,
    InvalidCode,
    InvalidCredentials,
    InvalidInvitation,
)
from amanah.identity.models import RecoveryCode
from amanah.identity.testing import PASSWORD, sign_in, totp_now


def test_ten_codes_shown_once_and_hashed(identity, make_staff, factory):
    staff = make_staff()
    assert len(staff.recovery_codes) == 10 and len(set(staff.recovery_codes)) == 10
    with factory() as s:
        hashes = [r.code_hash for r in s.scalars(select(RecoveryCode))]
    assert len(hashes) == 10
    for code in staff.recovery_codes:
        assert all(code not in h and code.replace("-", "") not in h for h in hashes)
    assert identity.factors(staff.account_id).recovery_codes_left == 10


def test_a_recovery_code_needs_the_password_first(identity, make_staff):
    """There is no way to present a recovery code without a password-proven attempt."""
    staff = make_staff()
    with pytest.raises(InvalidCredentials):
        identity.begin(staff.username, "not the password")
    with pytest.raises(InvalidCredentials):
        identity.use_recovery_code("no-attempt-token", staff.recovery_codes[0])


def test_each_code_works_once(identity, make_staff, clock, mailer, events):
    staff = make_staff()
    code = staff.recovery_codes[0]
    attempt = identity.begin(staff.username, PASSWORD)
    signed = identity.use_recovery_code(attempt.token, code.upper())  # case-insensitive
    assert signed is not None and "recovery" in signed.factors
    assert identity.factors(staff.account_id).recovery_codes_left == 9
    assert any("sign-in settings" in m[1] for m in mailer.sent)  # told a code was used
    attempt = identity.begin(staff.username, PASSWORD)
    with pytest.raises(InvalidCode):
        identity.use_recovery_code(attempt.token, code)
    assert ev.FACTOR_USED in events.names()


def test_a_recovery_code_does_not_count_as_a_fresh_factor_for_reveals(identity, make_staff):
    from amanah.access.errors import StepUpRequired

    staff = make_staff()
    attempt = identity.begin(staff.username, PASSWORD)
    signed = identity.use_recovery_code(attempt.token, staff.recovery_codes[1])
    ctx = identity.authenticate(signed.session_token)
    with pytest.raises(StepUpRequired):
        identity.require_fresh_factor(ctx, 10)
    # but it is a fresh sign-in, enough to replace a lost factor
    enrolment = identity.add_totp(signed.session_token)
    assert enrolment.secret


def test_new_codes_replace_the_old_ones(identity, make_staff, clock):
    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    fresh = identity.new_recovery_codes(signed.session_token)
    assert len(fresh) == 10 and not set(fresh) & set(staff.recovery_codes)
    attempt = identity.begin(staff.username, PASSWORD)
    with pytest.raises(InvalidCode):
        identity.use_recovery_code(attempt.token, staff.recovery_codes[2])
    assert identity.use_recovery_code(attempt.token, fresh[0]) is not None


def test_password_reset_still_needs_a_second_factor(identity, make_staff, clock, mailer):
    staff = make_staff()
    reset = identity.issue_password_reset(staff.account_id)
    attempt = identity.begin_reset(reset.token)
    assert attempt.next == "second-factor"
    with pytest.raises(EnrolmentRequired):  # no new password before a second factor
        identity.complete_reset(attempt.token, "a brand new passphrase")
    # a recovery code is a second factor here, alongside the reset link
    assert identity.use_recovery_code(attempt.token, staff.recovery_codes[0]) is None
    assert identity.attempt(attempt.token).next == "set-password"
    identity.complete_reset(attempt.token, "a brand new passphrase")
    # old sessions end; the old password no longer works; the link is spent
    with pytest.raises(InvalidCredentials):
        identity.authenticate(staff.signed.session_token)
    with pytest.raises(InvalidCredentials):
        identity.begin(staff.username, PASSWORD)
    with pytest.raises(InvalidInvitation):
        identity.begin_reset(reset.token)
    staff.password = "a brand new passphrase"
    assert sign_in(identity, staff, clock).session_token
    assert any("sign-in settings" in m[1] for m in mailer.sent)


def test_a_reset_attempt_never_yields_a_session(identity, make_staff, clock):
    staff = make_staff()
    reset = identity.issue_password_reset(staff.account_id)
    attempt = identity.begin_reset(reset.token)
    assert identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock)) is None
    with pytest.raises(InvalidCredentials):
        identity.authenticate(attempt.token)
    with pytest.raises(EnrolmentRequired):
        identity.enrol_totp(attempt.token)


def test_a_wrong_code_in_a_reset_is_a_failed_sign_in_of_the_reset_flow(
    identity, make_staff, clock, events
):
    """Detection counts it with failed sign-ins (guessing is guessing); the trail says
    which flow it came from."""
    staff = make_staff()
    attempt = identity.begin_reset(identity.issue_password_reset(staff.account_id).token)
    with pytest.raises(InvalidCode):
        identity.verify_totp(attempt.token, "000000")
    failed = events.of(ev.SIGNIN_FAILED)[-1]
    assert failed["flow"] == "reset" and failed["account_id"] == staff.account_id
    with pytest.raises(InvalidCode):
        identity.verify_totp(sign_in_attempt(identity, staff), "000000")
    assert events.of(ev.SIGNIN_FAILED)[-1]["flow"] == "signin"


def sign_in_attempt(identity, staff) -> str:
    return identity.begin(staff.username, staff.password).token


def test_cannot_remove_the_last_second_factor(identity, make_staff, clock):
    from amanah.errors import Conflict

    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    with pytest.raises(Conflict):
        identity.remove_totp(signed.session_token)


def test_factor_changes_need_a_fresh_sign_in_and_notify(identity, make_staff, clock, mailer):
    from amanah.access.errors import StepUpRequired

    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    for _ in range(2):
        clock.advance(minutes=identity.config.factor_change_minutes // 2 + 1)
        identity.authenticate(signed.session_token)
    with pytest.raises(StepUpRequired):
        identity.new_recovery_codes(signed.session_token)
    identity.step_up_totp(signed.session_token, totp_now(staff.totp_secret, clock))
    mailer.sent.clear()
    identity.new_recovery_codes(signed.session_token)
    assert len(mailer.sent) == 1 and mailer.sent[0][0] == "siti@bank.test"
