"""What every console page shares: templates, translated errors, cookies, the signed-in person.

Kept apart from the routes so that each group of pages (``console_session``,
``console_account``, ``console_admin``...) and the alerts pages use one set of helpers:
one ``render`` (CSRF token, language, strict escaping), one ``posted`` (the CSRF check),
one way to read the session and the sign-in attempt from their cookies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.convertors import StringConvertor, register_url_convertor

from amanah.errors import AmanahError
from amanah.identity.api import SESSION_COOKIE
from amanah.identity.errors import AccountLocked, InvalidCredentials, Throttled, WeakPassword
from amanah.identity.service import Identity, SignedIn
from amanah.identity.sessions import AuthContext
from amanah.web import csrf, i18n

HERE = Path(__file__).parent
PREFIX = "/console"
ATTEMPT_COOKIE = "__Host-amanah_attempt"
PASSKEY_COOKIE = "__Host-amanah_passkey"  # the sealed challenge of a passwordless sign-in
RESET_COOKIE = "__Host-amanah_reset"  # a password reset in progress (never a sign-in)
DEVICE_COOKIE = "__Host-amanah_device"
DEVICE_DAYS = 400

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


class Answer(Exception):
    """Raised inside a page handler to answer with a ready response (e.g. a refused reset)."""

    def __init__(self, response: Response) -> None:
        super().__init__("answer")
        self.response = response


# ---- request helpers ------------------------------------------------------------------------


def identity_of(request: Request) -> Identity:
    identity = getattr(request.app.state.system, "identity", None)
    if identity is None:
        raise RuntimeError("the system has no identity service")
    return identity


class _CodeFactor(StringConvertor):
    """A path segment naming a factor proved by a typed code: ``/sign-in/{factor:code_factor}``."""

    regex = "totp|recovery|sms"


register_url_convertor("code_factor", _CodeFactor())


def code_check(request: Request, factor: str, data: dict[str, Any]) -> Callable[[str], Any]:
    """The identity call that checks the code a form posted for ``factor``, given the
    attempt's token: sign-in and password reset take the same three codes, mapped here once."""
    identity = identity_of(request)
    check = {
        "totp": identity.verify_totp,
        "recovery": identity.use_recovery_code,
        "sms": identity.verify_sms,
    }[factor]
    code = str(data.get("code", ""))
    return lambda token: check(token, code)


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


def show_codes(
    request: Request, codes: tuple[str, ...] | list[str], user: AuthContext | None
) -> HTMLResponse:
    return render(request, "recovery_codes.html", codes=list(codes), user=user)
