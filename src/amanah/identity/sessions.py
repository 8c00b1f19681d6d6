"""Staff sessions: random tokens (256 bits, only the SHA-256 stored), a new one on every
sign-in, idle and absolute timeouts, and a record of which factors were used and when.

800-63B rev 4 section 5; OWASP ASVS 5.0 V7.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from amanah.access.errors import StepUpRequired
from amanah.access.gate import Principal
from amanah.identity.common import digest, new_token
from amanah.identity.config import IdentityConfig
from amanah.identity.models import StaffAccount, StaffSession
from amanah.ids import new_id

SECOND_FACTORS = frozenset({"totp", "sms", "passkey", "recovery"})
STEP_UP_FACTORS = frozenset({"totp", "sms", "passkey"})  # a recovery code signs in, no more

ROLE_SCOPES: dict[str, frozenset[str]] = {
    "agent": frozenset({"customers:read", "customers:reveal", "interactions:write"}),
    "supervisor": frozenset({"customers:read", "customers:reveal", "interactions:write"}),
    "security_officer": frozenset({"customers:read", "keys:admin"}),
    "privacy_officer": frozenset({"customers:read", "customers:reveal", "customers:erase"}),
    "admin": frozenset({"*"}),
}

# the session's last_seen_at is written at most this often (one write per request is waste)
TOUCH_EVERY = timedelta(seconds=30)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class AuthContext:
    """Who is signed in, in which session, and how strongly and recently they proved it."""

    session_id: str
    account_id: str
    username: str
    role: str
    team_id: str | None
    factors: dict[str, datetime] = field(default_factory=dict)
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def principal(self) -> Principal:
        return Principal(
            id=self.account_id,
            kind="staff",
            role=self.role,
            scopes=ROLE_SCOPES.get(self.role, frozenset()),
        )

    def last_factor_use(self, factors: Iterable[str] = STEP_UP_FACTORS) -> datetime | None:
        times = [self.factors[f] for f in factors if f in self.factors]
        return max(times) if times else None

    def has_fresh_factor(
        self,
        within_minutes: float,
        now: datetime,
        *,
        factors: Iterable[str] = STEP_UP_FACTORS,
        since: datetime | None = None,
    ) -> bool:
        last = self.last_factor_use(factors)
        if last is None:
            return False
        if since is not None and last < since:
            return False
        return now - last <= timedelta(minutes=within_minutes)


def require_fresh_factor(
    ctx: AuthContext,
    within_minutes: float,
    *,
    now: datetime,
    factors: Iterable[str] = STEP_UP_FACTORS,
    since: datetime | None = None,
) -> None:
    """Raise ``StepUpRequired`` unless a strong factor was used in the last ``within_minutes``."""
    if not ctx.has_fresh_factor(within_minutes, now, factors=factors, since=since):
        raise StepUpRequired(
            f"confirm it is you: a second factor used in the last {within_minutes:g} minutes "
            "is required",
            within_minutes=within_minutes,
        )


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: str
    account_id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    factors: dict[str, datetime]
    user_agent: str | None
    source: str | None
    current: bool = False


def info(row: StaffSession, current_id: str | None = None) -> SessionInfo:
    return SessionInfo(
        id=row.id,
        account_id=row.account_id,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        factors={k: _parse(v) for k, v in (row.factors or {}).items()},
        user_agent=row.user_agent,
        source=row.source,
        current=row.id == current_id,
    )


def context(row: StaffSession, account: StaffAccount) -> AuthContext:
    return AuthContext(
        session_id=row.id,
        account_id=account.id,
        username=account.username,
        role=account.role,
        team_id=account.team_id,
        factors={k: _parse(v) for k, v in (row.factors or {}).items()},
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def issue(
    session: Session,
    config: IdentityConfig,
    account: StaffAccount,
    factors: dict[str, str],
    now: datetime,
    *,
    source: str | None = None,
    user_agent: str | None = None,
) -> tuple[str, StaffSession]:
    """A brand-new session (new random id): the token is returned once, its hash stored."""
    token = new_token()
    row = StaffSession(
        id=new_id("ses"),
        token_hash=digest(token),
        account_id=account.id,
        factors=dict(factors),
        source=source,
        user_agent=(user_agent or "")[:300] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=config.session_absolute_hours),
    )
    session.add(row)
    session.flush()
    return token, row


def find_live(
    session: Session, config: IdentityConfig, token: str, now: datetime
) -> tuple[StaffSession | None, str | None]:
    """(row, None) when live; (row, reason) when it just timed out; (None, None) if unknown."""
    if not token or len(token) > 200:
        return None, None
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == digest(token)))
    if row is None or row.ended_at is not None:
        return None, None
    if now >= row.expires_at:
        return row, "absolute-timeout"
    if now - row.last_seen_at >= timedelta(minutes=config.session_idle_minutes):
        return row, "idle-timeout"
    return row, None


def record_factor(row: StaffSession, factor: str, now: datetime) -> None:
    factors = dict(row.factors or {})
    factors[factor] = _iso(now)
    row.factors = factors


def end(row: StaffSession, reason: str, now: datetime) -> bool:
    if row.ended_at is not None:
        return False
    row.ended_at = now
    row.end_reason = reason
    return True


def live_sessions(session: Session, account_id: str, now: datetime) -> list[StaffSession]:
    return list(
        session.scalars(
            select(StaffSession)
            .where(
                StaffSession.account_id == account_id,
                StaffSession.ended_at.is_(None),
                StaffSession.expires_at > now,
            )
            .order_by(StaffSession.created_at.desc())
        )
    )
