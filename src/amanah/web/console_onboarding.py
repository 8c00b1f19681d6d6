"""Pages for a person not yet signed in who holds a one-time link: an invitation (the
first password) or a password reset (the link, a second factor, the new password).

Kept apart from sign-in because a reset has its own cookie and its own refusals: a
sign-in attempt is never taken for a reset, and a refused link never says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from amanah.errors import AmanahError
from amanah.identity.api import SESSION_COOKIE
from amanah.identity.errors import (
    AccountLocked,
    EnrolmentRequired,
    InvalidCredentials,
    InvalidInvitation,
    Throttled,
)
from amanah.identity.service import Attempt
from amanah.web.pages import (
    PREFIX,
    RESET_COOKIE,
    Answer,
    Form,
    client_ip,
    code_check,
    cookie,
    forget,
    identity_of,
    json_error,
    message,
    redirect,
    render,
    status_of,
    t_for,
    wants_json,
)

router = APIRouter(include_in_schema=False)


# ---- invitation: the first password -----------------------------------------------------------


@router.get("/invitation")
def invitation_page(request: Request) -> Response:
    return render(request, "invitation.html")


@router.post("/invitation")
def accept_invitation(request: Request, data: Form) -> Response:
    t = t_for(request)
    password, again = str(data.get("password", "")), str(data.get("confirm", ""))
    if password != again:
        return render(request, "invitation.html", status=422, error=t("error.mismatch"))
    try:
        identity_of(request).accept_invitation(str(data.get("token", "")).strip(), password)
    except AmanahError as exc:
        return render(
            request, "invitation.html", status=status_of(exc), error=message(request, exc)
        )
    return render(request, "signin.html", notice=t("invitation.done"))


# ---- password reset: the link, a second factor, the new password ------------------------------


def _reset_refused(request: Request, exc: AmanahError) -> Response:
    """Back to the link page with the reset forgotten: a wrong, spent or expired link or
    reset (one message: it never says which), a locked account, too many tries."""
    gone = isinstance(exc, (InvalidInvitation, InvalidCredentials))
    text = t_for(request)("reset.invalid") if gone else message(request, exc)
    if wants_json(request):
        response: Response = JSONResponse({"error": text}, status_code=status_of(exc))
    else:
        response = render(request, "reset.html", status=status_of(exc), error=text)
    if isinstance(exc, Throttled):
        response.headers["retry-after"] = str(exc.retry_after)
    forget(response, RESET_COOKIE)
    return response


def _reset_attempt(request: Request) -> Attempt:
    """The reset in progress, from its own cookie: a sign-in attempt is never taken for one."""
    try:
        attempt = identity_of(request).attempt(request.cookies.get(RESET_COOKIE, ""))
        if attempt.purpose != "reset":
            raise InvalidInvitation()
    except AmanahError as exc:
        raise Answer(_reset_refused(request, exc)) from exc
    return attempt


def _reset_challenge(
    request: Request, attempt: Attempt, *, status: int = 200, **values: Any
) -> HTMLResponse:
    return render(request, "reset_challenge.html", status=status, factors=attempt.factors, **values)


@router.get("/reset")
def reset_page(request: Request) -> Response:
    """The link is ``/console/reset#TOKEN``: the script moves the fragment into the form,
    so the token never reaches a server in a URL (logs, proxies, Referer)."""
    return render(request, "reset.html")


@router.post("/reset")
def open_reset(request: Request, data: Form) -> Response:
    identity = identity_of(request)
    try:
        attempt = identity.begin_reset(
            str(data.get("token", "")).strip(),
            source=client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except AmanahError as exc:
        return _reset_refused(request, exc)
    step = "password" if attempt.next == "set-password" else "second-factor"
    response = redirect(f"{PREFIX}/reset/{step}")
    cookie(response, RESET_COOKIE, attempt.token, identity.config.signin_attempt_minutes * 60)
    return response


@router.get("/reset/second-factor")
def reset_challenge_page(request: Request) -> Response:
    attempt = _reset_attempt(request)
    if attempt.next == "set-password":
        return redirect(f"{PREFIX}/reset/password")
    return _reset_challenge(request, attempt)


def _reset_factor(request: Request, call: Callable[[str], Any]) -> Response:
    """Prove a second factor for the reset (throttled and counted as at sign-in), then on
    to the new password."""
    attempt = _reset_attempt(request)
    try:
        call(attempt.token)
    except AmanahError as exc:
        try:
            attempt = _reset_attempt(request)
        except Answer:
            return _reset_refused(request, exc)
        if wants_json(request):
            response: Response = json_error(request, exc)
        else:
            response = _reset_challenge(
                request, attempt, status=status_of(exc), error=message(request, exc)
            )
        if isinstance(exc, Throttled):
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    target = f"{PREFIX}/reset/password"
    return JSONResponse({"redirect": target}) if wants_json(request) else redirect(target)


@router.post("/reset/{factor:code_factor}")
def reset_code(request: Request, factor: str, data: Form) -> Response:
    return _reset_factor(request, code_check(request, factor, data))


@router.post("/reset/sms/send")
def reset_sms_send(request: Request, data: Form) -> Response:
    attempt = _reset_attempt(request)
    try:
        identity_of(request).send_sms(attempt.token)
    except AmanahError as exc:
        return _reset_challenge(
            request, attempt, status=status_of(exc), error=message(request, exc)
        )
    return _reset_challenge(request, attempt, notice=t_for(request)("sms.sent"))


@router.post("/reset/passkey/options")
def reset_passkey_options(request: Request, data: Form) -> Response:
    attempt = _reset_attempt(request)
    try:
        return JSONResponse(identity_of(request).passkey_options(attempt.token))
    except AmanahError as exc:
        return json_error(request, exc)


@router.post("/reset/passkey")
def reset_passkey(request: Request, data: Form) -> Response:
    credential = data.get("credential") or {}
    return _reset_factor(request, lambda tok: identity_of(request).verify_passkey(tok, credential))


def _reset_password_form(
    request: Request, attempt: Attempt, *, status: int = 200, **values: Any
) -> HTMLResponse:
    mfa = any(f in attempt.factors for f in ("passkey", "totp", "sms"))
    return render(request, "reset_password.html", status=status, mfa=mfa, **values)


@router.get("/reset/password")
def reset_password_page(request: Request) -> Response:
    attempt = _reset_attempt(request)
    if attempt.next != "set-password":
        return redirect(f"{PREFIX}/reset/second-factor")
    return _reset_password_form(request, attempt)


@router.post("/reset/password")
def reset_password(request: Request, data: Form) -> Response:
    """The new password; every session of the account ends, the owner is told by email,
    and the person signs in afresh."""
    attempt = _reset_attempt(request)
    t = t_for(request)
    password, again = str(data.get("password", "")), str(data.get("confirm", ""))
    if password != again:
        return _reset_password_form(request, attempt, status=422, error=t("error.mismatch"))
    try:
        identity_of(request).complete_reset(attempt.token, password)
    except EnrolmentRequired as exc:  # the password before the second factor: never
        return _reset_challenge(
            request, attempt, status=status_of(exc), error=t("reset.factor_first")
        )
    except (InvalidInvitation, InvalidCredentials, AccountLocked) as exc:
        return _reset_refused(request, exc)
    except AmanahError as exc:
        return _reset_password_form(
            request, attempt, status=status_of(exc), error=message(request, exc)
        )
    response = render(request, "signin.html", notice=t("reset.done"))
    forget(response, RESET_COOKIE)
    forget(response, SESSION_COOKIE)
    return response
