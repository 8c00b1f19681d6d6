"""The security officer's desk: read alerts, judge them, undo automatic responses.

The alerts API and the console page both call this module; it knows nothing of HTTP.

Who may do what (``Principal``: a signed-in staff member goes by role, a service token
by scope, where the install's ``*`` token counts as for every scope):

- read alerts, their history and responses: a security officer or an admin (admins
  oversee; they do not judge), or a token with ``alerts:read`` or ``alerts:write``;
- acknowledge, resolve: a security officer, or a token with ``alerts:write`` (a ticketing
  integration closing its incidents);
- false positive, reopen, undo: a signed-in security officer only. These lift containment
  or suppression, a human verdict (the ``Responder`` insists on it for undo as well);
- nobody judges an alert about their own account, nor undoes a response to one;
- false positive, reopen and undo also ask for a second factor used in the last minutes
  (``step_up``, identity's check): a stolen officer session alone cannot lift containment.

A false positive is one transaction (status, history, suppression of that rule for that
agent and feature), then each automatic response of the alert is undone
(``Responder.undo_alert``); an undo that fails stays in the register, undoable. Reopening
a false positive lifts its suppression; undone responses stay undone.

Every verdict reaches the audit trail: action ``detection.alert.<new status>``, the officer
as actor, the alert's account as subject, alert id, rule, severity and former status as
extras. A refused verdict is recorded too, with the problem code as outcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from amanah.access.errors import StepUpRequired
from amanah.access.gate import Principal
from amanah.audit.trail import Trail
from amanah.db import utcnow
from amanah.detection.alerts import (
    SEVERITY_ORDER,
    STATUSES,
    Alert,
    AlertBook,
    AlertNotFound,
    InvalidTransition,
)
from amanah.detection.responses import Responder, Response
from amanah.detection.store import AlertFilter, AlertStore, StatusChange
from amanah.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable

READ_SCOPE = "alerts:read"
WRITE_SCOPE = "alerts:write"
READ_ROLES = frozenset({"security_officer", "admin"})
ACT_ROLES = frozenset({"security_officer"})
SEVERITIES = tuple(sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__))
VERDICTS = {  # the officer's verb -> the status it leads to
    "acknowledge": "acknowledged",
    "resolve": "resolved",
    "false_positive": "false_positive",
    "reopen": "open",
}
HUMAN_ONLY = frozenset({"false_positive", "reopen"})
LIFTING = HUMAN_ONLY | {"undo"}  # they lift containment or suppression: step-up first
MAX_LIMIT = 500
_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_TEXT = re.compile(r"[^\x00-\x1f\x7f]{1,128}")


def may_read(who: Principal) -> bool:
    if who.kind == "staff":
        return who.role in READ_ROLES
    return who.has_scope(READ_SCOPE) or who.has_scope(WRITE_SCOPE)


def may_act(who: Principal, verb: str = "acknowledge") -> bool:
    if who.kind == "staff":
        return who.role in ACT_ROLES
    return verb not in HUMAN_ONLY and verb != "undo" and who.has_scope(WRITE_SCOPE)


class NotAnOfficer(Forbidden):
    code = "not-security-officer"
    title = "Only security officers may do this"


class OwnAlert(Forbidden):
    code = "own-alert"
    title = "An alert about your own account is for another officer"


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    try:
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-23:59 has no UTC equivalent
        raise InvalidInput("the time is out of range") from None


def _text(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not _TEXT.fullmatch(value):
        raise InvalidInput(f"{name} must be 1 to 128 printable characters")
    return value


def alert_filter(
    *,
    status: Sequence[str] = (),
    severity: Sequence[str] = (),
    actor: str | None = None,
    rule: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AlertFilter:
    """A checked filter: known statuses and severities, printable text, an ordered window."""
    if set(status) - set(STATUSES):
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}")
    if set(severity) - set(SEVERITIES):
        raise InvalidInput(f"severity must be one of {', '.join(SEVERITIES)}")
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and since >= until:
        raise InvalidInput("since must be before until")
    return AlertFilter(
        status=tuple(dict.fromkeys(status)),
        severity=tuple(dict.fromkeys(severity)),
        actor=_text(actor, "actor"),
        rule=_text(rule, "rule"),
        since=since,
        until=until,
    )


@dataclass(frozen=True)
class AlertFile:
    """One alert with everything an officer needs to judge it."""

    alert: Alert
    history: list[StatusChange]
    responses: list[Response]


@dataclass(frozen=True)
class Verdict:
    alert: Alert
    undone: list[Response]


class Officer:
    def __init__(
        self,
        store: AlertStore,
        responder: Responder,
        trail: Trail,
        *,
        book: AlertBook | None = None,
        clock: Callable[[], datetime] = utcnow,
        step_up: Callable[[Principal], None] | None = None,
    ) -> None:
        self.store = store
        self.responder = responder
        self.trail = trail
        self.book = book
        self.clock = clock
        self.step_up = step_up  # raises StepUpRequired; None: no identity here (tests, tools)

    def _lifting(self, who: Principal, verb: str) -> None:
        if verb in LIFTING and self.step_up is not None:
            self.step_up(who)

    # ---- reading ----------------------------------------------------------------------------

    @staticmethod
    def _reader(who: Principal) -> None:
        if not may_read(who):
            raise NotAnOfficer("only security officers and admins may read alerts")

    def alerts(
        self, who: Principal, where: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[Alert], str | None]:
        """Newest first, one page, and the cursor of the next (None on the last)."""
        self._reader(who)
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be from 1 to {MAX_LIMIT}")
        return self.store.page(where, limit=limit, cursor=cursor or None)

    def file(self, who: Principal, alert_id: str) -> AlertFile:
        self._reader(who)
        alert = self._alert(alert_id)
        return AlertFile(
            alert, self.store.history(alert.id), self.responder.store.for_alert(alert.id)
        )

    def responses(
        self,
        who: Principal,
        *,
        alert_id: str | None = None,
        account_id: str | None = None,
        limit: int = 100,
    ) -> list[Response]:
        """The response register, newest first."""
        self._reader(who)
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be from 1 to {MAX_LIMIT}")
        return self.responder.store.find(
            alert_id=_text(alert_id, "alert_id"),
            account_id=_text(account_id, "account_id"),
            limit=limit,
        )

    def _alert(self, alert_id: str) -> Alert:
        if not _ID.fullmatch(alert_id):
            raise AlertNotFound("no such alert")
        return self.store.get(alert_id)

    # ---- judging ----------------------------------------------------------------------------

    def judge(self, who: Principal, alert_id: str, verb: str) -> Verdict:
        """Acknowledge, resolve, false_positive or reopen one alert (see ``VERDICTS``)."""
        if verb not in VERDICTS:
            raise InvalidInput(f"the verdict must be one of {', '.join(VERDICTS)}")
        status = VERDICTS[verb]
        action = f"detection.alert.{status}"
        try:
            if not may_act(who, verb):
                raise NotAnOfficer(
                    "only a signed-in security officer may do this"
                    if verb in HUMAN_ONLY
                    else "only security officers may judge alerts"
                )
            alert = self._alert(alert_id)
            if alert.actor == who.id:
                raise OwnAlert()
            self._lifting(who, verb)
            judged = self.store.transition(
                alert.id, status, by=who.id, now=self.clock(), book=self.book
            )
        except (Forbidden, InvalidTransition, StepUpRequired) as exc:
            self._refused(who, action, alert_id, exc.code)
            raise
        self.trail.record(
            who.id,
            action,
            "ok",
            subject_ids=(judged.actor,),
            alert_id=judged.id,
            rule=judged.rule,
            severity=judged.severity,
            previous=alert.status,
        )
        undone = self.responder.undo_alert(judged.id, who) if verb == "false_positive" else []
        return Verdict(judged, undone)

    def acknowledge(self, who: Principal, alert_id: str) -> Verdict:
        return self.judge(who, alert_id, "acknowledge")

    def resolve(self, who: Principal, alert_id: str) -> Verdict:
        return self.judge(who, alert_id, "resolve")

    def false_positive(self, who: Principal, alert_id: str) -> Verdict:
        return self.judge(who, alert_id, "false_positive")

    def reopen(self, who: Principal, alert_id: str) -> Verdict:
        return self.judge(who, alert_id, "reopen")

    def undo(self, who: Principal, response_id: str) -> Response:
        """Undo one automatic response (the responder audits it)."""
        if not _ID.fullmatch(response_id):
            raise NotFound("no such response")
        try:
            if not may_act(who, "undo"):
                raise NotAnOfficer("only a signed-in security officer may undo a response")
            self._lifting(who, "undo")
            return self.responder.undo(response_id, who)
        except (Forbidden, Conflict, StepUpRequired) as exc:
            self.trail.record(who.id, "detection.response.undo", exc.code, response_id=response_id)
            raise

    def _refused(self, who: Principal, action: str, alert_id: str, code: str) -> None:
        extra: dict[str, Any] = {"alert_id": alert_id} if _ID.fullmatch(alert_id) else {}
        self.trail.record(who.id, action, code, **extra)


def officer_of(system: Any) -> Officer:
    """The system's officer desk (``bootstrap.install_detection`` builds it)."""
    officer = system.extras.get("officer")
    if officer is None:
        raise Unavailable("detection is not running in this process")
    return officer
