"""Activity events and the bus that carries them from the gate, vault and identity
to detection. In process by default; NATS JetStream when configured (several
replicas feed one detector). Events carry ids, never personal data values.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from amanah.db import utcnow
from amanah.ids import new_id

log = logging.getLogger(__name__)

SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    action: str  # customer.view, field.reveal, export.create, login.success, honeytoken.read ...
    actor: str
    ts: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=lambda: new_id("evt"))
    severity: str = "info"
    customer_id: str | None = None
    interaction_id: str | None = None
    fields: tuple[str, ...] = ()
    outcome: str | None = None
    request_id: str | None = None
    ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ts"] = self.ts.isoformat()
        data["fields"] = list(self.fields)
        return {k: v for k, v in data.items() if v not in (None, (), [], {})}


Handler = Callable[[ActivityEvent], None]


class EventBus(Protocol):
    def publish(self, event: ActivityEvent) -> None: ...

    def subscribe(self, handler: Handler) -> None: ...


class InProcessBus:
    """Synchronous fan-out. A failing consumer is logged and never fails the publisher."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler) -> None:
        with self._lock:
            self._handlers.append(handler)

    def publish(self, event: ActivityEvent) -> None:
        for handler in list(self._handlers):
            try:
                handler(event)
            except Exception:
                log.exception("event consumer failed", extra={"action": event.action})


class RecordingBus(InProcessBus):
    """Keeps every event: for tests and for the CLI's replay tooling."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[ActivityEvent] = []
        self.subscribe(self.events.append)
