"""Alerts stored on SQLite and PostgreSQL: save, list, lifecycle, suppressions; the live path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amanah.detection.alerts import AlertNotFound, Signal, UnknownStatus
from amanah.detection.engine import Detector
from amanah.detection.store import AlertStore, StoreSink
from amanah.events import ActivityEvent

T0 = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)


def test_alerts_round_trip_and_lifecycle(system) -> None:
    store = AlertStore(system.factory, suppress_days=14)
    detector = Detector(sinks=[StoreSink(store)])
    ts = T0.timestamp()
    detector._apply(
        [Signal("new_location", "agent-1", "high", 0.85, "first from RU", ("e1",), ts,
                feature="RU/Moscow")]
    )  # fmt: skip
    detector._apply([Signal("new_location", "agent-1", "high", 0.9, "again", ("e2",), ts + 60)])
    (alert,) = store.list()
    assert alert.event_ids == ["e1", "e2"] and alert.score == 0.9 and alert.updates == 1
    assert alert.when == T0 and alert.feature == "RU/Moscow"
    assert store.list(status="open", actor="agent-1")[0].id == alert.id
    assert store.list(status=["resolved"]) == []

    acked = store.transition(alert.id, "acknowledged", by="officer-1", book=detector.book)
    assert (
        acked.status == "acknowledged" and detector.book.alerts[alert.id].status == "acknowledged"
    )
    with pytest.raises(UnknownStatus):
        store.transition(alert.id, "nonsense")
    now = T0 + timedelta(hours=1)
    store.transition(alert.id, "false_positive", by="officer-1", now=now, book=detector.book)
    assert store.get(alert.id).status == "false_positive"
    with pytest.raises(AlertNotFound):
        store.get("alr_missing")

    (suppression,) = store.active_suppressions(now)
    assert (suppression.actor, suppression.rule, suppression.feature) == (
        "agent-1", "new_location", "RU/Moscow"
    )  # fmt: skip
    assert suppression.until == now + timedelta(days=14)
    restarted = Detector()
    assert store.load_suppressions(restarted.book, now) == 1
    signal = Signal("new_location", "agent-1", "high", 0.85, "x", ("e3",), ts + 7200,
                    feature="RU/Moscow")  # fmt: skip
    assert restarted.book.apply(signal)[0] is None
    assert store.active_suppressions(now + timedelta(days=15)) == []


def test_live_detector_on_the_system_bus_stores_alerts(system) -> None:
    """Every system runs a live detector on its bus (bootstrap.install_detection)."""
    store = AlertStore(system.factory)
    system.bus.publish(
        ActivityEvent(action="honeytoken.read", actor="agent-7", customer_id="cus_decoy")
    )
    system.bus.publish(ActivityEvent(action="customer.view", actor="agent-7", customer_id="c1"))
    (alert,) = store.list()
    assert alert.rule == "honeytoken" and alert.severity == "critical" and alert.actor == "agent-7"
