"""Identity events onto the activity bus: each ``emit`` becomes one ``ActivityEvent``.

Events carry opaque ids only (account, session, factor, reason), as ``events.py`` asks;
the audit sink (wired by the lead) subscribes to the same bus or wraps this sink.
"""

from __future__ import annotations

from amanah.audit.trail import Trail
from amanah.events import ActivityEvent, EventBus

SEVERITY = {
    "identity.account.locked": "medium",
    "identity.signin.throttled": "low",
    "identity.device.new": "low",
    "identity.stepup.raised": "low",
}


class BusEvents:
    """An ``IdentityEvents`` sink that publishes on the system's event bus."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus

    def emit(self, event_name: str, **ids: str | int | None) -> None:
        actor = ids.get("actor_id") or ids.get("account_id") or "anonymous"
        extra = {k: v for k, v in ids.items() if v is not None}
        self.bus.publish(
            ActivityEvent(
                action=event_name,
                actor=str(actor),
                severity=SEVERITY.get(event_name, "info"),
                outcome=str(ids["reason"]) if ids.get("reason") is not None else None,
                extra=extra,
            )
        )


class TrailEvents:
    """Records each identity event in the audit trail, then hands it on (to the bus).

    Sign-ins, factor changes, locks and session ends are facts an auditor must
    find: actor, event and the ids involved, never a secret or a personal value.
    """

    def __init__(self, trail: Trail, then: BusEvents) -> None:
        self.trail = trail
        self.then = then

    def emit(self, event_name: str, **ids: str | int | None) -> None:
        actor = ids.get("actor_id") or ids.get("account_id") or "anonymous"
        extra = {k: v for k, v in ids.items() if v is not None and k not in {"actor_id", "reason"}}
        outcome = str(ids["reason"]) if ids.get("reason") is not None else "ok"
        self.trail.record(str(actor), event_name, outcome, **extra)
        self.then.emit(event_name, **ids)
