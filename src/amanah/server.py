"""``amanah serve``: uvicorn with Amanah's own TLS context (TLS 1.2+, strong ciphers)."""

from __future__ import annotations

import uvicorn

from amanah.crypto.tls import server_context
from amanah.logs import configure as configure_logging
from amanah.scheduler import Scheduler, housekeeping
from amanah.settings import Settings


class AmanahServer(uvicorn.Server):
    """uvicorn's server, running the housekeeping jobs while it serves."""

    def __init__(self, config: uvicorn.Config, scheduler: Scheduler) -> None:
        super().__init__(config)
        self.scheduler = scheduler

    async def startup(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        await super().startup(sockets)
        self.scheduler.start()

    async def shutdown(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        self.scheduler.stop()
        await super().shutdown(sockets)


def make_server(settings: Settings) -> AmanahServer:
    from amanah.app import create_app

    configure_logging(settings.log_level)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
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
    return AmanahServer(config, housekeeping(app.state.system))


def serve(settings: Settings) -> None:
    make_server(settings).run()
