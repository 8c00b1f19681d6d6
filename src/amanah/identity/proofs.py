"""Checking a factor's proof (TOTP, SMS, recovery code, passkey) and preparing its challenge.

Shared by sign-in, step-up, enrolment and factor changes, which differ only in what holds
the challenge (a sign-in attempt or a session) and what a success opens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from amanah.db import transaction
from amanah.identity import events as ev
from amanah.identity import passkeys, recovery, sms, totp
from amanah.identity.core import IdentityCore
from amanah.identity.errors import FactorNotAvailable, InvalidCode
from amanah.identity.models import SignInAttempt, StaffAccount, StaffSession, TotpFactor
from amanah.identity.totp import TotpEnrolment
from amanah.ids import new_id


class FactorProofs(IdentityCore):
    """Factor checks, TOTP set-up and the SMS/passkey challenges, for every flow."""

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
