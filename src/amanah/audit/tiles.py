"""Tile storage for the audit log (C2SP tlog-tiles style): few rows per batch.

Writing one row per entry, per node and per index value has a floor of ~28 µs per
entry in SQLite, whatever the Python does. Here a batch of 1,000 entries writes
about a dozen rows:

- ``audit_bundles``: entries ``256*idx .. 256*idx+255``, each as a 4-byte
  big-endian length and the canonical bytes, concatenated, then compressed
  (``"Z"`` and zlib level 1). Entries of one log repeat their keys, actions and
  ids: a bundle shrinks about tenfold, and fewer bytes to fsync at each commit
  more than pay for the compression. A bundle that does not start with ``"Z"``
  is read as uncompressed (a length prefix starts with a zero byte): the layout
  before compression, and the rightmost bundle while it fills up, which each
  batch rewrites whole and is compressed once, when it is complete.
- ``audit_tiles``: tile ``(level, idx)`` holds the hashes of tree level
  ``8*level``, nodes ``256*idx ..``, 32 bytes each: level 0 holds the leaf
  hashes. Only completed nodes are stored; the rightmost tile of each level (and
  the rightmost bundle) is partial and is rewritten as it grows.

A perfect subtree at tree level ``k`` is then ``2**(k % 8)`` consecutive hashes of
one tile of level ``k // 8``, folded: a proof reads O(log n) tiles in one query.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from amanah.audit.errors import AuditError
from amanah.audit.merkle import parent_hashes

HEIGHT = 8
WIDTH = 1 << HEIGHT
HASH = 32
_TILE_BYTES = WIDTH * HASH
_BUNDLE = -1  # the level tag of bundles in the combined read


_LENGTH = struct.Struct(">I").pack


_COMPRESSED = b"Z"


def pack(datas: Sequence[bytes], *, compress: bool = True) -> bytes:
    """Length-prefixed concatenation, compressed: what a bundle row stores."""
    parts: list[bytes] = []
    add, length = parts.append, _LENGTH
    for d in datas:
        add(length(len(d)))
        add(d)
    raw = b"".join(parts)
    return _COMPRESSED + zlib.compress(raw, 1) if compress else raw


def unpack(blob: bytes) -> list[bytes]:
    """The entries of a bundle, in order; raises AuditError if it is cut short or its
    compressed stream is damaged."""
    if blob[:1] == _COMPRESSED:
        try:
            blob = zlib.decompress(blob[1:])
        except zlib.error:
            raise AuditError("an audit bundle is damaged") from None
    out: list[bytes] = []
    pos, end = 0, len(blob)
    while pos < end:
        n = int.from_bytes(blob[pos : pos + 4], "big")
        pos += 4
        if pos + n > end:
            raise AuditError("an audit bundle is truncated")
        out.append(blob[pos : pos + n])
        pos += n
    return out


def _ph(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def raw_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a small query on the transaction's own DBAPI cursor (the proof path's
    queries take microseconds; SQLAlchemy's machinery around them cost more)."""
    raw: Any = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def raw_execute(conn: Connection, sql: str, params: Sequence[Sequence[Any]]) -> None:
    """One statement per parameter row, on the transaction's own DBAPI cursor (the tree
    head and checkpoint writes: tiny statements, as on the proof path)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if len(params) == 1:
            cursor.execute(sql, params[0])
        else:
            cursor.executemany(sql, params)
    finally:
        cursor.close()


def read_tiles(
    conn: Connection, tiles: Sequence[tuple[int, int]], bundles: Sequence[int] = ()
) -> dict[tuple[int, int], bytes]:
    """Tiles (and bundles, under level -1) by ``(level, idx)``, in one query.

    Plain SQL: OR-ed primary-key equalities (SQLite plans a row-value IN as a scan).
    """
    ph = _ph(conn)
    parts: list[str] = []
    params: list[int] = []
    if bundles:
        marks = ",".join([ph] * len(bundles))
        parts.append(f"SELECT {_BUNDLE}, idx, data FROM audit_bundles WHERE idx IN ({marks})")
        params += bundles
    if tiles:
        where = " OR ".join([f"(level = {ph} AND idx = {ph})"] * len(tiles))
        parts.append(f"SELECT level, idx, hashes FROM audit_tiles WHERE {where}")
        params += [v for pair in tiles for v in pair]
    if not parts:
        return {}
    rows = raw_rows(conn, " UNION ALL ".join(parts), params)
    return {(int(lvl), int(i)): bytes(blob) for lvl, i, blob in rows}


Row = tuple[int, int, bytes]  # (level, idx, blob); level -1: a bundle


def _levels(
    leaves: Sequence[bytes], nodes: Sequence[tuple[int, int, bytes]]
) -> dict[int, list[bytes]]:
    per_level: dict[int, list[bytes]] = {0: list(leaves)}
    for level, _, h in nodes:
        if not level % HEIGHT:
            per_level.setdefault(level // HEIGHT, []).append(h)
    return per_level


def partials(
    start: int, leaves: Sequence[bytes], nodes: Sequence[tuple[int, int, bytes]]
) -> list[tuple[int, int]]:
    """The ``(level, idx)`` of the partial bundle and tiles a batch from ``start`` extends:
    what must be read before ``batch_rows``."""
    out = [(_BUNDLE, start >> HEIGHT)] if start % WIDTH else []
    for lvl, hashes in _levels(leaves, nodes).items():
        first = start >> (HEIGHT * lvl)
        if hashes and first % WIDTH:
            out.append((lvl, first >> HEIGHT))
    return out


def batch_rows(
    start: int,
    datas: Sequence[bytes],
    leaves: Sequence[bytes],
    nodes: Sequence[tuple[int, int, bytes]],
    old: dict[tuple[int, int], bytes],
) -> list[Row]:
    """The bundle and tile rows (whole new contents) for entries ``start ..`` with their
    leaf hashes and the nodes they completed (``CompactRange.extend_nodes``); ``old``
    holds the current contents of ``partials``."""
    end = start + len(datas)
    out: list[Row] = []
    for lo in range(start - start % WIDTH, end, WIDTH):
        a, b = max(lo, start), min(lo + WIDTH, end)
        part = list(datas[a - start : b - start])
        if a != lo:
            prior = unpack(old.get((_BUNDLE, lo >> HEIGHT), b""))
            if len(prior) != a - lo:
                raise AuditError("the audit bundle does not end where the tree head says")
            part = prior + part
        out.append((_BUNDLE, lo >> HEIGHT, pack(part, compress=len(part) == WIDTH)))
    for lvl, hashes in _levels(leaves, nodes).items():
        if not hashes:
            continue
        first = start >> (HEIGHT * lvl)
        blob = b"".join(hashes)
        offset = first % WIDTH
        if offset:
            prior = old.get((lvl, first >> HEIGHT), b"")
            if len(prior) != offset * HASH:
                raise AuditError("the audit tile does not end where the tree head says")
            blob = prior + blob
        tile = first >> HEIGHT
        for pos in range(0, len(blob), _TILE_BYTES):
            out.append((lvl, tile + pos // _TILE_BYTES, blob[pos : pos + _TILE_BYTES]))
    return out


def upsert_sql(ph: str) -> tuple[str, str]:
    """The statements writing bundle rows ``(idx, data)`` and tile rows ``(level, idx,
    hashes)``: a partial one is replaced as it grows."""
    return (
        f"INSERT INTO audit_bundles (idx, data) VALUES ({ph}, {ph}) "
        "ON CONFLICT (idx) DO UPDATE SET data = excluded.data",
        f"INSERT INTO audit_tiles (level, idx, hashes) VALUES ({ph}, {ph}, {ph}) "
        "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes",
    )


def write_batch(
    conn: Connection,
    start: int,
    datas: Sequence[bytes],
    leaves: Sequence[bytes],
    nodes: Sequence[tuple[int, int, bytes]],
) -> None:
    """Store entries ``start ..``: read the partial bundle and tiles they extend (one
    query), then one ``executemany`` each for bundles and tiles."""
    want = partials(start, leaves, nodes)
    old = read_tiles(
        conn, [c for c in want if c[0] != _BUNDLE], [i for lvl, i in want if lvl == _BUNDLE]
    )
    rows = batch_rows(start, datas, leaves, nodes, old)
    bundles_sql, tiles_sql = upsert_sql(_ph(conn))
    conn.exec_driver_sql(bundles_sql, [(i, blob) for lvl, i, blob in rows if lvl == _BUNDLE])
    conn.exec_driver_sql(tiles_sql, [r for r in rows if r[0] != _BUNDLE])


def _fold(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = parent_hashes(hashes)
    return hashes[0]


class FoldCache:
    """Every level folded inside complete upper tiles (tile level >= 1).

    A node at tree level ``k`` with ``k % 8 != 0`` is folded from up to 128 stored
    hashes, and about half of a proof's hashing is in the upper tiles. Those are few
    (17 for a million entries) and never change once complete (the log only
    grows), so each is folded once per process. Proofs are checked by whoever
    receives them and ``AuditLog.verify`` never reads this cache: a tile edited in
    the database after it was cached cannot make a proof pass that should fail.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._levels: dict[tuple[int, int], list[list[bytes]]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int]) -> list[list[bytes]] | None:
        return self._levels.get(key)

    def add(self, key: tuple[int, int], blob: bytes) -> list[list[bytes]]:
        """Fold a complete tile: level ``r`` holds its ``256 >> r`` subtree hashes."""
        level = [blob[k * HASH : (k + 1) * HASH] for k in range(WIDTH)]
        levels = [level]
        while len(level) > 1:
            level = parent_hashes(level)
            levels.append(level)
        with self._lock:
            if len(self._levels) >= self._limit:
                self._levels.clear()
            self._levels[key] = levels
        return levels


