"""Passkeys without a browser: a software authenticator makes real WebAuthn responses
(EC P-256, attestation "none"); the browser test with Chromium's virtual authenticator
is tests/e2e/test_passkeys_browser.py.

As a second factor after the password, and passwordless: a discoverable passkey with
user verification is multi-factor on its own (800-63B rev 4 section 3.1.7).
"""

from __future__ import annotations

import copy
import threading

import pytest
from sqlalchemy import select

from amanah.identity import events as ev
from amanah.identity.errors import AccountLocked, InvalidCode, InvalidCredentials, Throttled
from amanah.identity.models import FactorFailure, SignInAttempt
from amanah.identity.service import Identity
from amanah.identity.testing import (
    PASSWORD,
    NoCredential,
    SoftAuthenticator,
    passkey_sign_in,
    sign_in,
)


@pytest.fixture
def passkey_staff(identity):
    """An account that enrols a passkey as its first second factor."""
    authenticator = SoftAuthenticator()
    invite = identity.invite("rudi", "supervisor")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("rudi", PASSWORD)
    options = identity.enrol_passkey_options(attempt.token)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    # a discoverable credential (a passkey), so it can sign in without a username
    assert options["authenticatorSelection"]["residentKey"] in ("required", "preferred")
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


def test_a_user_handle_of_another_account_is_refused_as_second_factor(identity, passkey_staff):
    """WebAuthn L3 7.2 step 6: the user handle, when given, must be the key's owner."""
    _, authenticator = passkey_staff
    authenticator.user_handle = b"acc_someone_else"
    attempt = identity.begin("rudi", PASSWORD)
    with pytest.raises(InvalidCode):
        identity.verify_passkey(
            attempt.token, authenticator.get(identity.passkey_options(attempt.token))
        )


# ---- passwordless: the passkey alone ---------------------------------------------------------


def wrong_signature(response: dict) -> dict:
    bad = copy.deepcopy(response)
    bad["response"]["signature"] = response["response"]["signature"][:-4] + "AAAA"
    return bad


def test_passwordless_sign_in_with_a_passkey_alone(identity, passkey_staff, events, factory):
    """No username, no password: the passkey names its account (user handle) and its user
    verification makes the session multi-factor (800-63B rev 4 3.1.7; ASVS 5.0 V6.5)."""
    account_id, authenticator = passkey_staff
    events.clear()
    start = identity.begin_passkey_sign_in(source="10.0.0.7")
    assert start.options["allowCredentials"] == []  # usernameless: the authenticator offers
    assert start.options["userVerification"] == "required"
    assert start.options["rpId"] == "amanah.test"
    assert start.options["challenge"] not in start.token.split(".")[2]  # sealed, not bare
    signed = identity.sign_in_with_passkey(
        start.token, authenticator.get(start.options), source="10.0.0.7", user_agent="pytest"
    )
    assert signed.account_id == account_id and signed.factors == ("passkey",)
    ctx = identity.authenticate(signed.session_token)
    assert set(ctx.factors) == {"passkey"}  # no password step
    identity.require_fresh_factor(ctx)  # a step-up is satisfied by the sign-in itself
    assert identity.factors(account_id).passkeys[0].last_used_at is not None
    assert events.names()[:2] == [ev.FACTOR_USED, ev.SIGNIN_SUCCEEDED]
    assert events.of(ev.SIGNIN_SUCCEEDED)[0] == {
        "account_id": account_id, "session_id": signed.session_id,
        "factor": "passkey", "method": "passwordless",
    }  # fmt: skip
    assert events.of(ev.SESSION_STARTED) == [
        {"account_id": account_id, "session_id": signed.session_id}
    ]
    assert ev.SIGNIN_PASSWORD_OK not in events.names()
    with factory() as s:  # recorded as a completed sign-in, like the two-step ones
        row = s.scalar(select(SignInAttempt).where(SignInAttempt.source == "10.0.0.7"))
        assert row.factors.keys() == {"passkey"} and row.completed_at is not None
        assert row.user_agent == "pytest" and row.account_id == account_id


