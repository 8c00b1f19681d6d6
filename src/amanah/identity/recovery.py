"""Recovery codes: 10 single-use codes, shown once, stored as HMAC-SHA256 under the
identity secret. A code stands in for the second factor only: the password is still
required with it, and it never resets a password on its own.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from amanah.identity.common import keyed_digest, same
from amanah.identity.models import RecoveryCode
from amanah.ids import new_id

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
GROUPS, GROUP_LEN = 3, 4  # 12 symbols of 31: about 59 bits each


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(secret: bytes, code: str) -> str:
    return keyed_digest(secret, "recovery", _normal(code))


def generate(count: int = 10) -> list[str]:
    return [
        "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))
        for _ in range(count)
    ]


def replace_codes(
    session: Session, secret: bytes, account_id: str, now: datetime, count: int = 10
) -> list[str]:
    """Drop the account's old codes and store new ones; the plaintexts are returned once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    codes = generate(count)
    for code in codes:
        session.add(
            RecoveryCode(
                id=new_id("rec"),
                account_id=account_id,
                code_hash=_hash(secret, code),
                created_at=now,
            )
        )
    session.flush()
    return codes


def use(session: Session, secret: bytes, account_id: str, code: str, now: datetime) -> bool:
    wanted = _hash(secret, code)
    rows = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    hit = None
    for row in rows:
        if same(row.code_hash, wanted) and hit is None:
            hit = row
    if hit is None:
        return False
    # conditional update: two concurrent uses of one code cannot both succeed
    result = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == hit.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def remaining(session: Session, account_id: str) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )
