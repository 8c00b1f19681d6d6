"""The signed-in person's own security page: password, authenticator app, passkeys,
phone, recovery codes and live sessions.

Every change goes through ``_change``: a stale session is sent to step-up first, and
the answer is a page or, for the WebAuthn script, JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from amanah.access.errors import StepUpRequired
from amanah.errors import AmanahError
from amanah.identity.sessions import AuthContext
from amanah.identity.stepup import authenticated
from amanah.web.pages import (
    PREFIX,
    Form,
    current,
    identity_of,
    json_error,
    message,
    redirect,
    render,
    session_token,
    show_codes,
    signed_in,
    status_of,
    stepup_url,
    t_for,
    wants_json,
)

DONE = ("password", "totp", "passkey", "removed", "session", "phone")

router = APIRouter(include_in_schema=False)


# ---- the account's security page -------------------------------------------------------------


def security_page(
    request: Request, ctx: AuthContext, *, status: int = 200, **values: Any
) -> HTMLResponse:
    identity = identity_of(request)
    return render(
        request,
        "security.html",
        status=status,
        user=ctx,
        account=identity.account(ctx.account_id),
        summary=identity.factors(ctx.account_id),
        sessions=identity.list_sessions(ctx.account_id, current=ctx.session_id),
        **values,
    )


@router.get("/security")
def security(request: Request) -> Response:
    ctx = signed_in(request)
    done = request.query_params.get("done")
    notice = t_for(request)(f"done.{done}") if done in DONE else None
    return security_page(request, ctx, notice=notice)


def _change(
    request: Request, call: Callable[[AuthContext, str], Any], done: str | None
) -> Response | Any:
    """Run a factor change; a stale session goes to the step-up page first."""
    ctx = signed_in(request)
    try:
        with authenticated(ctx):
            result = call(ctx, session_token(request))
    except StepUpRequired:
        if wants_json(request):
            return JSONResponse(
                {"error": t_for(request)("error.step_up_required"),
                 "redirect": stepup_url(f"{PREFIX}/security")},
                status_code=401,
            )  # fmt: skip
        return redirect(stepup_url(f"{PREFIX}/security"))
    except AmanahError as exc:
        if wants_json(request):
            return json_error(request, exc)
        return security_page(request, ctx, status=status_of(exc), error=message(request, exc))
    if done is None:
        return result
    if wants_json(request):
        return JSONResponse({"redirect": f"{PREFIX}/security?done={done}"})
    return redirect(f"{PREFIX}/security?done={done}")


@router.post("/security/sessions/{session_id}/end")
def end_session(request: Request, session_id: str, data: Form) -> Response:
    return _change(
        request, lambda ctx, _tok: identity_of(request).end_session(ctx, session_id), "session"
    )


@router.post("/security/recovery-codes")
def regenerate_codes(request: Request, data: Form) -> Response:
    result = _change(request, lambda _c, tok: identity_of(request).new_recovery_codes(tok), None)
    if isinstance(result, Response):
        return result
    return show_codes(request, result, user=current(request))


@router.post("/security/password")
def change_password(request: Request, data: Form) -> Response:
    new, again = str(data.get("new", "")), str(data.get("confirm", ""))
    if new != again:
        ctx = signed_in(request)
        return security_page(request, ctx, status=422, error=t_for(request)("error.mismatch"))
    current_pw = str(data.get("current", ""))
    return _change(
        request,
        lambda _c, tok: identity_of(request).change_password(tok, current_pw, new),
        "password",
    )


@router.post("/security/totp")
def add_totp(request: Request, data: Form) -> Response:
    result = _change(request, lambda _c, tok: identity_of(request).add_totp(tok), None)
    if isinstance(result, Response):
        return result
    return render(
        request, "enrol_totp.html", user=current(request), enrolment=result,
        action=f"{PREFIX}/security/totp/confirm",
    )  # fmt: skip


@router.post("/security/totp/confirm")
def confirm_totp(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _change(request, lambda _c, tok: identity_of(request).confirm_totp(tok, code), "totp")


@router.post("/security/totp/remove")
def remove_totp(request: Request, data: Form) -> Response:
    return _change(request, lambda _c, tok: identity_of(request).remove_totp(tok), "removed")


@router.post("/security/passkeys/options")
def add_passkey_options(request: Request, data: Form) -> Response:
    result = _change(request, lambda _c, tok: identity_of(request).add_passkey_options(tok), None)
    return result if isinstance(result, Response) else JSONResponse(result)


@router.post("/security/passkeys")
def add_passkey(request: Request, data: Form) -> Response:
    credential = data.get("credential") or {}
    name = str(data.get("name") or "passkey")[:100]
    return _change(
        request, lambda _c, tok: identity_of(request).add_passkey(tok, credential, name), "passkey"
    )


@router.post("/security/passkeys/{passkey_id}/remove")
def remove_passkey(request: Request, passkey_id: str, data: Form) -> Response:
    return _change(
        request, lambda _c, tok: identity_of(request).remove_passkey(tok, passkey_id), "removed"
    )


@router.post("/security/phone")
def set_phone(request: Request, data: Form) -> Response:
    phone = str(data.get("phone", ""))
    result = _change(request, lambda _c, tok: identity_of(request).set_phone(tok, phone), None)
    if isinstance(result, Response):
        return result
    ctx = signed_in(request)
    return security_page(request, ctx, notice=t_for(request)("sms.sent"), phone_sent=True)


@router.post("/security/phone/confirm")
def confirm_phone(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _change(request, lambda _c, tok: identity_of(request).confirm_phone(tok, code), "phone")
