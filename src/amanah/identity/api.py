"""HTTP authentication: who is calling, as a gate ``Principal``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from amanah.access.gate import Principal
from amanah.errors import Forbidden
from amanah.identity.errors import InvalidCredentials
from amanah.identity.tokens import authenticate_token

bearer = HTTPBearer(auto_error=False, description="A service-account token (amk_...).")


def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidCredentials("a bearer token is required")
    system = request.app.state.system
    with system.factory() as session:
        return authenticate_token(session, credentials.credentials)


def require(scope: str) -> Callable[..., Principal]:
    """A dependency that authenticates and checks one scope."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"this token lacks the {scope} scope")
        return principal

    return dependency