def test_passwordless_challenge_is_single_use(identity, passkey_staff):
    _, authenticator = passkey_staff
    authenticator.counts = False  # so only the challenge can stop a replay
    start = identity.begin_passkey_sign_in()
    response = authenticator.get(start.options)
    assert identity.sign_in_with_passkey(start.token, response)
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, response)
    # nor does the answer fit another browser's challenge
    other = identity.begin_passkey_sign_in()
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(other.token, response)
    assert identity.sign_in_with_passkey(other.token, authenticator.get(other.options))


def test_passwordless_challenge_is_spent_even_when_verification_fails(identity, passkey_staff):
    _, authenticator = passkey_staff
    start = identity.begin_passkey_sign_in()
    good = authenticator.get(start.options)
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, wrong_signature(good))
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, good)


def test_racing_uses_of_one_challenge_sign_in_once(identity, passkey_staff):
    """Two requests with the same answer at once: the spent-challenge row's primary key
    lets one through (on PostgreSQL the loser waits on the row, then fails)."""
    _, authenticator = passkey_staff
    authenticator.counts = False
    start = identity.begin_passkey_sign_in()
    response = authenticator.get(start.options)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def use() -> None:
        barrier.wait()
        try:
            results.append(identity.sign_in_with_passkey(start.token, response))
        except InvalidCredentials as exc:
            results.append(exc)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2
    assert sum(isinstance(r, InvalidCredentials) for r in results) == 1


def test_passwordless_challenge_expires_and_cannot_be_forged(identity, passkey_staff, clock):
    _, authenticator = passkey_staff
    start = identity.begin_passkey_sign_in()
    clock.advance(seconds=identity.config.webauthn_timeout_seconds + 1)
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, authenticator.get(start.options))
    start = identity.begin_passkey_sign_in()
    challenge, expiry, mac = start.token.split(".")
    for forged in (
        f"{challenge}.{int(expiry) + 3600}.{mac}",  # a longer life
        f"{challenge}.{expiry}.{'0' * len(mac)}",  # no key
        f"{challenge}.{expiry}",
        "",
        "x" * 5000,
    ):
        with pytest.raises(InvalidCredentials):
            identity.sign_in_with_passkey(forged, authenticator.get(start.options))


def test_unknown_passkey_and_bad_signature_get_the_same_answer(identity, passkey_staff, events):
    _, authenticator = passkey_staff
    stranger = SoftAuthenticator(user_handle=authenticator.user_handle)  # never registered
    answers = []
    for make in (stranger.get, lambda o: wrong_signature(authenticator.get(o))):
        start = identity.begin_passkey_sign_in()
        with pytest.raises(InvalidCredentials) as info:
            identity.sign_in_with_passkey(start.token, make(start.options))
        answers.append((info.value.code, info.value.status, str(info.value)))
    assert answers[0] == answers[1]
    failed = events.of(ev.SIGNIN_FAILED)
    assert [f["reason"] for f in failed[-2:]] == ["invalid", "invalid"]
    assert failed[-2]["account_id"] is None  # the stranger named no account


def test_passwordless_needs_the_keys_own_user_handle(identity, passkey_staff, make_staff):
    """A discoverable answer must say whose it is, and be that account's key."""
    _, authenticator = passkey_staff
    other = make_staff("lina")
    start = identity.begin_passkey_sign_in()
    authenticator.user_handle = other.account_id.encode()
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, authenticator.get(start.options))
    # a non-resident credential cannot answer a usernameless request at all
    with pytest.raises(NoCredential):
        SoftAuthenticator(resident=False).get(identity.begin_passkey_sign_in().options)
    # and a forged answer without a user handle is refused
    authenticator.user_handle = b""
    start = identity.begin_passkey_sign_in()
    response = authenticator.get(start.options)
    response["response"]["userHandle"] = None
    with pytest.raises(InvalidCredentials):
        identity.sign_in_with_passkey(start.token, response)


def test_passwordless_needs_user_verification(identity, passkey_staff):
    _, authenticator = passkey_staff
    authenticator.user_verified = False
    with pytest.raises(InvalidCredentials):
        passkey_sign_in(identity, authenticator)


