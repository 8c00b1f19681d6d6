"""The response register and reveal blocks in the database (SQLite and PostgreSQL): they
survive a restart, bind every replica, and a response is undone once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from tests.detection.alert_helpers import active_account, officer_principal, raise_alert

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.bootstrap import build
from amanah.db import Base, utcnow
from amanah.detection.response_store import SqlResponseStore
from amanah.detection.responses import Block, Response
from amanah.errors import Conflict, Forbidden, NotFound

OFFICER = officer_principal()
TABLES = {"detection_responses", "detection_reveal_blocks", "detection_alert_history"}


def reveal_request(account_id: str) -> AccessRequest:
    principal = Principal(account_id, "staff", "agent")
    return AccessRequest(principal, "reveal", "cus_1", ("phone",), purpose="dispute")


def test_the_register_round_trips(system) -> None:
    store = SqlResponseStore(system.factory)
    now = utcnow()
    first = Response("rsp_1", "alr_1", "acc_a", "step_up", "done", now, {"requirement_id": "r1"})
    second = Response("rsp_2", "alr_1", "acc_a", "notify", "skipped", now, {})
    other = Response("rsp_3", "alr_2", "acc_b", "lock", "failed", now, {"error": "not-found"})
    for response in (first, second, other):
        store.add(response)
    assert store.get("rsp_1") == first
    assert store.get("rsp_missing") is None
    assert [r.id for r in store.for_alert("alr_1")] == ["rsp_1", "rsp_2"]
    assert [r.id for r in store.find(account_id="acc_a")] == ["rsp_2", "rsp_1"]
    assert [r.id for r in store.find(limit=1)] == ["rsp_3"]
    assert [r.id for r in store.all()] == ["rsp_1", "rsp_2", "rsp_3"]

    undone = store.mark_undone("rsp_1", now, OFFICER.id)
    assert undone.undone_by == OFFICER.id and not undone.reversible
    with pytest.raises(Conflict):
        store.mark_undone("rsp_1", now, "acc_other")
    with pytest.raises(NotFound):
        store.mark_undone("rsp_missing", now, OFFICER.id)
    store.replace(first)  # an undo that failed is put back
    assert store.get("rsp_1").undone_at is None

    block = Block("acc_a", "rsp_9", "alert alr_1: bulk_viewing", now, now + timedelta(hours=1))
    store.add_block(block)
    assert store.blocks_for("acc_a") == [block] and store.blocks_for("acc_b") == []
    assert store.remove_block("rsp_9") == block
    assert store.remove_block("rsp_9") is None and store.blocks_for("acc_a") == []


def test_install_keeps_the_register_in_the_database(system) -> None:
    assert isinstance(system.extras["responder"].store, SqlResponseStore)


def test_a_block_survives_a_new_system_on_the_same_database(system, settings, keyring) -> None:
    agent = active_account(system, "siti")
    alert, responses = raise_alert(system, agent)
    assert [(r.action, r.outcome) for r in responses] == [
        ("lock", "done"),
        ("block_reveals", "done"),
        ("notify", "skipped"),
    ]
    assert system.gate.decide(reveal_request(agent)).outcome == Outcome.DENY

    restarted = build(settings, keyring)  # a restart, or a second replica
    try:
        decision = restarted.gate.decide(reveal_request(agent))
        assert decision.outcome == Outcome.DENY
        assert decision.reason.startswith("reveals are blocked by a security response")
        other = reveal_request("acc_someone_else")
        assert restarted.extras["responder"].blocks.evaluate(other) is None

        # the register is shared too: the restarted one answers no action twice...
        assert restarted.extras["responder"].respond(alert) == []
        # ...undoes there, and the first replica sees the block lifted
        block = next(r for r in responses if r.action == "block_reveals")
        restarted.extras["responder"].undo(block.id, OFFICER)
        assert system.extras["responder"].blocks.active(agent) == []
        with pytest.raises(Conflict):  # once only, whichever replica is asked
            system.extras["responder"].undo(block.id, OFFICER)
    finally:
        restarted.close()


def test_an_officer_cannot_undo_a_response_about_themselves(system) -> None:
    officer = active_account(system, "ayu", "security_officer")
    _, (step_up, _) = raise_alert(system, officer, severity="medium")
    with pytest.raises(Forbidden):
        system.extras["responder"].undo(step_up.id, officer_principal(officer))
    assert system.extras["responder"].store.get(step_up.id).undone_at is None


def test_the_migration_matches_the_models(system) -> None:
    with system.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert [change for change in diff if any(t in repr(change) for t in TABLES)] == []
