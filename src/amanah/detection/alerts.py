"""Alerts: one incident, one alert, with an explanation, evidence and a lifecycle.

Detectors emit ``Signal``s. The ``AlertBook`` turns them into alerts: a signal
for the same actor and rule while an alert is open (acknowledged counts as open)
and was last fed within ``group_window`` is appended to it as evidence, raising
its severity and score if higher; otherwise, a signal that is strong enough on
its own opens a new alert (unless a false-positive verdict suppresses it).

Lifecycle: ``open`` -> ``acknowledged`` -> ``resolved``; ``open`` or
``acknowledged`` -> ``false_positive``, which suppresses that rule for that actor
and feature (a city, a metric...) for ``suppress_days``; a closed alert can be
reopened. Subscribers implement ``AlertSink.on_alert``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from amanah.errors import AmanahError, Conflict, InvalidInput, NotFound
from amanah.ids import new_id

SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3, "critical": 4}
STATUSES = ("open", "acknowledged", "resolved", "false_positive")
TRANSITIONS = {
    "open": {"acknowledged", "resolved", "false_positive"},
    "acknowledged": {"resolved", "false_positive", "open"},
    "resolved": {"open"},
    "false_positive": {"open"},
}


class DetectionError(AmanahError):
    pass


class AlertNotFound(DetectionError, NotFound):
    """No such alert: a 404 at the boundary."""


class InvalidTransition(DetectionError, Conflict):
    """Not from the alert's current status: a 409."""


class UnknownStatus(DetectionError, InvalidInput):
    """Not an alert status at all: a 422."""


@dataclass(slots=True)
class Signal:
    """What a detector saw in one event (or one agent-hour)."""

    rule: str
    actor: str
    severity: str
    score: float
    explanation: str
    event_ids: tuple[str, ...]
    ts: float
    feature: str | None = None
    kind: str = "rule"  # "rule" or "model"
    alert: bool = True  # False: evidence for an open incident only, too weak to open one
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Alert:
    id: str
    rule: str
    kind: str
    actor: str
    severity: str
    score: float
    explanation: str
    ts: float  # the event that raised it
    last_ts: float
    event_ids: list[str] = field(default_factory=list)
    status: str = "open"
    feature: str | None = None
    updates: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.ts, UTC)

    def to_json(self) -> dict[str, Any]:
        """The replay output line."""
        return {
            "actor": self.actor,
            "ts": self.when.isoformat(),
            "rule": self.rule,
            "severity": self.severity,
            "score": round(self.score, 3),
            "explanation": self.explanation,
            "event_ids": list(self.event_ids),
        }


@runtime_checkable
class AlertSink(Protocol):
    """Receives each alert when it is raised and again whenever its severity escalates."""

    def on_alert(self, alert: Alert) -> None: ...


def _max_severity(a: str, b: str) -> str:
    return a if SEVERITY_ORDER[a] >= SEVERITY_ORDER[b] else b


class AlertBook:
    def __init__(
        self,
        group_window: float = 24 * 3600,
        suppress_days: float = 14,
        max_evidence: int = 500,
    ) -> None:
        self.group_window = group_window
        self.suppress_seconds = suppress_days * 86400
        self.max_evidence = max_evidence
        self._open: dict[tuple[str, str], Alert] = {}
        self.alerts: dict[str, Alert] = {}
        self.suppressed: dict[tuple[str, str, str | None], float] = {}

    def open_for(self, actor: str, rule: str, now: float) -> Alert | None:
        alert = self._open.get((actor, rule))
        if alert is None:
            return None
        if alert.status not in ("open", "acknowledged") or now - alert.last_ts > self.group_window:
            del self._open[(actor, rule)]
            return None
        return alert

    def open_alerts(self, actor: str) -> list[Alert]:
        """The actor's alerts still open or acknowledged (for the gate's risk input)."""
        return [
            a
            for (who, _), a in list(self._open.items())
            if who == actor and a.status in ("open", "acknowledged")
        ]

    def is_suppressed(self, actor: str, rule: str, feature: str | None, now: float) -> bool:
        for key in ((actor, rule, feature), (actor, rule, None)):
            until = self.suppressed.get(key)
            if until is not None:
                if now < until:
                    return True
                del self.suppressed[key]
        return False

    def apply(self, signal: Signal) -> tuple[Alert | None, bool, bool]:
        """-> (alert touched, is new, severity escalated)."""
        alert = self.open_for(signal.actor, signal.rule, signal.ts)
        if alert is not None:
            before = alert.severity
            alert.severity = _max_severity(alert.severity, signal.severity)
            if signal.score > alert.score:
                alert.score = signal.score
                alert.explanation = signal.explanation
            room = self.max_evidence - len(alert.event_ids)
            if room > 0:
                known = set(alert.event_ids[-50:])
                alert.event_ids.extend([e for e in signal.event_ids if e not in known][:room])
            alert.last_ts = signal.ts
            alert.updates += 1
            return alert, False, alert.severity != before
        if not signal.alert or self.is_suppressed(
            signal.actor, signal.rule, signal.feature, signal.ts
        ):
            return None, False, False
        alert = Alert(
            id=new_id("alr"),
            rule=signal.rule,
            kind=signal.kind,
            actor=signal.actor,
            severity=signal.severity,
            score=signal.score,
            explanation=signal.explanation,
            ts=signal.ts,
            last_ts=signal.ts,
            event_ids=list(dict.fromkeys(signal.event_ids))[: self.max_evidence],
            feature=signal.feature,
            details=dict(signal.details),
        )
        self._open[(alert.actor, alert.rule)] = alert
        self.alerts[alert.id] = alert
        return alert, True, False

    def transition(self, alert: Alert, status: str, now: float) -> Alert:
        if status not in STATUSES:
            raise UnknownStatus(f"unknown status {status}")
        if status not in TRANSITIONS[alert.status]:
            raise InvalidTransition(f"an alert that is {alert.status} cannot become {status}")
        alert.status = status
        if status == "false_positive":
            self.suppress(alert.actor, alert.rule, alert.feature, now)
        if status in ("resolved", "false_positive"):
            if self._open.get((alert.actor, alert.rule)) is alert:
                del self._open[(alert.actor, alert.rule)]
        elif status == "open":
            self._open[(alert.actor, alert.rule)] = alert
            alert.last_ts = max(alert.last_ts, now)
        return alert

    def suppress(self, actor: str, rule: str, feature: str | None, now: float) -> float:
        until = now + self.suppress_seconds
        self.suppressed[(actor, rule, feature)] = until
        return until
