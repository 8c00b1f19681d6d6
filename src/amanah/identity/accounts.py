"""Administering staff accounts: teams, invitations, activation, roles, disabling, lookup,
and the purge of rows the live flows no longer need."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from amanah.db import transaction
from amanah.errors import Conflict, InvalidInput, NotFound
from amanah.identity import events as ev
from amanah.identity.common import digest, new_token
from amanah.identity.core import IdentityCore
from amanah.identity.errors import InvalidInvitation
from amanah.identity.models import (
    ROLES,
    FactorFailure,
    Invitation,
    RecoveryCode,
    SignInAttempt,
    SmsCode,
    StaffAccount,
    StaffSession,
    Team,
    WebAuthnChallenge,
)
from amanah.identity.views import AccountView, Invite
from amanah.ids import new_id

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class Accounts(IdentityCore):
    """Account administration and housekeeping."""

    def create_team(self, name: str, *, actor_id: str | None = None) -> str:
        name = name.strip()
        if not name or len(name) > 100:
            raise InvalidInput("a team name has 1 to 100 characters")
        with transaction(self.factory) as s:
            if s.scalar(select(Team.id).where(Team.name == name)) is not None:
                raise Conflict("a team with this name exists")
            team = Team(id=new_id("team"), name=name, created_at=self.clock())
            s.add(team)
            team_id = team.id
        self._emit(ev.TEAM_CREATED, team_id=team_id, actor_id=actor_id)
        return team_id

    def teams(self) -> list[tuple[str, str]]:
        with self.factory() as s:
            return [(t.id, t.name) for t in s.scalars(select(Team).order_by(Team.name))]

    def invite(
        self,
        username: str,
        role: str,
        *,
        display_name: str = "",
        email: str | None = None,
        phone: str | None = None,
        team_id: str | None = None,
        locale: str = "en",
        actor_id: str | None = None,
    ) -> Invite:
        """Create an invited account and its one-time invitation token (shown once)."""
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise InvalidInput("a username has 3 to 64 of a-z, 0-9, '.', '_' and '-'")
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        if locale not in ("en", "id"):
            raise InvalidInput("locale must be en or id")
        normal_phone = self._normal_phone(phone) if phone else None
        now = self.clock()
        token = new_token()
        expires = now + timedelta(hours=self.config.invitation_hours)
        with transaction(self.factory) as s:
            if s.scalar(select(StaffAccount.id).where(StaffAccount.username == username)):
                raise Conflict("this username is taken")
            if team_id is not None and s.get(Team, team_id) is None:
                raise NotFound("no such team")
            account = StaffAccount(
                id=new_id("acc"),
                username=username,
                display_name=display_name.strip()[:200],
                email=(email or "").strip() or None,
                phone=normal_phone,
                locale=locale,
                role=role,
                team_id=team_id,
                status="invited",
                created_at=now,
            )
            s.add(account)
            s.flush()
            s.add(
                Invitation(
                    id=new_id("inv"),
                    account_id=account.id,
                    purpose="invite",
                    token_hash=digest(token),
                    created_at=now,
                    expires_at=expires,
                )
            )
            account_id = account.id
        self._emit(ev.ACCOUNT_INVITED, account_id=account_id, actor_id=actor_id, role=role)
        return Invite(account_id, token, expires)

    def accept_invitation(self, token: str, password: str) -> str:
        """Set the first password (15+ characters: no second factor yet); returns the account id."""
        now = self.clock()
        with transaction(self.factory) as s:
            invitation = self._take_invitation(s, token, "invite", now, consume=False)
            account = self._account(s, invitation.account_id)
            if account.status != "invited":
                raise InvalidInvitation()
            self._check_password(account, password)
            invitation.used_at = now
            account.password_hash = self.hasher.hash(password)
            account.password_changed_at = now
            account.status = "active"
            account_id = account.id
        self._emit(ev.ACCOUNT_ACTIVATED, account_id=account_id)
        return account_id

    def disable(self, account_id: str, *, actor_id: str | None = None) -> int:
        """Disable the account and end every one of its sessions at once; returns how many."""
        now = self.clock()
        with transaction(self.factory) as s:
            account = self._account(s, account_id)
            account.status = "disabled"
            account.disabled_at = now
            ended = self._end_all(s, account_id, "account-disabled", now, actor_id=actor_id)
            s.execute(
                update(SignInAttempt)
                .where(SignInAttempt.account_id == account_id, SignInAttempt.expires_at > now)
                .values(expires_at=now)
            )
        self._emit(ev.ACCOUNT_DISABLED, account_id=account_id, actor_id=actor_id)
        return ended

    def enable(self, account_id: str, *, actor_id: str | None = None) -> None:
        with transaction(self.factory) as s:
            account = self._account(s, account_id)
            if account.status != "disabled":
                raise Conflict("the account is not disabled")
            account.status = "active" if account.password_hash else "invited"
            account.disabled_at = None
        self._emit(ev.ACCOUNT_ENABLED, account_id=account_id, actor_id=actor_id)

    def unlock(self, account_id: str, *, actor_id: str | None = None) -> None:
        with transaction(self.factory) as s:
            account = self._account(s, account_id)
            account.locked_at = None
            account.locked_factor = None
            s.execute(delete(FactorFailure).where(FactorFailure.account_id == account_id))
        self._emit(ev.ACCOUNT_UNLOCKED, account_id=account_id, actor_id=actor_id)

    def set_role(self, account_id: str, role: str, *, actor_id: str | None = None) -> None:
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        with transaction(self.factory) as s:
            self._account(s, account_id).role = role
        self._emit(ev.ACCOUNT_ROLE_CHANGED, account_id=account_id, actor_id=actor_id, role=role)

    def set_team(
        self, account_id: str, team_id: str | None, *, actor_id: str | None = None
    ) -> None:
        with transaction(self.factory) as s:
            if team_id is not None and s.get(Team, team_id) is None:
                raise NotFound("no such team")
            self._account(s, account_id).team_id = team_id
        self._emit(
            ev.ACCOUNT_TEAM_CHANGED, account_id=account_id, team_id=team_id, actor_id=actor_id
        )

    def _view(self, s: Session, account: StaffAccount) -> AccountView:
        return AccountView(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            team_id=account.team_id,
            status=account.status,
            locked=account.locked_at is not None,
            locale=account.locale,
            has_email=bool(account.email),
            phone_verified=bool(account.phone and account.phone_verified_at),
            factors=self._available(s, account.id),
            locked_at=account.locked_at,
            locked_factor=account.locked_factor,
            created_at=account.created_at,
        )

    def account(self, account_id: str) -> AccountView:
        with self.factory() as s:
            return self._view(s, self._account(s, account_id))

    def find_account(self, ref: str) -> AccountView:
        """An account named the way an administrator would: its id, username or email."""
        ref = (ref or "").strip()
        with self.factory() as s:
            account = s.get(StaffAccount, ref) if ref else None
            if account is None:
                account = s.scalar(select(StaffAccount).where(StaffAccount.username == ref.lower()))
            if account is None and "@" in ref:
                found = list(
                    s.scalars(
                        select(StaffAccount)
                        .where(func.lower(StaffAccount.email) == ref.lower())
                        .limit(2)
                    )
                )
                if len(found) > 1:
                    raise Conflict("several accounts have this email: name one by its id")
                account = found[0] if found else None
            if account is None:
                raise NotFound("no such staff account")
            return self._view(s, account)

    def accounts(self, *, team_id: str | None = None, role: str | None = None) -> list[AccountView]:
        with self.factory() as s:
            query = select(StaffAccount).order_by(StaffAccount.username)
            if team_id is not None:
                query = query.where(StaffAccount.team_id == team_id)
            if role is not None:
                query = query.where(StaffAccount.role == role)
            return [self._view(s, a) for a in s.scalars(query)]

    def console_link(self, page: str, token: str) -> str:
        """The link an administrator hands over: the first WebAuthn origin (the one staff
        browsers and passkeys use) and the token in the fragment, which browsers never send
        to a server, so it stays out of URLs in logs and ``Referer`` headers."""
        origins = self.config.webauthn_origins or ("https://localhost:8443",)
        return f"{origins[0].rstrip('/')}/console/{page}#{token}"

    def purge(
        self, older_than: timedelta = timedelta(days=1), *, actor_id: str | None = None
    ) -> dict[str, int]:
        """Delete what can no longer be used once it is ``older_than`` past its end: ended or
        expired sessions, sign-in attempts, SMS codes, WebAuthn challenges, used or expired
        invitations, used recovery codes. Returns how many rows of each kind went.

        The audit trail keeps the facts (sign-ins, session ends); these rows only served the
        live flows, and stale ones would be one more thing a stolen database gives away."""
        now = self.clock()
        cutoff = now - older_than
        idle = timedelta(minutes=self.config.session_idle_minutes)
        spent: dict[str, Any] = {
            "sessions": delete(StaffSession).where(
                (StaffSession.ended_at < cutoff)
                | (StaffSession.expires_at < cutoff)
                | (StaffSession.last_seen_at < cutoff - idle)
            ),
            "signin_attempts": delete(SignInAttempt).where(
                (SignInAttempt.expires_at < cutoff) | (SignInAttempt.completed_at < cutoff)
            ),
            "sms_codes": delete(SmsCode).where(SmsCode.expires_at < cutoff),
            "webauthn_challenges": delete(WebAuthnChallenge).where(
                WebAuthnChallenge.expires_at < cutoff
            ),
            "invitations": delete(Invitation).where(
                (Invitation.used_at < cutoff) | (Invitation.expires_at < cutoff)
            ),
            "recovery_codes": delete(RecoveryCode).where(
                RecoveryCode.used_at.is_not(None), RecoveryCode.used_at < cutoff
            ),
        }
        removed: dict[str, int] = {}
        with transaction(self.factory) as s:
            for kind, statement in spent.items():
                result = s.execute(statement.execution_options(synchronize_session=False))
                removed[kind] = result.rowcount or 0  # type: ignore[attr-defined]
        self._emit(ev.PURGED, actor_id=actor_id or "system", **removed)
        return removed
