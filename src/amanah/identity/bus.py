"""Identity events onto the activity bus: each ``emit`` becomes one ``ActivityEvent``.

Events carry opaque ids only (account, session, factor, reason), as ``events.py`` asks;
the audit sink (wired by the lead) subscribes to the same bus or wraps this sink.
"""

from __future__ import annotations

from amanah.audit.trail import Trail
from amanah.events import ActivityEvent, EventBus
from amanah.identity import events as ev

SEVERITY = {
    ev.ACCOUNT_LOCKED: "medium",
    ev.SIGNIN_THROTTLED: "low",
    ev.NEW_DEVICE: "low",
    ev.STEPUP_RAISED: "low",
}

UNATTRIBUTED = "unattributed"
"""The trail's actor for an administrative change whose caller did not say who made it."""

ADMINISTRATIVE = frozenset(
    {
        ev.ACCOUNT_INVITED,
        ev.ACCOUNT_DISABLED,
        ev.ACCOUNT_ENABLED,
        ev.ACCOUNT_UNLOCKED,
        ev.ACCOUNT_ROLE_CHANGED,
        ev.ACCOUNT_TEAM_CHANGED,
        ev.TEAM_CREATED,
    }
)
"""Events that are one person acting on another's account (or on a team)."""


def _administrative(event_name: str, ids: dict[str, str | int | None]) -> bool:
    return event_name in ADMINISTRATIVE or (
        event_name == ev.PASSWORD_RESET and ids.get("step") == "issued"
    )


class BusEvents:
    """An ``IdentityEvents`` sink that publishes on the system's event bus."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus

    def emit(self, event_name: str, **ids: str | int | None) -> None:
        actor = ids.get("actor_id") or ids.get("account_id") or "anonymous"
        extra = {k: v for k, v in ids.items() if v is not None}
        self.bus.publish(
            ActivityEvent(
                action=event_name,
                actor=str(actor),
                severity=SEVERITY.get(event_name, "info"),
                outcome=str(ids["reason"]) if ids.get("reason") is not None else None,
                extra=extra,
            )
        )


class TrailEvents:
    """Records each identity event in the audit trail, then hands it on (to the bus).

    Sign-ins, factor changes, locks and session ends are facts an auditor must
    find: actor, event and the ids involved, never a secret or a personal value.

    The actor is whoever acted: the ``actor_id`` the service names (the
    administrator who disabled an account, changed a role, ended someone's
    session), else the account itself (its own sign-in or password change). An
    administrative change with no ``actor_id`` is recorded as ``unattributed``,
    never credited to the account it changed. When the actor is not the account
    concerned, that account (and a team changed) is the entry's subject, so
    ``amanah audit who-accessed acc_...`` lists what others did to a staff account.
    """

    def __init__(self, trail: Trail, then: BusEvents) -> None:
        self.trail = trail
        self.then = then

    def emit(self, event_name: str, **ids: str | int | None) -> None:
        if ids.get("actor_id"):
            actor = str(ids["actor_id"])
        elif _administrative(event_name, ids):
            actor = UNATTRIBUTED
        else:
            actor = str(ids.get("account_id") or "anonymous")
        subjects = tuple(
            str(ids[k]) for k in ("account_id", "team_id") if ids.get(k) and ids[k] != actor
        )
        extra = {k: v for k, v in ids.items() if v is not None and k not in {"actor_id", "reason"}}
        outcome = str(ids["reason"]) if ids.get("reason") is not None else "ok"
        self.trail.record(actor, event_name, outcome, subject_ids=subjects, **extra)
        self.then.emit(event_name, **ids)
