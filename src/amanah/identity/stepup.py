"""Step-up: identity's decision input for the gate, and the call detection uses to demand it.

The gate sees a ``Principal``; how strongly and recently that person authenticated is in
their session. The API layer binds the request's ``AuthContext`` (``bind_context``) and the
input reads it, or the input is given another ``resolver``.

Rules:
- actions in ``stepup_actions`` (reveals and exports) need a second factor (TOTP, SMS or
  passkey) used in the last ``stepup_minutes``, else ``Outcome.STEP_UP``;
- a raised requirement (``raise_requirement``, for a risky agent) tightens that window
  and demands a factor used *after* it was raised, for the actions it names (all if none);
- a staff principal with no bound session gets ``unbound`` (DENY by default) on those
  actions: no session, no plaintext.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import AccessRequest, Decision, Outcome, Principal
from amanah.identity.common import Clock, system_clock
from amanah.identity.config import IdentityConfig
from amanah.identity.errors import FactorNotAvailable
from amanah.identity.models import StaffAccount, StepUpRequirement
from amanah.identity.sessions import AuthContext
from amanah.ids import new_id

_current: ContextVar[AuthContext | None] = ContextVar("amanah_identity_context", default=None)


def bind_context(ctx: AuthContext | None) -> Token[AuthContext | None]:
    return _current.set(ctx)


def reset_context(token: Token[AuthContext | None]) -> None:
    _current.reset(token)


def current_context() -> AuthContext | None:
    return _current.get()


@contextlib.contextmanager
def authenticated(ctx: AuthContext | None) -> Iterator[AuthContext | None]:
    token = bind_context(ctx)
    try:
        yield ctx
    finally:
        reset_context(token)


def context_of(principal: Principal) -> AuthContext | None:
    """The session bound to this request, if it is ``principal``'s (else None)."""
    ctx = current_context()
    if ctx is None or ctx.account_id != principal.id:
        return None
    return ctx


def raise_requirement(
    session: Session,
    account_id: str,
    now: datetime,
    *,
    within_minutes: int = 5,
    actions: Iterable[str] | None = None,
    reason: str = "",
    duration: timedelta | None = timedelta(hours=12),
) -> StepUpRequirement:
    if session.get(StaffAccount, account_id) is None:
        raise FactorNotAvailable("no such staff account")
    row = StepUpRequirement(
        id=new_id("stp"),
        account_id=account_id,
        within_minutes=max(0, int(within_minutes)),
        actions=sorted(set(actions)) if actions is not None else None,
        reason=reason[:200],
        raised_at=now,
        expires_at=now + duration if duration is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def active_requirements(
    session: Session, account_id: str, now: datetime
) -> list[StepUpRequirement]:
    return list(
        session.scalars(
            select(StepUpRequirement).where(
                StepUpRequirement.account_id == account_id,
                or_(StepUpRequirement.expires_at.is_(None), StepUpRequirement.expires_at > now),
            )
        )
    )


class IdentityInput:
    """The gate's identity input (``DecisionInput``): fresh factors for sensitive actions."""

    name = "identity"

    def __init__(
        self,
        factory: sessionmaker[Session],
        config: IdentityConfig,
        *,
        resolver: Callable[[Principal], AuthContext | None] = context_of,
        clock: Clock = system_clock,
        unbound: Outcome = Outcome.DENY,
    ) -> None:
        self.factory = factory
        self.config = config
        self.resolver = resolver
        self.clock = clock
        self.unbound = unbound

    def evaluate(self, request: AccessRequest) -> Decision | None:
        principal = request.principal
        if principal.kind != "staff":
            return None
        now = self.clock()
        with self.factory() as session:
            requirements = [
                r
                for r in active_requirements(session, principal.id, now)
                if r.actions is None or request.action in r.actions
            ]
        sensitive = request.action in self.config.stepup_actions
        if not sensitive and not requirements:
            return None
        ctx = self.resolver(principal)
        if ctx is None:
            return Decision(self.unbound, "no signed-in staff session for this principal")
        within = float(self.config.stepup_minutes)
        since: datetime | None = None
        for r in requirements:
            within = min(within, float(r.within_minutes))
            since = r.raised_at if since is None else max(since, r.raised_at)
        if requirements and within <= 0:
            within = 1.0  # "step up now": a factor used after the raise, within a minute
        if not ctx.has_fresh_factor(within, now, since=since):
            why = "heightened risk: " if requirements else ""
            return Decision(
                Outcome.STEP_UP,
                f"{why}a second factor used in the last {within:g} minutes is required",
            )
        return Decision(Outcome.ALLOW, f"second factor used in the last {within:g} minutes")
