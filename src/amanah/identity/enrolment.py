"""First-time enrolment of a second factor during sign-in (TOTP, passkey or phone).

Only an account with no second factor may enrol here: with one already set up, a password
alone must not add another (that happens in a session, see ``factor_changes``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from amanah.db import transaction
from amanah.identity import events as ev
from amanah.identity import passkeys, recovery, sms
from amanah.identity.core import ENROLLABLE
from amanah.identity.errors import EnrolmentRequired, FactorNotAvailable, InvalidCode
from amanah.identity.models import SignInAttempt, StaffAccount
from amanah.identity.notices import Notice
from amanah.identity.signin import SignInFlows
from amanah.identity.totp import TotpEnrolment
from amanah.identity.views import SignedIn


class Enrolment(SignInFlows):
    """Enrolling the first second factor; success opens the session."""

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
