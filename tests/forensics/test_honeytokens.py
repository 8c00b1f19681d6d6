"""Honeytoken customers: any read raises a critical event; nothing else changes."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.events import RecordingBus
from amanah.forensics.exports import ExportSpec, create_export
from amanah.forensics.honeytokens import (
    HoneytokenWatch,
    plant_honeytoken,
    synthetic_person,
)
from amanah.forensics.models import HoneytokenCustomer
from amanah.vault import validation as v
from amanah.vault.schemas import CustomerIn, RevealIn


@pytest.fixture
def watched(system):
    """The system (bootstrap installs the honeytoken watch) with a recording bus."""
    assert "honeytokens" in system.extras
    system.bus = RecordingBus()
    return system


def alarms(system) -> list:
    return [e for e in system.bus.events if e.action == "honeytoken.read"]


def test_synthetic_people_pass_the_vault_validators():
    rng = random.Random(3)
    names = set()
    for _ in range(500):
        p = synthetic_person(rng)
        assert v.normalize_phone(p.phone) == p.phone
        assert v.normalize_email(p.email) == p.email
        v.normalize_national_id("nik", p.nik, date_of_birth=p.date_of_birth)
        v.validate_card(p.card)
        v.validate_bank_account(p.bank_account)
        names.add(p.full_name)
    assert len(names) > 300  # varied, not a handful of stock names


def test_reading_a_honeytoken_raises_a_critical_event(watched, admin):
    decoy = plant_honeytoken(watched, label="canary 1", actor="officer-1")
    watched.bus.events.clear()
    watched.vault.get_customer(admin, decoy)
    (event,) = alarms(watched)
    assert event.severity == "critical"
    assert event.customer_id == decoy
    assert event.actor == admin.id
    assert event.extra["access"] == "read"
    watched.vault.reveal(admin, decoy, RevealIn(fields=["phone"], purpose="callback"))
    assert len(alarms(watched)) == 2
    assert alarms(watched)[1].fields == ("phone",)
    with watched.factory() as session:
        row = session.get(HoneytokenCustomer, decoy)
    assert row.created_by == "officer-1" and row.label == "canary 1"


def test_other_customers_raise_nothing_and_decisions_do_not_change(watched, admin):
    decoy = plant_honeytoken(watched)
    real = watched.vault.create_customer(
        admin, CustomerIn.model_validate({"full_name": "Budi Santoso"})
    ).id
    watched.vault.get_customer(admin, real)
    assert alarms(watched) == []
    agent = Principal(
        id="svc_1", kind="service", role="agent", scopes=frozenset({"customers:reveal"})
    )
    decision = watched.gate.decide(AccessRequest(agent, "reveal", decoy, ("phone",), "callback"))
    assert decision.outcome == Outcome.ALLOW  # the watch abstains: no tell for the reader
    assert "honeytoken" not in decision.inputs
    assert len(alarms(watched)) == 1


def test_an_all_customers_export_leaves_honeytokens_out(watched, admin):
    decoy = plant_honeytoken(watched)
    watched.vault.create_customer(admin, CustomerIn.model_validate({"full_name": "Siti Rahayu"}))
    spec = ExportSpec(recipient="PT Mitra", purpose="annual audit", fields=("full_name",))
    create_export(watched, admin, spec)
    assert alarms(watched) == []
    named = ExportSpec(
        recipient="PT Mitra", purpose="annual audit", fields=("full_name",), customer_ids=[decoy]
    )
    create_export(watched, admin, named)
    assert len(alarms(watched)) == 1


def test_a_token_planted_elsewhere_is_seen_after_a_refresh(system, admin):
    bus = RecordingBus()
    watch = HoneytokenWatch(system.factory, bus.publish, refresh_seconds=0)
    system.gate.register(watch)
    customer = system.vault.create_customer(
        admin, CustomerIn.model_validate({"full_name": "Agus Setiawan"})
    )
    system.vault.get_customer(admin, customer.id)
    assert bus.events == []
    with system.factory() as session, session.begin():  # another replica plants it
        session.add(HoneytokenCustomer(customer_id=customer.id, created_by="replica-2"))
    system.vault.get_customer(admin, customer.id)
    assert [e.action for e in bus.events] == ["honeytoken.read"]
    with system.factory() as session:
        assert session.scalars(select(HoneytokenCustomer.customer_id)).all() == [customer.id]
