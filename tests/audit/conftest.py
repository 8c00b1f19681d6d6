"""Audit-log fixtures: an ``AuditLog`` on a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

ORIGIN = "amanah.test/audit"


@pytest.fixture
def audit_log(system):
    from amanah.audit.log import AuditLog

    return AuditLog(
        system.factory, system.keyring, ORIGIN, checkpoint_every=4, checkpoint_seconds=3600
    )


@pytest.fixture
def make_entries():
    from amanah.audit.entry import AuditEntry

    def make(n: int, actor: str = "usr_agent1") -> list[AuditEntry]:
        return [
            AuditEntry(
                actor=actor,
                action="customer.reveal",
                outcome="allow",
                subject_ids=(f"cus_{i:04d}",),
                fields=("phone", "email"),
                purpose="support",
                interaction_id=f"int_{i}",
                request_id=f"req_{i}",
            )
            for i in range(n)
        ]

    return make