class TileNodes:
    """A ``NodeSource`` over the tiles: all nodes of one proof from one query."""

    def __init__(self, conn: Connection, cache: FoldCache | None = None) -> None:
        self.conn = conn
        self.cache = cache

    def node(self, level: int, index: int) -> bytes:
        return self.nodes([(level, index)])[0]

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        wanted = []
        for level, index in coords:
            lvl, r = divmod(level, HEIGHT)
            first = index << r
            wanted.append((lvl, first >> HEIGHT, first % WIDTH, r))
        cache = self.cache
        folded = {} if cache is None else {(w[0], w[1]): cache.get((w[0], w[1])) for w in wanted}
        unread = sorted({(w[0], w[1]) for w in wanted if folded.get((w[0], w[1])) is None})
        tiles = read_tiles(self.conn, unread)
        out = []
        for (level, index), (lvl, tile, off, r) in zip(coords, wanted, strict=True):
            levels = folded.get((lvl, tile))
            if (
                levels is None
                and cache is not None
                and lvl
                and len(tiles.get((lvl, tile), b"")) == _TILE_BYTES
            ):
                levels = folded[(lvl, tile)] = cache.add((lvl, tile), tiles[(lvl, tile)])
            if levels is not None:
                out.append(levels[r][off >> r])
                continue
            n = 1 << r
            blob = tiles.get((lvl, tile), b"")
            if len(blob) < (off + n) * HASH:
                raise AuditError(f"stored tree node {(level, index)} is missing")
            part = [blob[(off + k) * HASH : (off + k + 1) * HASH] for k in range(n)]
            out.append(_fold(part))
        return out


