"""Staff identity as one service: accounts, the sign-in flow, sessions, factors, step-up.

Plain Python over a SQLAlchemy session factory: no HTTP here. The console and the API
translate requests into these calls (tokens in cookies, errors into problem details).

Sign-in (800-63B rev 4; ASVS 5.0 V6, V7):

    begin(username, password)           -> Attempt(next="second-factor" | "enrol")
    verify_totp / verify_sms / verify_passkey / use_recovery_code(attempt)   -> SignedIn
    (next="enrol") enrol_totp + confirm_totp_enrolment, or a passkey, or a phone -> SignedIn

    begin_passkey_sign_in() -> sealed challenge; sign_in_with_passkey(it) -> SignedIn
    (passwordless: a passkey with user verification is multi-factor on its own)

An unknown username, a wrong password, an invited or disabled account all answer the
same ``InvalidCredentials`` after the same Argon2id work. Failures slow down by account and
by source address; 100 consecutive failures of one factor lock the account and the owner
is told by email.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import Outcome, Principal
from amanah.db import transaction
from amanah.errors import Conflict, Forbidden, InvalidInput, NotFound
from amanah.identity import events as ev
from amanah.identity import passkeys, recovery, sessions, sms, throttle, totp
from amanah.identity.common import Clock, digest, keyed_digest, new_token, system_clock
from amanah.identity.config import IdentityConfig
from amanah.identity.errors import (
    AccountLocked,
    EnrolmentRequired,
    FactorNotAvailable,
    InvalidCode,
    InvalidCredentials,
    InvalidInvitation,
    Throttled,
)
from amanah.identity.events import IdentityEvents, NullEvents
from amanah.identity.models import (
    ROLES,
    FactorFailure,
    Invitation,
    KnownDevice,
    Passkey,
    RecoveryCode,
    SignInAttempt,
    SmsCode,
    StaffAccount,
    StaffSession,
    Team,
    TotpFactor,
    WebAuthnChallenge,
)
from amanah.identity.notices import Notice, Notices
from amanah.identity.passwords import PasswordHasher, PasswordPolicy
from amanah.identity.sessions import (
    SECOND_FACTORS,
    STEP_UP_FACTORS,
    AuthContext,
    SessionInfo,
    require_fresh_factor,
)
from amanah.identity.stepup import IdentityInput, raise_requirement
from amanah.identity.totp import TotpEnrolment
from amanah.ids import new_id
from amanah.notify.email import Mailer
from amanah.notify.sms import SmsProvider

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
ENROLLABLE = ("totp", "passkey", "sms")


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


class Identity:
    def __init__(
        self,
        factory: sessionmaker[Session],
        config: IdentityConfig,
        *,
        events: IdentityEvents | None = None,
        mailer: Mailer | None = None,
        sms_provider: SmsProvider | None = None,
        clock: Clock = system_clock,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.factory = factory
        self.config = config
        self.events: IdentityEvents = events or NullEvents()
        self.notices = Notices(mailer)
        self.sms_provider = sms_provider
        self.clock = clock
        self.hasher = hasher or PasswordHasher(config.argon2)
        self.policy = PasswordPolicy(
            config.password_min_single_factor, config.password_min_mfa, config.password_max
        )
        self.rp = passkeys.RelyingParty(
            config.webauthn_rp_id,
            config.webauthn_rp_name,
            tuple(config.webauthn_origins),
            config.webauthn_timeout_seconds,
        )
        self.account_rule = throttle.Rule(
            config.account_free_failures,
            config.account_max_delay_seconds,
            timedelta(hours=config.throttle_window_hours),
        )
        self.source_rule = throttle.Rule(
            config.source_free_failures,
            config.source_max_delay_seconds,
            timedelta(hours=config.throttle_window_hours),
        )

    @classmethod
    def from_settings(
        cls, factory: sessionmaker[Session], settings: Any, **kwargs: Any
    ) -> Identity:
        from amanah.notify.email import mailer_from_settings
        from amanah.notify.sms import sms_provider_from_settings

        config = kwargs.pop("config", None) or IdentityConfig.from_settings(settings)
        kwargs.setdefault("mailer", mailer_from_settings(settings))
        kwargs.setdefault("sms_provider", sms_provider_from_settings(settings))
        return cls(factory, config, **kwargs)

    # ---- helpers ------------------------------------------------------------------------

    def _emit(self, name: str, **ids: str | int | None) -> None:
        try:
            self.events.emit(name, **ids)
        except Exception:  # the sink must not break authentication
            import logging

            logging.getLogger("amanah.identity").exception("identity event sink failed")

    def _key(self, kind: str, value: str) -> str:
        return f"{kind}:" + keyed_digest(self.config.secret, f"throttle-{kind}", value)[:64]

    @staticmethod
    def _account(session: Session, account_id: str) -> StaffAccount:
        account = session.get(StaffAccount, account_id)
        if account is None:
            raise NotFound("no such staff account")
        return account

    def _summary(self, session: Session, account_id: str) -> FactorSummary:
        account = self._account(session, account_id)
        has_totp = (
            session.scalar(
                select(TotpFactor.id).where(
                    TotpFactor.account_id == account_id, TotpFactor.confirmed_at.is_not(None)
                )
            )
            is not None
        )
        keys = tuple(
            PasskeyView(p.id, p.name, p.created_at, p.last_used_at, p.backed_up)
            for p in passkeys.account_passkeys(session, account_id)
        )
        return FactorSummary(
            totp=has_totp,
            sms=bool(account.phone and account.phone_verified_at),
            passkeys=keys,
            recovery_codes_left=recovery.remaining(session, account_id),
        )

    def _available(self, session: Session, account_id: str) -> tuple[str, ...]:
        summary = self._summary(session, account_id)
        names = list(summary.second_factors)
        if summary.recovery_codes_left:
            names.append("recovery")
        return tuple(names)

    def _notice(self, account: StaffAccount, kind: str, now: datetime, **kw: str) -> Notice:
        return Notice(
            kind=kind,
            to=account.email,
            locale=account.locale,
            username=account.username,
            when=now,
            **kw,
        )

    def _factor_failed(
        self, session: Session, account: StaffAccount, factor: str, now: datetime, out: list[Notice]
    ) -> None:
        row = session.get(FactorFailure, (account.id, factor))
        if row is None:
            row = FactorFailure(account_id=account.id, factor=factor, count=0)
            session.add(row)
        row.count += 1
        row.last_at = now
        self._emit(ev.FACTOR_FAILED, account_id=account.id, factor=factor, count=row.count)
        if row.count >= self.config.lock_after_failures and account.locked_at is None:
            account.locked_at = now
            account.locked_factor = factor
            self._emit(ev.ACCOUNT_LOCKED, account_id=account.id, factor=factor)
            out.append(self._notice(account, "locked", now, factor=factor))
        session.flush()

    @staticmethod
    def _factor_ok(session: Session, account_id: str, factor: str) -> None:
        session.execute(
            delete(FactorFailure).where(
                FactorFailure.account_id == account_id, FactorFailure.factor == factor
            )
        )

    def _normal_phone(self, phone: str) -> str:
        try:
            parsed = phonenumbers.parse(phone, self.config.default_region)
        except phonenumbers.NumberParseException as exc:
            raise InvalidInput("not a phone number") from exc
        if not phonenumbers.is_valid_number(parsed):
            raise InvalidInput("not a valid phone number")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    # ---- accounts -----------------------------------------------------------------------

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

    def _take_invitation(
        self, s: Session, token: str, purpose: str, now: datetime, *, consume: bool = True
    ) -> Invitation:
        row = s.scalar(select(Invitation).where(Invitation.token_hash == digest(token or "")))
        if (
            row is None
            or row.purpose != purpose
            or row.used_at is not None
            or row.expires_at <= now
        ):
            raise InvalidInvitation()
        if consume:
            row.used_at = now
        return row

    def accept_invitation(self, token: str, password: str) -> str:
        """Set the first password (15+ characters: no second factor yet); returns the account id."""
        now = self.clock()
        with transaction(self.factory) as s:
            invitation = self._take_invitation(s, token, "invite", now, consume=False)
            account = self._account(s, invitation.account_id)
            if account.status != "invited":
                raise InvalidInvitation()
            self.policy.check(
                password,
                mfa=account.mfa_ever,
                username=account.username,
                display_name=account.display_name,
                organisation=self.config.organisation,
                email=account.email,
            )
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

    # ---- sign-in: the password step ---------------------------------------------------------

    def begin(
        self,
        username: str,
        password: str,
        *,
        source: str | None = None,
        user_agent: str | None = None,
        device: str | None = None,
    ) -> Attempt:
        """The password step. Unknown user, wrong password, invited or disabled account: the
        same ``InvalidCredentials`` after the same Argon2id work."""
        now = self.clock()
        name = (username or "").strip().lower()[:64]
        user_key = self._key("user", name)
        src_key = self._key("src", source or "-")
        # absurd input is hashed only in part (bounded work) and can never match
        too_long = len(password) > 4 * self.config.password_max
        if too_long:
            password = password[: 4 * self.config.password_max]
        try:
            with transaction(self.factory) as s:
                throttle.check(s, user_key, self.account_rule, now)
                throttle.check(s, src_key, self.source_rule, now)
        except Throttled:
            self._emit(ev.SIGNIN_THROTTLED, reason="throttled")
            raise
        notices: list[Notice] = []
        outcome = "bad"
        attempt: Attempt | None = None
        account_id: str | None = None
        with transaction(self.factory) as s:
            account = s.scalar(select(StaffAccount).where(StaffAccount.username == name))
            if account is not None and account.password_hash:
                ok, new_hash = self.hasher.verify(account.password_hash, password)
            else:
                self.hasher.dummy_verify(password)
                ok, new_hash = False, None
            ok = ok and not too_long
            usable = account is not None and account.status == "active"
            if account is not None:
                account_id = account.id
            if ok and usable and account is not None:
                if new_hash:
                    account.password_hash = new_hash
                if account.locked_at is not None:
                    outcome = "locked"
                else:
                    outcome = "ok"
                    throttle.reset(s, user_key)
                    self._factor_ok(s, account.id, "password")
                    attempt = self._new_attempt(
                        s, account, "signin", {"password": now.isoformat()}, now,
                        source=source, user_agent=user_agent, device=device,
                    )  # fmt: skip
            else:
                throttle.fail(s, user_key, self.account_rule, now)
                throttle.fail(s, src_key, self.source_rule, now)
                if account is not None and usable:
                    self._factor_failed(s, account, "password", now, notices)
        self.notices.send(notices)
        if outcome == "ok" and attempt is not None:
            self._emit(ev.SIGNIN_PASSWORD_OK, account_id=account_id, next=attempt.next)
            return attempt
        if outcome == "locked":
            self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor="password", reason="locked")
            raise AccountLocked()
        self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor="password", reason="invalid")
        raise InvalidCredentials("the username or password is wrong")

    def _new_attempt(
        self,
        s: Session,
        account: StaffAccount,
        purpose: str,
        factors: dict[str, str],
        now: datetime,
        *,
        source: str | None,
        user_agent: str | None,
        device: str | None,
    ) -> Attempt:
        token = new_token()
        row = self._attempt_row(
            s, account, purpose, factors, now,
            token=token, source=source, user_agent=user_agent, device=device,
        )  # fmt: skip
        expires = row.expires_at
        available = self._available(s, account.id)
        has_second = any(f in available for f in ENROLLABLE)
        if purpose == "reset":
            step = "second-factor" if has_second else "set-password"
        else:
            step = "second-factor" if has_second else "enrol"
        return Attempt(token, step, available, expires, purpose)

    def _attempt_row(
        self,
        s: Session,
        account: StaffAccount,
        purpose: str,
        factors: dict[str, str],
        now: datetime,
        *,
        token: str,
        source: str | None,
        user_agent: str | None,
        device: str | None,
    ) -> SignInAttempt:
        row = SignInAttempt(
            id=new_id("att"),
            token_hash=digest(token),
            account_id=account.id,
            purpose=purpose,
            factors=factors,
            source=(source or None) and source[:64],
            user_agent=(user_agent or None) and user_agent[:300],
            device_hash=digest(device) if device else None,
            created_at=now,
            expires_at=now + timedelta(minutes=self.config.signin_attempt_minutes),
        )
        s.add(row)
        s.flush()
        return row

    def _live_attempt(
        self, s: Session, token: str, now: datetime
    ) -> tuple[SignInAttempt, StaffAccount]:
        row = s.scalar(select(SignInAttempt).where(SignInAttempt.token_hash == digest(token or "")))
        if row is None or row.completed_at is not None or row.expires_at <= now:
            raise InvalidCredentials("this sign-in has expired: start again")
        account = self._account(s, row.account_id)
        if account.status != "active":
            raise InvalidCredentials("this sign-in has expired: start again")
        if account.locked_at is not None:
            raise AccountLocked()
        return row, account

    def attempt(self, token: str) -> Attempt:
        """What a sign-in in progress needs next (for the console's challenge page)."""
        now = self.clock()
        with self.factory() as s:
            row, account = self._live_attempt(s, token, now)
            available = self._available(s, account.id)
            has_second = any(f in available for f in ENROLLABLE)
            done = any(f in (row.factors or {}) for f in SECOND_FACTORS)
            if row.purpose == "reset":
                step = "set-password" if done or not has_second else "second-factor"
            else:
                step = "second-factor" if has_second else "enrol"
            return Attempt(token, step, available, row.expires_at, row.purpose)

    # ---- sign-in: the second factor -----------------------------------------------------------

    def _check_factor(
        self,
        s: Session,
        account: StaffAccount,
        holder: SignInAttempt | StaffSession,
        factor: str,
        proof: Any,
        now: datetime,
    ) -> bool:
        if factor == "totp":
            row = s.scalar(
                select(TotpFactor).where(
                    TotpFactor.account_id == account.id, TotpFactor.confirmed_at.is_not(None)
                )
            )
            if row is None:
                return False
            step = totp.match(
                row.secret, str(proof), now, row.last_step, self.config.totp_drift_steps
            )
            if step is None:
                return False
            return self._advance_totp(s, row.id, step)
        if factor == "sms":
            return sms.verify_code(s, self.config, holder, str(proof), now) is not None
        if factor == "recovery":
            return recovery.use(s, self.config.secret, account.id, str(proof), now)
        if factor == "passkey":
            try:
                passkeys.verify_authentication(s, self.rp, account, holder.id, proof, now)
            except InvalidCode:
                return False
            return True
        raise FactorNotAvailable(f"unknown factor {factor}")

    @staticmethod
    def _advance_totp(s: Session, factor_id: str, step: int) -> bool:
        """Store the accepted step, only if newer: a replayed or concurrent code loses."""
        result = s.execute(
            update(TotpFactor)
            .where(
                TotpFactor.id == factor_id,
                (TotpFactor.last_step.is_(None)) | (TotpFactor.last_step < step),
            )
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def _second_factor(self, token: str, factor: str, proof: Any) -> SignedIn | None:
        now = self.clock()
        notices: list[Notice] = []
        signed: SignedIn | None = None
        with transaction(self.factory) as s:
            attempt, account = self._live_attempt(s, token, now)
            factor_key = self._key("factor", account.id)
            throttle.check(s, factor_key, self.account_rule, now)
            ok = self._check_factor(s, account, attempt, factor, proof, now)
            if ok:
                throttle.reset(s, factor_key)
                self._factor_ok(s, account.id, factor)
                factors = dict(attempt.factors or {})
                factors[factor] = now.isoformat()
                attempt.factors = factors
                account.mfa_ever = True
                if attempt.purpose == "signin":
                    signed = self._finish(s, account, attempt, now, notices)
                if factor == "recovery":
                    notices.append(
                        self._notice(
                            account, "factor_changed", now, factor="recovery", change="used"
                        )
                    )
            else:
                attempt.failures += 1
                if attempt.failures >= self.config.attempt_max_failures:
                    attempt.expires_at = now
                throttle.fail(s, factor_key, self.account_rule, now)
                self._factor_failed(s, account, factor, now, notices)
            account_id, purpose = account.id, attempt.purpose
        self.notices.send(notices)
        if not ok:
            self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor=factor, reason="invalid")
            raise InvalidCode()
        self._emit(ev.FACTOR_USED, account_id=account_id, factor=factor)
        if signed is not None:
            self._signed_in_events(signed, factor)
        elif purpose == "reset":
            self._emit(ev.PASSWORD_RESET, account_id=account_id, step="verified", factor=factor)
        return signed

    def _signed_in_events(self, signed: SignedIn, factor: str, **how: str) -> None:
        self._emit(
            ev.SIGNIN_SUCCEEDED,
            account_id=signed.account_id,
            session_id=signed.session_id,
            factor=factor,
            **how,
        )
        self._emit(ev.SESSION_STARTED, account_id=signed.account_id, session_id=signed.session_id)
        if signed.new_device:
            self._emit(ev.NEW_DEVICE, account_id=signed.account_id, session_id=signed.session_id)

    def _finish(
        self,
        s: Session,
        account: StaffAccount,
        attempt: SignInAttempt,
        now: datetime,
        notices: list[Notice],
        recovery_codes: tuple[str, ...] = (),
    ) -> SignedIn:
        attempt.completed_at = now
        token, row = sessions.issue(
            s,
            self.config,
            account,
            dict(attempt.factors or {}),
            now,
            source=attempt.source,
            user_agent=attempt.user_agent,
        )
        device_token: str | None = None
        device_hash = attempt.device_hash
        if device_hash is None:
            device_token = new_token()
            device_hash = digest(device_token)
        known = s.get(KnownDevice, (account.id, device_hash))
        new_device = known is None
        if known is None:
            had_devices = (
                s.scalar(select(func.count()).where(KnownDevice.account_id == account.id)) or 0
            )
            s.add(
                KnownDevice(
                    account_id=account.id,
                    device_hash=device_hash,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
            if had_devices:
                notices.append(
                    self._notice(account, "new_device", now, agent=attempt.user_agent or "")
                )
        else:
            known.last_seen_at = now
        s.flush()
        return SignedIn(
            session_token=token,
            session_id=row.id,
            account_id=account.id,
            factors=tuple(sorted((attempt.factors or {}).keys())),
            device_token=device_token,
            new_device=new_device,
            recovery_codes=recovery_codes,
        )

    def verify_totp(self, attempt_token: str, code: str) -> SignedIn | None:
        return self._second_factor(attempt_token, "totp", code)

    def verify_sms(self, attempt_token: str, code: str) -> SignedIn | None:
        return self._second_factor(attempt_token, "sms", code)

    def use_recovery_code(self, attempt_token: str, code: str) -> SignedIn | None:
        """A recovery code in place of the second factor: the password was already proven."""
        return self._second_factor(attempt_token, "recovery", code)

    def verify_passkey(self, attempt_token: str, response: str | dict[str, Any]) -> SignedIn | None:
        return self._second_factor(attempt_token, "passkey", response)

    def send_sms(self, attempt_token: str) -> datetime:
        """Send a code for this sign-in attempt; returns when it expires."""
        return self._send_sms_code(attempt_token, self._live_attempt, "signin")

    def passkey_options(self, attempt_token: str) -> dict[str, Any]:
        return self._passkey_challenge(attempt_token, self._live_attempt)

    # ---- sign-in: passwordless, a passkey alone ------------------------------------------------

    def begin_passkey_sign_in(self, *, source: str | None = None) -> passkeys.Sealed:
        """Usernameless options for ``navigator.credentials.get``; the browser keeps the
        sealed challenge (``token``) in a pre-auth cookie for ``sign_in_with_passkey``."""
        now = self.clock()
        try:
            with self.factory() as s:
                throttle.check(s, self._key("src", source or "-"), self.source_rule, now)
        except Throttled:
            self._emit(ev.SIGNIN_THROTTLED, factor="passkey", reason="throttled")
            raise
        return passkeys.discoverable_options(self.rp, self.config.secret, now)

    def sign_in_with_passkey(
        self,
        token: str,
        response: str | dict[str, Any],
        *,
        source: str | None = None,
        user_agent: str | None = None,
        device: str | None = None,
    ) -> SignedIn:
        """A passkey alone. With user verification it is a multi-factor cryptographic
        authenticator (800-63B rev 4 section 3.1.7), so the session's factors are just
        ``passkey``: no password step. A forged, spent or expired challenge, an unknown
        credential, a bad signature or a disabled account: the same ``InvalidCredentials``;
        a locked account ``AccountLocked`` once the passkey is proven. Failures count
        against the source address and, once a key names its account, against that
        account's passkey factor (delays, then the lock), as for the other factors."""
        now = self.clock()
        src_key = self._key("src", source or "-")
        notices: list[Notice] = []
        signed: SignedIn | None = None
        outcome, account_id = "invalid", None
        try:
            with transaction(self.factory) as s:
                throttle.check(s, src_key, self.source_rule, now)
                try:
                    key, credential, challenge = passkeys.claim_discoverable(
                        s, self.config.secret, token, response, now
                    )
                except InvalidCode:
                    throttle.fail(s, src_key, self.source_rule, now)
                else:
                    account = self._account(s, key.account_id)
                    account_id = account.id
                    factor_key = self._key("factor", account.id)
                    throttle.check(s, factor_key, self.account_rule, now)
                    usable = account.status == "active"
                    try:
                        if not usable:
                            raise InvalidCode()
                        passkeys.verify_discoverable(s, self.rp, key, credential, challenge, now)
                    except InvalidCode:
                        throttle.fail(s, src_key, self.source_rule, now)
                        throttle.fail(s, factor_key, self.account_rule, now)
                        if usable:
                            self._factor_failed(s, account, "passkey", now, notices)
                    else:
                        if account.locked_at is not None:
                            outcome = "locked"
                        else:
                            outcome = "ok"
                            signed = self._passwordless_session(
                                s, account, now, notices,
                                source=source, user_agent=user_agent, device=device,
                            )  # fmt: skip
        except Throttled:
            self._emit(
                ev.SIGNIN_THROTTLED, account_id=account_id, factor="passkey", reason="throttled"
            )
            raise
        except IntegrityError:  # a concurrent request spent the same challenge first
            outcome, signed, notices = "invalid", None, []
        self.notices.send(notices)
        if outcome == "ok" and signed is not None:
            self._emit(ev.FACTOR_USED, account_id=account_id, factor="passkey")
            self._signed_in_events(signed, "passkey", method="passwordless")
            return signed
        if outcome == "locked":
            self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor="passkey", reason="locked")
            raise AccountLocked()
        self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor="passkey", reason="invalid")
        raise InvalidCredentials("the passkey was not accepted")

    def _passwordless_session(
        self,
        s: Session,
        account: StaffAccount,
        now: datetime,
        notices: list[Notice],
        *,
        source: str | None,
        user_agent: str | None,
        device: str | None,
    ) -> SignedIn:
        """Clear the failure counters and open the session through a completed attempt (so
        the sign-in is recorded, and the device known, exactly as after two steps)."""
        throttle.reset(s, self._key("factor", account.id))
        self._factor_ok(s, account.id, "passkey")
        account.mfa_ever = True
        attempt = self._attempt_row(
            s, account, "signin", {"passkey": now.isoformat()}, now,
            token=new_token(), source=source, user_agent=user_agent, device=device,
        )  # fmt: skip
        return self._finish(s, account, attempt, now, notices)

    def _send_sms_code(self, token: str, live: Any, purpose: str) -> datetime:
        """One code for a sign-in attempt or a session (``live`` finds which), bound to it."""
        provider = self._sms()
        now = self.clock()
        with transaction(self.factory) as s:
            holder, account = live(s, token, now)
            expires = sms.send_code(s, provider, self.config, account, holder, now)
            account_id = account.id
        self._emit(ev.SMS_SENT, account_id=account_id, purpose=purpose)
        return expires

    def _passkey_challenge(self, token: str, live: Any) -> dict[str, Any]:
        now = self.clock()
        with transaction(self.factory) as s:
            holder, account = live(s, token, now)
            if not passkeys.account_passkeys(s, account.id):
                raise FactorNotAvailable("no passkey is registered")
            return passkeys.authentication_options(s, self.rp, account, holder.id, now)

    def _sms(self) -> SmsProvider:
        if self.sms_provider is None:
            raise FactorNotAvailable("no SMS provider is configured")
        return self.sms_provider

    # ---- sign-in: first-time enrolment ---------------------------------------------------------

    def _enrolling(
        self, s: Session, token: str, now: datetime
    ) -> tuple[SignInAttempt, StaffAccount]:
        attempt, account = self._live_attempt(s, token, now)
        if attempt.purpose != "signin":
            raise EnrolmentRequired("enrolment happens at sign-in")
        if any(f in self._available(s, account.id) for f in ENROLLABLE):
            # with a factor already set up, a password alone must not add another
            raise EnrolmentRequired("this account already has a second factor: use it")
        return attempt, account

    def enrol_totp(self, attempt_token: str) -> TotpEnrolment:
        now = self.clock()
        with transaction(self.factory) as s:
            _attempt, account = self._enrolling(s, attempt_token, now)
            return self._new_totp(s, account, now)

    def _new_totp(self, s: Session, account: StaffAccount, now: datetime) -> TotpEnrolment:
        s.execute(
            delete(TotpFactor).where(
                TotpFactor.account_id == account.id, TotpFactor.confirmed_at.is_(None)
            )
        )
        secret = totp.new_secret()
        row = TotpFactor(id=new_id("otp"), account_id=account.id, secret=secret, created_at=now)
        s.add(row)
        s.flush()
        uri = totp.provisioning_uri(secret, account.username, self.config.totp_issuer)
        return TotpEnrolment(row.id, secret, uri, totp.qr_svg(uri))

    def _confirm_totp(self, s: Session, account: StaffAccount, code: str, now: datetime) -> bool:
        row = s.scalar(
            select(TotpFactor)
            .where(TotpFactor.account_id == account.id, TotpFactor.confirmed_at.is_(None))
            .order_by(TotpFactor.created_at.desc())
            .limit(1)
        )
        if row is None:
            raise FactorNotAvailable("start the authenticator app set-up first")
        step = totp.match(row.secret, code, now, None, self.config.totp_drift_steps)
        if step is None:
            return False
        s.execute(
            delete(TotpFactor).where(
                TotpFactor.account_id == account.id, TotpFactor.confirmed_at.is_not(None)
            )
        )
        row.confirmed_at = now
        row.last_step = step
        s.flush()
        return True

    def _enrolled(
        self,
        s: Session,
        account: StaffAccount,
        attempt: SignInAttempt,
        factor: str,
        now: datetime,
        notices: list[Notice],
    ) -> SignedIn:
        factors = dict(attempt.factors or {})
        factors[factor] = now.isoformat()
        attempt.factors = factors
        account.mfa_ever = True
        codes: tuple[str, ...] = ()
        if recovery.remaining(s, account.id) == 0:
            codes = tuple(
                recovery.replace_codes(
                    s, self.config.secret, account.id, now, self.config.recovery_codes
                )
            )
        notices.append(self._notice(account, "factor_changed", now, factor=factor, change="added"))
        return self._finish(s, account, attempt, now, notices, codes)

    def _enrolment_failed(self, s: Session, attempt: SignInAttempt, now: datetime) -> None:
        attempt.failures += 1
        if attempt.failures >= self.config.attempt_max_failures:
            attempt.expires_at = now

    def confirm_totp_enrolment(self, attempt_token: str, code: str) -> SignedIn:
        now = self.clock()
        notices: list[Notice] = []
        signed: SignedIn | None = None
        with transaction(self.factory) as s:
            attempt, account = self._enrolling(s, attempt_token, now)
            if self._confirm_totp(s, account, code, now):
                signed = self._enrolled(s, account, attempt, "totp", now, notices)
            else:
                self._enrolment_failed(s, attempt, now)
        self.notices.send(notices)
        if signed is None:
            raise InvalidCode()
        self._emit(ev.FACTOR_ENROLLED, account_id=signed.account_id, factor="totp")
        self._signed_in_events(signed, "totp")
        return signed

    def enrol_passkey_options(self, attempt_token: str) -> dict[str, Any]:
        now = self.clock()
        with transaction(self.factory) as s:
            attempt, account = self._enrolling(s, attempt_token, now)
            return passkeys.registration_options(s, self.rp, account, attempt.id, now)

    def confirm_passkey_enrolment(
        self, attempt_token: str, response: str | dict[str, Any], name: str = "passkey"
    ) -> SignedIn:
        now = self.clock()
        notices: list[Notice] = []
        signed: SignedIn | None = None
        with transaction(self.factory) as s:
            attempt, account = self._enrolling(s, attempt_token, now)
            try:
                passkeys.verify_registration(s, self.rp, account, attempt.id, response, now, name)
            except InvalidCode:
                self._enrolment_failed(s, attempt, now)
            else:
                signed = self._enrolled(s, account, attempt, "passkey", now, notices)
        self.notices.send(notices)
        if signed is None:
            raise InvalidCode("the passkey could not be verified")
        self._emit(ev.FACTOR_ENROLLED, account_id=signed.account_id, factor="passkey")
        self._signed_in_events(signed, "passkey")
        return signed

    def enrol_sms(self, attempt_token: str, phone: str | None = None) -> datetime:
        """Send a code to ``phone`` (or the number an administrator recorded) to enrol it."""
        provider = self._sms()
        now = self.clock()
        with transaction(self.factory) as s:
            attempt, account = self._enrolling(s, attempt_token, now)
            number = self._normal_phone(phone) if phone else account.phone
            if not number:
                raise FactorNotAvailable("give a phone number")
            expires = sms.send_code(s, provider, self.config, account, attempt, now, phone=number)
        return expires

    def confirm_sms_enrolment(self, attempt_token: str, code: str) -> SignedIn:
        now = self.clock()
        notices: list[Notice] = []
        signed: SignedIn | None = None
        with transaction(self.factory) as s:
            attempt, account = self._enrolling(s, attempt_token, now)
            row = sms.verify_code(s, self.config, attempt, code, now)
            if row is not None:
                account.phone = row.phone
                account.phone_verified_at = now
                signed = self._enrolled(s, account, attempt, "sms", now, notices)
            else:
                self._enrolment_failed(s, attempt, now)
        self.notices.send(notices)
        if signed is None:
            raise InvalidCode()
        self._emit(ev.FACTOR_ENROLLED, account_id=signed.account_id, factor="sms")
        self._signed_in_events(signed, "sms")
        return signed

    # ---- password reset: link + second factor, then the new password ------------------------

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
            self.policy.check(
                new_password,
                mfa=account.mfa_ever,
                username=account.username,
                display_name=account.display_name,
                organisation=self.config.organisation,
                email=account.email,
            )
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

    # ---- sessions -----------------------------------------------------------------------------

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

    def _end_all(
        self,
        s: Session,
        account_id: str,
        reason: str,
        now: datetime,
        *,
        keep: str | None = None,
        actor_id: str | None = None,
    ) -> int:
        ended = 0
        for row in sessions.live_sessions(s, account_id, now):
            if row.id != keep and sessions.end(row, reason, now):
                ended += 1
                self._emit(
                    ev.SESSION_ENDED, session_id=row.id, account_id=account_id, reason=reason,
                    actor_id=actor_id,
                )  # fmt: skip
        return ended

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

    # ---- step-up ------------------------------------------------------------------------------

    def require_fresh_factor(
        self,
        ctx: AuthContext,
        within_minutes: float | None = None,
        *,
        factors: Iterable[str] = STEP_UP_FACTORS,
    ) -> None:
        require_fresh_factor(
            ctx,
            self.config.stepup_minutes if within_minutes is None else within_minutes,
            now=self.clock(),
            factors=factors,
        )

    def raise_requirement(
        self,
        account_id: str,
        *,
        within_minutes: int = 5,
        actions: Iterable[str] | None = None,
        reason: str = "",
        duration: timedelta | None = timedelta(hours=12),
    ) -> str:
        """Detection's one call: this account must prove a fresh factor (after now) for
        ``actions`` (every gated action when None) until ``duration`` passes."""
        now = self.clock()
        with transaction(self.factory) as s:
            row = raise_requirement(
                s, account_id, now,
                within_minutes=within_minutes, actions=actions, reason=reason, duration=duration,
            )  # fmt: skip
            requirement_id = row.id
        self._emit(ev.STEPUP_RAISED, account_id=account_id, requirement_id=requirement_id)
        return requirement_id

    def gate_input(
        self,
        *,
        resolver: Callable[[Principal], AuthContext | None] | None = None,
        unbound: Outcome = Outcome.DENY,
    ) -> IdentityInput:
        kwargs: dict[str, Any] = {"clock": self.clock, "unbound": unbound}
        if resolver is not None:
            kwargs["resolver"] = resolver
        return IdentityInput(self.factory, self.config, **kwargs)

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

    def _step_up(self, session_token: str, factor: str, proof: Any) -> AuthContext:
        now = self.clock()
        notices: list[Notice] = []
        ctx: AuthContext | None = None
        with transaction(self.factory) as s:
            row, account = self._live_session(s, session_token, now)
            factor_key = self._key("factor", account.id)
            throttle.check(s, factor_key, self.account_rule, now)
            ok = self._check_factor(s, account, row, factor, proof, now)
            if ok:
                throttle.reset(s, factor_key)
                self._factor_ok(s, account.id, factor)
                sessions.record_factor(row, factor, now)
                ctx = sessions.context(row, account)
            else:
                throttle.fail(s, factor_key, self.account_rule, now)
                self._factor_failed(s, account, factor, now, notices)
            ids = (row.id, account.id)
        self.notices.send(notices)
        if ctx is None:
            self._emit(ev.FACTOR_FAILED, account_id=ids[1], session_id=ids[0], factor=factor)
            raise InvalidCode()
        self._emit(ev.STEPUP_SUCCEEDED, account_id=ids[1], session_id=ids[0], factor=factor)
        return ctx

    def step_up_totp(self, session_token: str, code: str) -> AuthContext:
        return self._step_up(session_token, "totp", code)

    def step_up_sms(self, session_token: str, code: str) -> AuthContext:
        return self._step_up(session_token, "sms", code)

    def step_up_passkey(self, session_token: str, response: str | dict[str, Any]) -> AuthContext:
        return self._step_up(session_token, "passkey", response)

    def step_up_send_sms(self, session_token: str) -> datetime:
        return self._send_sms_code(session_token, self._live_session, "step-up")

    def step_up_passkey_options(self, session_token: str) -> dict[str, Any]:
        return self._passkey_challenge(session_token, self._live_session)

    # ---- managing factors in a session (needs a fresh factor, then notifies) ----------------

    def factors(self, account_id: str) -> FactorSummary:
        with self.factory() as s:
            return self._summary(s, account_id)

    def _changing(
        self, s: Session, session_token: str, now: datetime
    ) -> tuple[StaffSession, StaffAccount]:
        row, account = self._live_session(s, session_token, now)
        require_fresh_factor(
            sessions.context(row, account),
            self.config.factor_change_minutes,
            now=now,
            factors=SECOND_FACTORS,
        )
        return row, account

    def _changed(
        self, account: StaffAccount, factor: str, change: str, now: datetime, session_id: str
    ) -> None:
        name = ev.FACTOR_REMOVED if change == "removed" else ev.FACTOR_ENROLLED
        if factor == "password":
            name = ev.PASSWORD_CHANGED
        elif factor == "recovery":
            name = ev.RECOVERY_CODES_ISSUED
        self._emit(name, account_id=account.id, session_id=session_id, factor=factor)
        self.notices.send(
            [self._notice(account, "factor_changed", now, factor=factor, change=change)]
        )

    def add_totp(self, session_token: str) -> TotpEnrolment:
        now = self.clock()
        with transaction(self.factory) as s:
            _row, account = self._changing(s, session_token, now)
            return self._new_totp(s, account, now)

    def confirm_totp(self, session_token: str, code: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            ok = self._confirm_totp(s, account, code, now)
            if ok:
                account.mfa_ever = True
                sessions.record_factor(row, "totp", now)
            session_id = row.id
        if not ok:
            raise InvalidCode()
        self._changed(account, "totp", "added", now, session_id)

    def _would_leave_no_factor(
        self, s: Session, account_id: str, removing: str, passkey_id: str | None = None
    ) -> bool:
        summary = self._summary(s, account_id)
        left = 0
        left += int(summary.totp and removing != "totp")
        left += int(summary.sms and removing != "sms")
        left += len(
            [p for p in summary.passkeys if not (removing == "passkey" and p.id == passkey_id)]
        )
        return left == 0

    def remove_totp(self, session_token: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            if self._would_leave_no_factor(s, account.id, "totp"):
                raise Conflict("add another second factor before removing the last one")
            s.execute(delete(TotpFactor).where(TotpFactor.account_id == account.id))
            session_id = row.id
        self._changed(account, "totp", "removed", now, session_id)

    def add_passkey_options(self, session_token: str) -> dict[str, Any]:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            return passkeys.registration_options(s, self.rp, account, row.id, now)

    def add_passkey(
        self, session_token: str, response: str | dict[str, Any], name: str = "passkey"
    ) -> str:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            key = passkeys.verify_registration(s, self.rp, account, row.id, response, now, name)
            account.mfa_ever = True
            session_id, key_id = row.id, key.id
        self._changed(account, "passkey", "added", now, session_id)
        return key_id

    def remove_passkey(self, session_token: str, passkey_id: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            key = s.get(Passkey, passkey_id)
            if key is None or key.account_id != account.id:
                raise NotFound("no such passkey")
            if self._would_leave_no_factor(s, account.id, "passkey", passkey_id):
                raise Conflict("add another second factor before removing the last one")
            s.delete(key)
            session_id = row.id
        self._changed(account, "passkey", "removed", now, session_id)

    def set_phone(self, session_token: str, phone: str) -> datetime:
        """Send a code to a new number; ``confirm_phone`` makes it the SMS factor."""
        provider = self._sms()
        number = self._normal_phone(phone)
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            return sms.send_code(s, provider, self.config, account, row, now, phone=number)

    def confirm_phone(self, session_token: str, code: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            code_row = sms.verify_code(s, self.config, row, code, now)
            if code_row is not None:
                account.phone = code_row.phone
                account.phone_verified_at = now
                account.mfa_ever = True
            session_id = row.id
        if code_row is None:
            raise InvalidCode()
        self._changed(account, "phone", "changed", now, session_id)

    def remove_phone(self, session_token: str) -> None:
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            if self._would_leave_no_factor(s, account.id, "sms"):
                raise Conflict("add another second factor before removing the last one")
            account.phone = None
            account.phone_verified_at = None
            session_id = row.id
        self._changed(account, "phone", "removed", now, session_id)

    def new_recovery_codes(self, session_token: str) -> list[str]:
        """Replace the recovery codes; the new ones are returned once and never again."""
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            codes = recovery.replace_codes(
                s, self.config.secret, account.id, now, self.config.recovery_codes
            )
            session_id = row.id
        self._changed(account, "recovery", "changed", now, session_id)
        return codes

    def change_password(self, session_token: str, current: str, new: str) -> None:
        """Needs the current password and a fresh factor; other sessions end."""
        now = self.clock()
        with transaction(self.factory) as s:
            row, account = self._changing(s, session_token, now)
            ok, _ = self.hasher.verify(account.password_hash or "", current)
            if ok:
                self.policy.check(
                    new,
                    mfa=account.mfa_ever,
                    username=account.username,
                    display_name=account.display_name,
                    organisation=self.config.organisation,
                    email=account.email,
                )
                account.password_hash = self.hasher.hash(new)
                account.password_changed_at = now
                self._end_all(s, account.id, "password-changed", now, keep=row.id)
            session_id = row.id
        if not ok:
            raise InvalidCredentials("the current password is wrong")
        self._changed(account, "password", "changed", now, session_id)

    # ---- housekeeping ---------------------------------------------------------------------------

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
