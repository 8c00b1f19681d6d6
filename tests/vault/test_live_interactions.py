"""Interactions tell detection and the gate who serves whom."""

from __future__ import annotations

from datetime import timedelta

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.access.policy import FieldPolicy
from amanah.db import utcnow
from amanah.events import RecordingBus
from amanah.vault.live import LiveInteractionInput
from amanah.vault.schemas import InteractionEnd, InteractionIn

AGENT = Principal("acc_agent", "staff", "agent")


def _start(system, admin, customer_id: str, agent_id: str | None = AGENT.id) -> str:
    data = InteractionIn(customer_id=customer_id, channel="chat", agent_id=agent_id)
    return system.interactions.start(admin, data).id


def test_start_and_end_are_published_as_the_agents_activity(system, admin, budi) -> None:
    bus = RecordingBus()
    system.bus = bus
    customer = system.vault.create_customer(admin, budi).id
    interaction = _start(system, admin, customer)
    system.interactions.end(admin, interaction, InteractionEnd())
    _start(system, admin, customer, agent_id=None)  # a queue with no agent yet: nothing to say
    mine = [e for e in bus.events if e.action.startswith("interaction.")]
    assert [(e.action, e.actor, e.customer_id, e.interaction_id) for e in mine] == [
        ("interaction.start", AGENT.id, customer, interaction),
        ("interaction.end", AGENT.id, customer, interaction),
    ]
    assert mine[0].extra == {"channel": "chat", "principal_kind": "staff"}


def test_the_live_detector_counts_the_agents_interaction(system, admin, budi) -> None:
    customer = system.vault.create_customer(admin, budi).id
    _start(system, admin, customer)
    agent = system.extras["detector"].agents[AGENT.id]
    assert agent is not None  # profiled although a service account started the interaction


def test_the_input_abstains_for_fields_that_need_no_interaction(system) -> None:
    live = LiveInteractionInput(system.factory, FieldPolicy())
    request = AccessRequest(AGENT, "reveal", "cus_x", ("phone",), "verify")
    assert live.evaluate(request) is None


def test_grace_after_the_end_is_configurable(system, admin, budi) -> None:
    customer = system.vault.create_customer(admin, budi).id
    interaction = _start(system, admin, customer)
    system.interactions.end(admin, interaction, InteractionEnd())
    request = AccessRequest(AGENT, "reveal", customer, ("card",), "verify")
    later = lambda: utcnow() + timedelta(minutes=10)  # noqa: E731
    generous = LiveInteractionInput(system.factory, FieldPolicy(), clock=later)
    strict = LiveInteractionInput(
        system.factory, FieldPolicy(), grace=timedelta(minutes=5), clock=later
    )
    assert generous.evaluate(request).outcome == Outcome.ALLOW
    assert strict.evaluate(request).outcome == Outcome.ALLOW_MASKED
