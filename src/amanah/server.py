"""``amanah serve``: uvicorn with Amanah's own TLS context (TLS 1.2+, strong ciphers)."""

from __future__ import annotations

import uvicorn

from amanah.crypto.tls import server_context
from amanah.logs import configure as configure_logging
from amanah.settings import Settings


def make_server(settings: Settings) -> uvicorn.Server:
    from amanah.app import create_app

    configure_logging(settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        server_header=False,
        proxy_headers=settings.insecure_http,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        log_config=None,
    )
    config.load()
    if not settings.insecure_http:
        config.ssl = server_context(settings.cert_path, settings.key_path)
    return uvicorn.Server(config)


def serve(settings: Settings) -> None:
    make_server(settings).run()
