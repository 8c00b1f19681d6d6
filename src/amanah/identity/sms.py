"""One-time codes by SMS (800-63B rev 4 section 3.1.3, a restricted authenticator).

- 6 random digits, valid ``sms_code_minutes`` (at most 10);
- bound to the sign-in attempt or session it was sent for: a code sent for one attempt
  is useless in another;
- stored as an HMAC under the identity secret (keyed with the code's own id), never in clear;
- each code allows ``sms_attempts_per_code`` tries; the attempt allows
  ``sms_failures_per_attempt`` wrong codes in all, and sending a new code does not reset
  that count;
- resends wait ``sms_resend_seconds``, doubling with each send, up to ``sms_max_sends``.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from amanah.identity.common import keyed_digest, same
from amanah.identity.config import IdentityConfig
from amanah.identity.errors import FactorNotAvailable, InvalidCode, Throttled
from amanah.identity.models import SmsCode, StaffAccount
from amanah.ids import new_id
from amanah.notify.sms import SmsProvider

TEXTS = {
    "en": "Amanah code: {code}. Valid {minutes} minutes. Never share it, not even with staff.",
    "id": "Kode Amanah: {code}. Berlaku {minutes} menit. Jangan berikan kepada siapa pun.",
}


class SmsHolder(Protocol):
    """A sign-in attempt or a session: what the codes are bound to, and its counters."""

    id: str
    sms_failures: int
    sms_sends: int
    last_sms_at: datetime | None


def _hash(secret: bytes, code_id: str, code: str) -> str:
    return keyed_digest(secret, f"sms:{code_id}", code)


def send_code(
    session: Session,
    provider: SmsProvider,
    config: IdentityConfig,
    account: StaffAccount,
    holder: SmsHolder,
    now: datetime,
    *,
    phone: str | None = None,
) -> datetime:
    """Send a fresh code for ``holder``; returns when it expires. ``phone`` for enrolment."""
    to = phone or (account.phone if account.phone_verified_at else None)
    if not to:
        raise FactorNotAvailable("no verified phone number for SMS codes")
    if holder.sms_failures >= config.sms_failures_per_attempt:
        raise InvalidCode("too many wrong codes: start again")
    if holder.sms_sends >= config.sms_max_sends:
        raise Throttled("no more codes can be sent now: start again later", retry_after=600)
    if holder.last_sms_at is not None and holder.sms_sends > 0:
        wait = timedelta(seconds=config.sms_resend_seconds * 2 ** (holder.sms_sends - 1))
        ready = holder.last_sms_at + wait
        if ready > now:
            seconds = math.ceil((ready - now).total_seconds())
            raise Throttled(f"wait {seconds} seconds before asking again", retry_after=seconds)
    # older codes for this holder stop working
    session.execute(
        update(SmsCode)
        .where(SmsCode.bound_to == holder.id, SmsCode.used_at.is_(None))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_id = new_id("sms")
    expires = now + timedelta(minutes=config.sms_code_minutes)
    session.add(
        SmsCode(
            id=code_id,
            account_id=account.id,
            bound_to=holder.id,
            phone=to,
            code_hash=_hash(config.secret, code_id, code),
            created_at=now,
            expires_at=expires,
        )
    )
    holder.sms_sends += 1
    holder.last_sms_at = now
    session.flush()
    text = TEXTS.get(account.locale, TEXTS["en"]).format(code=code, minutes=config.sms_code_minutes)
    provider.send(to, text)
    return expires


def verify_code(
    session: Session,
    config: IdentityConfig,
    holder: SmsHolder,
    code: str,
    now: datetime,
) -> SmsCode | None:
    """The matching live code (now used), or None after counting the failure."""
    if holder.sms_failures >= config.sms_failures_per_attempt:
        return None
    row = session.scalar(
        select(SmsCode)
        .where(SmsCode.bound_to == holder.id, SmsCode.used_at.is_(None))
        .order_by(SmsCode.created_at.desc(), SmsCode.id.desc())
        .limit(1)
    )
    live = row is not None and row.expires_at > now and row.attempts < config.sms_attempts_per_code
    candidate = code.strip().replace(" ", "")
    if live and row is not None and same(row.code_hash, _hash(config.secret, row.id, candidate)):
        taken = session.execute(
            update(SmsCode)
            .where(SmsCode.id == row.id, SmsCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return row
    if row is not None and live:
        row.attempts += 1
    holder.sms_failures += 1
    session.flush()
    return None
