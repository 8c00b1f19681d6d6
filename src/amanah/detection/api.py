"""Alerts over HTTP, for security officers and their integrations.

- ``GET /api/v1/alerts``: newest first; filters ``status`` and ``severity`` (repeatable),
  ``actor``, ``rule``, ``since``/``until`` (ISO 8601 raise time; UTC if no zone),
  ``limit`` and ``cursor`` (the previous page's ``next_cursor``).
- ``GET /api/v1/alerts/{alert_id}``: the alert with its explanation, evidence event ids,
  details, status history and the automatic responses taken for it.
- ``POST /api/v1/alerts/{alert_id}/acknowledge | resolve | false-positive | reopen``: a
  verdict. A false positive suppresses the rule for that agent and undoes the alert's
  responses (the ones undone come back in ``undone``).
- ``GET /api/v1/responses?alert_id=&account_id=&limit=``: the response register.
- ``POST /api/v1/responses/{response_id}/undo``: undo one automatic response.

Who may call what is ``amanah.detection.officer``'s rule: security officers act, admins
read; a service token needs ``alerts:read`` to read and ``alerts:write`` to acknowledge or
resolve; false positive, reopen and undo need a signed-in security officer who used a
second factor in the last ``stepup_minutes`` (else 401 ``step-up-required``: step up in the
console, then retry). Others get 403; unknown ids 404; a verdict the alert's status does
not allow 409.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BeforeValidator

from amanah.access.gate import Principal
from amanah.detection.officer import MAX_LIMIT, Officer, alert_filter, officer_of
from amanah.detection.schemas import AlertDetailOut, AlertOut, AlertPage, ResponseOut, VerdictOut
from amanah.identity.api import current_principal

router = APIRouter(prefix="/api/v1", tags=["alerts"])
Who = Annotated[Principal, Depends(current_principal)]
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    """ISO 8601 only (pydantic would also take a number as a Unix time)."""
    if isinstance(value, str) and not _ISO.match(value):
        raise ValueError("must be an ISO 8601 date or date-time")
    return value


When = Annotated[datetime | None, BeforeValidator(_iso_only), Query()]
Status = Literal["open", "acknowledged", "resolved", "false_positive"]
Severity = Literal["low", "medium", "high", "critical"]
Text = Annotated[str | None, Query(min_length=1, max_length=128)]


def _officer(request: Request) -> Officer:
    return officer_of(request.app.state.system)


@router.get("/alerts", response_model=AlertPage)
def list_alerts(
    request: Request,
    who: Who,
    status: Annotated[list[Status] | None, Query()] = None,
    severity: Annotated[list[Severity] | None, Query()] = None,
    actor: Text = None,
    rule: Text = None,
    since: When = None,
    until: When = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AlertPage:
    where = alert_filter(
        status=status or (),
        severity=severity or (),
        actor=actor,
        rule=rule,
        since=since,
        until=until,
    )
    alerts, after = _officer(request).alerts(who, where, limit=limit, cursor=cursor)
    return AlertPage(items=[AlertOut.of(a) for a in alerts], next_cursor=after)


@router.get("/alerts/{alert_id}", response_model=AlertDetailOut)
def get_alert(alert_id: str, request: Request, who: Who) -> AlertDetailOut:
    return AlertDetailOut.of_file(_officer(request).file(who, alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response_model=VerdictOut)
def acknowledge(alert_id: str, request: Request, who: Who) -> VerdictOut:
    """Someone is looking into it; the alert stays open for new evidence."""
    return VerdictOut.of(_officer(request).acknowledge(who, alert_id))


@router.post("/alerts/{alert_id}/resolve", response_model=VerdictOut)
def resolve(alert_id: str, request: Request, who: Who) -> VerdictOut:
    """A real incident, dealt with; the automatic responses stay as they are."""
    return VerdictOut.of(_officer(request).resolve(who, alert_id))


@router.post("/alerts/{alert_id}/false-positive", response_model=VerdictOut)
def false_positive(alert_id: str, request: Request, who: Who) -> VerdictOut:
    """Not an incident: the rule is suppressed for that agent and the responses undone."""
    return VerdictOut.of(_officer(request).false_positive(who, alert_id))


@router.post("/alerts/{alert_id}/reopen", response_model=VerdictOut)
def reopen(alert_id: str, request: Request, who: Who) -> VerdictOut:
    """Back to open; a false positive's suppression is lifted."""
    return VerdictOut.of(_officer(request).reopen(who, alert_id))


@router.get("/responses", response_model=list[ResponseOut])
def list_responses(
    request: Request,
    who: Who,
    alert_id: Text = None,
    account_id: Text = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> list[ResponseOut]:
    found = _officer(request).responses(who, alert_id=alert_id, account_id=account_id, limit=limit)
    return [ResponseOut.of(r) for r in found]


@router.post("/responses/{response_id}/undo", response_model=ResponseOut)
def undo_response(response_id: str, request: Request, who: Who) -> ResponseOut:
    return ResponseOut.of(_officer(request).undo(who, response_id))
