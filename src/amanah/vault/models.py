"""Vault tables. Sensitive values exist here only sealed; lookups use blind indexes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amanah.db import Base, UTCDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DataKeyRecord(Base):
    """A customer's data key, only ever stored wrapped by a root-key version."""

    __tablename__ = "data_keys"

    customer_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    root_key_id: Mapped[str] = mapped_column(String(200))
    root_version: Mapped[int] = mapped_column(Integer, index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerField(Base):
    """One sensitive value. ``meta`` holds only non-sensitive facts (id kind, card brand)."""

    __tablename__ = "customer_fields"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    lookup: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interaction(Base):
    __tablename__ = "interactions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    channel_ref: Mapped[str | None] = mapped_column(String(128))
    agent_id: Mapped[str | None] = mapped_column(String(128), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TranscriptSegment(Base):
    """One turn of a transcript: redacted text in clear, the original sealed."""

    __tablename__ = "transcript_segments"
    __table_args__ = (Index("ix_transcript_segments_order", "interaction_id", "seq", unique=True),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    interaction_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("interactions.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    redacted_text: Mapped[str] = mapped_column(Text)
    entity_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    sealed_original: Mapped[bytes] = mapped_column(LargeBinary)
    spoken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
