"""Alerts for the officer's tests: stored as the live detector stores them, answered by the
system's real responder (its register in the database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from amanah.access.gate import Principal
from amanah.db import utcnow
from amanah.detection.alerts import Alert
from amanah.detection.officer import officer_of
from amanah.detection.responses import Response
from amanah.identity.testing import PASSWORD
from amanah.ids import new_id

EXPLANATION = "212 customers opened in one hour; this agent's usual is 14"


def officer_principal(account_id: str = "acc_officer") -> Principal:
    return Principal(id=account_id, kind="staff", role="security_officer")


def active_account(system: Any, username: str, role: str = "agent") -> str:
    """An active staff account (invited and accepted), its id."""
    invite = system.identity.invite(username, role, display_name=username.title())
    system.identity.accept_invitation(invite.token, PASSWORD)
    return invite.account_id


def raise_alert(
    system: Any,
    actor: str,
    *,
    severity: str = "critical",
    rule: str = "bulk_viewing",
    at: datetime | None = None,
    feature: str | None = None,
    respond: bool = True,
) -> tuple[Alert, list[Response]]:
    """Store an alert and run the playbook for it, as the live detector would."""
    ts = (at or utcnow() - timedelta(minutes=5)).timestamp()
    alert = Alert(
        id=new_id("alr"),
        rule=rule,
        kind="rule",
        actor=actor,
        severity=severity,
        score=0.97,
        explanation=EXPLANATION,
        ts=ts,
        last_ts=ts,
        event_ids=["ev-1", "ev-2"],
        feature=feature,
        details={"customers": 212, "usual": 14},
    )
    officer_of(system).store.save(alert)
    responses = system.extras["responder"].respond(alert) if respond else []
    return alert, responses
