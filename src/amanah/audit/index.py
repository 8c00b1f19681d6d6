"""The query index over the audit trail (table ``audit_index``): derived, untrusted.

For each entry, one row per ``(kind, value)`` it can be found by:

- ``actor``: who acted; ``action``: what they did;
- ``subject``: each subject id (customer ids and other record ids);
- ``field``: each field name touched or revealed.

Rows are ``(kind, value, at, seq)``: ``at`` is the entry's time in microseconds
since the Unix epoch (UTC), ``seq`` its leaf index. The primary key is the whole
row, in that order, so a query "kind = K and value = V and at in [since, until)"
is one range scan of one B-tree (SQLite: a ``WITHOUT ROWID`` table, no second
index).

The index is a derived cache off the append path: appends write only bundles and
tiles (``amanah.audit.tiles``), and ``AuditLog.catch_up_index`` indexes the
entries from ``audit_tree_head.indexed_size`` on, in batches, under the log's
write lock. Every query calls it before it answers, so answers stay exact; the
cost moves from each append to the first query after a burst (about the append
cost the rows used to add). It is rebuildable: delete the rows, set
``indexed_size`` to 0, and the next query rebuilds it from the entries.

Nothing here is trusted: ``amanah.audit.queries`` re-reads every result from the
entries (the canonical, hashed bytes) and checks it again, so a tampered index
can only *hide* results, and ``AuditLog.verify`` recomputes the index from the
entries and reports any difference as ``index-mismatch`` (see ``IndexCheck``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any

import orjson
from sqlalchemy import Connection

from amanah.audit import tiles
from amanah.audit.entry import AuditEntry

__all__ = ["KINDS", "IndexCheck", "batch_rows", "data_rows", "from_micros", "json_rows", "micros"]

KINDS = ("actor", "action", "subject", "field")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
IndexRow = tuple[str, str, int, int]  # kind, value, at (µs since the epoch), seq


_fromiso = datetime.fromisoformat


def micros(at: datetime) -> int:
    """An aware datetime as whole microseconds since the Unix epoch."""
    return (at - EPOCH) // _US


def from_micros(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def batch_rows(start: int, entries: Iterable[AuditEntry]) -> list[IndexRow]:
    """The index rows of ``entries`` appended from position ``start`` (the append path),
    in entry order. (Sorting them into key order first was measured: the sort costs
    more than the database saves.)"""
    out: list[IndexRow] = []
    add, more = out.append, out.extend
    epoch, us = EPOCH, _US
    for seq, entry in enumerate(entries, start):
        at = (entry.at - epoch) // us
        add(("actor", entry.actor, at, seq))
        add(("action", entry.action, at, seq))
        items = entry.subject_ids
        if items:
            if len(items) == 1:
                add(("subject", items[0], at, seq))
            else:
                more([("subject", x, at, seq) for x in dict.fromkeys(items)])
        items = entry.fields
        if items:
            if len(items) == 1:
                add(("field", items[0], at, seq))
            else:
                more([("field", x, at, seq) for x in dict.fromkeys(items)])
    return out


def json_rows(seq: int, d: Any) -> list[IndexRow] | None:
    """The index rows of a parsed canonical entry (verification and the 0005 backfill);
    None if it does not have the shape of an entry (verification reports it anyway).
    Values are as stored in the entry: the caller skips rows whose value is not a string."""
    try:
        at = (_fromiso(d["at"]) - EPOCH) // _US
        out: list[IndexRow] = [("actor", d["actor"], at, seq), ("action", d["action"], at, seq)]
        items = d.get("subjects")
        if items:
            out += [
                ("subject", x, at, seq) for x in (dict.fromkeys(items) if len(items) > 1 else items)
            ]
        items = d.get("fields")
        if items:
            out += [
                ("field", x, at, seq) for x in (dict.fromkeys(items) if len(items) > 1 else items)
            ]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return out


def data_rows(seq: int, data: bytes) -> list[IndexRow]:
    """The index rows of stored entry bytes at position ``seq`` ([] if they do not parse)."""
    try:
        d = orjson.loads(data)
    except orjson.JSONDecodeError:
        return []
    return (json_rows(seq, d) or []) if isinstance(d, dict) else []


class IndexCheck:
    """Compares the stored index with the one recomputed from the entries.

    Fast path (an intact index): one pass over each side, comparing the number of
    rows and the sum of their salted hashes (a fresh random salt per check, so rows
    cannot be forged to collide). Only if they differ, a second pass sums per bucket
    of 4,096 entries and compares the differing buckets exactly, to say where.
    """

    BUCKET_BITS = 12
    MAX_REPORTED = 10
    _CHUNK = 20000

    def __init__(self, upto: int | None = None) -> None:
        self.upto = upto  # entries below this are indexed (``indexed_size``); None: all
        self._salt = secrets.token_hex(16)
        self._count = 0
        self._sum = 0
        self._buffer: list[IndexRow] = []

    def _flush(self) -> None:
        buffer = self._buffer
        try:
            total = sum(map(hash, zip(repeat(self._salt), buffer, strict=False)))
        except TypeError:  # a tampered entry with a list where an id belongs
            buffer[:] = [r for r in buffer if type(r[1]) is str]
            total = sum(map(hash, zip(repeat(self._salt), buffer, strict=False)))
        self._count += len(buffer)
        self._sum += total
        buffer.clear()

    def feed(
        self, entries: Iterable[tuple[int, bytes, bytes]]
    ) -> Iterator[tuple[int, bytes, bytes]]:
        """Pass ``(seq, data, leaf_hash)`` rows through, noting the index rows each implies
        (at the position it is stored at, which is what queries read)."""
        buffer, chunk, upto = self._buffer, self._CHUNK, self.upto
        for row in entries:
            if upto is None or row[0] < upto:
                buffer += data_rows(row[0], row[1])
            if len(buffer) >= chunk:
                self._flush()
            yield row
        self._flush()

    def _stored(self, conn: Connection) -> Iterator[list[IndexRow]]:
        """Every stored index row, streamed on the snapshot's own DBAPI connection (plain
        tuples: several times faster than result rows at millions of rows)."""
        raw: Any = conn.connection.dbapi_connection
        sql = "SELECT kind, value, at, seq FROM audit_index"
        if conn.dialect.name == "postgresql":  # a server-side cursor: no full fetch
            cursor = raw.cursor(name=f"amanah_audit_index_{secrets.token_hex(4)}")
        else:
            cursor = raw.cursor()
        try:
            cursor.execute(sql)
            while part := cursor.fetchmany(self._CHUNK):
                yield [tuple(r) for r in part] if type(part[0]) is not tuple else part
        finally:
            cursor.close()

    def compare(self, conn: Connection, problem: Any) -> None:
        """Scan ``audit_index`` and call ``problem(kind, message, seq)`` for differences.
        Call after ``feed`` has been consumed, in the same snapshot."""
        salt = repeat(self._salt)
        count = total = 0
        for part in self._stored(conn):
            count += len(part)
            total += sum(map(hash, zip(salt, part, strict=False)))
        if count == self._count and total == self._sum:
            return
        self._locate(conn, problem)

    def _locate(self, conn: Connection, problem: Any) -> None:
        bits, salt, big = self.BUCKET_BITS, self._salt, 1 << 100
        want: dict[int, int] = {}
        have: dict[int, int] = {}
        for seq, data, _ in tiles.iter_entries(conn, stop=self.upto):
            for row in data_rows(int(seq), bytes(data)):
                if type(row[1]) is not str:
                    continue
                want[row[3] >> bits] = want.get(row[3] >> bits, 0) + hash((salt, row)) + big
        for part in self._stored(conn):
            for k, v, a, s in part:
                row = (k, v, int(a), int(s))
                have[row[3] >> bits] = have.get(row[3] >> bits, 0) + hash((salt, row)) + big
        bad = sorted(b for b in want.keys() | have.keys() if want.get(b) != have.get(b))
        for bucket in bad[: self.MAX_REPORTED]:
            self._explain(conn, bucket, problem)
        if len(bad) > self.MAX_REPORTED:
            first = bad[self.MAX_REPORTED] << bits
            problem(
                "index-mismatch",
                f"the query index also differs from the entries in {len(bad) - self.MAX_REPORTED}"
                f" more ranges of {1 << bits} entries (from entry {first})",
                first,
            )

    def _explain(self, conn: Connection, bucket: int, problem: Any) -> None:
        lo, hi = bucket << self.BUCKET_BITS, (bucket + 1) << self.BUCKET_BITS
        ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        want: set[IndexRow] = set()
        stop = hi if self.upto is None else min(hi, self.upto)
        for seq, data, _ in tiles.iter_entries(conn, lo, stop):
            want.update(r for r in data_rows(int(seq), bytes(data)) if type(r[1]) is str)
        sql = f"SELECT kind, value, at, seq FROM audit_index WHERE seq >= {ph} AND seq < {ph}"
        have = {(k, v, int(a), int(s)) for k, v, a, s in conn.exec_driver_sql(sql, (lo, hi))}
        missing, extra = want - have, have - want
        if not missing and not extra:  # differs only in duplicates the hash sum counted
            problem(
                "index-mismatch",
                f"the query index has duplicate rows for entries {lo}..{hi - 1}",
                lo,
            )
            return
        seq = min(r[3] for r in missing | extra)
        gone = sum(1 for r in missing if r[3] == seq)
        added = sum(1 for r in extra if r[3] == seq)
        what = []
        if gone:
            what.append(f"{gone} index rows missing")
        if added:
            what.append(f"{added} index rows the entry does not contain")
        more = len(missing) + len(extra) - gone - added
        tail = f" (and {more} more differing rows for later entries)" if more else ""
        problem(
            "index-mismatch",
            f"the query index disagrees with entry {seq}: {' and '.join(what)}{tail}; "
            "queries may have missed it",
            seq,
        )
