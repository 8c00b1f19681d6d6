"""CSRF protection for the console: a double-submitted token.

The browser holds a random token in the ``__Host-amanah_csrf`` cookie (Secure, HttpOnly,
SameSite=Strict, host-only: a sibling subdomain cannot plant it); every form carries it in
a hidden field and every script request in the ``X-CSRF-Token`` header, and the server
compares the two in constant time (``amanah.identity.api.check_csrf``).
"""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from amanah.identity.api import CSRF_COOKIE, CSRF_HEADER, CsrfFailed, check_csrf

__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "CsrfFailed", "check_csrf", "ensure", "token_for"]


def token_for(request: Request) -> str:
    """The request's token: its cookie, or a new one to set on the response."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def ensure(request: Request, response: Response) -> None:
    """Set the cookie when this request made a new token."""
    token = getattr(request.state, "new_csrf", None)
    if token and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/"
        )
