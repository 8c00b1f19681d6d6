"""The security officer's alerts in the console: a list, one alert, its verdicts and undos.

Pages under ``/console/alerts``. Security officers read and act; admins read (they see
the page without buttons); every other role gets the 403 page. The rules live in
``amanah.detection.officer``: these handlers only translate forms to its calls and its
answers to pages. Every form carries the CSRF token (``console.posted`` checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from amanah.access.errors import StepUpRequired
from amanah.detection.alerts import STATUSES, TRANSITIONS
from amanah.detection.officer import (
    SEVERITIES,
    VERDICTS,
    Officer,
    alert_filter,
    may_act,
    may_read,
    officer_of,
)
from amanah.detection.responses import ACTIONS
from amanah.errors import AmanahError
from amanah.identity.sessions import AuthContext
from amanah.identity.stepup import authenticated
from amanah.web.console import (
    PREFIX,
    Form,
    NotAllowed,
    identity_of,
    message,
    redirect,
    render,
    signed_in,
    status_of,
    t_for,
)
from amanah.web.pages import stepup_url

BASE = f"{PREFIX}/alerts"
PAGE_SIZE = 50
OUTCOMES = ("done", "failed", "skipped")
DONE = (*VERDICTS, "undo")
# detection's problem codes the console words itself (the rest: console.message)
ERROR_KEYS = {
    "own-alert": "alerts.error.own",
    "not-security-officer": "error.forbidden",
    "conflict": "alerts.error.conflict",
}

router = APIRouter(prefix=BASE, include_in_schema=False)


def label_keys() -> list[str]:
    """Every locale key this module builds at run time (the i18n test checks them)."""
    return (
        [f"alerts.status.{s}" for s in STATUSES]
        + [f"alerts.severity.{s}" for s in SEVERITIES]
        + [f"alerts.action.{a}" for a in ACTIONS]
        + [f"alerts.outcome.{o}" for o in OUTCOMES]
        + [f"alerts.verdict.{v}" for v in VERDICTS]
        + [f"alerts.done.{d}" for d in DONE]
        + list(ERROR_KEYS.values())
    )


def _labels(request: Request) -> dict[str, dict[str, str]]:
    t = t_for(request)
    return {
        "status": {s: t(f"alerts.status.{s}") for s in STATUSES},
        "severity": {s: t(f"alerts.severity.{s}") for s in SEVERITIES},
        "action": {a: t(f"alerts.action.{a}") for a in ACTIONS},
        "outcome": {o: t(f"alerts.outcome.{o}") for o in OUTCOMES},
        "verdict": {v: t(f"alerts.verdict.{v}") for v in VERDICTS},
    }


def _error(request: Request, exc: AmanahError) -> str:
    key = ERROR_KEYS.get(exc.code)
    return t_for(request)(key) if key else message(request, exc)


def _reader(request: Request) -> AuthContext:
    ctx = signed_in(request)
    if not may_read(ctx.principal):
        raise NotAllowed()
    return ctx


def _names(request: Request) -> dict[str, str]:
    """Account id -> username, so officers see who, not an opaque id."""
    return {a.id: a.username for a in identity_of(request).accounts()}


def _officer(request: Request) -> Officer:
    return officer_of(request.app.state.system)


def _page(
    request: Request, template: str, ctx: AuthContext, *, status: int = 200, **values: Any
) -> HTMLResponse:
    return render(
        request,
        template,
        status=status,
        user=ctx,
        labels=_labels(request),
        names=_names(request),
        **values,
    )


def _chosen(request: Request, name: str, allowed: Sequence[str]) -> str:
    value = request.query_params.get(name, "")
    return value if value in allowed else ""


# ---- the list -----------------------------------------------------------------------------


def _list_values(status: str = "", severity: str = "") -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "chosen_status": status,
        "chosen_severity": severity,
        "alerts": [],
        "next_url": None,
    }


@router.get("")
def alerts_page(request: Request) -> Response:
    ctx = _reader(request)
    status = _chosen(request, "status", STATUSES)
    severity = _chosen(request, "severity", SEVERITIES)
    cursor = request.query_params.get("cursor", "")[:200]
    values = _list_values(status, severity)
    try:
        where = alert_filter(
            status=[status] if status else (), severity=[severity] if severity else ()
        )
        alerts, after = _officer(request).alerts(
            ctx.principal, where, limit=PAGE_SIZE, cursor=cursor or None
        )
    except AmanahError as exc:
        return _page(
            request, "alerts.html", ctx, status=status_of(exc), error=_error(request, exc), **values
        )
    if after:
        query = {k: v for k, v in (("status", status), ("severity", severity)) if v}
        values["next_url"] = f"{BASE}?{urlencode({**query, 'cursor': after})}"
    values["alerts"] = alerts
    return _page(request, "alerts.html", ctx, **values)


# ---- one alert ----------------------------------------------------------------------------


def _alert_page(
    request: Request, ctx: AuthContext, alert_id: str, *, status: int = 200, **values: Any
) -> HTMLResponse:
    try:
        file = _officer(request).file(ctx.principal, alert_id)
    except AmanahError as exc:
        return _page(
            request, "alerts.html", ctx, status=status_of(exc), error=_error(request, exc),
            **_list_values(),
        )  # fmt: skip
    alert = file.alert
    can_act = may_act(ctx.principal) and alert.actor != ctx.account_id
    verdicts = [v for v, s in VERDICTS.items() if s in TRANSITIONS[alert.status]] if can_act else []
    return _page(
        request, "alert.html", ctx, status=status,
        alert=alert, history=file.history, responses=file.responses,
        verdicts=verdicts, can_undo=can_act,
        **values,
    )  # fmt: skip


@router.get("/{alert_id}")
def alert_page(request: Request, alert_id: str) -> Response:
    ctx = _reader(request)
    done = request.query_params.get("done")
    notice = t_for(request)(f"alerts.done.{done}") if done in DONE else None
    return _alert_page(request, ctx, alert_id, notice=notice)


def _act(
    request: Request, alert_id: str, call: Callable[[Officer, AuthContext], str], done: str
) -> Response:
    """Run one action; back to the alert it concerned (the id ``call`` returns). One that
    lifts containment may first send the officer to prove a second factor, then back."""
    ctx = _reader(request)
    try:
        with authenticated(ctx):  # the session the officer's step-up check reads
            alert_id = call(_officer(request), ctx)
    except StepUpRequired:
        return redirect(stepup_url(f"{BASE}/{alert_id}"))
    except AmanahError as exc:
        if exc.status == 403:  # not an officer, or their own alert
            return render(
                request, "forbidden.html", status=403, user=ctx, error=_error(request, exc)
            )
        return _alert_page(
            request, ctx, alert_id, status=status_of(exc), error=_error(request, exc)
        )
    return redirect(f"{BASE}/{alert_id}?done={done}")


def _judge(request: Request, alert_id: str, verb: str) -> Response:
    return _act(
        request, alert_id, lambda o, ctx: o.judge(ctx.principal, alert_id, verb).alert.id, verb
    )


@router.post("/{alert_id}/acknowledge")
def acknowledge(request: Request, alert_id: str, data: Form) -> Response:
    return _judge(request, alert_id, "acknowledge")


@router.post("/{alert_id}/resolve")
def resolve(request: Request, alert_id: str, data: Form) -> Response:
    return _judge(request, alert_id, "resolve")


@router.post("/{alert_id}/false-positive")
def false_positive(request: Request, alert_id: str, data: Form) -> Response:
    return _judge(request, alert_id, "false_positive")


@router.post("/{alert_id}/reopen")
def reopen(request: Request, alert_id: str, data: Form) -> Response:
    return _judge(request, alert_id, "reopen")


@router.post("/{alert_id}/responses/{response_id}/undo")
def undo_response(request: Request, alert_id: str, response_id: str, data: Form) -> Response:
    return _act(
        request, alert_id, lambda o, ctx: o.undo(ctx.principal, response_id).alert_id, "undo"
    )


def mount_alerts(app: FastAPI) -> None:
    """Add the alerts pages (after ``mount_console``, whose error handlers they use)."""
    app.include_router(router)
