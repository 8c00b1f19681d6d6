"""The console: sign-in, second factor, enrolment, account security, staff administration.

Server-rendered Jinja2 pages under ``/console``; static assets (CSS, the WebAuthn and
password-meter scripts) served by Amanah from ``/console/static``; no external CDN. Every
page carries a strict Content-Security-Policy; every form a CSRF token. The pages only
translate HTTP to ``Identity`` calls: the rules live in ``amanah.identity``.

Cookies (all ``__Host-``: Secure, Path=/, no Domain): the session, the sign-in attempt in
progress, the device (for new-device notices) and the CSRF token; all HttpOnly and
SameSite=Strict. The language cookie ``amanah_lang`` is the only other one.

This module assembles the router and mounts it; the pages live one group a module
(``console_onboarding``, ``console_session``, ``console_stepup``, ``console_account``,
``console_admin``) over the shared helpers in ``pages``. The names other modules import
from here (``render``, ``Form``, ``PREFIX``...) are re-exported.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from amanah.identity.passwords import estimate_strength
from amanah.web import (
    console_account,
    console_admin,
    console_onboarding,
    console_session,
    console_stepup,
    csrf,
    i18n,
)
from amanah.web.console_account import DONE
from amanah.web.console_admin import ADMIN_DONE
from amanah.web.pages import (
    ERROR_KEYS,
    HERE,
    PREFIX,
    Answer,
    Form,
    NotAllowed,
    Redirect,
    admin,
    current,
    identity_of,
    json_error,
    message,
    redirect,
    render,
    safe_next,
    signed_in,
    status_of,
    t_for,
    wants_json,
)

__all__ = [
    "ADMIN_DONE",
    "DONE",
    "ERROR_KEYS",
    "PREFIX",
    "Form",
    "NotAllowed",
    "Redirect",
    "admin",
    "current",
    "identity_of",
    "message",
    "mount_console",
    "redirect",
    "render",
    "router",
    "signed_in",
    "status_of",
    "t_for",
]

log = logging.getLogger("amanah.web")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

# ---- the router: the home page and the language switch here, the rest one group a module ----

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


# in the order the single module declared them (no two groups share a path)
for group in (console_onboarding, console_session, console_stepup, console_account, console_admin):
    router.include_router(group.router)


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
        assert isinstance(exc, Answer)
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
    app.add_exception_handler(Answer, on_answer)
    app.add_exception_handler(NotAllowed, on_not_allowed)
    app.add_exception_handler(csrf.CsrfFailed, on_csrf)
    app.add_middleware(ConsoleHeaders)
