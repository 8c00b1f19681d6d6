"""audit query index: (kind, value, at, seq) rows derived from the entries

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-30

Backfills the index from the entries already in the log (one pass, in batches).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 10000


def upgrade() -> None:
    index = op.create_table(
        "audit_index",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("at", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", "at", "seq"),
        sqlite_with_rowid=False,
    )
    from amanah.audit.index import json_rows

    conn = op.get_bind()
    entries = sa.table("audit_entries", sa.column("seq"), sa.column("data"))
    last = -1
    while True:
        batch = conn.execute(
            sa.select(entries.c.seq, entries.c.data)
            .where(entries.c.seq > last)
            .order_by(entries.c.seq)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        rows = []
        for seq, data in batch:
            try:
                parsed = json.loads(bytes(data))
            except ValueError:
                continue
            for kind, value, at, s in json_rows(int(seq), parsed) or ():
                if isinstance(value, str):
                    rows.append({"kind": kind, "value": value, "at": at, "seq": s})
        if rows:
            conn.execute(sa.insert(index), rows)
        last = batch[-1][0]


def downgrade() -> None:
    op.drop_table("audit_index")
