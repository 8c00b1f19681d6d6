"""Passkeys without a browser: a software authenticator makes real WebAuthn responses
(EC P-256, attestation "none"); the browser test with Chromium's virtual authenticator
comes with the console."""

from __future__ import annotations

import copy

import pytest

from amanah.identity import events as ev
from amanah.identity.errors import InvalidCode, InvalidCredentials
from amanah.identity.testing import PASSWORD, SoftAuthenticator, sign_in


@pytest.fixture
def passkey_staff(identity):
    """An account that enrols a passkey as its first second factor."""
    authenticator = SoftAuthenticator()
    invite = identity.invite("rudi", "supervisor")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("rudi", PASSWORD)
    options = identity.enrol_passkey_options(attempt.token)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    assert options["rp"]["id"] == "amanah.test"
    signed = identity.confirm_passkey_enrolment(attempt.token, authenticator.create(options))
    assert "passkey" in signed.factors and len(signed.recovery_codes) == 10
    return invite.account_id, authenticator


def test_sign_in_with_a_passkey(identity, passkey_staff, events):
    account_id, authenticator = passkey_staff
    attempt = identity.begin("rudi", PASSWORD)
    assert attempt.factors[0] == "passkey"  # the strongest factor first
    options = identity.passkey_options(attempt.token)
    assert options["userVerification"] == "required"
    assert len(options["allowCredentials"]) == 1
    signed = identity.verify_passkey(attempt.token, authenticator.get(options))
    assert signed is not None and "passkey" in signed.factors
    assert identity.factors(account_id).passkeys[0].last_used_at is not None
    assert ev.FACTOR_ENROLLED in events.names()


def test_user_verification_is_required(identity, passkey_staff):
    _, authenticator = passkey_staff
    authenticator.user_verified = False
    attempt = identity.begin("rudi", PASSWORD)
    with pytest.raises(InvalidCode):
        identity.verify_passkey(
            attempt.token, authenticator.get(identity.passkey_options(attempt.token))
        )


def test_registration_without_user_verification_is_refused(identity):
    invite = identity.invite("tono", "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("tono", PASSWORD)
    options = identity.enrol_passkey_options(attempt.token)
    with pytest.raises(InvalidCode):
        identity.confirm_passkey_enrolment(
            attempt.token, SoftAuthenticator(user_verified=False).create(options)
        )


def test_challenges_are_single_use(identity, passkey_staff):
    _, authenticator = passkey_staff
    attempt = identity.begin("rudi", PASSWORD)
    response = authenticator.get(identity.passkey_options(attempt.token))
    assert identity.verify_passkey(attempt.token, response) is not None
    # replay the same response in a new sign-in: the challenge is spent and not this one's
    attempt = identity.begin("rudi", PASSWORD)
    identity.passkey_options(attempt.token)
    with pytest.raises(InvalidCode):
        identity.verify_passkey(attempt.token, response)


def test_a_challenge_is_used_even_when_verification_fails(identity, passkey_staff):
    _, authenticator = passkey_staff
    attempt = identity.begin("rudi", PASSWORD)
    options = identity.passkey_options(attempt.token)
    good = authenticator.get(options)
    bad = copy.deepcopy(good)
    bad["response"]["signature"] = good["response"]["signature"][:-4] + "AAAA"
    with pytest.raises(InvalidCode):
        identity.verify_passkey(attempt.token, bad)
    with pytest.raises(InvalidCode):
        identity.verify_passkey(attempt.token, good)


def test_challenges_expire(identity, passkey_staff, clock):
    _, authenticator = passkey_staff
    attempt = identity.begin("rudi", PASSWORD)
    options = identity.passkey_options(attempt.token)
    clock.advance(seconds=identity.config.webauthn_timeout_seconds + 1)
    with pytest.raises((InvalidCode, InvalidCredentials)):
        identity.verify_passkey(attempt.token, authenticator.get(options))


def test_sign_count_must_grow(identity, passkey_staff):
    """A cloned authenticator shows up as a counter that did not grow."""
    _, authenticator = passkey_staff
    attempt = identity.begin("rudi", PASSWORD)
    assert identity.verify_passkey(
        attempt.token, authenticator.get(identity.passkey_options(attempt.token))
    )
    authenticator.sign_count -= 1  # the clone replays an older counter
    attempt = identity.begin("rudi", PASSWORD)
    with pytest.raises(InvalidCode):
        identity.verify_passkey(
            attempt.token, authenticator.get(identity.passkey_options(attempt.token))
        )


def test_authenticators_without_a_counter_are_accepted(identity):
    authenticator = SoftAuthenticator(counts=False)
    invite = identity.invite("sari", "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("sari", PASSWORD)
    identity.confirm_passkey_enrolment(
        attempt.token, authenticator.create(identity.enrol_passkey_options(attempt.token))
    )
    for _ in range(2):
        attempt = identity.begin("sari", PASSWORD)
        assert identity.verify_passkey(
            attempt.token, authenticator.get(identity.passkey_options(attempt.token))
        )


def test_wrong_origin_and_wrong_rp_are_refused(identity, passkey_staff):
    _, authenticator = passkey_staff
    for field, value in (("origin", "https://evil.test"), ("rp_id", "evil.test")):
        clone = copy.copy(authenticator)
        setattr(clone, field, value)
        attempt = identity.begin("rudi", PASSWORD)
        with pytest.raises(InvalidCode):
            identity.verify_passkey(
                attempt.token, clone.get(identity.passkey_options(attempt.token))
            )


def test_another_accounts_passkey_is_refused(identity, passkey_staff, make_staff):
    other = make_staff("lina")
    attempt = identity.begin(other.username, PASSWORD)
    # lina has no passkey: options are refused, and a forged answer cannot pass either
    from amanah.identity.errors import FactorNotAvailable

    with pytest.raises(FactorNotAvailable):
        identity.passkey_options(attempt.token)


def test_add_and_remove_a_passkey_in_a_session(identity, make_staff, clock, mailer):
    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    authenticator = SoftAuthenticator()
    options = identity.add_passkey_options(signed.session_token)
    key_id = identity.add_passkey(signed.session_token, authenticator.create(options), "Laptop")
    summary = identity.factors(staff.account_id)
    assert summary.passkeys[0].name == "Laptop" and summary.second_factors[0] == "passkey"
    # the same authenticator cannot be registered twice
    with pytest.raises(InvalidCode):
        identity.add_passkey(
            signed.session_token,
            authenticator.create(identity.add_passkey_options(signed.session_token)),
        )
    # step up with it
    ctx = identity.step_up_passkey(
        signed.session_token,
        authenticator.get(identity.step_up_passkey_options(signed.session_token)),
    )
    assert "passkey" in ctx.factors
    identity.remove_passkey(signed.session_token, key_id)
    assert not identity.factors(staff.account_id).passkeys
    assert sum("sign-in settings" in m[1] for m in mailer.sent) >= 2
