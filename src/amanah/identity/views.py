"""The values the identity service hands back: invitations, sign-in steps, sessions opened,
account and factor views. Plain frozen dataclasses, so callers never hold ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Invite:
    account_id: str
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A sign-in in progress. ``next``: "second-factor", "enrol" or "set-password" (reset)."""

    token: str
    next: str
    factors: tuple[str, ...]
    expires_at: datetime
    purpose: str = "signin"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session. ``device_token`` is set when the browser needs a new device cookie;
    ``recovery_codes`` when the first second factor was just enrolled (show them once)."""

    session_token: str
    session_id: str
    account_id: str
    factors: tuple[str, ...]
    device_token: str | None = None
    new_device: bool = False
    recovery_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountView:
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None
    status: str
    locked: bool
    locale: str
    has_email: bool
    phone_verified: bool
    factors: tuple[str, ...]
    locked_at: datetime | None = None
    locked_factor: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PasskeyView:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    backed_up: bool


@dataclass(frozen=True, slots=True)
class FactorSummary:
    totp: bool
    sms: bool
    passkeys: tuple[PasskeyView, ...]
    recovery_codes_left: int

    @property
    def second_factors(self) -> tuple[str, ...]:
        names = []
        if self.passkeys:
            names.append("passkey")
        if self.totp:
            names.append("totp")
        if self.sms:
            names.append("sms")
        return tuple(names)
