"""Identity errors. Messages never say whether an account or token exists."""

from __future__ import annotations

from amanah.errors import AmanahError, Forbidden, InvalidInput, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "invalid-credentials"
    title = "Invalid or expired credentials"


class AccountLocked(Unauthenticated):
    """Too many consecutive failures of one factor; an administrator must unlock."""

    code = "account-locked"
    title = "This account is locked; ask an administrator to unlock it"


class Throttled(AmanahError):
    """Too many recent failures from this account or address; ``retry_after`` in seconds."""

    code, status, title, exit_code = "throttled", 429, "Too many attempts; try again later", 8

    @property
    def retry_after(self) -> int:
        return int(self.extra.get("retry_after", 1))  # type: ignore[call-overload]


class InvalidCode(Unauthenticated):
    code = "invalid-code"
    title = "The code is wrong, used or expired"


class WeakPassword(InvalidInput):
    """The new password breaks the policy; ``reason`` is a stable slug for the console."""

    code = "weak-password"
    title = "This password cannot be used"

    @property
    def reason(self) -> str:
        return str(self.extra.get("reason", ""))


class EnrolmentRequired(Forbidden):
    """The account has no second factor yet: enrol one before a full session."""

    code = "enrolment-required"
    title = "Set up a second factor to continue"


class FactorNotAvailable(InvalidInput):
    code = "factor-not-available"
    title = "This factor is not set up for the account"


class InvalidInvitation(Unauthenticated):
    code = "invalid-invitation"
    title = "The invitation or reset link is invalid or expired"
