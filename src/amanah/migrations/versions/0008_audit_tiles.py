"""audit tiles: entries in bundles of 256, hashes in tiles (amanah.audit.tiles)

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-29

Moves ``audit_entries`` into ``audit_bundles`` and the leaf hashes plus every 8th
level of ``audit_nodes`` into ``audit_tiles``, then drops the old tables. The
existing query index is complete, so ``indexed_size`` starts at the log size.
Refuses (and changes nothing) if the entries are not contiguous from 0 to the
tree head's size: a log with holes is evidence for ``amanah audit verify`` and
must not be silently renumbered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WIDTH, HEIGHT = 256, 8


def _pack(datas: list[bytes]) -> bytes:
    return b"".join(len(d).to_bytes(4, "big") + d for d in datas)


def upgrade() -> None:
    conn = op.get_bind()
    head = conn.execute(sa.text("SELECT size FROM audit_tree_head WHERE id = 1")).first()
    size = int(head[0]) if head else 0
    count, top = conn.execute(sa.text("SELECT COUNT(*), MAX(seq) FROM audit_entries")).one()
    if int(count) != size or (size and int(top) != size - 1):
        raise RuntimeError(
            f"audit migration 0008 refused: the tree head records {size} entries but "
            f"audit_entries holds {count} (last seq {top}); run `amanah audit verify` "
            "on the previous release and keep the evidence before migrating"
        )
    bundles = op.create_table(
        "audit_bundles",
        sa.Column("idx", _SEQ, autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("idx"),
    )
    tiles = op.create_table(
        "audit_tiles",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
        sqlite_with_rowid=False,
    )
    for lo in range(0, size, WIDTH * 64):
        rows = conn.execute(
            sa.text(
                "SELECT seq, data, leaf_hash FROM audit_entries "
                "WHERE seq >= :lo AND seq < :hi ORDER BY seq"
            ),
            {"lo": lo, "hi": lo + WIDTH * 64},
        ).all()
        b_rows, t_rows = [], []
        for k in range(0, len(rows), WIDTH):
            part = rows[k : k + WIDTH]
            idx = (lo + k) >> HEIGHT
            b_rows.append({"idx": idx, "data": _pack([bytes(r[1]) for r in part])})
            hashes = b"".join(bytes(r[2]) for r in part)
            t_rows.append({"level": 0, "idx": idx, "hashes": hashes})
        conn.execute(sa.insert(bundles), b_rows)
        conn.execute(sa.insert(tiles), t_rows)
    level = HEIGHT
    while (1 << level) <= size:
        nodes = conn.execute(
            sa.text("SELECT idx, hash FROM audit_nodes WHERE level = :l ORDER BY idx"),
            {"l": level},
        ).all()
        if len(nodes) != size >> level:
            raise RuntimeError(f"audit migration 0008 refused: stored nodes missing at {level}")
        t_rows = []
        for k in range(0, len(nodes), WIDTH):
            hashes = b"".join(bytes(h) for _, h in nodes[k : k + WIDTH])
            t_rows.append({"level": level // HEIGHT, "idx": k >> HEIGHT, "hashes": hashes})
        conn.execute(sa.insert(tiles), t_rows)
        level += HEIGHT
    with op.batch_alter_table("audit_tree_head") as batch:
        batch.add_column(
            sa.Column("indexed_size", sa.BigInteger(), nullable=False, server_default="0")
        )
    conn.execute(sa.text("UPDATE audit_tree_head SET indexed_size = size"))
    op.drop_table("audit_nodes")
    op.drop_table("audit_entries")


def downgrade() -> None:
    """Back to one row per entry and per node (recomputed from the leaf hashes)."""
    from amanah.audit.merkle import CompactRange

    conn = op.get_bind()
    entries = op.create_table(
        "audit_entries",
        sa.Column("seq", _SEQ, autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    nodes = op.create_table(
        "audit_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
        sqlite_with_rowid=False,
    )
    tree = CompactRange()
    bundles = conn.execute(sa.text("SELECT idx, data FROM audit_bundles ORDER BY idx")).all()
    leaves = dict(
        conn.execute(sa.text("SELECT idx, hashes FROM audit_tiles WHERE level = 0")).all()
    )
    for idx, blob in bundles:
        blob, pos, datas = bytes(blob), 0, []
        while pos < len(blob):
            n = int.from_bytes(blob[pos : pos + 4], "big")
            datas.append(blob[pos + 4 : pos + 4 + n])
            pos += 4 + n
        hashes = bytes(leaves[idx])
        hs = [hashes[k * 32 : (k + 1) * 32] for k in range(len(datas))]
        start = int(idx) * WIDTH
        rows = [
            {"seq": start + k, "data": d, "leaf_hash": h}
            for k, (d, h) in enumerate(zip(datas, hs, strict=True))
        ]
        if rows:
            conn.execute(sa.insert(entries), rows)
        made, _ = tree.extend_nodes(hs)
        if made:
            conn.execute(
                sa.insert(nodes), [{"level": lv, "idx": i, "hash": h} for lv, i, h in made]
            )
    with op.batch_alter_table("audit_tree_head") as batch:
        batch.drop_column("indexed_size")
    op.drop_table("audit_tiles")
    op.drop_table("audit_bundles")
