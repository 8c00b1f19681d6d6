"""Step-up: a signed-in person proves a second factor again before a sensitive change.

Kept apart from sign-in because it works on the session, not on a sign-in attempt, and
sends the person back to the page that asked for it (``next``, inside the console only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from amanah.errors import AmanahError
from amanah.web.pages import (
    PREFIX,
    Form,
    identity_of,
    json_error,
    message,
    redirect,
    render,
    safe_next,
    session_token,
    signed_in,
    status_of,
    t_for,
    wants_json,
)

router = APIRouter(include_in_schema=False)


# ---- step-up --------------------------------------------------------------------------------


@router.get("/step-up")
def stepup_page(request: Request, next: str = PREFIX) -> Response:
    ctx = signed_in(request)
    factors = identity_of(request).factors(ctx.account_id).second_factors
    return render(request, "stepup.html", user=ctx, factors=factors, next=safe_next(next))


def _step_up(request: Request, data: dict[str, Any], call: Callable[[str], Any]) -> Response:
    ctx = signed_in(request)
    target = safe_next(str(data.get("next", "")))
    try:
        call(session_token(request))
    except AmanahError as exc:
        if wants_json(request):
            return json_error(request, exc)
        factors = identity_of(request).factors(ctx.account_id).second_factors
        return render(
            request, "stepup.html", status=status_of(exc), error=message(request, exc),
            user=ctx, factors=factors, next=target,
        )  # fmt: skip
    if wants_json(request):
        return JSONResponse({"redirect": target})
    return redirect(target)


@router.post("/step-up/totp")
def stepup_totp(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _step_up(request, data, lambda tok: identity_of(request).step_up_totp(tok, code))


@router.post("/step-up/sms/send")
def stepup_sms_send(request: Request, data: Form) -> Response:
    ctx = signed_in(request)
    t = t_for(request)
    factors = identity_of(request).factors(ctx.account_id).second_factors
    target = safe_next(str(data.get("next", "")))
    try:
        identity_of(request).step_up_send_sms(session_token(request))
    except AmanahError as exc:
        return render(
            request, "stepup.html", status=status_of(exc), error=message(request, exc),
            user=ctx, factors=factors, next=target,
        )  # fmt: skip
    return render(
        request, "stepup.html", notice=t("sms.sent"), user=ctx, factors=factors, next=target
    )


@router.post("/step-up/sms")
def stepup_sms(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _step_up(request, data, lambda tok: identity_of(request).step_up_sms(tok, code))


@router.post("/step-up/passkey/options")
def stepup_passkey_options(request: Request, data: Form) -> Response:
    signed_in(request)
    try:
        return JSONResponse(identity_of(request).step_up_passkey_options(session_token(request)))
    except AmanahError as exc:
        return json_error(request, exc)


@router.post("/step-up/passkey")
def stepup_passkey(request: Request, data: Form) -> Response:
    credential = data.get("credential") or {}
    return _step_up(
        request, data, lambda tok: identity_of(request).step_up_passkey(tok, credential)
    )
