"""HTTP authentication: who is calling, as a gate ``Principal``.

Two ways in: a service-account bearer token (integrations), or a staff session cookie
(``__Host-amanah_session``, set by the console: Secure, HttpOnly, SameSite=Strict). A
staff session's role maps to scopes through ``ROLE_SCOPES``, and its ``AuthContext`` is
bound for the gate's identity input (step-up) in the request's task, so the endpoint's
worker thread sees it. Unsafe methods on a cookie need the CSRF header as well.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from amanah.access.gate import Principal
from amanah.errors import Forbidden
from amanah.identity.errors import InvalidCredentials
from amanah.identity.stepup import bind_context
from amanah.identity.tokens import authenticate_token

SESSION_COOKIE = "__Host-amanah_session"
CSRF_COOKIE = "__Host-amanah_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(
    auto_error=False,
    description="A service-account token (amk_...); staff use the console's session cookie.",
)


class CsrfFailed(Forbidden):
    code = "csrf-failed"
    title = "The form or request is missing its anti-forgery token; reload the page"


def check_csrf(request: Request, supplied: str | None) -> None:
    """Double-submit: the token sent in the form or header equals the ``__Host-`` cookie."""
    expected = request.cookies.get(CSRF_COOKIE) or ""
    if not expected or not supplied or not hmac.compare_digest(expected, supplied):
        raise CsrfFailed()


def _token_principal(request: Request, token: str) -> Principal:
    with request.app.state.system.factory() as session:
        return authenticate_token(session, token)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return await run_in_threadpool(_token_principal, request, credentials.credentials)
    identity = getattr(request.app.state.system, "identity", None)
    session_token = request.cookies.get(SESSION_COOKIE)
    if identity is None or not session_token:
        raise InvalidCredentials("a bearer token or a signed-in session is required")
    if request.method not in SAFE_METHODS:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    ctx = await run_in_threadpool(identity.authenticate, session_token)
    # async dependency: bound in the request's task, copied into the endpoint's thread
    bind_context(ctx)
    request.state.auth = ctx
    return ctx.principal


def require(scope: str) -> Callable[..., Principal]:
    """A dependency that authenticates and checks one scope."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"this token lacks the {scope} scope")
        return principal

    return dependency
