"""Which field kinds need what before their plaintext is shown: the configurable part
of the gate.

A rule per field kind says which staff roles may reveal it at all and whether the
reveal needs a live interaction with that customer. The defaults are the safe ones
the issue asks for: card numbers and national ids only inside a call or chat with
that customer. Step-up for risky agents and fresh factors are other inputs
(``identity``, ``detection``); this module only reads the request.

Configured in ``amanah.toml``::

    [access_fields.national_id]
    live_interaction = true
    roles = ["agent", "supervisor", "privacy_officer"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from amanah.access.gate import AccessRequest, Decision, Outcome

STAFF_ROLES = frozenset({"agent", "supervisor", "security_officer", "privacy_officer", "admin"})


@dataclass(frozen=True, slots=True)
class FieldRule:
    """What revealing one field kind needs. ``roles=None`` leaves the role policy alone."""

    live_interaction: bool = False
    roles: frozenset[str] | None = None

    @classmethod
    def parse(cls, spec: Mapping[str, object]) -> FieldRule:
        unknown = set(spec) - {"live_interaction", "roles"}
        if unknown:
            raise ValueError(f"unknown field rule keys: {', '.join(sorted(unknown))}")
        roles = spec.get("roles")
        if roles is not None:
            if not isinstance(roles, list | tuple | set | frozenset) or not all(
                isinstance(r, str) for r in roles
            ):
                raise ValueError("roles must be a list of role names")
            bad = set(roles) - STAFF_ROLES
            if bad:
                raise ValueError(f"unknown roles: {', '.join(sorted(bad))}")
        live = spec.get("live_interaction", False)
        if not isinstance(live, bool):
            raise ValueError("live_interaction must be true or false")
        return cls(live, frozenset(roles) if roles is not None else None)


DEFAULT_RULES: Mapping[str, FieldRule] = {
    "card": FieldRule(live_interaction=True),
    "national_id": FieldRule(live_interaction=True),
}


@dataclass(frozen=True)
class FieldPolicy:
    """The rules per field kind, plus the roles whose work is not tied to a live interaction
    (a privacy officer answering a data-subject request has no call with the customer)."""

    rules: Mapping[str, FieldRule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    interaction_exempt_roles: frozenset[str] = frozenset({"privacy_officer"})

    @classmethod
    def parse(
        cls,
        spec: Mapping[str, Mapping[str, object]] | None,
        *,
        interaction_exempt_roles: frozenset[str] | None = None,
    ) -> FieldPolicy:
        """The defaults, overridden kind by kind by ``spec``."""
        rules = dict(DEFAULT_RULES)
        for kind, rule in (spec or {}).items():
            rules[kind] = FieldRule.parse(rule)
        exempt = interaction_exempt_roles
        if exempt is None:
            exempt = frozenset({"privacy_officer"})
        return cls(rules, frozenset(exempt))

    def rule(self, kind: str) -> FieldRule:
        return self.rules.get(kind, FieldRule())

    def needs_live_interaction(self, request: AccessRequest) -> tuple[str, ...]:
        """The requested field kinds that need a live interaction for this principal."""
        p = request.principal
        if request.action != "reveal" or p.kind != "staff":
            return ()
        if p.role in self.interaction_exempt_roles:
            return ()
        return tuple(k for k in request.fields if self.rule(k).live_interaction)


class FieldRoleInput:
    """Gate input: a staff role not listed for a field kind sees that field masked."""

    name = "field-policy"

    def __init__(self, policy: FieldPolicy) -> None:
        self.policy = policy

    def evaluate(self, request: AccessRequest) -> Decision | None:
        p = request.principal
        if request.action != "reveal" or p.kind != "staff":
            return None
        for kind in request.fields:
            roles = self.policy.rule(kind).roles
            if roles is not None and p.role not in roles:
                return Decision(Outcome.ALLOW_MASKED, f"role {p.role} may not reveal {kind}")
        return None
