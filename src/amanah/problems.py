"""RFC 9457 problem details: the one translation of errors for HTTP.

Every error a client can see becomes ``application/problem+json`` with a
stable ``type`` URI per error kind. Nothing here ever echoes request input.
"""

from __future__ import annotations

from typing import Any

from amanah.crypto.errors import CryptoError, IntegrityError, KeyNotFound, KeyringSealed
from amanah.errors import AmanahError

PROBLEM_BASE = "https://amanah.dev/problems/"
MEDIA_TYPE = "application/problem+json"


def problem(
    status: int, code: str, title: str, detail: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": PROBLEM_BASE + code, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def from_error(exc: AmanahError) -> dict[str, Any]:
    extra = {k: v for k, v in exc.extra.items() if isinstance(v, str | int | bool)}
    return problem(exc.status, exc.code, exc.title, exc.detail, **extra)


CRYPTO_PROBLEMS: dict[type[CryptoError], tuple[int, str, str]] = {
    KeyringSealed: (503, "vault-sealed", "The keyring is sealed"),
    KeyNotFound: (500, "key-missing", "A key needed for this record is missing"),
    IntegrityError: (500, "integrity-failure", "Stored data failed its integrity check"),
}


def from_crypto_error(exc: CryptoError) -> dict[str, Any]:
    for kind, (status, code, title) in CRYPTO_PROBLEMS.items():
        if isinstance(exc, kind):
            return problem(status, code, title)
    return problem(500, "keyring-error", "The keyring failed")
