"""Identity settings, read from the one ``Settings`` object with safe defaults.

Every field can be set as ``AMANAH_<NAME>`` once ``Settings`` declares it; until then
the defaults below apply (``from_settings`` reads each with ``getattr``), so this
package never breaks on a settings file that predates it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from amanah.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """Argon2id cost. Default: RFC 9106 section 4 'second recommended option' (64 MiB, t=3, p=4)."""

    time_cost: int = 3
    memory_kib: int = 65_536
    parallelism: int = 4
    hash_len: int = 32
    salt_len: int = 16


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    # sessions (NIST 800-63B rev 4 AAL2: reauthenticate at least every 24 h, idle <= 1 h)
    session_idle_minutes: int = 15
    session_absolute_hours: int = 12
    signin_attempt_minutes: int = 10
    # step-up: reveals and exports need a second factor used this recently
    stepup_minutes: int = 10
    stepup_actions: tuple[str, ...] = ("reveal", "export")
    # factor changes (enrol, remove, password, phone) need a factor this recent
    factor_change_minutes: int = 10
    # passwords
    argon2: Argon2Params = field(default_factory=Argon2Params)
    password_min_single_factor: int = 15
    password_min_mfa: int = 8
    password_max: int = 256
    organisation: str = "Amanah"
    invitation_hours: int = 72
    default_region: str = "ID"  # for phone numbers written without a country code
    # throttling and lockout
    lock_after_failures: int = 100
    account_free_failures: int = 5
    account_max_delay_seconds: int = 900
    source_free_failures: int = 50
    source_max_delay_seconds: int = 300
    throttle_window_hours: int = 24
    attempt_max_failures: int = 10  # wrong second factors before a sign-in must restart
    # TOTP
    totp_issuer: str = "Amanah"
    totp_drift_steps: int = 1
    # SMS one-time codes
    sms_code_minutes: int = 5
    sms_attempts_per_code: int = 5
    sms_failures_per_attempt: int = 10
    sms_resend_seconds: int = 30
    sms_max_sends: int = 5
    # recovery codes
    recovery_codes: int = 10
    # passkeys
    webauthn_rp_id: str = "localhost"
    webauthn_rp_name: str = "Amanah"
    webauthn_origins: tuple[str, ...] = ("https://localhost:8443",)
    webauthn_timeout_seconds: int = 300
    # secret for HMAC of SMS and recovery codes; a file in home when unset
    secret: bytes = b""

    def __post_init__(self) -> None:
        if self.sms_code_minutes > 10 or self.sms_code_minutes < 1:
            raise InvalidInput("sms_code_minutes must be between 1 and 10")
        if self.totp_drift_steps not in (0, 1):
            raise InvalidInput("totp_drift_steps must be 0 or 1")
        if self.lock_after_failures > 100:
            raise InvalidInput("lock_after_failures must be at most 100")
        if self.password_max < 64:
            raise InvalidInput("password_max must be at least 64")
        if self.password_min_single_factor < 15 or self.password_min_mfa < 8:
            raise InvalidInput("password minimums below NIST SP 800-63B rev 4")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> IdentityConfig:
        """Pick up ``identity_<field>``-style settings where ``Settings`` has them."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.name
            for attr in (f"identity_{name}", name):
                value = getattr(settings, attr, None)
                if value is not None and name not in ("argon2", "secret"):
                    if isinstance(value, list):
                        value = tuple(value)
                    values[name] = value
                    break
        base = Argon2Params()
        argon = Argon2Params(
            time_cost=getattr(settings, "argon2_time_cost", None) or base.time_cost,
            memory_kib=getattr(settings, "argon2_memory_kib", None) or base.memory_kib,
            parallelism=getattr(settings, "argon2_parallelism", None) or base.parallelism,
        )
        values["argon2"] = argon
        values["secret"] = load_secret(settings)
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes: Any) -> IdentityConfig:
        return replace(self, **changes)


def load_secret(settings: Any) -> bytes:
    """``identity_secret`` from settings, else ``<home>/identity.key`` (created, mode 0600)."""
    configured = getattr(settings, "identity_secret", None)
    if configured is not None:
        raw = (
            configured.get_secret_value() if hasattr(configured, "get_secret_value") else configured
        )
        return raw.encode() if isinstance(raw, str) else bytes(raw)
    home = Path(getattr(settings, "home", "var"))
    path = home / "identity.key"
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key.hex().encode())
    finally:
        os.close(fd)
    return key
