"""``create_app(settings)``: the HTTP API (and, later, the console) for one System."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from amanah import __version__
from amanah.access.gate import Principal
from amanah.audit import api as audit_api
from amanah.bootstrap import System, build
from amanah.crypto.errors import CryptoError
from amanah.detection import api as detection_api
from amanah.docs import mount_docs
from amanah.errors import AmanahError, InvalidInput
from amanah.forensics import api as forensics_api
from amanah.identity.api import require
from amanah.middleware import BodyLimit, BodyTooLarge, SecurityHeaders, too_large
from amanah.problems import MEDIA_TYPE, from_crypto_error, from_error, problem
from amanah.redaction import api as redaction_api
from amanah.settings import Settings
from amanah.vault import api as vault_api
from amanah.vault.keys import count_by_version
from amanah.web.alerts import mount_alerts
from amanah.web.console import mount_console

log = logging.getLogger("amanah")

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": "Problem details (RFC 9457)", "content": {MEDIA_TYPE: {}}}
    for code in (400, 401, 403, 404, 409, 413, 422, 503)
}


def _respond(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE, headers=headers)


HTTP_METHODS = frozenset({"delete", "get", "head", "options", "patch", "post", "put", "trace"})


def _documented_methods(request: Request) -> str | None:
    """The methods the OpenAPI document gives the resource at this path, for ``Allow``.

    The router only knows the one route it tried, and ``/customers/search`` also fits
    ``/customers/{customer_id}``; the document names the resource, the most specific
    template winning. ``None`` for paths the document does not describe.
    """
    path = request.scope["path"]
    best: tuple[int, list[str]] | None = None
    for template, item in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            params = template.count("{")
            if best is None or params < best[0]:
                best = (params, sorted(m.upper() for m in item if m in HTTP_METHODS))
    return ", ".join(best[1]) if best else None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AmanahError)
    async def amanah_error(_: Request, exc: AmanahError) -> JSONResponse:
        return _respond(from_error(exc))

    @app.exception_handler(CryptoError)
    async def crypto_error(_: Request, exc: CryptoError) -> JSONResponse:
        log.error("crypto failure", extra={"kind": type(exc).__name__})
        return _respond(from_crypto_error(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            return _respond(problem(400, "malformed-json", "Malformed JSON body"))
        return _respond(problem(422, "validation-error", "The request is not valid", errors=errors))

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(_: Request, exc: BodyTooLarge) -> JSONResponse:
        return _respond(too_large(exc.max_bytes))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (documented := _documented_methods(request)):
            # RFC 9110: Allow lists every method of the resource, not only one route's.
            headers["Allow"] = documented
        return _respond(problem(exc.status_code, slug, str(exc.detail)), headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"kind": type(exc).__name__})
        return _respond(problem(500, "internal", "Internal error"))


class UnsealIn(BaseModel):
    passphrase: str = Field(min_length=1, max_length=1024)


class KeyVersionOut(BaseModel):
    version: int
    state: str
    created_at: str
    data_keys: int


class KeysStatusOut(BaseModel):
    keyring: str
    key_id: str
    sealed: bool
    active_version: int | None
    versions: list[KeyVersionOut]


def system_routes(app: FastAPI) -> None:
    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/system/status", tags=["system"])
    def status(request: Request) -> dict[str, Any]:
        system: System = request.app.state.system
        return {"version": __version__, "sealed": system.keyring.sealed}

    @app.post("/api/v1/system/unseal", tags=["system"], status_code=204)
    def unseal(
        body: UnsealIn, request: Request, who: Principal = Depends(require("keys:admin"))
    ) -> None:
        system: System = request.app.state.system
        try:
            system.keyring.unseal(body.passphrase)
        except CryptoError:
            system.trail.record(who.id, "keys.unseal", "failed", key_id=system.keyring.key_id)
            raise InvalidInput("the passphrase does not open the keyring") from None
        system.trail.record(who.id, "keys.unseal", key_id=system.keyring.key_id)

    @app.get("/api/v1/keys/status", tags=["system"], response_model=KeysStatusOut)
    def keys_status(
        request: Request, _: Principal = Depends(require("keys:admin"))
    ) -> KeysStatusOut:
        return keys_report(request.app.state.system)


def keys_report(system: System) -> KeysStatusOut:
    with system.factory() as session:
        counts = count_by_version(session)
    sealed = system.keyring.sealed
    versions = [] if sealed else system.keyring.versions()
    return KeysStatusOut(
        keyring=system.keyring.kind,
        key_id=system.keyring.key_id,
        sealed=sealed,
        active_version=None if sealed else system.keyring.current_version(),
        versions=[
            KeyVersionOut(
                version=v.version,
                state=v.state,
                created_at=v.created_at,
                data_keys=counts.get(v.version, 0),
            )
            for v in versions
        ],
    )


def create_app(settings: Settings | None = None, system: System | None = None) -> FastAPI:
    settings = settings or Settings()
    system = system or build(settings)
    app = FastAPI(
        title="Amanah",
        version=__version__,
        description="Customer-data vault and security platform for contact centres.",
        responses=PROBLEM_RESPONSES,
        docs_url=None,
        redoc_url=None,
    )
    app.state.system = system
    install_error_handlers(app)
    mount_docs(app)
    system_routes(app)
    app.include_router(vault_api.router)
    app.include_router(redaction_api.router)
    app.include_router(forensics_api.router)
    app.include_router(audit_api.router)
    app.include_router(detection_api.router)
    mount_console(app)
    mount_alerts(app)
    app.add_middleware(SecurityHeaders, hsts_max_age=settings.hsts_max_age)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
