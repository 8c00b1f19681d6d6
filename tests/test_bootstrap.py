"""The wired system: reads, reveals, changes and sign-ins all land in one verifiable trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from amanah.audit.log import log_for_system
from amanah.bootstrap import System
from amanah.events import RecordingBus
from amanah.identity.errors import InvalidCredentials


def _entries(system: System) -> list[tuple[str, str, tuple[str, ...]]]:
    log = log_for_system(system)
    entries = [log.entry(seq).entry for seq in range(log.size())]
    return [(e.action, e.outcome, e.fields) for e in entries]


def test_activity_is_audited_and_verifiable(
    system: System, client: TestClient, budi_json_like: dict
) -> None:
    system.bus = RecordingBus()
    cid = client.post("/api/v1/customers", json=budi_json_like).json()["id"]
    client.get(f"/api/v1/customers/{cid}")
    client.post(
        f"/api/v1/customers/{cid}/reveal", json={"fields": ["card"], "purpose": "chargeback"}
    )
    client.post("/api/v1/customers/search", json={"phone": "0812-3456-7890"})
    with pytest.raises(InvalidCredentials):
        system.identity.begin("nobody", "not the password at all", source="203.0.113.9")

    entries = _entries(system)
    actions = [action for action, _, _ in entries]
    assert actions[:4] == ["customer.create", "customer.view", "field.reveal", "customer.search"]
    assert ("field.reveal", "allow", ("card",)) in entries
    assert actions[-1] == "identity.signin.failed"
    reveal = next(e for e in system.bus.events if e.action == "field.reveal")
    assert reveal.customer_id == cid
    assert reveal.extra == {"purpose": "chargeback", "principal_kind": "service"}

    report = log_for_system(system).verify()
    assert report.ok, report.reason


@pytest.fixture
def budi_json_like(budi) -> dict:
    return budi.model_dump(mode="json", exclude_defaults=True)
