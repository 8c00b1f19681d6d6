"""Live staff sessions: authenticating a token, signing out, listing and ending sessions.

The session rows and their rules are in ``sessions``; this is the service side (events,
who may end whose session)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from amanah.access.gate import Principal
from amanah.db import transaction
from amanah.errors import Forbidden, NotFound
from amanah.identity import events as ev
from amanah.identity import sessions
from amanah.identity.core import IdentityCore
from amanah.identity.errors import AccountLocked, InvalidCredentials
from amanah.identity.models import StaffAccount, StaffSession
from amanah.identity.sessions import AuthContext, SessionInfo


class SessionFlows(IdentityCore):
    """Authenticating, listing and ending sessions."""

    def authenticate(self, session_token: str) -> AuthContext:
        """The signed-in context for a session token, or ``InvalidCredentials``."""
        now = self.clock()
        ended: tuple[str, str, str] | None = None
        ctx: AuthContext | None = None
        with transaction(self.factory) as s:
            row, reason = sessions.find_live(s, self.config, session_token, now)
            if row is not None:
                account = self._account(s, row.account_id)
                if reason is None and account.status != "active":
                    reason = "account-disabled"
                if reason is not None:
                    sessions.end(row, reason, now)
                    ended = (row.id, row.account_id, reason)
                else:
                    if now - row.last_seen_at >= sessions.TOUCH_EVERY:
                        row.last_seen_at = now
                    ctx = sessions.context(row, account)
        if ended is not None:
            self._emit(ev.SESSION_ENDED, session_id=ended[0], account_id=ended[1], reason=ended[2])
        if ctx is None:
            raise InvalidCredentials("the session has ended: sign in again")
        return ctx

    def sign_out(self, session_token: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, _ = sessions.find_live(s, self.config, session_token, now)
            if row is None or not sessions.end(row, "signed-out", now):
                return
            ids = (row.id, row.account_id)
        self._emit(ev.SESSION_ENDED, session_id=ids[0], account_id=ids[1], reason="signed-out")

    def list_sessions(self, account_id: str, *, current: str | None = None) -> list[SessionInfo]:
        now = self.clock()
        idle = timedelta(minutes=self.config.session_idle_minutes)
        with self.factory() as s:
            return [
                sessions.info(row, current)
                for row in sessions.live_sessions(s, account_id, now)
                if now - row.last_seen_at < idle
            ]

    def end_session(
        self, actor: AuthContext | Principal, session_id: str, *, account_id: str | None = None
    ) -> None:
        """End one session: your own, or anyone's if you are an admin. With ``account_id``,
        only a session of that account (an admin acting from one person's page)."""
        now = self.clock()
        actor_id = actor.account_id if isinstance(actor, AuthContext) else actor.id
        actor_role = actor.role
        with transaction(self.factory) as s:
            row = s.get(StaffSession, session_id)
            if row is None or (account_id is not None and row.account_id != account_id):
                raise NotFound("no such session")
            if row.account_id != actor_id and actor_role != "admin":
                raise Forbidden("only an administrator can end another person's session")
            changed = sessions.end(
                row, "ended-by-admin" if row.account_id != actor_id else "ended-by-user", now
            )
            account_id = row.account_id
        if changed:
            self._emit(
                ev.SESSION_ENDED, session_id=session_id, account_id=account_id,
                reason="ended", actor_id=actor_id,
            )  # fmt: skip

    def end_all_sessions(
        self,
        account_id: str,
        *,
        reason: str = "ended-by-admin",
        keep: str | None = None,
        actor_id: str | None = None,
    ) -> int:
        """End every session of an account (detection's response, or 'sign out everywhere')."""
        now = self.clock()
        with transaction(self.factory) as s:
            return self._end_all(s, account_id, reason, now, keep=keep, actor_id=actor_id)

    def _live_session(
        self, s: Session, session_token: str, now: datetime
    ) -> tuple[StaffSession, StaffAccount]:
        row, reason = sessions.find_live(s, self.config, session_token, now)
        if row is None or reason is not None:
            raise InvalidCredentials("the session has ended: sign in again")
        account = self._account(s, row.account_id)
        if account.status != "active":
            raise InvalidCredentials("the session has ended: sign in again")
        if account.locked_at is not None:
            raise AccountLocked()
        row.last_seen_at = now
        return row, account
