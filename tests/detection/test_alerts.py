"""Grouping (one incident, one alert), the lifecycle, false-positive suppression, sinks."""

from __future__ import annotations

import pytest

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.detection.alerts import (
    Alert,
    AlertBook,
    AlertSink,
    InvalidTransition,
    Signal,
    UnknownStatus,
)
from amanah.detection.engine import Detector
from amanah.detection.events import Event
from amanah.detection.risk import RiskInput

H = 3600.0


def sig(ts, rule="unrelated_customer", actor="a1", severity="medium", eid="e", **kw) -> Signal:
    return Signal(rule, actor, severity, kw.pop("score", 0.5), "why", (eid,), ts, **kw)


def test_same_actor_and_rule_within_the_window_is_one_alert() -> None:
    book = AlertBook(group_window=4 * H)
    first, new, _ = book.apply(sig(0, eid="e1"))
    same, new2, escalated = book.apply(sig(H, eid="e2", severity="high", score=0.9))
    assert new and not new2 and same is first and escalated
    assert first.event_ids == ["e1", "e2"] and first.severity == "high" and first.score == 0.9
    assert first.ts == 0 and first.last_ts == H
    _, new3, _ = book.apply(sig(H, rule="vip_access", eid="e3"))
    _, new4, _ = book.apply(sig(H, actor="a2", eid="e4"))
    assert new3 and new4 and len(book.alerts) == 3
    later, new5, _ = book.apply(sig(6 * H, eid="e5"))  # window passed: a new incident
    assert new5 and later is not first


def test_weak_evidence_joins_an_open_incident_but_opens_none() -> None:
    book = AlertBook()
    assert book.apply(sig(0, alert=False)) == (None, False, False)
    alert, _, _ = book.apply(sig(1, eid="e1"))
    joined, new, _ = book.apply(sig(2, eid="e2", alert=False))
    assert joined is alert and not new and alert.event_ids == ["e1", "e2"]


def test_lifecycle() -> None:
    book = AlertBook()
    alert, _, _ = book.apply(sig(0))
    book.transition(alert, "acknowledged", 1)
    assert book.apply(sig(2, eid="x"))[0] is alert  # acknowledged is still the open incident
    book.transition(alert, "resolved", 3)
    with pytest.raises(InvalidTransition):
        book.transition(alert, "acknowledged", 4)
    with pytest.raises(UnknownStatus):
        book.transition(alert, "bogus", 4)
    fresh, new, _ = book.apply(sig(5))
    assert new and fresh is not alert  # a resolved incident is closed
    book.transition(alert, "open", 6)
    assert alert.status == "open"


def test_false_positive_suppresses_that_rule_for_that_actor_and_feature() -> None:
    book = AlertBook(suppress_days=14)
    alert, _, _ = book.apply(sig(0, rule="new_location", feature="ID/Bandung"))
    book.transition(alert, "false_positive", 10)
    assert book.apply(sig(20, rule="new_location", feature="ID/Bandung"))[0] is None
    assert book.apply(sig(20, rule="new_location", actor="a2", feature="ID/Bandung"))[0]
    assert book.apply(sig(20, rule="new_location", feature="RU/Moscow"))[0]
    assert book.apply(sig(15 * 86400, rule="new_location", feature="ID/Bandung", eid="z"))[0]


class Recorder:
    def __init__(self) -> None:
        self.raised: list[tuple[str, str]] = []
        self.updated = 0

    def on_alert(self, alert: Alert) -> None:
        self.raised.append((alert.rule, alert.severity))

    def on_update(self, alert: Alert) -> None:
        self.updated += 1


def test_sinks_hear_raises_and_escalations_updates_go_to_on_update() -> None:
    recorder = Recorder()
    assert isinstance(recorder, AlertSink)
    detector = Detector(sinks=[recorder])
    for i in range(12):
        detector.process(Event(f"e{i}", 1000.0 + i, "a1", "customer.view", customer_id=f"c{i}"))
    assert recorder.raised == [
        ("unrelated_customer", "medium"),
        ("unrelated_customer", "high"),
    ]
    assert recorder.updated == 12 - 2 - 2  # two weak before the alert, two notified
    (alert,) = detector.book.alerts.values()
    assert alert.event_ids == [f"e{i}" for i in range(12)]
    detector.transition(alert.id, "acknowledged", 2000.0)
    assert recorder.updated == 9


def test_the_gate_input_steps_up_an_agent_with_an_open_serious_alert() -> None:
    book = AlertBook()
    risk = RiskInput(book)
    agent = Principal(id="a1", kind="staff", role="agent")
    reveal = AccessRequest(agent, "reveal", "c1", ("card",), purpose="x")
    assert risk.evaluate(reveal) is None
    book.apply(sig(0, severity="high"))
    assert risk.evaluate(reveal).outcome == Outcome.STEP_UP
    alert, _, _ = book.apply(sig(1, rule="honeytoken", severity="critical"))
    assert risk.evaluate(reveal).outcome == Outcome.ALLOW_MASKED
    assert risk.evaluate(AccessRequest(agent, "read", "c1")) is None
    book.transition(alert, "resolved", 2)
    assert risk.evaluate(reveal).outcome == Outcome.STEP_UP
