"""Alerts in the database: save (upsert), list, lifecycle, and suppressions that survive restarts.

``StoreSink`` is the ``AlertSink`` that keeps the tables current: it writes each
alert when raised, escalated or given new evidence. ``AlertStore.transition``
is the officer's action; given the live ``Detector`` it updates its book too, so
a false-positive verdict tunes suppression at once, and reopening a false positive
lifts the suppression it made. Each transition adds a row to the alert's history in
the same transaction.

``page`` lists newest first (raised time, then id) with a keyset cursor, so a page
stays correct while new alerts arrive.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from amanah.db import utcnow
from amanah.detection.alerts import (
    STATUSES,
    TRANSITIONS,
    Alert,
    AlertBook,
    AlertNotFound,
    InvalidTransition,
    UnknownStatus,
)
from amanah.detection.models import DetectionAlert, DetectionAlertHistory, DetectionSuppression
from amanah.errors import InvalidInput

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusChange:
    from_status: str
    to_status: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class AlertFilter:
    """What to list; every field optional, all of them must hold."""

    status: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    actor: str | None = None
    rule: str | None = None
    since: datetime | None = None  # raised at or after
    until: datetime | None = None  # raised before


def encode_cursor(raised_at: datetime, alert_id: str) -> str:
    raw = f"{raised_at.astimezone(UTC).isoformat()}|{alert_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, alert_id = raw.split("|", 1)
        at = datetime.fromisoformat(when)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the cursor is not one this server gave") from None
    if at.tzinfo is None or not alert_id:
        raise InvalidInput("the cursor is not one this server gave")
    return at.astimezone(UTC), alert_id


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

    def history(self, alert_id: str) -> list[StatusChange]:
        query = (
            select(DetectionAlertHistory)
            .where(DetectionAlertHistory.alert_id == alert_id)
            .order_by(DetectionAlertHistory.id)
        )
        with self.factory() as session:
            return [
                StatusChange(r.from_status, r.to_status, r.by, r.at) for r in session.scalars(query)
            ]

    def page(
        self, where: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[Alert], str | None]:
        """Newest first; the cursor for the next page, or None on the last."""
        rows = self._select(where, limit + 1, cursor)
        more = len(rows) > limit
        rows = rows[:limit]
        after = encode_cursor(rows[-1].raised_at, rows[-1].id) if more else None
        return [to_alert(r) for r in rows], after

    def _select(self, where: AlertFilter, limit: int, cursor: str | None) -> list[DetectionAlert]:
        t = DetectionAlert
        query = select(t).order_by(t.raised_at.desc(), t.id.desc()).limit(limit)
        if where.status:
            query = query.where(t.status.in_(where.status))
        if where.severity:
            query = query.where(t.severity.in_(where.severity))
        if where.actor is not None:
            query = query.where(t.actor == where.actor)
        if where.rule is not None:
            query = query.where(t.rule == where.rule)
        if where.since is not None:
            query = query.where(t.raised_at >= where.since)
        if where.until is not None:
            query = query.where(t.raised_at < where.until)
        if cursor:
            at, last_id = decode_cursor(cursor)
            query = query.where(or_(t.raised_at < at, and_(t.raised_at == at, t.id < last_id)))
        with self.factory() as session:
            return list(session.scalars(query))

    def list(
        self,
        *,
        status: str | Sequence[str] | None = None,
        actor: str | None = None,
        limit: int = 100,
    ) -> list[Alert]:
        statuses = (status,) if isinstance(status, str) else tuple(status or ())
        if status is not None and not statuses:
            return []
        return [to_alert(r) for r in self._select(AlertFilter(statuses, actor=actor), limit, None)]

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
            raise UnknownStatus(f"unknown status {status}")
        with self.factory() as session, session.begin():
            row = session.get(DetectionAlert, alert_id, with_for_update=True)
            if row is None:
                raise AlertNotFound("no such alert")
            before = row.status
            if status not in TRANSITIONS[before]:
                raise InvalidTransition(f"an alert that is {before} cannot become {status}")
            row.status, row.status_by, row.status_at = status, by, now
            session.add(
                DetectionAlertHistory(
                    alert_id=row.id, from_status=before, to_status=status, by=by, at=now
                )
            )
            if before == "false_positive":  # reopened: the verdict's suppression goes too
                session.execute(
                    update(DetectionSuppression)
                    .where(
                        DetectionSuppression.alert_id == row.id, DetectionSuppression.until > now
                    )
                    .values(until=now)
                )
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
            self._follow(book, alert, before, now)
        return alert

    @staticmethod
    def _follow(book: AlertBook, alert: Alert, before: str, now: datetime) -> None:
        """Bring the live detector's book in line with the stored verdict."""
        if before == "false_positive":
            book.suppressed.pop((alert.actor, alert.rule, alert.feature), None)
        live = book.alerts.get(alert.id)
        if live is not None and live.status != alert.status:
            try:
                book.transition(live, alert.status, now.timestamp())
            except InvalidTransition:  # the book saw another path: the database decides
                log.warning("live alert out of step with the store", extra={"alert": alert.id})
                live.status = alert.status
                if alert.status == "false_positive":
                    book.suppress(alert.actor, alert.rule, alert.feature, now.timestamp())
        elif live is None and alert.status == "false_positive":
            book.suppress(alert.actor, alert.rule, alert.feature, now.timestamp())

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
