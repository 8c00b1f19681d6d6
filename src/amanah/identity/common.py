"""Small shared pieces: the injectable clock, random tokens and their digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime

from amanah.db import utcnow

Clock = Callable[[], datetime]
system_clock: Clock = utcnow


def new_token() -> str:
    """256 random bits, URL-safe (sessions, sign-in attempts, invitations, devices)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 of a high-entropy token: enough, since the token cannot be guessed."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(key: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 for low-entropy secrets (SMS codes, recovery codes, usernames)."""
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
