"""The console: sign-in, second factor, enrolment, account security, staff administration.

Server-rendered Jinja2 pages under ``/console``; static assets (CSS, the WebAuthn and
password-meter scripts) served by Amanah from ``/console/static``; no external CDN. Every
page carries a strict Content-Security-Policy; every form a CSRF token. The pages only
translate HTTP to ``Identity`` calls: the rules live in ``amanah.identity``.

Cookies (all ``__Host-``: Secure, Path=/, no Domain): the session, the sign-in attempt in
progress, the device (for new-device notices) and the CSRF token; all HttpOnly and
SameSite=Strict. The language cookie ``amanah_lang`` is the only other one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from amanah.access.errors import StepUpRequired
from amanah.errors import AmanahError
from amanah.identity.api import SESSION_COOKIE
from amanah.identity.errors import (
    AccountLocked,
    EnrolmentRequired,
    InvalidCredentials,
    InvalidInvitation,
    Throttled,
    WeakPassword,
)
from amanah.identity.models import ROLES
from amanah.identity.passwords import estimate_strength
from amanah.identity.service import Attempt, Identity, SignedIn
from amanah.identity.sessions import AuthContext
from amanah.identity.stepup import authenticated
from amanah.web import csrf, i18n

log = logging.getLogger("amanah.web")

HERE = Path(__file__).parent
PREFIX = "/console"
ATTEMPT_COOKIE = "__Host-amanah_attempt"
PASSKEY_COOKIE = "__Host-amanah_passkey"  # the sealed challenge of a passwordless sign-in
RESET_COOKIE = "__Host-amanah_reset"  # a password reset in progress (never a sign-in)
DEVICE_COOKIE = "__Host-amanah_device"
DEVICE_DAYS = 400
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

ERROR_KEYS = {
    "invalid-credentials": "error.invalid_credentials",
    "account-locked": "error.locked",
    "throttled": "error.throttled",
    "invalid-code": "error.invalid_code",
    "enrolment-required": "error.enrolment_required",
    "factor-not-available": "error.factor_not_available",
    "invalid-invitation": "error.invalid_invitation",
    "step-up-required": "error.step_up_required",
    "conflict": "error.conflict",
    "invalid-input": "error.invalid_input",
    "not-found": "error.not_found",
    "forbidden": "error.forbidden",
    "csrf-failed": "error.csrf",
}


class Redirect(Exception):
    """Raised inside a page handler to answer with a redirect (e.g. to sign in)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class NotAllowed(Exception):
    """The signed-in person may not see this page (a 403 page, not a problem document)."""


# ---- request helpers ------------------------------------------------------------------------


def identity_of(request: Request) -> Identity:
    identity = getattr(request.app.state.system, "identity", None)
    if identity is None:
        raise RuntimeError("the system has no identity service")
    return identity


def lang_of(request: Request) -> str:
    return i18n.negotiate(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))


def t_for(request: Request) -> i18n.Translator:
    return i18n.translator(lang_of(request))


def message(request: Request, exc: AmanahError) -> str:
    """A translated message for an error; never the (English-only) detail text."""
    t = t_for(request)
    if isinstance(exc, WeakPassword):
        return t(f"weak.{exc.reason or 'other'}", **{k: v for k, v in exc.extra.items()})
    if isinstance(exc, Throttled):
        return t("error.throttled", seconds=exc.retry_after)
    return t(ERROR_KEYS.get(exc.code, "error.generic"))


def status_of(exc: AmanahError) -> int:
    return exc.status if 400 <= exc.status < 600 else 400


def safe_next(value: str | None, default: str = PREFIX) -> str:
    """Only a path inside the console: never another site (open redirect)."""
    if value and value.startswith(PREFIX) and not value.startswith("//") and "\\" not in value:
        return value
    return default


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, secure=True, httponly=True, samesite="strict", path="/"
    )


