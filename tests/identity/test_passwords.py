"""Passwords: NIST SP 800-63B rev 4 section 3.1.1.2 and OWASP ASVS 5.0 V6.2, V11.4."""

from __future__ import annotations

import time

import pytest

from amanah.identity.config import Argon2Params, IdentityConfig
from amanah.identity.errors import WeakPassword
from amanah.identity.passwords import (
    PasswordHasher,
    PasswordPolicy,
    blocklist_size,
    estimate_strength,
    is_blocklisted,
)
from amanah.identity.testing import PASSWORD, sign_in

POLICY = PasswordPolicy()
FAST = Argon2Params(time_cost=1, memory_kib=8192, parallelism=1)


def reason(password: str, **kwargs) -> str | None:
    kwargs.setdefault("mfa", True)
    try:
        POLICY.check(password, **kwargs)
    except WeakPassword as exc:
        return exc.reason
    return None


def test_minimum_15_without_mfa_and_8_with_it():
    assert reason("a" * 7 + "Zq9", mfa=True) is None  # 10 characters
    assert reason("xq7#Lm2v", mfa=True) is None  # 8
    assert reason("xq7#Lm2", mfa=True) == "too-short"  # 7
    assert reason("xq7#Lm2vRt5&Wk", mfa=False) == "too-short"  # 14
    assert reason("xq7#Lm2vRt5&Wk3", mfa=False) is None  # 15


def test_long_passwords_accepted_up_to_256():
    assert reason("tujuh ekor kucing oranye " * 10 + "abcdef") is None  # 256
    assert reason("x" * 64 + " some words to avoid repetition") is None
    assert reason("k" * 257) == "too-long"


def test_no_composition_rules():
    """800-63B: verifiers SHALL NOT impose other composition rules."""
    assert reason("all lower case words only here", mfa=False) is None
    assert reason("ALLUPPERCASEWITHNODIGITS", mfa=False) is None
    assert reason("0192837465019283746", mfa=False) is None


def test_spaces_and_unicode_are_allowed_and_normalised():
    assert reason("kopi susu  di pagi hari ☕", mfa=False) is None
    hasher = PasswordHasher(FAST)
    stored = hasher.hash("ｐａｓｓｗｏｒｄ　ｆｕｌｌ　ｗｉｄｔｈ")  # full-width forms
    assert hasher.verify(stored, "password full width")[0]  # NFKC


def test_no_truncation():
    """Every character counts (bcrypt-style 72-byte truncation would fail this)."""
    hasher = PasswordHasher(FAST)
    long = "a-long-passphrase-" * 10 + "END1"
    stored = hasher.hash(long)
    assert hasher.verify(stored, long)[0]
    assert not hasher.verify(stored, long[:-1])[0]
    assert not hasher.verify(stored, long[:72])[0]
    assert not hasher.verify(stored, long[:-1] + "2")[0]


def test_blocklist_has_at_least_100000_entries():
    assert blocklist_size() >= 100_000


@pytest.mark.parametrize(
    "password",
    [
        "password",  # the classics, any length
        "12345678",
        "iloveyou",
        "1234567890",
        "qwertyuiop",
        "Password1234",  # case-insensitive
        "bismillah",  # common in Indonesia
        "sayangku123",
        "indonesia1945",
    ],
)
def test_common_and_breached_passwords_are_refused(password):
    assert is_blocklisted(password)
    assert reason(password) == "common"


def test_uncommon_passwords_pass_the_blocklist():
    assert not is_blocklisted(PASSWORD)
    assert not is_blocklisted("gajah biru makan rambutan")


@pytest.mark.parametrize(
    ("password", "context"),
    [
        ("siti.rahma.2024", {"username": "siti.rahma"}),
        ("SitiRahma!!!!", {"display_name": "Siti Rahma"}),
        ("banknusantara1", {"organisation": "Bank Nusantara"}),
        ("amanahamanah2024", {}),  # the service's own name
        ("budi@bank1234", {"email": "budi@bank.test"}),
    ],
)
def test_context_words_are_refused(password, context):
    assert reason(password, **context) == "context"


def test_a_name_inside_a_long_passphrase_is_fine():
    assert reason("siti likes green tea with jasmine", username="siti") is None


def test_argon2id_parameters_are_stated_in_the_hash():
    default = Argon2Params()
    assert (default.time_cost, default.memory_kib, default.parallelism) == (3, 65536, 4)
    stored = PasswordHasher(FAST).hash("whatever it is")
    assert stored.startswith("$argon2id$v=19$m=8192,t=1,p=1$")


def test_rehash_is_reported_when_parameters_change():
    old = PasswordHasher(FAST).hash(PASSWORD)
    ok, new = PasswordHasher(Argon2Params(2, 8192, 1)).verify(old, PASSWORD)
    assert ok and new is not None and "t=2" in new
    ok, same = PasswordHasher(FAST).verify(old, PASSWORD)
    assert ok and same is None


def test_strength_meter():
    weak = estimate_strength("password")
    fair = estimate_strength("tiger lamp")
    strong = estimate_strength(PASSWORD + " on a boat")
    assert weak.score == 0 and strong.score == 4
    assert weak.guesses_log10 < fair.guesses_log10 < strong.guesses_log10
    assert estimate_strength("siti2024", ["siti"]).score <= 1
    assert estimate_strength("x" * 256).score >= 0  # long input is cut for the meter only


def test_min_8_once_mfa_was_used(identity, make_staff, clock):
    """After a second factor has been used the account may choose an 8+ character password."""
    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    identity.change_password(signed.session_token, PASSWORD, "xq7#Lm2v")
    staff.password = "xq7#Lm2v"
    assert sign_in(identity, staff, clock).session_token


def test_change_password_needs_the_current_one_and_ends_other_sessions(identity, make_staff, clock):
    from amanah.identity.errors import InvalidCredentials

    staff = make_staff()
    other = sign_in(identity, staff, clock)
    current = sign_in(identity, staff, clock)
    with pytest.raises(InvalidCredentials):
        identity.change_password(current.session_token, "not the password", "new pass phrase 42")
    identity.change_password(current.session_token, PASSWORD, "new pass phrase 42")
    identity.authenticate(current.session_token)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(other.session_token)


@pytest.mark.slow
def test_default_parameters_latency():
    """The measured cost of one verification with the default parameters (report it)."""
    hasher = PasswordHasher(IdentityConfig().argon2)
    stored = hasher.hash(PASSWORD)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        assert hasher.verify(stored, PASSWORD)[0]
        times.append(time.perf_counter() - start)
    median = sorted(times)[2]
    print(f"Argon2id m=64MiB t=3 p=4 verify: median {median * 1000:.0f} ms")
    assert median < 2.0
