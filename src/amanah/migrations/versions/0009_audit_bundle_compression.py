"""audit bundles compressed ("Z" + zlib level 1), see amanah.audit.tiles

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

Readers accept both forms (a raw bundle starts with a zero byte), so the upgrade
only saves space: it compresses the bundles written before. The downgrade writes
every bundle back in the raw form that revision 0008 reads. Neither touches an
entry's bytes, so every hash and checkpoint stays valid.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COMPRESSED = b"Z"
_BATCH = 256


def _rewrite(convert: object) -> None:
    conn = op.get_bind()
    last = -1
    while True:
        rows = conn.execute(
            sa.text("SELECT idx, data FROM audit_bundles WHERE idx > :last ORDER BY idx LIMIT :n"),
            {"last": last, "n": _BATCH},
        ).all()
        if not rows:
            return
        changed = []
        for idx, blob in rows:
            new = convert(bytes(blob))  # type: ignore[operator]
            if new is not None:
                changed.append({"idx": int(idx), "data": new})
        if changed:
            conn.execute(sa.text("UPDATE audit_bundles SET data = :data WHERE idx = :idx"), changed)
        last = int(rows[-1][0])


def _compress(blob: bytes) -> bytes | None:
    return None if blob[:1] == _COMPRESSED else _COMPRESSED + zlib.compress(blob, 1)


def _decompress(blob: bytes) -> bytes | None:
    return zlib.decompress(blob[1:]) if blob[:1] == _COMPRESSED else None


def upgrade() -> None:
    _rewrite(_compress)


def downgrade() -> None:
    _rewrite(_decompress)
