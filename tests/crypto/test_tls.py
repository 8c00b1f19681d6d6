"""TLS as ``amanah serve`` offers it: 1.2 minimum, 1.3 preferred, forward-secret AEAD only.

Handshakes go to a real server built by ``make_server`` on a home made by
``init_home``. Refusals are shown to come from the server: the client is set to
``@SECLEVEL=0`` so OpenSSL's own policy does not stop it first, the error is the
server's alert, and the same client completes the same handshake against a
deliberately permissive control server.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509

from amanah.crypto.tls import server_context, write_self_signed
from amanah.home import init_home
from amanah.settings import Settings
from amanah.testing import free_port, serve_in_thread

TIMEOUT = 10.0
# TLS 1.2 suites a modern server must not accept: CBC modes, SHA-1 MACs, no forward secrecy.
WEAK_TLS12 = [
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-ECDSA-AES128-SHA256",
    "ECDHE-ECDSA-AES256-SHA384",
    "AES128-SHA",
    "AES256-GCM-SHA384",
]
# The ones an ECDSA certificate can carry, so a permissive server does accept them.
WEAK_BUT_USABLE = {c for c in WEAK_TLS12 if c.startswith("ECDHE-ECDSA")}


serving = serve_in_thread
_free_port = free_port


@pytest.fixture(scope="module")
def amanah_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(
        home=tmp_path_factory.mktemp("tls") / "home", port=_free_port(), log_level="WARNING"
    )
    init_home(settings, demo=False)
    with serving(settings):
        yield settings


@contextmanager
def tls_listener(context: ssl.SSLContext) -> Iterator[int]:
    """A blocking TLS server on a free port that handshakes each connection and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(TIMEOUT)
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                conn.close()

    thread = threading.Thread(target=accept_loop, name="tls-listener", daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(TIMEOUT)
        listener.close()


@pytest.fixture(scope="module")
def permissive_port(amanah_tls: Settings) -> Iterator[int]:
    """A control server on the same certificate that accepts TLS 1.0+ and any cipher."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.load_cert_chain(str(amanah_tls.cert_path), str(amanah_tls.key_path))
    with tls_listener(context) as port:
        yield port


def client_context(
    cafile: Path,
    maximum: ssl.TLSVersion | None = None,
    ciphers: str = "DEFAULT",
) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(cafile))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        if maximum is not None:
            context.maximum_version = maximum
    # Security level 0: the client itself would offer TLS 1.1 and legacy suites.
    context.set_ciphers(f"{ciphers}:@SECLEVEL=0")
    return context


def handshake(
    port: int, context: ssl.SSLContext, name: str = "localhost"
) -> tuple[str, str, bytes]:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname=name) as tls,
    ):
        version, cipher = tls.version(), tls.cipher()
        der = tls.getpeercert(binary_form=True)
    assert version is not None and cipher is not None and der is not None
    return version, cipher[0], der


def refused_by_server(port: int, context: ssl.SSLContext) -> None:
    """The handshake fails on the server's word: its alert, or its hang-up mid-handshake.

    A refusal by the client itself would be a local error (NO_PROTOCOLS_AVAILABLE,
    NO_CIPHERS_AVAILABLE) raised before anything reached the server. uvicorn's asyncio
    TLS layer closes the connection without flushing the alert, hence the EOF.
    """
    with pytest.raises(ssl.SSLError) as refused:
        handshake(port, context)
    error = refused.value
    from_server = isinstance(error, ssl.SSLEOFError) or "ALERT" in (error.reason or "")
    assert from_server, error


def test_tls13_is_preferred(amanah_tls: Settings) -> None:
    version, cipher, _ = handshake(amanah_tls.port, client_context(amanah_tls.cert_path))
    assert version == "TLSv1.3"
    assert cipher in {
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
    }


def test_tls12_handshake_uses_forward_secret_aead(amanah_tls: Settings) -> None:
    context = client_context(amanah_tls.cert_path, ssl.TLSVersion.TLSv1_2)
    version, cipher, _ = handshake(amanah_tls.port, context)
    assert version == "TLSv1.2"
    assert cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA20" in cipher)


def test_tls11_handshake_is_refused_by_the_server(
    amanah_tls: Settings, permissive_port: int
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = client_context(amanah_tls.cert_path, ssl.TLSVersion.TLSv1_1)
    # Control: this very client does complete a TLS 1.1 handshake with a server that allows it.
    assert handshake(permissive_port, context)[0] == "TLSv1.1"
    refused_by_server(amanah_tls.port, context)


@pytest.mark.parametrize("cipher", WEAK_TLS12)
def test_weak_tls12_cipher_is_refused_by_the_server(
    amanah_tls: Settings, permissive_port: int, cipher: str
) -> None:
    context = client_context(amanah_tls.cert_path, ssl.TLSVersion.TLSv1_2, cipher)
    if cipher in WEAK_BUT_USABLE:
        assert handshake(permissive_port, context)[1] == cipher  # control: the client can
    refused_by_server(amanah_tls.port, context)


def test_certificate_is_for_localhost_and_loopback(amanah_tls: Settings) -> None:
    context = client_context(amanah_tls.cert_path)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    for name in ("localhost", "127.0.0.1"):
        _, _, der = handshake(amanah_tls.port, context, name)  # hostname checked by OpenSSL
    cert = x509.load_der_x509_certificate(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(amanah_tls.port, context, "example.com")


def test_server_context_policy(tmp_path: Path) -> None:
    write_self_signed(tmp_path / "cert.pem", tmp_path / "key.pem")
    context = server_context(tmp_path / "cert.pem", tmp_path / "key.pem")
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.options & ssl.OP_NO_COMPRESSION
    for suite in context.get_ciphers():
        if suite["protocol"] == "TLSv1.2":
            assert suite["kea"] == "kx-ecdhe" and suite["aead"], suite["name"]
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0


def test_server_context_sends_the_refusal_alerts(amanah_tls: Settings) -> None:
    """Outside asyncio the alerts are flushed, so the reason names exactly what was refused."""
    context = server_context(amanah_tls.cert_path, amanah_tls.key_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = client_context(amanah_tls.cert_path, ssl.TLSVersion.TLSv1_1)
    weak = client_context(amanah_tls.cert_path, ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA")
    with tls_listener(context) as port:
        with pytest.raises(ssl.SSLError, match="TLSV1_ALERT_PROTOCOL_VERSION"):
            handshake(port, old)
        with pytest.raises(ssl.SSLError, match="SSLV3_ALERT_HANDSHAKE_FAILURE"):
            handshake(port, weak)
        assert handshake(port, client_context(amanah_tls.cert_path))[0] == "TLSv1.3"
