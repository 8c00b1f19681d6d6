"""Managing one's own factors in a session: TOTP, passkeys, phone, recovery codes, password.

Every change needs a recently used second factor and tells the owner by email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from amanah.db import transaction
from amanah.errors import Conflict, NotFound
from amanah.identity import events as ev
from amanah.identity import passkeys, recovery, sessions, sms
from amanah.identity.errors import InvalidCode, InvalidCredentials
from amanah.identity.models import Passkey, StaffAccount, StaffSession, TotpFactor
from amanah.identity.proofs import FactorProofs
from amanah.identity.session_flows import SessionFlows
from amanah.identity.sessions import SECOND_FACTORS, require_fresh_factor
from amanah.identity.totp import TotpEnrolment
from amanah.identity.views import FactorSummary


class FactorChanges(FactorProofs, SessionFlows):
    """Adding, removing and replacing factors from a signed-in session."""

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
                self._check_password(account, new)
                account.password_hash = self.hasher.hash(new)
                account.password_changed_at = now
                self._end_all(s, account.id, "password-changed", now, keep=row.id)
            session_id = row.id
        if not ok:
            raise InvalidCredentials("the current password is wrong")
        self._changed(account, "password", "changed", now, session_id)
