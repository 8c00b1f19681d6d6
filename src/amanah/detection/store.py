"""Alerts in the database: save (upsert), list, lifecycle, and suppressions that survive restarts.

``StoreSink`` is the ``AlertSink`` that keeps the tables current: it writes each
alert when raised, escalated or given new evidence. ``AlertStore.transition``
is the officer's action; given the live ``Detector`` it updates its book too, so
a false-positive verdict tunes suppression at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from amanah.db import utcnow
from amanah.detection.alerts import (
    STATUSES,
    TRANSITIONS,
    Alert,
    AlertBook,
    AlertNotFound,
    InvalidTransition,
)
from amanah.detection.models import DetectionAlert, DetectionSuppression


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _to_row(alert: Alert, row: DetectionAlert) -> DetectionAlert:
    row.rule, row.kind, row.actor = alert.rule, alert.kind, alert.actor
    row.severity, row.score, row.explanation = alert.severity, alert.score, alert.explanation
    row.feature, row.status = alert.feature, alert.status
    row.raised_at, row.last_at = _dt(alert.ts), _dt(alert.last_ts)
    row.event_ids, row.updates, row.details = list(alert.event_ids), alert.updates, alert.details
    return row


def to_alert(row: DetectionAlert) -> Alert:
    return Alert(
        id=row.id,
        rule=row.rule,
        kind=row.kind,
        actor=row.actor,
        severity=row.severity,
        score=row.score,
        explanation=row.explanation,
        ts=row.raised_at.timestamp(),
        last_ts=row.last_at.timestamp(),
        event_ids=list(row.event_ids or []),
        status=row.status,
        feature=row.feature,
        updates=row.updates,
        details=dict(row.details or {}),
    )


class AlertStore:
    def __init__(self, factory: sessionmaker[Session], suppress_days: float = 14.0) -> None:
        self.factory = factory
        self.suppress_days = suppress_days

    def save(self, alert: Alert) -> None:
        with self.factory() as session, session.begin():
            row = session.get(DetectionAlert, alert.id)
            if row is None:
                row = DetectionAlert(id=alert.id)
                session.add(_to_row(alert, row))
            else:
                _to_row(alert, row)

    def get(self, alert_id: str) -> Alert:
        with self.factory() as session:
            row = session.get(DetectionAlert, alert_id)
            if row is None:
                raise AlertNotFound("no such alert")
            return to_alert(row)

    def list(
        self,
        *,
        status: str | Sequence[str] | None = None,
        actor: str | None = None,
        limit: int = 100,
    ) -> list[Alert]:
        query = select(DetectionAlert).order_by(DetectionAlert.raised_at.desc()).limit(limit)
        if isinstance(status, str):
            query = query.where(DetectionAlert.status == status)
        elif status is not None:
            query = query.where(DetectionAlert.status.in_(list(status)))
        if actor is not None:
            query = query.where(DetectionAlert.actor == actor)
        with self.factory() as session:
            return [to_alert(r) for r in session.scalars(query)]

    def transition(
        self,
        alert_id: str,
        status: str,
        *,
        by: str | None = None,
        now: datetime | None = None,
        book: AlertBook | None = None,
    ) -> Alert:
        now = now or utcnow()
        if status not in STATUSES:
            raise InvalidTransition(f"unknown status {status}")
        with self.factory() as session, session.begin():
            row = session.get(DetectionAlert, alert_id, with_for_update=True)
            if row is None:
                raise AlertNotFound("no such alert")
            if status not in TRANSITIONS[row.status]:
                raise InvalidTransition(f"an alert that is {row.status} cannot become {status}")
            row.status, row.status_by, row.status_at = status, by, now
            if status == "false_positive":
                session.add(
                    DetectionSuppression(
                        actor=row.actor,
                        rule=row.rule,
                        feature=row.feature,
                        until=now + timedelta(days=self.suppress_days),
                        alert_id=row.id,
                        created_by=by,
                    )
                )
            alert = to_alert(row)
        if book is not None:
            live = book.alerts.get(alert_id)
            if live is not None and live.status != status:
                book.transition(live, status, now.timestamp())
            elif live is None and status == "false_positive":
                book.suppress(alert.actor, alert.rule, alert.feature, now.timestamp())
        return alert

    def active_suppressions(self, now: datetime | None = None) -> list[DetectionSuppression]:
        now = now or utcnow()
        with self.factory() as session:
            query = select(DetectionSuppression).where(DetectionSuppression.until > now)
            return list(session.scalars(query))

    def load_suppressions(self, book: AlertBook, now: datetime | None = None) -> int:
        """Restore the verdicts into a detector's book (at start-up)."""
        rows = self.active_suppressions(now)
        for row in rows:
            key = (row.actor, row.rule, row.feature)
            book.suppressed[key] = max(book.suppressed.get(key, 0.0), row.until.timestamp())
        return len(rows)


class StoreSink:
    """An ``AlertSink`` that writes every raise, escalation and evidence update."""

    def __init__(self, store: AlertStore) -> None:
        self.store = store

    def on_alert(self, alert: Alert) -> None:
        self.store.save(alert)

    def on_update(self, alert: Alert) -> None:
        self.store.save(alert)
