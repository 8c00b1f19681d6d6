"""The in-process event bus: fan-out, isolation of failing consumers, JSON shape."""

from __future__ import annotations

from amanah.events import ActivityEvent, InProcessBus, RecordingBus


def test_every_subscriber_gets_every_event_even_if_one_fails() -> None:
    bus = InProcessBus()
    seen: list[str] = []

    def broken(event: ActivityEvent) -> None:
        raise RuntimeError("consumer bug")

    bus.subscribe(broken)
    bus.subscribe(lambda e: seen.append(e.action))
    bus.publish(ActivityEvent(action="customer.view", actor="agent-1", customer_id="cus_1"))
    assert seen == ["customer.view"]


def test_json_shape_drops_empty_values() -> None:
    bus = RecordingBus()
    bus.publish(ActivityEvent(action="field.reveal", actor="a", fields=("card",)))
    (event,) = bus.events
    data = event.to_json()
    assert data["fields"] == ["card"] and data["severity"] == "info"
    assert "customer_id" not in data and data["id"].startswith("evt_")
