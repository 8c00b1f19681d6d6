"""Browser tests: Debian's Chromium through Playwright, against ``amanah serve`` over HTTPS.

The server runs in a thread exactly as ``amanah serve`` builds it (``make_server`` on a
home made by ``init_home``). The browser trusts the server's self-signed certificate by
its public-key pin (``--ignore-certificate-errors-spki-list``), so the page is a real
secure context without certificate errors (Chromium refuses WebAuthn on a page with one).
Without Chromium or Playwright these tests skip; under ``CI=true`` they fail.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from amanah.home import init_home
from amanah.settings import Settings
from amanah.testing import require

CHROMIUM = os.environ.get("AMANAH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spki_pin(cert_path: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's SPKI allow-list expects."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@contextmanager
def running(settings: Settings) -> Iterator[None]:
    """Start ``amanah serve`` in a thread; bounded waits; restore logging afterwards."""
    import structlog

    from amanah.server import make_server

    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in map(logging.getLogger, LOGGERS)
    ]
    try:
        server = make_server(settings)
        thread = threading.Thread(target=server.run, name="amanah-e2e-server", daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not server.started:
                assert thread.is_alive(), "the server exited during start-up"
                assert time.monotonic() < deadline, "the server did not start in time"
                time.sleep(0.02)
            yield
        finally:
            server.should_exit = True
            thread.join(STOP_TIMEOUT)
        assert not thread.is_alive(), "the server did not stop in time"
    finally:
        for logger, handlers, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
        structlog.reset_defaults()


@pytest.fixture(scope="module")
def https_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A served home on https://localhost:PORT whose WebAuthn relying party is localhost."""
    port = free_port()
    settings = Settings(
        home=tmp_path_factory.mktemp("e2e") / "home",
        port=port,
        log_level="WARNING",
        webauthn_rp_id="localhost",
        webauthn_origins=[f"https://localhost:{port}"],
    )
    init_home(settings, demo=False)
    with running(settings):
        yield settings


@pytest.fixture(scope="module")
def browser(https_console: Settings) -> Iterator[object]:
    require(
        shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
        f"Chromium not found at {CHROMIUM}",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install playwright)")
        raise
    pin = spki_pin(https_console.cert_path)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={pin}"],
            headless=True,
        )
        try:
            yield chromium
        finally:
            chromium.close()
