"""Detection tables: alerts (with their evidence event ids) and false-positive suppressions."""

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
