"""The gate's decisions on the real wired system, as a table.

Each row sets up one situation (who asks, for what, with which live interaction,
risk, response or policy) and names the outcome and a word of the reason. Every
input is the real one registered by ``bootstrap``: role, field policy, live
interaction, identity (fresh factors, raised requirements), detection risk,
reveal blocks, honeytokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.access.policy import FieldPolicy, FieldRoleInput
from amanah.audit.log import log_for_system
from amanah.db import utcnow
from amanah.detection.alerts import Signal
from amanah.detection.responses import Block
from amanah.identity import totp
from amanah.identity.stepup import authenticated
from amanah.identity.testing import PASSWORD
from amanah.vault.schemas import InteractionEnd, InteractionIn

SERVICE = Principal("tok_crm", "service", "admin", frozenset({"customers:reveal"}))
SERVICE_NO_SCOPE = Principal("tok_bi", "service", "admin", frozenset({"customers:read"}))


@dataclass
class World:
    system: Any
    customer: str
    principals: dict[str, Principal] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def staff(self, role: str, username: str | None = None) -> Principal:
        """A signed-in staff member of ``role`` whose TOTP was used just now."""
        username = username or role
        if username in self.principals:
            return self.principals[username]
        identity = self.system.identity
        invite = identity.invite(username, role, display_name=username, email=f"{username}@t.test")
        identity.accept_invitation(invite.token, PASSWORD)
        attempt = identity.begin(username, PASSWORD, source="10.0.0.1", user_agent="pytest")
        enrolment = identity.enrol_totp(attempt.token)
        code = totp.code_at_step(enrolment.secret, totp.time_step(identity.clock()))
        signed = identity.confirm_totp_enrolment(attempt.token, code)
        principal = Principal(invite.account_id, "staff", role)
        self.principals[username] = principal
        self.tokens[principal.id] = signed.session_token
        return principal

    def interaction(self, agent: Principal, *, ended_minutes_ago: float | None = None) -> str:
        started = utcnow() - timedelta(hours=2)
        out = self.system.interactions.start(
            SERVICE,
            InteractionIn(
                customer_id=self.customer, channel="voice", agent_id=agent.id, started_at=started
            ),
        )
        if ended_minutes_ago is not None:
            ended = utcnow() - timedelta(minutes=ended_minutes_ago)
            self.system.interactions.end(SERVICE, out.id, InteractionEnd(ended_at=ended))
        return out.id

    def alert(self, agent: Principal, severity: str) -> None:
        book = self.system.extras["detector"].book
        now = utcnow().timestamp()
        book.apply(Signal("bulk_viewing", agent.id, severity, 0.9, "test", ("ev-1",), now))

    def decide(self, request: AccessRequest, *, bound: bool = True):
        token = self.tokens.get(request.principal.id)
        ctx = self.system.identity.authenticate(token) if (bound and token) else None
        with authenticated(ctx):
            return self.system.gate.decide(request)


def reveal(p: Principal, *kinds: str, purpose: str | None = "verify", interaction=None):
    return lambda w: AccessRequest(p, "reveal", w.customer, kinds, purpose, interaction)


@dataclass(frozen=True)
class Row:
    name: str
    setup: Callable[[World], AccessRequest]
    outcome: Outcome
    reason: str
    bound: bool = True


def _agent(w: World) -> Principal:
    return w.staff("agent")


def _live(w: World, **kw: Any) -> Principal:
    agent = _agent(w)
    w.interaction(agent, **kw)
    return agent


def _other_agents_call(w: World) -> Principal:
    w.interaction(w.staff("agent", "other"))
    return _agent(w)


def _with_alert(severity: str) -> Callable[[World], AccessRequest]:
    def setup(w: World) -> AccessRequest:
        agent = _agent(w)
        w.alert(agent, severity)
        return reveal(agent, "phone")(w)

    return setup


def _blocked(w: World) -> AccessRequest:
    agent = _agent(w)
    responder = w.system.extras["responder"]
    responder.store.add_block(Block(agent.id, "rsp_1", "test response", utcnow()))
    return reveal(agent, "phone")(w)


def _requirement_raised(w: World) -> AccessRequest:
    agent = _agent(w)
    w.system.identity.raise_requirement(agent.id, within_minutes=5, reason="test")
    return reveal(agent, "phone")(w)


def _named_other_interaction(w: World) -> AccessRequest:
    agent = _live(w)
    other = w.interaction(w.staff("agent", "other"))
    return reveal(agent, "national_id", interaction=other)(w)


def _named_own_interaction(w: World) -> AccessRequest:
    agent = _agent(w)
    own = w.interaction(agent)
    return reveal(agent, "national_id", interaction=own)(w)


ROWS = [
    Row("masked read by an agent", lambda w: AccessRequest(_agent(w), "read", w.customer),
        Outcome.ALLOW, "masked read"),
    Row("unknown action", lambda w: AccessRequest(_agent(w), "delete", w.customer),
        Outcome.DENY, "unknown action"),
    Row("reveal without a purpose", lambda w: reveal(_agent(w), "phone", purpose=None)(w),
        Outcome.DENY, "purpose"),
    Row("agent reveals a phone", lambda w: reveal(_agent(w), "phone")(w),
        Outcome.ALLOW, "second factor"),
    Row("agent reveals a card with no live interaction",
        lambda w: reveal(_agent(w), "card")(w), Outcome.ALLOW_MASKED, "live interaction"),
    Row("agent reveals a card in a live call with the customer",
        lambda w: reveal(_live(w), "card")(w), Outcome.ALLOW, "second factor"),
    Row("agent reveals a national id while another agent has the call",
        lambda w: reveal(_other_agents_call(w), "national_id")(w),
        Outcome.ALLOW_MASKED, "live interaction"),
    Row("wrap-up five minutes after the call ended",
        lambda w: reveal(_live(w, ended_minutes_ago=5), "card")(w), Outcome.ALLOW, "second"),
    Row("an hour after the call ended",
        lambda w: reveal(_live(w, ended_minutes_ago=60), "card")(w),
        Outcome.ALLOW_MASKED, "live interaction"),
    Row("names another agent's interaction", _named_other_interaction,
        Outcome.ALLOW_MASKED, "live interaction"),
    Row("names its own live interaction", _named_own_interaction, Outcome.ALLOW, "second"),
    Row("phone and card together, no interaction",
        lambda w: reveal(_agent(w), "phone", "card")(w), Outcome.ALLOW_MASKED, "card"),
    Row("privacy officer reveals a national id for a data-subject request",
        lambda w: reveal(w.staff("privacy_officer"), "national_id")(w), Outcome.ALLOW, "second"),
    Row("security officer may not reveal",
        lambda w: reveal(w.staff("security_officer"), "phone")(w),
        Outcome.ALLOW_MASKED, "may not reveal"),
    Row("supervisor without a call reveals a card",
        lambda w: reveal(w.staff("supervisor"), "card")(w),
        Outcome.ALLOW_MASKED, "live interaction"),
    Row("service token with the reveal scope", lambda w: reveal(SERVICE, "card")(w),
        Outcome.ALLOW, "may reveal"),
    Row("service token without the reveal scope", lambda w: reveal(SERVICE_NO_SCOPE, "card")(w),
        Outcome.ALLOW_MASKED, "scope"),
    Row("staff principal with no signed-in session",
        lambda w: reveal(_agent(w), "phone")(w), Outcome.ALLOW_MASKED, "no signed-in", False),
    Row("agent with an open high alert", _with_alert("high"), Outcome.STEP_UP, "high-severity"),
    Row("agent with an open critical alert", _with_alert("critical"),
        Outcome.ALLOW_MASKED, "critical"),
    Row("agent with an open low alert", _with_alert("low"), Outcome.ALLOW, "second factor"),
    Row("reveals blocked by a response", _blocked, Outcome.DENY, "blocked"),
    Row("step-up raised by detection", _requirement_raised, Outcome.STEP_UP, "heightened risk"),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_gate_decides(system, budi, admin, row: Row) -> None:
    customer = system.vault.create_customer(admin, budi).id
    world = World(system, customer)
    request = row.setup(world)
    decision = world.decide(request, bound=row.bound)
    assert decision.outcome == row.outcome, decision
    assert row.reason in decision.reason, decision


def test_a_configured_field_rule_narrows_the_roles(system, budi, admin) -> None:
    world = World(system, system.vault.create_customer(admin, budi).id)
    agent = world.staff("agent")
    system.gate.register(FieldRoleInput(FieldPolicy.parse({"email": {"roles": ["supervisor"]}})))
    decision = world.decide(reveal(agent, "email")(world))
    assert decision.outcome == Outcome.ALLOW_MASKED
    assert "may not reveal email" in decision.reason
    assert world.decide(reveal(agent, "phone")(world)).outcome == Outcome.ALLOW


def test_every_decision_reaches_the_trail_and_the_bus(system, budi, admin) -> None:
    events: list[Any] = []
    system.bus.subscribe(events.append)
    world = World(system, system.vault.create_customer(admin, budi).id)
    agent = world.staff("agent")
    world.decide(reveal(agent, "card")(world))
    published = [e for e in events if e.action == "field.reveal" and e.actor == agent.id]
    assert [(e.customer_id, e.fields, e.outcome) for e in published] == [
        (world.customer, ("card",), "allow_masked")
    ]
    log = log_for_system(system)
    entry = log.entry(log.size() - 1).entry
    assert (entry.actor, entry.action, entry.outcome) == (agent.id, "field.reveal", "allow_masked")
    assert world.customer in entry.subject_ids
