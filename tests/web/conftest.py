"""Console fixtures: the real app (``create_app``) on a migrated database, with an identity
service whose clock the tests move, cheap Argon2id, an in-memory mailer and the SMS outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from amanah.access.gate import Outcome
from amanah.identity.bus import BusEvents
from amanah.identity.config import IdentityConfig
from amanah.identity.service import Identity
from amanah.identity.testing import FAST, ORIGIN, PASSWORD, RP_ID, Clock, totp_now
from amanah.notify.email import MemoryMailer
from amanah.notify.sms import FileOutboxSms

CSRF = "__Host-amanah_csrf"
SESSION = "__Host-amanah_session"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def identity(system, clock) -> Identity:
    """The system's identity service, rebuilt with a test clock (and its gate input too)."""
    config = IdentityConfig.from_settings(
        system.settings, argon2=FAST, webauthn_rp_id=RP_ID, webauthn_origins=(ORIGIN,)
    )
    service = Identity(
        system.factory,
        config,
        events=BusEvents(system.bus),
        mailer=MemoryMailer(),
        sms_provider=FileOutboxSms(Path(system.settings.home) / "outbox" / "sms.jsonl"),
        clock=clock,
    )
    system.identity = service
    system.gate._inputs = [i for i in system.gate._inputs if i.name != "identity"]
    system.gate.register(service.gate_input(unbound=Outcome.ALLOW_MASKED))
    return service


@pytest.fixture
def app(system, identity):
    from amanah.app import create_app

    return create_app(system.settings, system)


def new_client(app) -> TestClient:
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


@pytest.fixture
def browser(app) -> Iterator[TestClient]:
    """A cookie-keeping client, as a browser on the console (no API token)."""
    with new_client(app) as client:
        yield client


def csrf_token(client: TestClient) -> str:
    if CSRF not in client.cookies:
        assert client.get("/console/sign-in").status_code in (200, 303)
    return client.cookies[CSRF]


def post(client: TestClient, path: str, **fields: str):
    return client.post(path, data={"csrf": csrf_token(client), **fields})


def post_json(client: TestClient, path: str, body: dict | None = None):
    return client.post(path, json=body or {}, headers={"X-CSRF-Token": csrf_token(client)})


def secret_on_page(html: str) -> str:
    found = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html)
    assert found, "the TOTP set-up page shows the key"
    return found.group(1)


@dataclass
class Person:
    username: str
    account_id: str
    totp_secret: str
    client: TestClient


@pytest.fixture
def enrolled(app, identity: Identity, clock: Clock):
    """Invite, accept and enrol TOTP through the console's forms: a signed-in browser."""
    clients: list[TestClient] = []

    def make(username: str = "siti", role: str = "agent") -> Person:
        invite = identity.invite(username, role, display_name=username.title())
        client = new_client(app).__enter__()
        clients.append(client)
        accepted = post(
            client, "/console/invitation", token=invite.token, password=PASSWORD, confirm=PASSWORD
        )
        assert accepted.status_code == 200
        started = post(client, "/console/sign-in", username=username, password=PASSWORD)
        assert started.headers["location"] == "/console/enrol"
        secret = secret_on_page(client.get("/console/enrol/totp").text)
        done = post(client, "/console/enrol/totp", code=totp_now(secret, clock))
        assert done.status_code == 200 and SESSION in client.cookies
        clock.advance(seconds=30)
        return Person(username, invite.account_id, secret, client)

    yield make
    for client in clients:
        client.__exit__(None, None, None)
