"""forensics: fingerprinted exports, decoy digests, honeytoken customers

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amanah.db

revision = "0004"
down_revision = "0001"
branch_labels = ("forensics",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forensic_exports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("decoy_count", sa.Integer(), nullable=False),
        sa.Column("withheld_count", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("forensic_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forensic_exports_actor"), ["actor"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forensic_exports_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "forensic_export_rows",
        sa.Column("export_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("variants", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["export_id"], ["forensic_exports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("export_id", "position"),
    )
    with op.batch_alter_table("forensic_export_rows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forensic_export_rows_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "forensic_decoy_digests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("export_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(["export_id"], ["forensic_exports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("forensic_decoy_digests", schema=None) as batch_op:
        batch_op.create_index("ix_forensic_decoy_digests_digest", ["digest"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forensic_decoy_digests_export_id"), ["export_id"], unique=False
        )

    op.create_table(
        "honeytoken_customers",
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("customer_id"),
    )


def downgrade() -> None:
    op.drop_table("honeytoken_customers")
    with op.batch_alter_table("forensic_decoy_digests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forensic_decoy_digests_export_id"))
        batch_op.drop_index("ix_forensic_decoy_digests_digest")
    op.drop_table("forensic_decoy_digests")
    with op.batch_alter_table("forensic_export_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forensic_export_rows_customer_id"))
    op.drop_table("forensic_export_rows")
    with op.batch_alter_table("forensic_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forensic_exports_created_at"))
        batch_op.drop_index(batch_op.f("ix_forensic_exports_actor"))
    op.drop_table("forensic_exports")
