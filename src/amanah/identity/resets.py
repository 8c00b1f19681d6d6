"""Password reset: an administrator's one-time link, then a second factor, then the new
password. Kept apart because it reuses sign-in attempts for a different purpose."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from amanah.db import transaction
from amanah.errors import Conflict
from amanah.identity import events as ev
from amanah.identity import throttle
from amanah.identity.common import digest, new_token
from amanah.identity.core import ENROLLABLE
from amanah.identity.errors import EnrolmentRequired, InvalidInvitation, Throttled
from amanah.identity.models import Invitation
from amanah.identity.notices import Notice
from amanah.identity.sessions import SECOND_FACTORS
from amanah.identity.signin import SignInFlows
from amanah.identity.views import Attempt, Invite
from amanah.ids import new_id


class Resets(SignInFlows):
    """Issuing, opening and completing a password reset."""

    def issue_password_reset(self, account_id: str, *, actor_id: str | None = None) -> Invite:
        """A one-time reset link for an active account; using it still needs a second factor."""
        now = self.clock()
        token = new_token()
        expires = now + timedelta(hours=self.config.invitation_hours)
        with transaction(self.factory) as s:
            account = self._account(s, account_id)
            if account.status != "active":
                raise Conflict("only an active account can reset its password")
            s.execute(
                update(Invitation)
                .where(
                    Invitation.account_id == account_id,
                    Invitation.purpose == "reset",
                    Invitation.used_at.is_(None),
                )
                .values(used_at=now)
            )
            s.add(
                Invitation(
                    id=new_id("inv"),
                    account_id=account_id,
                    purpose="reset",
                    token_hash=digest(token),
                    created_at=now,
                    expires_at=expires,
                )
            )
        self._emit(ev.PASSWORD_RESET, account_id=account_id, actor_id=actor_id, step="issued")
        return Invite(account_id, token, expires)

    def begin_reset(
        self, reset_token: str, *, source: str | None = None, user_agent: str | None = None
    ) -> Attempt:
        """Open a reset link. The next step is a second factor (a recovery code will do),
        never the new password directly, unless the account has no second factor at all.

        A wrong, spent or expired link counts against the source address as a failed
        sign-in does (growing delays, ``Throttled``), so links cannot be guessed at speed."""
        now = self.clock()
        src_key = self._key("src", source or "-")
        try:
            with transaction(self.factory) as s:
                throttle.check(s, src_key, self.source_rule, now)
        except Throttled:
            self._emit(ev.PASSWORD_RESET, step="opened", reason="throttled")
            raise
        try:
            with transaction(self.factory) as s:
                invitation = self._take_invitation(s, reset_token, "reset", now, consume=False)
                account = self._account(s, invitation.account_id)
                if account.status != "active":
                    raise InvalidInvitation()
                attempt = self._new_attempt(
                    s, account, "reset",
                    {"reset-link": now.isoformat(), "invitation": invitation.id},
                    now, source=source, user_agent=user_agent, device=None,
                )  # fmt: skip
                account_id = account.id
        except InvalidInvitation:
            with transaction(self.factory) as s:
                throttle.fail(s, src_key, self.source_rule, now)
            self._emit(ev.PASSWORD_RESET, step="opened", reason="invalid")
            raise
        self._emit(ev.PASSWORD_RESET, account_id=account_id, step="opened", next=attempt.next)
        return attempt

    def complete_reset(self, attempt_token: str, new_password: str) -> None:
        now = self.clock()
        notices: list[Notice] = []
        with transaction(self.factory) as s:
            attempt, account = self._live_attempt(s, attempt_token, now)
            if attempt.purpose != "reset":
                raise InvalidInvitation()
            factors = attempt.factors or {}
            has_second = any(f in self._available(s, account.id) for f in ENROLLABLE)
            if has_second and not any(f in factors for f in SECOND_FACTORS):
                raise EnrolmentRequired("prove a second factor before choosing a new password")
            invitation = s.get(Invitation, factors.get("invitation", ""))
            if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
                raise InvalidInvitation()
            self._check_password(account, new_password)
            invitation.used_at = now
            attempt.completed_at = now
            account.password_hash = self.hasher.hash(new_password)
            account.password_changed_at = now
            self._end_all(s, account.id, "password-reset", now)
            notices.append(
                self._notice(account, "factor_changed", now, factor="password", change="changed")
            )
            account_id = account.id
        self.notices.send(notices)
        self._emit(ev.PASSWORD_RESET, account_id=account_id, step="completed")
