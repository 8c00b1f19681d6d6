"""What the alerts API returns: alerts, their history and the responses taken for them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from amanah.detection.alerts import Alert
from amanah.detection.officer import AlertFile, Verdict
from amanah.detection.responses import Response
from amanah.detection.store import StatusChange


class AlertOut(BaseModel):
    id: str
    rule: str
    kind: str
    actor: str  # the staff account id the alert is about
    severity: str
    score: float
    explanation: str
    feature: str | None
    status: str
    raised_at: datetime
    last_at: datetime
    event_ids: list[str]
    updates: int

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls(
            id=alert.id,
            rule=alert.rule,
            kind=alert.kind,
            actor=alert.actor,
            severity=alert.severity,
            score=alert.score,
            explanation=alert.explanation,
            feature=alert.feature,
            status=alert.status,
            raised_at=alert.when,
            last_at=datetime.fromtimestamp(alert.last_ts, UTC),
            event_ids=list(alert.event_ids),
            updates=alert.updates,
        )


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None  # pass as ``cursor`` for the next page; null on the last


class StatusChangeOut(BaseModel):
    from_status: str
    to_status: str
    by: str | None
    at: datetime

    @classmethod
    def of(cls, change: StatusChange) -> StatusChangeOut:
        return cls(
            from_status=change.from_status, to_status=change.to_status, by=change.by, at=change.at
        )


class ResponseOut(BaseModel):
    id: str
    alert_id: str
    account_id: str
    action: str
    outcome: str
    at: datetime
    detail: dict[str, str]
    reversible: bool
    undone_at: datetime | None
    undone_by: str | None

    @classmethod
    def of(cls, r: Response) -> ResponseOut:
        return cls(
            id=r.id,
            alert_id=r.alert_id,
            account_id=r.account_id,
            action=r.action,
            outcome=r.outcome,
            at=r.at,
            detail={str(k): str(v) for k, v in r.detail.items()},
            reversible=r.reversible,
            undone_at=r.undone_at,
            undone_by=r.undone_by,
        )


class AlertDetailOut(AlertOut):
    details: dict[str, Any]
    history: list[StatusChangeOut]
    responses: list[ResponseOut]

    @classmethod
    def of_file(cls, file: AlertFile) -> AlertDetailOut:
        return cls(
            **AlertOut.of(file.alert).model_dump(),
            details=dict(file.alert.details),
            history=[StatusChangeOut.of(c) for c in file.history],
            responses=[ResponseOut.of(r) for r in file.responses],
        )


class VerdictOut(BaseModel):
    alert: AlertOut
    undone: list[ResponseOut]  # the automatic responses a false positive undid

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictOut:
        return cls(
            alert=AlertOut.of(verdict.alert), undone=[ResponseOut.of(r) for r in verdict.undone]
        )
