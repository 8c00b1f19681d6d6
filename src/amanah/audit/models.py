"""Audit trail tables: the entries, the stored perfect-subtree hashes, the signed
checkpoints, and the one-row tree head.

- ``audit_entries``: one row per leaf. ``seq`` is the leaf index (0-based,
  contiguous); ``data`` is the canonical entry bytes exactly as hashed;
  ``leaf_hash`` is SHA-256(0x00 || data).
- ``audit_nodes``: the hash of every *completed* perfect subtree above the
  leaves, addressed ``(level, idx)`` as in ``amanah.audit.merkle``. Any root or
  proof is then O(log n) primary-key lookups (one batched query), whatever the
  log size.
- ``audit_checkpoints``: every signed checkpoint (C2SP signed note) by size.
- ``audit_index``: the query index (``amanah.audit.index``): ``(kind, value, at,
  seq)`` rows derived from the entries, for the forensic queries. Untrusted.
- ``audit_tree_head``: a single row (``id = 1``) holding the serialized
  ``CompactRange`` of the whole log. Every append locks it first, which is what
  serializes concurrent writers and keeps the tree from forking; it also lets an
  append resume after a restart without reading any entry.

Nothing here is trusted by verification: ``AuditLog.verify`` recomputes every
hash from ``data`` and checks the result against the signed checkpoints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amanah.db import Base, UTCDateTime, utcnow

# SQLite: INTEGER PRIMARY KEY is the rowid itself (no second index); elsewhere BIGINT.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntryRow(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditNode(Base):
    __tablename__ = "audit_nodes"
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_with_rowid": False}

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditIndexRow(Base):
    __tablename__ = "audit_index"
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_with_rowid": False}

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditTreeHead(Base):
    __tablename__ = "audit_tree_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    compact_range: Mapped[bytes] = mapped_column(LargeBinary)
    checkpoint_size: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpoint_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
