"""TOTP (RFC 6238) with pyotp: 6 digits, 30-second steps, at most one step of drift.

Each accepted code's time step is stored, and a code for that step or an earlier one is
refused: every code works once (800-63B rev 4 section 3.1.4.2, ASVS 5.0 V6.5).
"""

from __future__ import annotations

import hmac
import io
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

STEP_SECONDS = 30
DIGITS = 6


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """What the console shows once: the secret, the otpauth URI and its QR code."""

    factor_id: str
    secret: str
    uri: str
    qr_svg: str


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226 recommends at least 128, 160 preferred)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account_name: str, issuer: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS, digits=DIGITS).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an SVG QR code (error correction M), served by Amanah itself."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(
        buffer, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, title="TOTP"
    )
    return buffer.getvalue().decode()


def qr_png(uri: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def time_step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS, digits=DIGITS).generate_otp(step)


def match(
    secret: str, code: str, now: datetime, last_step: int | None, drift: int = 1
) -> int | None:
    """The time step ``code`` belongs to, if valid now (±drift) and newer than ``last_step``."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = time_step(now)
    found: int | None = None
    for step in range(current - drift, current + drift + 1):
        # compare every candidate, so timing does not say which step matched
        if hmac.compare_digest(code_at_step(secret, step), code) and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found