def forget(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="strict")


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    user: AuthContext | None = None,
    error: str | None = None,
    notice: str | None = None,
    **values: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    html = env.get_template(template).render(
        t=i18n.translator(lang),
        lang=lang,
        languages=i18n.LANGUAGES,
        csrf=csrf.token_for(request),
        user=user,
        error=error,
        notice=notice,
        path=request.url.path,
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    csrf.ensure(request, response)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def posted(request: Request) -> dict[str, Any]:
    """The form (urlencoded) or JSON body, after the CSRF check."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        supplied = request.headers.get(csrf.CSRF_HEADER)
    else:
        data = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        supplied = data.get("csrf")
    csrf.check_csrf(request, supplied)
    return data


Form = Annotated[dict[str, Any], Depends(posted)]


def current(request: Request) -> AuthContext | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return identity_of(request).authenticate(token)
    except (InvalidCredentials, AccountLocked):
        return None


def signed_in(request: Request) -> AuthContext:
    ctx = current(request)
    if ctx is None:
        raise Redirect(f"{PREFIX}/sign-in")
    return ctx


def admin(request: Request) -> AuthContext:
    ctx = signed_in(request)
    if ctx.role != "admin":
        raise NotAllowed()
    return ctx


def session_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def attempt_token(request: Request) -> str:
    token = request.cookies.get(ATTEMPT_COOKIE)
    if not token:
        raise Redirect(f"{PREFIX}/sign-in")
    return token


def stepup_url(next_path: str) -> str:
    from urllib.parse import quote

    return f"{PREFIX}/step-up?next={quote(next_path, safe='/')}"


def wants_json(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/json")


def json_error(request: Request, exc: AmanahError, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message(request, exc), **extra}, status_code=status_of(exc))


# ---- signed in: cookies and the recovery codes page ------------------------------------------


def finish_sign_in(request: Request, signed: SignedIn, *, as_json: bool = False) -> Response:
    target = PREFIX
    if signed.recovery_codes:
        target = f"{PREFIX}/recovery-codes/new"
    if as_json:
        response: Response = JSONResponse({"redirect": target})
    elif signed.recovery_codes:
        response = show_codes(request, signed.recovery_codes, user=None)
    else:
        response = redirect(target)
    if as_json and signed.recovery_codes:
        # the codes are shown once, on the next page: held for one page in a short cookie
        cookie(response, "__Host-amanah_codes", " ".join(signed.recovery_codes))
    cookie(response, SESSION_COOKIE, signed.session_token)
    if signed.device_token:
        cookie(response, DEVICE_COOKIE, signed.device_token, max_age=DEVICE_DAYS * 86400)
    forget(response, ATTEMPT_COOKIE)
    return response


def show_codes(request: Request, codes: tuple[str, ...] | list[str], user: AuthContext | None):
    return render(request, "recovery_codes.html", codes=list(codes), user=user)


# ---- the router -----------------------------------------------------------------------------

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("")
def home(request: Request) -> Response:
    ctx = current(request)
    if ctx is None:
        return redirect(f"{PREFIX}/sign-in")
    account = identity_of(request).account(ctx.account_id)
    return render(request, "home.html", user=ctx, account=account)


@router.post("/lang")
def switch_language(request: Request, data: Form) -> Response:
    lang = str(data.get("lang", ""))
    response = redirect(safe_next(str(data.get("next", ""))))
    if lang in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE, lang, max_age=365 * 86400, secure=True, httponly=True, samesite="lax"
        )
    return response


@router.post("/password-strength")
def password_strength(request: Request, data: Form) -> JSONResponse:
    """The meter's estimate (zxcvbn); the policy still decides on submit."""
    password = str(data.get("password", ""))[:256]
    inputs = [str(data.get("username", ""))]
    ctx = current(request)
    if ctx is not None:
        inputs.append(ctx.username)
    strength = estimate_strength(password, inputs)
    t = t_for(request)
    return JSONResponse(
        {"score": strength.score, "label": t(f"strength.{strength.score}"), "length": len(password)}
    )


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
        raise _Answer(_reset_refused(request, exc)) from exc
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
        except _Answer:
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


@router.post("/reset/totp")
def reset_totp(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _reset_factor(request, lambda tok: identity_of(request).verify_totp(tok, code))


@router.post("/reset/recovery")
def reset_recovery(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _reset_factor(request, lambda tok: identity_of(request).use_recovery_code(tok, code))


@router.post("/reset/sms")
def reset_sms(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _reset_factor(request, lambda tok: identity_of(request).verify_sms(tok, code))


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


def _attempt_or_restart(request: Request):
    try:
        return identity_of(request).attempt(attempt_token(request))
    except (InvalidCredentials, AccountLocked) as exc:
        response = render(request, "signin.html", status=401, error=message(request, exc))
        forget(response, ATTEMPT_COOKIE)
        raise _Answer(response) from exc


class _Answer(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("answer")
        self.response = response


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


@router.post("/sign-in/totp")
def sign_in_totp(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _second_factor(request, lambda tok: identity_of(request).verify_totp(tok, code))


@router.post("/sign-in/recovery")
def sign_in_recovery(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _second_factor(request, lambda tok: identity_of(request).use_recovery_code(tok, code))


@router.post("/sign-in/sms")
def sign_in_sms(request: Request, data: Form) -> Response:
    code = str(data.get("code", ""))
    return _second_factor(request, lambda tok: identity_of(request).verify_sms(tok, code))


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


DONE = ("password", "totp", "passkey", "removed", "session", "phone")


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


# ---- staff administration (admins) -------------------------------------------------------------


def admin_page(
    request: Request, ctx: AuthContext, *, status: int = 200, **values: Any
) -> HTMLResponse:
    identity = identity_of(request)
    return render(
        request,
        "admin.html",
        status=status,
        user=ctx,
        accounts=identity.accounts(),
        teams=identity.teams(),
        roles=ROLES,
        **values,
    )


def account_page(
    request: Request, ctx: AuthContext, account_id: str, *, status: int = 200, **values: Any
) -> HTMLResponse:
    """One person: role, team, status, lock, factors (names only) and live sessions."""
    identity = identity_of(request)
    account = identity.account(account_id)
    return render(
        request,
        "admin_account.html",
        status=status,
        user=ctx,
        account=account,
        team=dict(identity.teams()).get(account.team_id or ""),
        sessions=identity.list_sessions(account_id, current=ctx.session_id),
        roles=ROLES,
        **values,
    )


def _admin_notice(request: Request) -> str | None:
    done = request.query_params.get("done")
    return t_for(request)(f"admin.done.{done}") if done in ADMIN_DONE else None


@router.get("/admin")
def administration(request: Request) -> Response:
    ctx = admin(request)
    return admin_page(request, ctx, notice=_admin_notice(request))


@router.get("/admin/accounts/{account_id}")
def administration_account(request: Request, account_id: str) -> Response:
    ctx = admin(request)
    try:
        return account_page(request, ctx, account_id, notice=_admin_notice(request))
    except AmanahError as exc:
        return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))


ADMIN_DONE = ("disable", "enable", "unlock", "role", "sessions", "session")


def _admin_action(
    request: Request,
    call: Callable[[AuthContext], Any],
    done: str,
    *,
    fresh: bool = False,
    data: dict[str, Any] | None = None,
    account_id: str | None = None,
) -> Response:
    """Run an admin action, then back to the list, or to the person's page it came from."""
    ctx = admin(request)
    back = f"{PREFIX}/admin"
    if account_id is not None and (data or {}).get("back") == "account":
        back = f"{PREFIX}/admin/accounts/{quote(account_id, safe='')}"
    try:
        if fresh:  # role changes and invitations: a factor used in the last minutes
            identity_of(request).require_fresh_factor(ctx)
        call(ctx)
    except StepUpRequired:
        return redirect(stepup_url(back))
    except AmanahError as exc:
        error = message(request, exc)
        if back != f"{PREFIX}/admin" and account_id is not None:
            try:
                return account_page(request, ctx, account_id, status=status_of(exc), error=error)
            except AmanahError:
                pass  # the person is gone: the list page says what went wrong
        return admin_page(request, ctx, status=status_of(exc), error=error)
    return redirect(f"{back}?done={done}")


@router.post("/admin/invite")
def invite(request: Request, data: Form) -> Response:
    ctx = admin(request)
    identity = identity_of(request)
    try:
        identity.require_fresh_factor(ctx)
        created = identity.invite(
            str(data.get("username", "")),
            str(data.get("role", "agent")),
            display_name=str(data.get("display_name", "")),
            email=str(data.get("email", "")) or None,
            phone=str(data.get("phone", "")) or None,
            team_id=str(data.get("team_id", "")) or None,
            locale=str(data.get("locale", "en")),
            actor_id=ctx.account_id,
        )
    except StepUpRequired:
        return redirect(stepup_url(f"{PREFIX}/admin"))
    except AmanahError as exc:
        return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))
    link = identity.console_link("invitation", created.token)  # the origin passkeys use
    return admin_page(request, ctx, invited=created, invitation_link=link)


@router.post("/admin/accounts/{account_id}/disable")
def disable(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).disable(account_id, actor_id=ctx.account_id),
        "disable",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/enable")
def enable(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).enable(account_id, actor_id=ctx.account_id),
        "enable",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/unlock")
def unlock(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).unlock(account_id, actor_id=ctx.account_id),
        "unlock",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/role")
def set_role(request: Request, account_id: str, data: Form) -> Response:
    role = str(data.get("role", ""))
    return _admin_action(
        request,
        lambda ctx: identity_of(request).set_role(account_id, role, actor_id=ctx.account_id),
        "role",
        fresh=True,
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/end-sessions")
def end_sessions(request: Request, account_id: str, data: Form) -> Response:
    """End every session of the person (the admin's own current one stays)."""
    return _admin_action(
        request,
        lambda ctx: identity_of(request).end_all_sessions(
            account_id, keep=ctx.session_id, actor_id=ctx.account_id
        ),
        "sessions",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/sessions/{session_id}/end")
def end_account_session(request: Request, account_id: str, session_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).end_session(ctx, session_id, account_id=account_id),
        "session",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/reset-password")
def issue_reset(request: Request, account_id: str, data: Form) -> Response:
    """A one-time reset link for the person, shown once on their page; the admin never
    chooses the password, and using the link still needs the person's second factor."""
    ctx = admin(request)
    identity = identity_of(request)
    back = f"{PREFIX}/admin/accounts/{quote(account_id, safe='')}"
    try:
        identity.require_fresh_factor(ctx)
        issued = identity.issue_password_reset(account_id, actor_id=ctx.account_id)
    except StepUpRequired:
        return redirect(stepup_url(back))
    except AmanahError as exc:
        try:
            return account_page(
                request, ctx, account_id, status=status_of(exc), error=message(request, exc)
            )
        except AmanahError:
            return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))
    link = identity.console_link("reset", issued.token)
    return account_page(request, ctx, account_id, reset=issued, reset_link=link)


# ---- mounting ------------------------------------------------------------------------------------


class ConsoleHeaders:
    """A strict Content-Security-Policy on every console response (pages and assets)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(PREFIX):
            await self.app(scope, receive, send)
            return

        async def with_csp(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"cross-origin-opener-policy", b"same-origin"))
                headers.append((b"permissions-policy", b"camera=(), microphone=(), geolocation=()"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_csp)


def mount_console(app: FastAPI) -> None:
    """Add the console to an app: pages, static assets, ``/`` -> ``/console``, CSP."""
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="console-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return redirect(PREFIX)

    async def on_redirect(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Redirect)
        return redirect(exc.url)

    async def on_answer(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Answer)
        return exc.response

    async def on_not_allowed(request: Request, _exc: Exception) -> Response:
        return render(request, "forbidden.html", status=403)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, csrf.CsrfFailed)
        if not request.url.path.startswith(PREFIX):
            from amanah.problems import MEDIA_TYPE, from_error

            body = from_error(exc)
            return JSONResponse(body, status_code=403, media_type=MEDIA_TYPE)
        if wants_json(request):
            return json_error(request, exc)
        return render(request, "forbidden.html", status=403, error=message(request, exc))

    app.add_exception_handler(Redirect, on_redirect)
    app.add_exception_handler(_Answer, on_answer)
    app.add_exception_handler(NotAllowed, on_not_allowed)
    app.add_exception_handler(csrf.CsrfFailed, on_csrf)
    app.add_middleware(ConsoleHeaders)
