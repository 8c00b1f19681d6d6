"""``amanah serve`` for real: uvicorn on a local port, over HTTPS (and plain HTTP when asked).

The server runs in a background thread exactly as ``amanah serve`` builds it
(``make_server``), on a home made by ``amanah init`` (``init_home``). Every wait
is bounded, and each server is stopped with ``should_exit``.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from amanah.audit.log import log_for_system
from amanah.bootstrap import build
from amanah.home import init_home
from amanah.settings import Settings
from amanah.testing import free_port, serve_in_thread

START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0


def running(settings: Settings):
    return serve_in_thread(settings, START_TIMEOUT, STOP_TIMEOUT)


def make_home(home: Path, **overrides: object) -> Settings:
    settings = Settings(home=home, port=free_port(), log_level="WARNING", **overrides)
    init_home(settings, demo=False)
    return settings


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = make_home(tmp_path_factory.mktemp("serve") / "home")
    with running(settings):
        yield settings


def https_client(settings: Settings) -> httpx.Client:
    trust = ssl.create_default_context(cafile=str(settings.cert_path))
    return httpx.Client(base_url=f"https://localhost:{settings.port}", verify=trust, timeout=10.0)


def test_https_serves_the_api_with_hsts(https_server: Settings) -> None:
    with https_client(https_server) as client:
        response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.http_version == "HTTP/1.1"
    hsts = response.headers["strict-transport-security"]
    assert hsts == f"max-age={https_server.hsts_max_age}; includeSubDomains"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert "server" not in response.headers


def test_errors_over_https_are_problem_details_with_hsts(https_server: Settings) -> None:
    with https_client(https_server) as client:
        response = client.get("/api/v1/customers/cus_missing")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "strict-transport-security" in response.headers


def test_docs_and_openapi_are_served(https_server: Settings) -> None:
    with https_client(https_server) as client:
        docs = client.get("/docs")
        schema = client.get("/openapi.json")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.text and "/openapi.json" in docs.text
    assert "strict-transport-security" in docs.headers
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "Amanah"
    assert "/api/v1/customers" in spec["paths"]
    assert "/api/v1/customers/{customer_id}/reveal" in spec["paths"]


def test_plain_http_is_not_answered_on_the_tls_port(https_server: Settings) -> None:
    with httpx.Client(timeout=5.0) as client, pytest.raises(httpx.HTTPError):
        client.get(f"http://127.0.0.1:{https_server.port}/health")


def test_insecure_http_serves_plain_http(tmp_path: Path) -> None:
    settings = make_home(tmp_path / "home", insecure_http=True)
    assert not settings.cert_path.exists()
    with running(settings), httpx.Client(timeout=10.0) as client:
        plain = client.get(f"http://127.0.0.1:{settings.port}/health")
        # Behind a TLS-terminating proxy on this host, the forwarded scheme earns HSTS.
        proxied = client.get(
            f"http://127.0.0.1:{settings.port}/health", headers={"x-forwarded-proto": "https"}
        )
    assert plain.status_code == 200 and plain.json() == {"status": "ok"}
    assert "strict-transport-security" not in plain.headers
    assert proxied.status_code == 200 and "strict-transport-security" in proxied.headers


def test_streamed_oversized_body_is_refused_with_413(https_server: Settings) -> None:
    """A chunked body has no Content-Length: the limit is enforced as it streams in."""
    limit = https_server.max_body_bytes

    def chunks() -> Iterator[bytes]:
        yield b'{"full_name": "A", "notes": ["'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"]}'

    with https_client(https_server) as client:
        response = client.post(
            "/api/v1/customers", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/body-too-large")


def test_a_sealed_server_refuses_data_until_amanah_unseal(tmp_path: Path) -> None:
    home = tmp_path / "sealed"
    passphrase = "a long keyring passphrase"
    settings = Settings(home=home, port=free_port(), log_level="WARNING")
    report = init_home(settings, passphrase=passphrase)
    assert report.admin_token
    auth = {"Authorization": f"Bearer {report.admin_token}"}
    with running(settings), https_client(settings) as client:
        locked = client.get("/api/v1/customers", headers=auth)
        assert locked.status_code == 503 and locked.json()["type"].endswith("/vault-sealed")
        env = {
            **os.environ,
            "AMANAH_HOME": str(home),
            "AMANAH_PORT": str(settings.port),
            "AMANAH_TOKEN": report.admin_token,
            "AMANAH_KEYRING_PASSPHRASE": passphrase,
        }
        unsealed = subprocess.run(
            [sys.executable, "-m", "amanah.cli", "unseal"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert unsealed.returncode == 0, unsealed.stderr
        assert len(client.get("/api/v1/customers", headers=auth).json()["items"]) == 4
    reader = build(settings)
    try:
        log = log_for_system(reader)
        actions = [log.entry(seq).entry for seq in range(log.size())]
        unseals = [(e.action, e.outcome) for e in actions if e.action == "keys.unseal"]
        assert unseals == [("keys.unseal", "ok")]
    finally:
        reader.close()
