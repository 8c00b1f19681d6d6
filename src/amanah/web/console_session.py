"""Signing in and out: the password, the second factor, a passkey alone, the first
sign-in's enrolment of a second factor, and the one-time recovery codes page.

Everything here works from the sign-in attempt's cookie until the session cookie is set
(``pages.finish_sign_in``); the rules of each step live in ``amanah.identity``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from amanah.errors import AmanahError
from amanah.identity.api import SESSION_COOKIE
from amanah.identity.errors import AccountLocked, InvalidCredentials, Throttled
from amanah.identity.service import Attempt, SignedIn
from amanah.web.pages import (
    ATTEMPT_COOKIE,
    DEVICE_COOKIE,
    PASSKEY_COOKIE,
    PREFIX,
    Answer,
    Form,
    attempt_token,
    client_ip,
    code_check,
    cookie,
    current,
    finish_sign_in,
    forget,
    identity_of,
    json_error,
    message,
    redirect,
    render,
    session_token,
    show_codes,
    status_of,
    t_for,
    wants_json,
)

router = APIRouter(include_in_schema=False)


# ---- sign-in ----------------------------------------------------------------------------------


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    if current(request) is not None:
        return redirect(PREFIX)
    return render(request, "signin.html")


@router.post("/sign-in")
def sign_in(request: Request, data: Form) -> Response:
    identity = identity_of(request)
    try:
        attempt = identity.begin(
            str(data.get("username", "")),
            str(data.get("password", "")),
            source=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            device=request.cookies.get(DEVICE_COOKIE),
        )
    except AmanahError as exc:
        response = render(
            request, "signin.html", status=status_of(exc), error=message(request, exc)
        )
        if isinstance(exc, Throttled):
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    target = f"{PREFIX}/sign-in/second-factor" if attempt.next != "enrol" else f"{PREFIX}/enrol"
    response = redirect(target)
    cookie(response, ATTEMPT_COOKIE, attempt.token, identity.config.signin_attempt_minutes * 60)
    return response


def _attempt_or_restart(request: Request) -> Attempt:
    try:
        return identity_of(request).attempt(attempt_token(request))
    except (InvalidCredentials, AccountLocked) as exc:
        response = render(request, "signin.html", status=401, error=message(request, exc))
        forget(response, ATTEMPT_COOKIE)
        raise Answer(response) from exc


@router.get("/sign-in/second-factor")
def challenge_page(request: Request) -> Response:
    attempt = _attempt_or_restart(request)
    if attempt.next == "enrol":
        return redirect(f"{PREFIX}/enrol")
    return render(request, "challenge.html", factors=attempt.factors)


def _second_factor(request: Request, call: Callable[[str], SignedIn | None]) -> Response:
    try:
        signed = call(attempt_token(request))
    except AmanahError as exc:
        if wants_json(request):
            return json_error(request, exc)
        try:
            attempt = identity_of(request).attempt(attempt_token(request))
        except AmanahError:
            response = render(request, "signin.html", status=401, error=message(request, exc))
            forget(response, ATTEMPT_COOKIE)
            return response
        return render(
            request,
            "challenge.html",
            status=status_of(exc),
            error=message(request, exc),
            factors=attempt.factors,
        )
    if signed is None:  # a reset attempt: not reached from the sign-in pages
        return redirect(f"{PREFIX}/sign-in")
    return finish_sign_in(request, signed, as_json=wants_json(request))


@router.post("/sign-in/{factor:code_factor}")
def sign_in_code(request: Request, factor: str, data: Form) -> Response:
    """The second factor as a typed code: an authenticator's, a recovery code or an SMS."""
    return _second_factor(request, code_check(request, factor, data))


@router.post("/sign-in/sms/send")
def sign_in_sms_send(request: Request, data: Form) -> Response:
    attempt = _attempt_or_restart(request)
    t = t_for(request)
    try:
        identity_of(request).send_sms(attempt.token)
    except AmanahError as exc:
        return render(
            request, "challenge.html", status=status_of(exc), error=message(request, exc),
            factors=attempt.factors,
        )  # fmt: skip
    return render(request, "challenge.html", notice=t("sms.sent"), factors=attempt.factors)


@router.post("/sign-in/passkey/options")
def sign_in_passkey_options(request: Request, data: Form) -> Response:
    try:
        return JSONResponse(identity_of(request).passkey_options(attempt_token(request)))
    except AmanahError as exc:
        return json_error(request, exc)


@router.post("/sign-in/passkey")
def sign_in_passkey(request: Request, data: Form) -> Response:
    credential = data.get("credential") or {}
    return _second_factor(request, lambda tok: identity_of(request).verify_passkey(tok, credential))


def _passwordless_error(request: Request, exc: AmanahError) -> Response:
    """A refused passkey is named as such (not "username or password"); the challenge is
    spent either way, so its cookie goes."""
    response = json_error(request, exc)
    if isinstance(exc, InvalidCredentials):
        text = t_for(request)("signin.passkey_failed")
        response = JSONResponse({"error": text}, status_code=status_of(exc))
    if isinstance(exc, Throttled):
        response.headers["retry-after"] = str(exc.retry_after)
    forget(response, PASSKEY_COOKIE)
    return response


