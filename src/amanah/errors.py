"""The root of every domain exception.

Each package raises its own subclasses; ``app.py`` maps them to RFC 9457
problem details and ``cli.py`` to a one-line message and an exit code, both in
one place. Messages must never contain personal data or secrets.
"""

from __future__ import annotations


class AmanahError(Exception):
    """Base class. ``code`` is the stable problem type slug, ``status`` the HTTP status."""

    code: str = "internal"
    status: int = 500
    title: str = "Internal error"
    exit_code: int = 1

    def __init__(self, detail: str | None = None, **extra: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


class InvalidInput(AmanahError):
    code, status, title, exit_code = "invalid-input", 422, "Invalid input", 2


class NotFound(AmanahError):
    code, status, title, exit_code = "not-found", 404, "Not found", 3


class Conflict(AmanahError):
    code, status, title, exit_code = "conflict", 409, "Conflict", 4


class Unauthenticated(AmanahError):
    code, status, title, exit_code = "unauthenticated", 401, "Authentication required", 5


class Forbidden(AmanahError):
    code, status, title, exit_code = "forbidden", 403, "Forbidden", 6


class Unavailable(AmanahError):
    code, status, title, exit_code = "unavailable", 503, "Service unavailable", 7