def test_passwordless_sign_count_must_grow(identity, passkey_staff):
    _, authenticator = passkey_staff
    assert passkey_sign_in(identity, authenticator)
    authenticator.sign_count -= 1  # a clone replays an older counter
    with pytest.raises(InvalidCredentials):
        passkey_sign_in(identity, authenticator)


def test_passwordless_refuses_a_disabled_account(identity, passkey_staff):
    account_id, authenticator = passkey_staff
    identity.disable(account_id)
    with pytest.raises(InvalidCredentials):
        passkey_sign_in(identity, authenticator)
    identity.enable(account_id)
    assert passkey_sign_in(identity, authenticator).account_id == account_id


def test_passwordless_failures_throttle_and_then_lock_the_account(
    identity, passkey_staff, clock, events, factory
):
    """Bad passkey answers slow the account down, and 100 in a row lock it, as for every
    factor (800-63B rev 4 3.2.2); a locked account gets no session even with its key."""
    account_id, authenticator = passkey_staff
    for _ in range(identity.config.account_free_failures + 1):
        start = identity.begin_passkey_sign_in()
        with pytest.raises(InvalidCredentials):
            identity.sign_in_with_passkey(
                start.token, wrong_signature(authenticator.get(start.options))
            )
    start = identity.begin_passkey_sign_in()
    with pytest.raises(Throttled):
        identity.sign_in_with_passkey(start.token, authenticator.get(start.options))
    assert events.of(ev.SIGNIN_THROTTLED)[-1]["account_id"] == account_id
    failures = identity.config.account_free_failures + 1
    while failures < identity.config.lock_after_failures:
        clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
        start = identity.begin_passkey_sign_in(source=f"s{failures}")
        with pytest.raises(InvalidCredentials):
            identity.sign_in_with_passkey(
                start.token, wrong_signature(authenticator.get(start.options)),
                source=f"s{failures}",
            )  # fmt: skip
        failures += 1
    assert identity.account(account_id).locked
    assert events.of(ev.ACCOUNT_LOCKED) == [{"account_id": account_id, "factor": "passkey"}]
    clock.advance(seconds=identity.config.account_max_delay_seconds + 1)
    with pytest.raises(AccountLocked):
        passkey_sign_in(identity, authenticator)
    identity.unlock(account_id)
    assert passkey_sign_in(identity, authenticator).factors == ("passkey",)
    with factory() as s:  # success clears the counter
        assert s.get(FactorFailure, (account_id, "passkey")) is None


def test_passwordless_failures_count_against_the_source_address(
    factory, config, events, mailer, outbox, clock, passkey_staff
):
    _, authenticator = passkey_staff
    strict = Identity(
        factory, config.with_(source_free_failures=2), events=events, mailer=mailer,
        sms_provider=outbox, clock=clock,
    )  # fmt: skip
    stranger = SoftAuthenticator()
    for _ in range(3):
        start = strict.begin_passkey_sign_in(source="203.0.113.9")
        with pytest.raises(InvalidCredentials):
            strict.sign_in_with_passkey(
                start.token, stranger.get(start.options), source="203.0.113.9"
            )
    with pytest.raises(Throttled):
        strict.begin_passkey_sign_in(source="203.0.113.9")
    # another address is not affected
    assert passkey_sign_in(strict, authenticator, source="203.0.113.10")


def test_malformed_passwordless_answers_are_refused_cleanly(identity, passkey_staff):
    _, authenticator = passkey_staff
    start = identity.begin_passkey_sign_in()
    good = authenticator.get(start.options)
    too_long = copy.deepcopy(good)
    too_long["rawId"] = too_long["id"] = "A" * 1400
    for response in ({}, [], "not json", {"id": 1}, too_long):
        with pytest.raises(InvalidCredentials):
            identity.sign_in_with_passkey(start.token, response)  # type: ignore[arg-type]
    assert identity.sign_in_with_passkey(start.token, good)  # not spent by the junk
