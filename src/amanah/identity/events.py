"""Where identity reports what happened: sign-ins, factor changes, session ends.

The lead wires an implementation that writes the audit trail and publishes on the
event bus. Events carry opaque ids only (account, session, factor, reason): never a
username, address, phone number, code or token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SIGNIN_SUCCEEDED = "identity.signin.succeeded"
SIGNIN_FAILED = "identity.signin.failed"
SIGNIN_PASSWORD_OK = "identity.signin.password_ok"
SIGNIN_THROTTLED = "identity.signin.throttled"
ACCOUNT_INVITED = "identity.account.invited"
ACCOUNT_ACTIVATED = "identity.account.activated"
ACCOUNT_DISABLED = "identity.account.disabled"
ACCOUNT_ENABLED = "identity.account.enabled"
ACCOUNT_LOCKED = "identity.account.locked"
ACCOUNT_UNLOCKED = "identity.account.unlocked"
ACCOUNT_ROLE_CHANGED = "identity.account.role_changed"
ACCOUNT_TEAM_CHANGED = "identity.account.team_changed"
TEAM_CREATED = "identity.team.created"
PURGED = "identity.purged"
PASSWORD_CHANGED = "identity.password.changed"
PASSWORD_RESET = "identity.password.reset"
"""One reset, step by step (``step``): issued, opened, verified (a second factor), completed."""
FACTOR_ENROLLED = "identity.factor.enrolled"
FACTOR_REMOVED = "identity.factor.removed"
FACTOR_USED = "identity.factor.used"
FACTOR_FAILED = "identity.factor.failed"
RECOVERY_CODES_ISSUED = "identity.recovery.issued"
SMS_SENT = "identity.sms.sent"
SESSION_STARTED = "identity.session.started"
SESSION_ENDED = "identity.session.ended"
STEPUP_SUCCEEDED = "identity.stepup.succeeded"
STEPUP_RAISED = "identity.stepup.raised"
NEW_DEVICE = "identity.device.new"


class IdentityEvents(Protocol):
    def emit(self, event_name: str, **ids: str | int | None) -> None: ...


class NullEvents:
    def emit(self, event_name: str, **ids: str | int | None) -> None:
        return None


@dataclass
class MemoryEvents:
    """Collects events in order, for tests."""

    events: list[tuple[str, dict[str, str | int | None]]] = field(default_factory=list)

    def emit(self, event_name: str, **ids: str | int | None) -> None:
        self.events.append((event_name, dict(ids)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def of(self, event_name: str) -> list[dict[str, str | int | None]]:
        return [ids for name, ids in self.events if name == event_name]

    def clear(self) -> None:
        self.events.clear()