def iter_entries(
    conn: Connection, start: int = 0, stop: int | None = None, batch: int = 64
) -> Iterator[tuple[int, bytes, bytes | None]]:
    """``(seq, data, stored leaf hash or None)`` in bundle order, ``start <= seq < stop``.

    ``seq`` is the position in the bundles: a deleted bundle shows as a gap, an entry
    cut out of a bundle moves its neighbours (which verification reports).
    """
    ph = _ph(conn)
    last = (start >> HEIGHT) - 1
    while True:
        rows = raw_rows(
            conn,
            f"SELECT idx, data FROM audit_bundles WHERE idx > {ph} ORDER BY idx LIMIT {batch}",
            [last],
        )
        if not rows:
            return
        idxs = [int(i) for i, _ in rows]
        tiles = read_tiles(conn, [(0, i) for i in idxs])
        for i, blob in rows:
            i = int(i)
            leaves = tiles.get((0, i), b"")
            try:
                datas = unpack(bytes(blob))
            except AuditError:
                datas = [bytes(blob)]  # cut short: one unreadable entry, reported
            for k, data in enumerate(datas):
                seq = (i << HEIGHT) + k
                if seq < start:
                    continue
                if stop is not None and seq >= stop:
                    return
                h = leaves[k * HASH : (k + 1) * HASH]
                yield seq, data, (h if len(h) == HASH else None)
        last = idxs[-1]
        if len(rows) < batch:
            return


def iter_nodes(conn: Connection) -> Iterator[tuple[int, int, bytes]]:
    """Stored ``(tree level, index, hash)`` above the leaves, in order."""
    rows = raw_rows(
        conn, "SELECT level, idx, hashes FROM audit_tiles WHERE level > 0 ORDER BY level, idx"
    )
    for lvl, idx, blob in rows:
        blob = bytes(blob)
        first = int(idx) << HEIGHT
        for k in range(len(blob) // HASH):
            yield int(lvl) * HEIGHT, first + k, blob[k * HASH : (k + 1) * HASH]


def entry(conn: Connection, seq: int) -> tuple[bytes, bytes] | None:
    """Entry ``seq``'s bytes and stored leaf hash, or None."""
    if seq < 0:
        return None
    got = read_tiles(conn, [(0, seq >> HEIGHT)], [seq >> HEIGHT])
    blob = got.get((_BUNDLE, seq >> HEIGHT))
    if blob is None:
        return None
    datas = unpack(blob)
    k = seq % WIDTH
    if k >= len(datas):
        return None
    leaves = got.get((0, seq >> HEIGHT), b"")
    return datas[k], leaves[k * HASH : (k + 1) * HASH]