@router.post("/sign-in/passwordless/options")
def passwordless_options(request: Request, data: Form) -> Response:
    """Usernameless passkey options; the sealed challenge stays in this browser's cookie."""
    identity = identity_of(request)
    try:
        start = identity.begin_passkey_sign_in(source=client_ip(request))
    except AmanahError as exc:
        return _passwordless_error(request, exc)
    response = JSONResponse(start.options)
    cookie(response, PASSKEY_COOKIE, start.token, identity.config.webauthn_timeout_seconds)
    return response


@router.post("/sign-in/passwordless")
def passwordless(request: Request, data: Form) -> Response:
    """A passkey alone signs in (user verification makes it multi-factor)."""
    try:
        signed = identity_of(request).sign_in_with_passkey(
            request.cookies.get(PASSKEY_COOKIE, ""),
            data.get("credential") or {},
            source=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            device=request.cookies.get(DEVICE_COOKIE),
        )
    except AmanahError as exc:
        return _passwordless_error(request, exc)
    response = finish_sign_in(request, signed, as_json=True)
    forget(response, PASSKEY_COOKIE)
    return response


@router.get("/recovery-codes/new")
def new_codes_page(request: Request) -> Response:
    """After a passkey enrolment (a script request), the codes arrive in a one-page cookie."""
    codes = request.cookies.get("__Host-amanah_codes", "").split()
    response = show_codes(request, codes, user=current(request))
    forget(response, "__Host-amanah_codes")
    return response


# ---- first sign-in: enrolment of a second factor -------------------------------------------


@router.get("/enrol")
def enrol_page(request: Request) -> Response:
    attempt = _attempt_or_restart(request)
    if attempt.next != "enrol":
        return redirect(f"{PREFIX}/sign-in/second-factor")
    return render(request, "enrol.html")


@router.get("/enrol/totp")
def enrol_totp_page(request: Request) -> Response:
    try:
        enrolment = identity_of(request).enrol_totp(attempt_token(request))
    except AmanahError as exc:
        return render(request, "signin.html", status=status_of(exc), error=message(request, exc))
    return render(request, "enrol_totp.html", enrolment=enrolment, action=f"{PREFIX}/enrol/totp")


@router.post("/enrol/totp")
def enrol_totp(request: Request, data: Form) -> Response:
    identity = identity_of(request)
    try:
        signed = identity.confirm_totp_enrolment(attempt_token(request), str(data.get("code", "")))
    except AmanahError as exc:
        try:
            enrolment = identity.enrol_totp(attempt_token(request))
        except AmanahError:
            return render(request, "signin.html", status=401, error=message(request, exc))
        return render(
            request, "enrol_totp.html", status=status_of(exc), error=message(request, exc),
            enrolment=enrolment, action=f"{PREFIX}/enrol/totp",
        )  # fmt: skip
    return finish_sign_in(request, signed)


@router.post("/enrol/passkey/options")
def enrol_passkey_options(request: Request, data: Form) -> Response:
    try:
        return JSONResponse(identity_of(request).enrol_passkey_options(attempt_token(request)))
    except AmanahError as exc:
        return json_error(request, exc)


@router.post("/enrol/passkey")
def enrol_passkey(request: Request, data: Form) -> Response:
    name = str(data.get("name") or "passkey")[:100]
    try:
        signed = identity_of(request).confirm_passkey_enrolment(
            attempt_token(request), data.get("credential") or {}, name
        )
    except AmanahError as exc:
        return json_error(request, exc)
    return finish_sign_in(request, signed, as_json=True)


@router.get("/enrol/sms")
def enrol_sms_page(request: Request) -> Response:
    _attempt_or_restart(request)
    return render(request, "enrol_sms.html", sent=False)


@router.post("/enrol/sms/send")
def enrol_sms_send(request: Request, data: Form) -> Response:
    try:
        identity_of(request).enrol_sms(attempt_token(request), str(data.get("phone", "")) or None)
    except AmanahError as exc:
        return render(
            request, "enrol_sms.html", status=status_of(exc), error=message(request, exc),
            sent=False,
        )  # fmt: skip
    return render(request, "enrol_sms.html", sent=True, notice=t_for(request)("sms.sent"))


@router.post("/enrol/sms")
def enrol_sms(request: Request, data: Form) -> Response:
    try:
        signed = identity_of(request).confirm_sms_enrolment(
            attempt_token(request), str(data.get("code", ""))
        )
    except AmanahError as exc:
        return render(
            request, "enrol_sms.html", status=status_of(exc), error=message(request, exc),
            sent=True,
        )  # fmt: skip
    return finish_sign_in(request, signed)


# ---- sign-out -----------------------------------------------------------------------------


@router.post("/sign-out")
def sign_out(request: Request, data: Form) -> Response:
    token = session_token(request)
    if token:
        identity_of(request).sign_out(token)
    response = render(request, "signin.html", notice=t_for(request)("signout.done"))
    forget(response, SESSION_COOKIE)
    return response
