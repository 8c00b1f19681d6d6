"""Sign-in flows: the password step, the second factor, and a passkey alone (passwordless).

Every refusal is reported the same way (``_report_outcome``) so that an unknown user, a
wrong secret and an unusable account stay indistinguishable from outside."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from amanah.db import transaction
from amanah.identity import events as ev
from amanah.identity import passkeys, sessions, throttle
from amanah.identity.common import digest, new_token
from amanah.identity.core import ENROLLABLE
from amanah.identity.errors import AccountLocked, InvalidCode, InvalidCredentials, Throttled
from amanah.identity.models import KnownDevice, SignInAttempt, StaffAccount
from amanah.identity.notices import Notice
from amanah.identity.proofs import FactorProofs
from amanah.identity.sessions import SECOND_FACTORS
from amanah.identity.views import Attempt, SignedIn
from amanah.ids import new_id

_R = TypeVar("_R")


class SignInFlows(FactorProofs):
    """Sign-in: ``begin`` then a second factor, or ``sign_in_with_passkey`` alone."""

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
        attempt = self._report_outcome(
            outcome,
            attempt,
            notices,
            account_id=account_id,
            factor="password",
            refusal="the username or password is wrong",
        )
        self._emit(ev.SIGNIN_PASSWORD_OK, account_id=account_id, next=attempt.next)
        return attempt

    def _report_outcome(
        self,
        outcome: str,
        result: _R | None,
        notices: list[Notice],
        *,
        account_id: str | None,
        factor: str,
        refusal: str,
    ) -> _R:
        """Send the notices, then return ``result`` on success or refuse the step: one
        ``SIGNIN_FAILED`` event, then ``AccountLocked`` or ``InvalidCredentials(refusal)``.
        One place, so the password and the passwordless paths cannot drift apart."""
        self.notices.send(notices)
        if outcome == "ok" and result is not None:
            return result
        if outcome == "locked":
            self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor=factor, reason="locked")
            raise AccountLocked()
        self._emit(ev.SIGNIN_FAILED, account_id=account_id, factor=factor, reason="invalid")
        raise InvalidCredentials(refusal)

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
        if not ok:  # a wrong code in a reset is a failed sign-in too: ``flow`` tells which
            self._emit(
                ev.SIGNIN_FAILED,
                account_id=account_id,
                factor=factor,
                reason="invalid",
                flow=purpose,
            )
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
        signed = self._report_outcome(
            outcome,
            signed,
            notices,
            account_id=account_id,
            factor="passkey",
            refusal="the passkey was not accepted",
        )
        self._emit(ev.FACTOR_USED, account_id=account_id, factor="passkey")
        self._signed_in_events(signed, "passkey", method="passwordless")
        return signed

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
