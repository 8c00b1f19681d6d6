"""SMS providers: the file outbox, and the HTTP webhook against a local server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from amanah.notify.errors import DeliveryFailed
from amanah.notify.sms import FileOutboxSms, WebhookSms, sms_provider_from_settings


class Gateway:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        self.status = 202


@pytest.fixture
def gateway() -> Iterator[tuple[Gateway, str]]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_webhook_posts_json_with_bearer_token(gateway):
    state, url = gateway
    WebhookSms(url, token="gw-token").send("+6281234567890", "Kode Amanah: 123456")
    path, headers, body = state.requests[0]
    assert path == "/sms"
    assert headers["Authorization"] == "Bearer gw-token"
    assert headers["Content-Type"] == "application/json"
    assert body == {"to": "+6281234567890", "text": "Kode Amanah: 123456"}


def test_webhook_error_status_is_a_delivery_failure(gateway):
    state, url = gateway
    state.status = 500
    with pytest.raises(DeliveryFailed):
        WebhookSms(url).send("+6281234567890", "x")


def test_webhook_unreachable_is_a_delivery_failure():
    with pytest.raises(DeliveryFailed):
        WebhookSms("http://127.0.0.1:9/sms", timeout=2).send("+6281234567890", "x")


def test_file_outbox(tmp_path):
    outbox = FileOutboxSms(tmp_path / "outbox" / "sms.jsonl")
    outbox.send("+6281", "one")
    outbox.send("+6282", "two")
    assert [m["text"] for m in outbox.messages()] == ["one", "two"]


def test_provider_from_settings(tmp_path, gateway):
    from types import SimpleNamespace

    state, url = gateway
    assert isinstance(sms_provider_from_settings(SimpleNamespace(home=tmp_path)), FileOutboxSms)
    hook = sms_provider_from_settings(
        SimpleNamespace(home=tmp_path, sms_provider="webhook", sms_webhook_url=url)
    )
    hook.send("+6281", "hello")
    assert state.requests[0][2]["text"] == "hello"


def test_identity_sends_sign_in_codes_through_the_webhook(gateway, tmp_path):
    """Identity -> webhook provider -> local gateway, with a real code that then signs in."""
    from amanah.db import make_engine, make_session_factory
    from amanah.identity.config import Argon2Params, IdentityConfig
    from amanah.identity.service import Identity
    from amanah.migrate import upgrade

    state, url = gateway
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    config = IdentityConfig(argon2=Argon2Params(1, 8192, 1), secret=b"k" * 32)
    identity = Identity(make_session_factory(engine), config, sms_provider=WebhookSms(url))
    invite = identity.invite("wati", "agent", phone="+62 812 3456 7890")
    identity.accept_invitation(invite.token, "correct horse battery staple")
    attempt = identity.begin("wati", "correct horse battery staple")
    identity.enrol_sms(attempt.token)
    text = state.requests[-1][2]["text"]
    code = next(w.strip(".") for w in text.split() if w.strip(".").isdigit())
    assert identity.confirm_sms_enrolment(attempt.token, code).session_token
    engine.dispose()
