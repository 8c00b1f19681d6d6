"""The gate decides who may see what, and always says why.

Other packages contribute *decision inputs* (identity, detection, training,
compliance...) registered at start-up; the gate imports none of them. Each
input may only make a decision stricter. The base policy is role and scope.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Outcome(enum.IntEnum):
    """Ordered from most to least permissive, so the strictest is ``max``."""

    ALLOW = 0
    ALLOW_MASKED = 1
    STEP_UP = 2
    DENY = 3


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a staff member or a service account, with role and scopes."""

    id: str
    kind: str  # "staff" or "service"
    role: str
    scopes: frozenset[str] = frozenset()

    def has_scope(self, scope: str) -> bool:
        return "*" in self.scopes or scope in self.scopes


@dataclass(frozen=True, slots=True)
class AccessRequest:
    principal: Principal
    action: str  # "read" (masked) or "reveal" (plaintext)
    customer_id: str
    fields: tuple[str, ...] = ()  # field kinds
    purpose: str | None = None
    interaction_id: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str
    inputs: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        return self.outcome == Outcome.ALLOW


class DecisionInput(Protocol):
    """A contribution to the decision. Return None to abstain."""

    name: str

    def evaluate(self, request: AccessRequest) -> Decision | None: ...


REVEAL_ROLES = frozenset({"agent", "supervisor", "privacy_officer", "admin"})


class RolePolicy:
    """Base policy until the richer inputs land: reveals need a role or scope and a purpose."""

    name = "role"

    def evaluate(self, request: AccessRequest) -> Decision | None:
        p = request.principal
        if request.action == "read":
            return Decision(Outcome.ALLOW, "masked read")
        if request.action != "reveal":
            return Decision(Outcome.DENY, f"unknown action {request.action}")
        if not request.purpose:
            return Decision(Outcome.DENY, "a reveal must state its purpose")
        if p.kind == "service" and not p.has_scope("customers:reveal"):
            return Decision(Outcome.ALLOW_MASKED, "token lacks the customers:reveal scope")
        if p.kind == "staff" and p.role not in REVEAL_ROLES:
            return Decision(Outcome.ALLOW_MASKED, f"role {p.role} may not reveal")
        return Decision(Outcome.ALLOW, f"role {p.role} may reveal")


Observer = Callable[[AccessRequest, Decision], None]


class Gate:
    """Combines the base policy with every registered input; the strictest outcome wins.

    Every decision goes to the observers (the audit trail and the event bus)
    before it is returned: a decision that cannot be recorded is not returned.
    """

    def __init__(self, inputs: Sequence[DecisionInput] = ()) -> None:
        self._inputs: list[DecisionInput] = [RolePolicy(), *inputs]
        self._observers: list[Observer] = []

    def register(self, decision_input: DecisionInput) -> None:
        self._inputs.append(decision_input)

    def observe(self, observer: Observer) -> None:
        self._observers.append(observer)

    def decide(self, request: AccessRequest) -> Decision:
        verdicts = [(i.name, d) for i in self._inputs if (d := i.evaluate(request)) is not None]
        _, strictest = max(verdicts, key=lambda nd: nd[1].outcome)
        reason = strictest.reason
        if strictest.outcome == Outcome.ALLOW:  # every input agreed: say everything it rests on
            reason = "; ".join(d.reason for _, d in verdicts)
        decision = Decision(strictest.outcome, reason, tuple(n for n, _ in verdicts))
        for observer in self._observers:
            observer(request, decision)
        return decision
