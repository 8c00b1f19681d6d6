"""detection: alerts and false-positive suppressions

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amanah.db

revision = "0006"
down_revision = "0001"
branch_labels = ("detection",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detection_alerts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("feature", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("raised_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status_by", sa.String(length=128), nullable=True),
        sa.Column("status_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("detection_alerts", schema=None) as batch_op:
        for column in ("rule", "actor", "severity", "status", "raised_at"):
            batch_op.create_index(
                batch_op.f(f"ix_detection_alerts_{column}"), [column], unique=False
            )

    op.create_table(
        "detection_suppressions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("feature", sa.String(length=200), nullable=True),
        sa.Column("until", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alert_id", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("detection_suppressions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_detection_suppressions_actor_rule", ["actor", "rule"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_detection_suppressions_until"), ["until"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("detection_suppressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detection_suppressions_until"))
        batch_op.drop_index("ix_detection_suppressions_actor_rule")
    op.drop_table("detection_suppressions")
    with op.batch_alter_table("detection_alerts", schema=None) as batch_op:
        for column in ("raised_at", "status", "severity", "actor", "rule"):
            batch_op.drop_index(batch_op.f(f"ix_detection_alerts_{column}"))
    op.drop_table("detection_alerts")
