"""Service-account tokens for integrations: scoped, expiring, revocable.

A token is 256 random bits; only its SHA-256 is stored, so a fast hash is
enough and a stolen database yields no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from amanah.access.gate import Principal
from amanah.db import utcnow
from amanah.identity.errors import InvalidCredentials
from amanah.identity.models import ServiceToken
from amanah.ids import new_id

TOKEN_PREFIX = "amk_"
ALL_SCOPES = (
    "customers:read",
    "customers:write",
    "customers:reveal",
    "customers:erase",
    "interactions:write",
    "keys:admin",
    "alerts:read",
    "alerts:write",
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    name: str,
    role: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[str, ServiceToken]:
    """Create a token; the plaintext is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ServiceToken(
        id=new_id("tok"),
        name=name,
        role=role,
        scopes=sorted(set(scopes)),
        token_hash=_digest(token),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return token, row


def authenticate_token(session: Session, token: str) -> Principal:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise InvalidCredentials()
    row = session.scalar(select(ServiceToken).where(ServiceToken.token_hash == _digest(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise InvalidCredentials()
    return Principal(id=row.id, kind="service", role=row.role, scopes=frozenset(row.scopes))


def revoke_token(session: Session, token_id: str) -> bool:
    row = session.get(ServiceToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[ServiceToken]:
    """Service tokens, newest first (hashes only: a token is never shown again)."""
    query = select(ServiceToken).order_by(ServiceToken.created_at.desc(), ServiceToken.id.desc())
    if not include_revoked:
        query = query.where(ServiceToken.revoked_at.is_(None))
    return list(session.scalars(query))
