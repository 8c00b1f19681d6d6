"""Step-up inside a session: proving a fresh factor, and detection's raised requirement.

The gate's decision input and the requirement rows are in ``stepup``; this is the service
side that checks the proof and records it on the session."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from amanah.access.errors import StepUpRequired
from amanah.access.gate import Outcome, Principal
from amanah.db import transaction
from amanah.identity import events as ev
from amanah.identity import sessions, throttle
from amanah.identity.errors import InvalidCode
from amanah.identity.notices import Notice
from amanah.identity.proofs import FactorProofs
from amanah.identity.session_flows import SessionFlows
from amanah.identity.sessions import STEP_UP_FACTORS, AuthContext, require_fresh_factor
from amanah.identity.stepup import IdentityInput, context_of, raise_requirement


class StepUpFlows(FactorProofs, SessionFlows):
    """Step-up checks and requirements."""

    def require_fresh_factor(
        self,
        ctx: AuthContext,
        within_minutes: float | None = None,
        *,
        factors: Iterable[str] = STEP_UP_FACTORS,
    ) -> None:
        require_fresh_factor(
            ctx,
            self.config.stepup_minutes if within_minutes is None else within_minutes,
            now=self.clock(),
            factors=factors,
        )

    def require_fresh_factor_of(self, principal: Principal) -> None:
        """The same check for whoever the request is from: their session, bound to this
        request (``stepup.bind_context``), used a second factor in the last
        ``stepup_minutes``. No such session (a service token) cannot step up: refused.
        Detection's officer desk asks this before lifting a containment."""
        ctx = context_of(principal)
        if ctx is None:
            raise StepUpRequired("a signed-in session with a recent second factor is required")
        self.require_fresh_factor(ctx)

    def raise_requirement(
        self,
        account_id: str,
        *,
        within_minutes: int = 5,
        actions: Iterable[str] | None = None,
        reason: str = "",
        duration: timedelta | None = timedelta(hours=12),
    ) -> str:
        """Detection's one call: this account must prove a fresh factor (after now) for
        ``actions`` (every gated action when None) until ``duration`` passes."""
        now = self.clock()
        with transaction(self.factory) as s:
            row = raise_requirement(
                s, account_id, now,
                within_minutes=within_minutes, actions=actions, reason=reason, duration=duration,
            )  # fmt: skip
            requirement_id = row.id
        self._emit(ev.STEPUP_RAISED, account_id=account_id, requirement_id=requirement_id)
        return requirement_id

    def gate_input(
        self,
        *,
        resolver: Callable[[Principal], AuthContext | None] | None = None,
        unbound: Outcome = Outcome.DENY,
    ) -> IdentityInput:
        kwargs: dict[str, Any] = {"clock": self.clock, "unbound": unbound}
        if resolver is not None:
            kwargs["resolver"] = resolver
        return IdentityInput(self.factory, self.config, **kwargs)

    def _step_up(self, session_token: str, factor: str, proof: Any) -> AuthContext:
        now = self.clock()
        notices: list[Notice] = []
        ctx: AuthContext | None = None
        with transaction(self.factory) as s:
            row, account = self._live_session(s, session_token, now)
            factor_key = self._key("factor", account.id)
            throttle.check(s, factor_key, self.account_rule, now)
            ok = self._check_factor(s, account, row, factor, proof, now)
            if ok:
                throttle.reset(s, factor_key)
                self._factor_ok(s, account.id, factor)
                sessions.record_factor(row, factor, now)
                ctx = sessions.context(row, account)
            else:
                throttle.fail(s, factor_key, self.account_rule, now)
                self._factor_failed(s, account, factor, now, notices)
            ids = (row.id, account.id)
        self.notices.send(notices)
        if ctx is None:
            self._emit(ev.FACTOR_FAILED, account_id=ids[1], session_id=ids[0], factor=factor)
            raise InvalidCode()
        self._emit(ev.STEPUP_SUCCEEDED, account_id=ids[1], session_id=ids[0], factor=factor)
        return ctx

    def step_up_totp(self, session_token: str, code: str) -> AuthContext:
        return self._step_up(session_token, "totp", code)

    def step_up_sms(self, session_token: str, code: str) -> AuthContext:
        return self._step_up(session_token, "sms", code)

    def step_up_passkey(self, session_token: str, response: str | dict[str, Any]) -> AuthContext:
        return self._step_up(session_token, "passkey", response)

    def step_up_send_sms(self, session_token: str) -> datetime:
        return self._send_sms_code(session_token, self._live_session, "step-up")

    def step_up_passkey_options(self, session_token: str) -> dict[str, Any]:
        return self._passkey_challenge(session_token, self._live_session)
