"""Audit trail tables: the entries, the stored perfect-subtree hashes, the signed
checkpoints, and the one-row tree head.

- ``audit_bundles``: the entries, 256 per row (``amanah.audit.tiles``): entry
  ``seq`` is number ``seq % 256`` of bundle ``seq // 256``, its canonical bytes
  exactly as hashed.
- ``audit_tiles``: the leaf hashes and every 8th level of completed subtree
  hashes, 256 per row (``amanah.audit.tiles``). Any root or proof is then
  O(log n) tiles read in one query, whatever the log size.
- ``audit_checkpoints``: every signed checkpoint (C2SP signed note) by size.
- ``audit_index``: the query index (``amanah.audit.index``): ``(kind, value, at,
  seq)`` rows derived from the entries, for the forensic queries. Untrusted, and
  off the append path: it covers entries ``< audit_tree_head.indexed_size`` and
  catches up before a query answers (``amanah.audit.index.catch_up``).
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


class AuditBundle(Base):
    __tablename__ = "audit_bundles"

    idx: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AuditTile(Base):
    __tablename__ = "audit_tiles"
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_with_rowid": False}

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


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
    indexed_size: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
