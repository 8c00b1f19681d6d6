"""What every part of the identity service shares: its collaborators (database, config,
hasher, throttles, relying party, notices, events) and the small helpers all flows use.

The flows live in their own modules as mixins over ``IdentityCore``; ``service.Identity``
composes them into the one public class."""

from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.errors import InvalidInput, NotFound
from amanah.identity import events as ev
from amanah.identity import passkeys, recovery, sessions, throttle
from amanah.identity.common import Clock, digest, keyed_digest, system_clock
from amanah.identity.config import IdentityConfig
from amanah.identity.errors import FactorNotAvailable, InvalidInvitation
from amanah.identity.events import IdentityEvents, NullEvents
from amanah.identity.models import FactorFailure, Invitation, StaffAccount, TotpFactor
from amanah.identity.notices import Notice, Notices
from amanah.identity.passwords import PasswordHasher, PasswordPolicy
from amanah.identity.views import FactorSummary, PasskeyView
from amanah.notify.email import Mailer
from amanah.notify.sms import SmsProvider

ENROLLABLE = ("totp", "passkey", "sms")


class IdentityCore:
    """The collaborators and the helpers every flow needs (events, throttle keys, factor
    failures, notices, invitations, ending sessions)."""

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

    # ---- helpers ------------------------------------------------------------------------

    def _emit(self, name: str, **ids: str | int | None) -> None:
        try:
            self.events.emit(name, **ids)
        except Exception:  # the sink must not break authentication
            import logging

            logging.getLogger("amanah.identity").exception("identity event sink failed")

    def _key(self, kind: str, value: str) -> str:
        return f"{kind}:" + keyed_digest(self.config.secret, f"throttle-{kind}", value)[:64]

    def _check_password(self, account: StaffAccount, password: str) -> None:
        """The password policy for this account's new password: the minimum length depends
        on whether it has ever had a second factor; not a common password; not built from
        its own name, email or the organisation's."""
        self.policy.check(
            password,
            mfa=account.mfa_ever,
            username=account.username,
            display_name=account.display_name,
            organisation=self.config.organisation,
            email=account.email,
        )

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

    def _sms(self) -> SmsProvider:
        if self.sms_provider is None:
            raise FactorNotAvailable("no SMS provider is configured")
        return self.sms_provider

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
