"""Raw access to the audit log's stored layout (``amanah.audit.tiles``), the way an
insider with database access would edit it: the tamper tests' tools."""

from __future__ import annotations

from sqlalchemy import text

from amanah.audit.tiles import HASH, WIDTH, pack, unpack


def sql(system, statement: str, **params) -> list:
    with system.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return result.fetchall() if result.returns_rows else []


def stored_entries(system) -> list[bytes]:
    """Every entry's bytes, bundle after bundle."""
    rows = sql(system, "SELECT data FROM audit_bundles ORDER BY idx")
    return [d for (blob,) in rows for d in unpack(bytes(blob))]


def stored_leaves(system) -> list[bytes]:
    rows = sql(system, "SELECT hashes FROM audit_tiles WHERE level = 0 ORDER BY idx")
    blob = b"".join(bytes(b) for (b,) in rows)
    return [blob[k : k + HASH] for k in range(0, len(blob), HASH)]


def store_entries(system, datas: list[bytes]) -> None:
    """Rewrite the bundles to hold exactly ``datas`` (leaf tiles untouched)."""
    sql(system, "DELETE FROM audit_bundles")
    for k in range(0, len(datas), WIDTH):
        sql(system, "INSERT INTO audit_bundles (idx, data) VALUES (:i, :d)",
            i=k // WIDTH, d=pack(datas[k : k + WIDTH]))  # fmt: skip


def store_tiles(system, level: int, hashes: list[bytes]) -> None:
    """Rewrite the tiles of one level to hold exactly ``hashes``."""
    sql(system, "DELETE FROM audit_tiles WHERE level = :l", l=level)
    for k in range(0, len(hashes), WIDTH):
        sql(system, "INSERT INTO audit_tiles (level, idx, hashes) VALUES (:l, :i, :h)",
            l=level, i=k // WIDTH, h=b"".join(hashes[k : k + WIDTH]))  # fmt: skip
