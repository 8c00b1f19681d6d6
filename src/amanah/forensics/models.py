"""Forensics tables: what each fingerprinted export contained, and the honeytoken customers.

An export's record holds ids and keyed digests only, never a customer's values:
the customer ids in file order, each row's expected format variants (one
character per variant field, ``-`` where the value could not carry a mark), and
HMAC digests of the decoy records' normalised values so a leaked decoy can be
recognised without keeping the decoy itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from amanah.db import Base, UTCDateTime, utcnow


class ForensicExport(Base):
    __tablename__ = "forensic_exports"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    format: Mapped[str] = mapped_column(String(8))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    row_count: Mapped[int] = mapped_column(Integer)  # rows in the file, decoys included
    decoy_count: Mapped[int] = mapped_column(Integer, default=0)
    withheld_count: Mapped[int] = mapped_column(Integer, default=0)
    scheme: Mapped[str] = mapped_column(String(16), default="v1")


class ForensicExportRow(Base):
    """One real customer row of an export: its position in the file and its marks."""

    __tablename__ = "forensic_export_rows"

    export_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("forensic_exports.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign key: the record of an export outlives the erasure of a customer
    customer_id: Mapped[str] = mapped_column(String(40), index=True)
    variants: Mapped[str] = mapped_column(String(16))


class ForensicDecoyDigest(Base):
    """A keyed digest of one normalised value of a decoy record planted in an export."""

    __tablename__ = "forensic_decoy_digests"
    __table_args__ = (Index("ix_forensic_decoy_digests_digest", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    export_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("forensic_exports.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))


class HoneytokenCustomer(Base):
    """A synthetic customer that no legitimate work touches: any read of it is an alarm."""

    __tablename__ = "honeytoken_customers"

    # no foreign key: the customers table belongs to the vault
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    label: Mapped[str | None] = mapped_column(String(100))
