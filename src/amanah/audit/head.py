"""The one-row tree head and the checkpoint rows, on the transaction's raw DBAPI cursor.

Every append reads the head, writes it back and sometimes inserts a checkpoint: a
handful of tiny statements per batch. Through SQLAlchemy's execution machinery they
cost about a millisecond per batch, more than hashing a hundred entries; on the raw
cursor they cost tens of microseconds. Datetimes still go through the column type's
own bind and result processors (``UTCDateTime``), so the stored values are exactly
what the ORM writes and reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from amanah.audit.errors import AuditError
from amanah.audit.tiles import raw_execute, raw_rows
from amanah.db import UTCDateTime

HEAD_ID = 1
_COLUMNS = "size, compact_range, checkpoint_size, checkpoint_at, indexed_size"
_WRITABLE = frozenset({"size", "compact_range", "checkpoint_size", "checkpoint_at",
                       "indexed_size", "updated_at"})  # fmt: skip
_TIMES = frozenset({"checkpoint_at", "updated_at", "created_at"})


@dataclass(frozen=True, slots=True)
class TreeHead:
    size: int
    compact_range: bytes
    checkpoint_size: int
    checkpoint_at: datetime | None
    indexed_size: int


class HeadStatements:
    """The head and checkpoint statements for one database dialect."""

    def __init__(self, dialect: Any) -> None:
        self.ph = "?" if dialect.paramstyle == "qmark" else "%s"
        time_type = UTCDateTime().dialect_impl(dialect)
        self._bind: Callable[[Any], Any] = time_type.bind_processor(dialect) or (lambda v: v)
        self._result: Callable[[Any], Any] = time_type.result_processor(dialect, None) or (
            lambda v: v
        )

    def read(self, conn: Connection, *, lock: bool = False) -> TreeHead:
        sql = f"SELECT {_COLUMNS} FROM audit_tree_head WHERE id = {HEAD_ID}"
        rows = raw_rows(conn, sql + (" FOR UPDATE" if lock else ""))
        if not rows:
            raise AuditError("the audit tree head is missing")
        size, cr, cp_size, cp_at, indexed = rows[0]
        return TreeHead(
            size=int(size),
            compact_range=bytes(cr),
            checkpoint_size=int(cp_size or 0),
            checkpoint_at=None if cp_at is None else self._result(cp_at),
            indexed_size=int(indexed or 0),
        )

    def update(self, conn: Connection, **values: Any) -> None:
        unknown = set(values) - _WRITABLE
        if unknown:
            raise ValueError(f"not tree-head columns: {sorted(unknown)}")
        names = sorted(values)
        sets = ", ".join(f"{name} = {self.ph}" for name in names)
        params = [self._value(name, values[name]) for name in names]
        raw_execute(conn, f"UPDATE audit_tree_head SET {sets} WHERE id = {HEAD_ID}", [params])

    def insert_checkpoints(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        ph = self.ph
        sql = (
            "INSERT INTO audit_checkpoints (size, root_hash, note, created_at) "
            f"VALUES ({ph}, {ph}, {ph}, {ph})"
        )
        params = [(r["size"], r["root_hash"], r["note"], self._bind(r["created_at"])) for r in rows]
        raw_execute(conn, sql, params)

    def _value(self, name: str, value: Any) -> Any:
        return self._bind(value) if name in _TIMES and value is not None else value
