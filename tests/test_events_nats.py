"""The JetStream event bus against the real NATS server on 127.0.0.1:4222 (JetStream on).

Each test uses its own stream, subject prefix and durable name and deletes them after.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from amanah.events import ActivityEvent
from amanah.testing import require

NATS_URL = "nats://127.0.0.1:4222"


def _reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=2) as conn:
            return conn.recv(4).startswith(b"INFO")
    except OSError:
        return False


@pytest.fixture
def make_bus() -> Iterator[Callable[..., object]]:
    require(_reachable(), "NATS not reachable at 127.0.0.1:4222")
    from amanah.events_nats import NatsBus

    tag = secrets.token_hex(4)
    names = {
        "stream": f"AMANAH_TEST_{tag.upper()}",
        "subject_prefix": f"amanah-test.{tag}",
        "durable": f"detector-{tag}",
    }
    made: list[NatsBus] = []

    def make(**kwargs: object) -> NatsBus:
        bus = NatsBus(NATS_URL, **{**names, "fetch_timeout": 0.2, **kwargs})  # type: ignore[arg-type]
        made.append(bus)
        return bus

    yield make
    for bus in made:
        bus.close()
    admin = NatsBus(NATS_URL, **names)  # type: ignore[arg-type]
    try:
        admin.delete_stream()  # deletes its consumers too
    finally:
        admin.close()


class Collector:
    def __init__(self) -> None:
        self.events: list[ActivityEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: ActivityEvent) -> None:
        with self.lock:
            self.events.append(event)

    def ids(self) -> list[str]:
        with self.lock:
            return [e.id for e in self.events]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.ids()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.ids()


def event(n: int, actor: str = "agent-1", action: str = "customer.view") -> ActivityEvent:
    return ActivityEvent(action=action, actor=actor, customer_id=f"cus_{n}", extra={"n": n})


def test_two_replicas_feed_one_durable_detector_each_event_once(make_bus) -> None:
    replica_a, replica_b, detector = make_bus(), make_bus(), make_bus()
    seen = Collector()
    detector.subscribe(seen)
    sent = []
    for n in range(20):
        e = event(n, actor="agent-a" if n % 2 else "agent-b")
        (replica_a if n % 2 else replica_b).publish(e)
        sent.append(e.id)
    assert sorted(seen.wait_for(20)) == sorted(sent)
    time.sleep(0.5)  # nothing arrives twice
    assert len(seen.ids()) == 20
    assert detector.pending() == 0  # all acknowledged


def test_events_published_while_the_detector_is_down_arrive_when_it_returns(make_bus) -> None:
    replica_a, replica_b = make_bus(), make_bus()
    first = Collector()
    detector = make_bus()
    detector.subscribe(first)
    before = [event(n) for n in range(3)]
    for e in before:
        replica_a.publish(e)
    assert sorted(first.wait_for(3)) == sorted(e.id for e in before)
    detector.close()  # the detector goes down

    during = [event(n, action="field.reveal") for n in range(3, 10)]
    for n, e in enumerate(during):
        (replica_a if n % 2 else replica_b).publish(e)
    time.sleep(0.3)
    assert len(first.ids()) == 3  # nobody consumed them

    again = Collector()
    make_bus().subscribe(again)  # the detector comes back under the same durable name
    assert sorted(again.wait_for(7)) == sorted(e.id for e in during)
    time.sleep(0.5)
    assert len(again.ids()) == 7  # the acknowledged ones are not delivered again


def test_event_round_trips_with_all_fields(make_bus) -> None:
    bus = make_bus()
    seen = Collector()
    bus.subscribe(seen)
    original = ActivityEvent(
        action="field.reveal",
        actor="agent-7",
        ts=datetime(2026, 9, 1, 0, 5, 12, tzinfo=UTC),
        severity="medium",
        customer_id="cus_1",
        interaction_id="int_1",
        fields=("card", "nik"),
        outcome="allow",
        request_id="req_1",
        ip="203.0.113.11",
        extra={"purpose": "dispute", "geo": {"country": "ID"}},
    )
    bus.publish(original)
    seen.wait_for(1)
    assert seen.events == [original]


def test_a_failing_handler_gets_the_event_again_and_it_is_acked_after_success(make_bus) -> None:
    bus = make_bus(retry_delay=0.1)
    calls: list[str] = []

    def flaky(e: ActivityEvent) -> None:
        calls.append(e.id)
        if len(calls) == 1:
            raise RuntimeError("detector bug")

    bus.subscribe(flaky)
    e = event(1)
    bus.publish(e)
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert calls == [e.id, e.id]
    time.sleep(0.3)
    assert calls == [e.id, e.id] and bus.pending() == 0


def test_publish_is_thread_safe(make_bus) -> None:
    replica, detector = make_bus(), make_bus()
    seen = Collector()
    detector.subscribe(seen)
    events = [event(n) for n in range(80)]

    def send(chunk: list[ActivityEvent]) -> None:
        for e in chunk:
            replica.publish(e)

    threads = [threading.Thread(target=send, args=(events[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(seen.wait_for(80)) == sorted(e.id for e in events)


def test_a_republished_event_is_stored_once(make_bus) -> None:
    bus = make_bus()
    seen = Collector()
    e = event(1)
    bus.publish(e)
    bus.publish(e)  # a retry after a lost acknowledgement: same Nats-Msg-Id
    bus.subscribe(seen)
    seen.wait_for(1)
    time.sleep(0.3)
    assert seen.ids() == [e.id]


def test_subject_tokens_are_made_safe() -> None:
    from amanah.events_nats import subject_for

    assert subject_for("amanah.activity", "customer.view") == "amanah.activity.customer.view"
    assert subject_for("p", "odd action>*") == "p.odd_action__"
    assert subject_for("p", "a..b") == "p.a._.b"


def test_unreachable_server_raises_a_domain_error() -> None:
    from amanah.events_nats import BusUnavailable, NatsBus
    from amanah.testing import free_port

    with pytest.raises(BusUnavailable):
        NatsBus(f"nats://127.0.0.1:{free_port()}", connect_timeout=0.5)
