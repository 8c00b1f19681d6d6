"""detection: the response register, reveal blocks and alert status history

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amanah.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detection_responses",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("alert_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("undone_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("detection_responses", schema=None) as batch_op:
        for column in ("alert_id", "account_id"):
            batch_op.create_index(
                batch_op.f(f"ix_detection_responses_{column}"), [column], unique=False
            )

    op.create_table(
        "detection_reveal_blocks",
        sa.Column("response_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("response_id"),
    )
    with op.batch_alter_table("detection_reveal_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_detection_reveal_blocks_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "detection_alert_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=False),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=True),
        sa.Column("at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("detection_alert_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_detection_alert_history_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("detection_alert_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detection_alert_history_alert_id"))
    op.drop_table("detection_alert_history")
    with op.batch_alter_table("detection_reveal_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detection_reveal_blocks_account_id"))
    op.drop_table("detection_reveal_blocks")
    with op.batch_alter_table("detection_responses", schema=None) as batch_op:
        for column in ("account_id", "alert_id"):
            batch_op.drop_index(batch_op.f(f"ix_detection_responses_{column}"))
    op.drop_table("detection_responses")
