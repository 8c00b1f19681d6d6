"""identity: staff accounts, factors, sign-in attempts, sessions, step-up

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amanah.db

revision = "0003"
down_revision = "0001"
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_allowed_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "staff_teams",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("phone_verified_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("password_changed_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mfa_ever", sa.Boolean(), nullable=False),
        sa.Column("locked_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_factor", sa.String(length=16), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["staff_teams.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_accounts_team_id"), ["team_id"], unique=False)

    op.create_table(
        "signin_attempts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("device_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("sms_failures", sa.Integer(), nullable=False),
        sa.Column("sms_sends", sa.Integer(), nullable=False),
        sa.Column("last_sms_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("signin_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signin_attempts_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_devices",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "device_hash"),
    )
    op.create_table(
        "staff_factor_failures",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("factor", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "factor"),
    )
    op.create_table(
        "staff_invitations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_invitations_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_passkeys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(length=1023), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("aaguid", sa.String(length=36), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("backed_up", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    with op.batch_alter_table("staff_passkeys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_passkeys_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_recovery_codes_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sms_failures", sa.Integer(), nullable=False),
        sa.Column("sms_sends", sa.Integer(), nullable=False),
        sa.Column("last_sms_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_sessions_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_sms_codes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("bound_to", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_sms_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_sms_codes_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_staff_sms_codes_bound_to"), ["bound_to"], unique=False)

    op.create_table(
        "staff_stepup_requirements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("within_minutes", sa.Integer(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("raised_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_stepup_requirements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_stepup_requirements_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "staff_totp",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_totp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_totp_account_id"), ["account_id"], unique=False)

    op.create_table(
        "webauthn_challenges",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("bound_to", sa.String(length=40), nullable=False),
        sa.Column("challenge", sa.LargeBinary(length=64), nullable=False),
        sa.Column("expires_at", amanah.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", amanah.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webauthn_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webauthn_challenges_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webauthn_challenges_bound_to"), ["bound_to"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webauthn_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webauthn_challenges_bound_to"))
        batch_op.drop_index(batch_op.f("ix_webauthn_challenges_account_id"))

    op.drop_table("webauthn_challenges")
    with op.batch_alter_table("staff_totp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_totp_account_id"))

    op.drop_table("staff_totp")
    with op.batch_alter_table("staff_stepup_requirements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_stepup_requirements_account_id"))

    op.drop_table("staff_stepup_requirements")
    with op.batch_alter_table("staff_sms_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sms_codes_bound_to"))
        batch_op.drop_index(batch_op.f("ix_staff_sms_codes_account_id"))

    op.drop_table("staff_sms_codes")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_account_id"))

    op.drop_table("staff_sessions")
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_recovery_codes_account_id"))

    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_passkeys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_passkeys_account_id"))

    op.drop_table("staff_passkeys")
    with op.batch_alter_table("staff_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_invitations_account_id"))

    op.drop_table("staff_invitations")
    op.drop_table("staff_factor_failures")
    op.drop_table("staff_devices")
    with op.batch_alter_table("signin_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_attempts_account_id"))

    op.drop_table("signin_attempts")
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_accounts_team_id"))

    op.drop_table("staff_accounts")
    op.drop_table("staff_teams")
    op.drop_table("auth_throttle")
