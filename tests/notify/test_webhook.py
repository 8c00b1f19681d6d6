"""Signed alert webhooks against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from amanah.notify.errors import DeliveryFailed
from amanah.notify.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookNotifier,
    sign,
    verify_signature,
)

SECRET = b"s3cret-shared-with-the-soar"


@dataclass
class Receiver:
    statuses: list[int] = field(default_factory=list)  # answers in order, then 200
    delay: float = 0.0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/amanah"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Alert:
    id: str = "alr_1"
    actor: str = "agent-014"
    rule: str = "bulk_viewing"
    severity: str = "critical"
    score: float = 0.97
    explanation: str = "212 customers opened in 1 hour; usual 14"
    event_ids: tuple[str, ...] = ("ev-1", "ev-2")


def test_posts_signed_json_that_verifies(receiver: Receiver) -> None:
    delivery = WebhookNotifier(receiver.url, SECRET).send_alert(Alert(), response_id="rsp_1")
    ((headers, body),) = receiver.requests
    assert headers["Content-Type"] == "application/json"
    assert headers[DELIVERY_HEADER] == delivery
    assert verify_signature(SECRET, body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
    assert not verify_signature(
        b"wrong", body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    )
    assert not verify_signature(
        SECRET, body + b" ", headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    )
    data = json.loads(body)
    assert data["event"] == "alert.raised" and data["delivery"] == delivery
    assert data["data"]["rule"] == "bulk_viewing" and data["data"]["event_ids"] == ["ev-1", "ev-2"]
    assert data["data"]["response_id"] == "rsp_1"


def test_retries_server_errors_with_the_same_delivery_id(receiver: Receiver) -> None:
    receiver.statuses = [503, 500]
    waits: list[float] = []
    WebhookNotifier(receiver.url, SECRET, attempts=3, backoff=0.1, sleep=waits.append).send(
        "x", {"a": 1}
    )
    assert len(receiver.requests) == 3 and waits == [0.1, 0.2]
    assert len({h[DELIVERY_HEADER] for h, _ in receiver.requests}) == 1


def test_gives_up_after_the_last_attempt(receiver: Receiver) -> None:
    receiver.statuses = [502, 502, 502]
    with pytest.raises(DeliveryFailed, match="HTTP 502"):
        WebhookNotifier(receiver.url, SECRET, attempts=3, sleep=lambda s: None).send("x", {})
    assert len(receiver.requests) == 3


def test_client_errors_are_not_retried(receiver: Receiver) -> None:
    receiver.statuses = [401]
    with pytest.raises(DeliveryFailed, match="HTTP 401"):
        WebhookNotifier(receiver.url, SECRET, sleep=lambda s: None).send("x", {})
    assert len(receiver.requests) == 1


def test_a_slow_receiver_times_out(receiver: Receiver) -> None:
    receiver.delay = 1.0
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match="Timeout"):
        WebhookNotifier(receiver.url, SECRET, timeout=0.2, attempts=2, sleep=lambda s: None).send(
            "x", {}
        )
    assert time.monotonic() - started < 3


def test_stale_timestamps_do_not_verify() -> None:
    body = b"{}"
    old = int(time.time()) - 3600
    assert not verify_signature(SECRET, body, str(old), sign(SECRET, old, body))
    assert not verify_signature(SECRET, body, "not-a-number", "sha256=00")
