"""Testing helpers shipped with the library, for Amanah's tests and integrators' own.

``require`` is the one rule for optional machinery (PostgreSQL, SoftHSM2,
Chromium, ../shared data): skip with a stated reason on a machine without it,
but fail under ``CI=true`` so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import uvicorn

    from amanah.settings import Settings


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: missing dependencies fail the run)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


@contextmanager
def logging_restored() -> Iterator[None]:
    """``make_server`` configures logging for the process; put it back afterwards."""
    import logging

    import structlog

    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in map(logging.getLogger, LOGGERS)
    ]
    try:
        yield
    finally:
        for logger, handlers, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
        structlog.reset_defaults()


@contextmanager
def serve_in_thread(
    settings: Settings, start_timeout: float = 20.0, stop_timeout: float = 15.0
) -> Iterator[uvicorn.Server]:
    """Run the server exactly as ``amanah serve`` builds it, in a thread, with bounded
    waits for start and stop, and the process's logging restored afterwards."""
    import threading
    import time

    from amanah.server import make_server

    with logging_restored():
        server = make_server(settings)
        thread = threading.Thread(target=server.run, name="amanah-test-server", daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + start_timeout
            while not server.started:
                assert thread.is_alive(), "the server exited during start-up"
                assert time.monotonic() < deadline, "the server did not start in time"
                time.sleep(0.02)
            yield server
        finally:
            server.should_exit = True
            thread.join(stop_timeout)
        assert not thread.is_alive(), "the server did not stop in time"
