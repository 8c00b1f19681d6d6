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
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from amanah.home import init_home
from amanah.settings import Settings
from amanah.testing import free_port, require, serve_in_thread

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


def spki_pin(cert_path: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's SPKI allow-list expects."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def running(settings: Settings):
    return serve_in_thread(settings, START_TIMEOUT, STOP_TIMEOUT)


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
