"""Detection tables: alerts (evidence, status history), false-positive suppressions, and the
automatic responses with the reveal blocks they raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amanah.db import Base, UTCDateTime, utcnow


class DetectionAlert(Base):
    __tablename__ = "detection_alerts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # rule | model
    actor: Mapped[str] = mapped_column(String(128), index=True)
    severity: Mapped[str] = mapped_column(String(16), index=True)
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    feature: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(24), index=True, default="open")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the raising event
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    updates: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DetectionSuppression(Base):
    """A false-positive verdict: this rule stays quiet for this actor (and feature) until then."""

    __tablename__ = "detection_suppressions"
    __table_args__ = (Index("ix_detection_suppressions_actor_rule", "actor", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(128))
    rule: Mapped[str] = mapped_column(String(64))
    feature: Mapped[str | None] = mapped_column(String(200), nullable=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    alert_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DetectionAlertHistory(Base):
    """One status change of an alert: who judged it, when, from what to what."""

    __tablename__ = "detection_alert_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(String(40), index=True)
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DetectionResponse(Base):
    """The response register: one automatic action taken for an alert, and its undo."""

    __tablename__ = "detection_responses"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(40), index=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


class DetectionRevealBlock(Base):
    """An active reveal block (``RevealBlock`` reads it on every reveal, by account id)."""

    __tablename__ = "detection_reveal_blocks"

    response_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
