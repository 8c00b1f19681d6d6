"""TOTP: the RFC 6238 test vectors, codes from the independent ``oathtool``, drift, replay."""

from __future__ import annotations

import base64
import shutil
import subprocess
from datetime import UTC, datetime

import pyotp
import pytest

from amanah.identity import totp
from amanah.identity.errors import InvalidCode
from amanah.identity.testing import PASSWORD, Clock, totp_now
from amanah.testing import require

# RFC 6238 appendix B, SHA-1 rows: (Unix time, 8-digit TOTP); key "12345678901234567890"
RFC6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(("unix", "expected"), RFC6238_SHA1)
def test_rfc6238_sha1_vectors(unix, expected):
    # 8 digits through pyotp, as in the RFC
    assert pyotp.TOTP(RFC_SECRET, digits=8, interval=30).at(unix) == expected
    # Amanah's 6-digit codes are the same truncation modulo 10^6 (RFC 4226 section 5.3)
    moment = datetime.fromtimestamp(unix, UTC)
    assert totp.code_at_step(RFC_SECRET, totp.time_step(moment)) == expected[-6:]
    assert totp.match(RFC_SECRET, expected[-6:], moment, None) == unix // 30


def test_one_step_of_drift_at_most():
    secret = totp.new_secret()
    now = datetime(2026, 11, 29, 3, 0, 15, tzinfo=UTC)
    step = totp.time_step(now)
    for offset in (-1, 0, 1):
        assert totp.match(secret, totp.code_at_step(secret, step + offset), now, None) is not None
    for offset in (-2, 2, 10):
        assert totp.match(secret, totp.code_at_step(secret, step + offset), now, None) is None
    # drift 0 accepts the current step only
    assert totp.match(secret, totp.code_at_step(secret, step - 1), now, None, drift=0) is None


def test_replay_and_older_steps_are_refused():
    secret = totp.new_secret()
    now = datetime(2026, 11, 29, 3, 0, 15, tzinfo=UTC)
    step = totp.time_step(now)
    code = totp.code_at_step(secret, step)
    assert totp.match(secret, code, now, last_step=step) is None
    previous = totp.code_at_step(secret, step - 1)
    assert totp.match(secret, previous, now, last_step=step) is None


def test_malformed_codes_are_refused():
    secret = totp.new_secret()
    now = datetime(2026, 11, 29, 3, 0, 15, tzinfo=UTC)
    for bad in ("", "12345", "1234567", "abcdef", "12 34 5x"):
        assert totp.match(secret, bad, now, None) is None


def test_secret_has_160_bits_and_uri_and_qr():
    secret = totp.new_secret()
    assert len(base64.b32decode(secret)) == 20
    uri = totp.provisioning_uri(secret, "siti", "Amanah")
    assert uri.startswith("otpauth://totp/Amanah:siti?") and f"secret={secret}" in uri
    svg = totp.qr_svg(uri)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert totp.qr_png(uri).startswith(b"\x89PNG")


def test_a_code_signs_in_once_only(identity, make_staff, clock):
    staff = make_staff()
    code = totp_now(staff.totp_secret, clock)
    first = identity.begin(staff.username, PASSWORD)
    assert identity.verify_totp(first.token, code) is not None
    second = identity.begin(staff.username, PASSWORD)
    with pytest.raises(InvalidCode):
        identity.verify_totp(second.token, code)  # the same code in another sign-in


def _oathtool(secret: str, moment: datetime | None = None) -> str:
    args = ["oathtool", "--totp", "-b", secret]
    if moment is not None:
        args += ["--now", moment.strftime("%Y-%m-%d %H:%M:%S UTC")]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def test_oathtool_agrees_with_the_rfc_vectors():
    require(shutil.which("oathtool") is not None, "oathtool (OATH Toolkit) is not installed")
    for unix, expected in RFC6238_SHA1[:5]:
        assert _oathtool(RFC_SECRET, datetime.fromtimestamp(unix, UTC)) == expected[-6:]


def test_codes_from_oathtool_are_accepted(identity, make_staff, clock):
    """An independent client: enrol and sign in with codes ``oathtool --totp`` computes."""
    require(shutil.which("oathtool") is not None, "oathtool (OATH Toolkit) is not installed")
    invite = identity.invite("oath", "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin("oath", PASSWORD)
    enrolment = identity.enrol_totp(attempt.token)
    signed = identity.confirm_totp_enrolment(attempt.token, _oathtool(enrolment.secret, clock()))
    assert "totp" in signed.factors
    for minutes in (1, 7, 30):
        clock.advance(minutes=minutes)
        attempt = identity.begin("oath", PASSWORD)
        assert identity.verify_totp(attempt.token, _oathtool(enrolment.secret, clock()))


def test_codes_from_oathtool_in_real_time(factory, config, make_staff):
    """Real clock, real oathtool: what a person with an authenticator app does."""
    require(shutil.which("oathtool") is not None, "oathtool (OATH Toolkit) is not installed")
    from amanah.identity.service import Identity

    real = Identity(factory, config)
    invite = real.invite("live", "agent")
    real.accept_invitation(invite.token, PASSWORD)
    attempt = real.begin("live", PASSWORD)
    enrolment = real.enrol_totp(attempt.token)
    assert real.confirm_totp_enrolment(attempt.token, _oathtool(enrolment.secret))
    assert Clock  # (the fake clock is not used here)
