"""The console's password reset: the link (token in the fragment), a second factor, the new
password, then every session ends and the person signs in again.

800-63B rev 4 section 4.2 (account recovery keeps the second factor); ASVS 5.0 V6.4.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from amanah.identity import events as ev
from amanah.identity.errors import InvalidCredentials
from amanah.identity.models import Invitation
from amanah.identity.service import Identity
from amanah.identity.testing import PASSWORD, Clock, SoftAuthenticator, totp_now
from amanah.web import i18n

from .conftest import SESSION, new_client, post, post_json, secret_on_page

RESET = "__Host-amanah_reset"
NEW = "a brand new reset passphrase"
EN, ID = i18n.catalogue("en"), i18n.catalogue("id")
FORGED = {"csrf": "forged"}


@dataclass
class Person:
    username: str
    account_id: str
    totp_secret: str
    recovery_codes: list[str]
    client: TestClient


@pytest.fixture
def clients(app) -> Iterator[list[TestClient]]:
    opened: list[TestClient] = []
    yield opened
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def browser_for(app, clients):
    """A fresh cookie-keeping browser (closed after the test)."""

    def make() -> TestClient:
        client = new_client(app).__enter__()
        clients.append(client)
        return client

    return make


@pytest.fixture
def person(identity: Identity, clock: Clock, browser_for):
    """Invited with an email (for notices), password set and TOTP enrolled through the
    console's forms; signed in, with the recovery codes the enrolment showed."""

    def make(username: str = "siti", role: str = "agent") -> Person:
        invite = identity.invite(username, role, email=f"{username}@bank.test")
        client = browser_for()
        post(client, "/console/invitation", token=invite.token, password=PASSWORD,
             confirm=PASSWORD)  # fmt: skip
        post(client, "/console/sign-in", username=username, password=PASSWORD)
        secret = secret_on_page(client.get("/console/enrol/totp").text)
        done = post(client, "/console/enrol/totp", code=totp_now(secret, clock))
        codes = re.findall(r"<li><code>([^<]+)</code></li>", done.text)
        assert SESSION in client.cookies and len(codes) == 10
        clock.advance(seconds=30)  # the next code is a new one
        return Person(username, invite.account_id, secret, codes, client)

    return make


def open_link(client: TestClient, token: str):
    """What the page's script does: the fragment's token goes into the form, by POST."""
    page = client.get("/console/reset")
    assert page.status_code == 200 and "data-from-hash" in page.text
    return post(client, "/console/reset", token=token)


def signs_in(client: TestClient, username: str, password: str) -> bool:
    started = post(client, "/console/sign-in", username=username, password=password)
    return started.headers.get("location") == "/console/sign-in/second-factor"


def test_reset_with_an_authenticator_code(person, identity, clock, browser_for, system):
    """The happy path: link, TOTP, new password; old sessions end, the owner is told, the
    reset is on the record step by step (ids only), the token is never in a URL."""
    siti = person("siti")
    seen: list = []
    system.bus.subscribe(seen.append)
    token = identity.issue_password_reset(siti.account_id).token
    browser = browser_for()

    opened = open_link(browser, token)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/console/reset/second-factor"
    assert RESET in browser.cookies
    page = browser.get("/console/reset/second-factor")
    assert page.status_code == 200
    assert 'action="/console/reset/totp"' in page.text
    assert 'action="/console/reset/recovery"' in page.text  # recovery codes allowed
    assert browser.get("/console/reset/password").headers["location"] == (
        "/console/reset/second-factor"
    )

    verified = post(browser, "/console/reset/totp", code=totp_now(siti.totp_secret, clock))
    assert verified.headers["location"] == "/console/reset/password"
    form = browser.get("/console/reset/password")
    assert form.status_code == 200 and 'data-strength="strength-reset"' in form.text
    mismatch = post(browser, "/console/reset/password", password=NEW, confirm=NEW + "!")
    assert mismatch.status_code == 422 and EN["error.mismatch"] in mismatch.text
    weak = post(browser, "/console/reset/password", password="short", confirm="short")
    assert weak.status_code == 422

    done = post(browser, "/console/reset/password", password=NEW, confirm=NEW)
    assert done.status_code == 200 and EN["reset.done"] in done.text
    assert RESET not in browser.cookies and SESSION not in browser.cookies

    # every old session ended; the old password is gone; the new one signs in
    assert siti.client.get("/console").headers["location"] == "/console/sign-in"
    assert identity.list_sessions(siti.account_id) == []
    with pytest.raises(InvalidCredentials):
        identity.begin("siti", PASSWORD)
    assert signs_in(browser_for(), "siti", NEW)
    mailer = identity.notices.mailer
    assert any(to == "siti@bank.test" for to, _subject, _body in mailer.sent)

    steps = [e.extra.get("step") for e in seen if e.action == ev.PASSWORD_RESET]
    assert steps == ["issued", "opened", "verified", "completed"]
    assert any(e.action == ev.SESSION_ENDED and e.outcome == "password-reset" for e in seen)
    for event in seen:
        assert token not in str(event.to_json())
    assert token not in " ".join(r.headers.get("location", "") for r in (opened, verified))


def test_reset_with_a_recovery_code(person, identity, browser_for):
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    browser = browser_for()
    open_link(browser, token)
    used = post(browser, "/console/reset/recovery", code=siti.recovery_codes[0])
    assert used.headers["location"] == "/console/reset/password"
    done = post(browser, "/console/reset/password", password=NEW, confirm=NEW)
    assert done.status_code == 200
    assert identity.factors(siti.account_id).recovery_codes_left == 9
    assert signs_in(browser_for(), "siti", NEW)


def test_the_new_password_is_refused_before_a_second_factor(person, identity, browser_for):
    """Posting the password straight after opening the link: refused, nothing changes."""
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    browser = browser_for()
    open_link(browser, token)
    refused = post(browser, "/console/reset/password", password=NEW, confirm=NEW)
    assert refused.status_code == 403 and EN["reset.factor_first"] in refused.text
    assert 'action="/console/reset/totp"' in refused.text
    assert signs_in(browser_for(), "siti", PASSWORD)
    assert siti.client.get("/console").status_code == 200  # no session ended either
    # a sign-in attempt's cookie is not a reset
    stranger = browser_for()
    post(stranger, "/console/sign-in", username="siti", password=PASSWORD)
    stranger.cookies.set(RESET, stranger.cookies["__Host-amanah_attempt"], path="/")
    taken = post(stranger, "/console/reset/password", password=NEW, confirm=NEW)
    assert taken.status_code == 401 and EN["reset.invalid"] in taken.text
    assert signs_in(browser_for(), "siti", PASSWORD)


def test_wrong_codes_are_refused_then_throttled(person, identity, browser_for):
    """As at sign-in: each wrong code a clear 401; past the free failures, a wait (429)."""
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    browser = browser_for()
    open_link(browser, token)
    free = identity.config.account_free_failures
    for _ in range(free + 1):
        wrong = post(browser, "/console/reset/totp", code="000000")
        assert wrong.status_code == 401 and EN["error.invalid_code"] in wrong.text
    waited = post(browser, "/console/reset/totp", code="000000")
    assert waited.status_code == 429 and int(waited.headers["retry-after"]) >= 1
    assert browser.get("/console/reset/password").headers["location"] == (
        "/console/reset/second-factor"
    )


def test_a_used_link_is_refused(person, identity, clock, browser_for):
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    first, second = browser_for(), browser_for()
    open_link(first, token)
    open_link(second, token)  # the same link opened twice, both proven
    post(first, "/console/reset/totp", code=totp_now(siti.totp_secret, clock))
    clock.advance(seconds=30)
    post(second, "/console/reset/totp", code=totp_now(siti.totp_secret, clock))
    assert post(first, "/console/reset/password", password=NEW, confirm=NEW).status_code == 200

    late = post(second, "/console/reset/password", password=NEW + " two", confirm=NEW + " two")
    assert late.status_code == 401 and EN["reset.invalid"] in late.text
    again = open_link(browser_for(), token)
    assert again.status_code == 401 and EN["reset.invalid"] in again.text
    assert RESET not in again.cookies
    assert signs_in(browser_for(), "siti", NEW)


def test_an_expired_link_is_refused_in_both_languages(person, identity, clock, browser_for):
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    clock.advance(hours=identity.config.invitation_hours, seconds=1)
    browser = browser_for()
    refused = open_link(browser, token)
    assert refused.status_code == 401 and EN["reset.invalid"] in refused.text
    browser.cookies.set(i18n.COOKIE, "id", path="/")
    again = post(browser, "/console/reset", token=token)
    assert again.status_code == 401 and ID["reset.invalid"] in again.text
    assert ID["reset.title"] in browser.get("/console/reset").text
    garbage = post(browser, "/console/reset", token="not-a-token")
    assert garbage.status_code == 401 and ID["reset.invalid"] in garbage.text

    # a reset left open too long must start again from the link
    fresh = identity.issue_password_reset(siti.account_id).token
    later = browser_for()
    open_link(later, fresh)
    clock.advance(minutes=identity.config.signin_attempt_minutes, seconds=1)
    stale = later.get("/console/reset/second-factor")
    assert stale.status_code == 401 and EN["reset.invalid"] in stale.text


def test_every_reset_form_needs_the_csrf_token(person, identity, clock, browser_for):
    """Forged posts (no token, a wrong one) on every step: 403, nothing moves."""
    siti = person("siti")
    token = identity.issue_password_reset(siti.account_id).token
    forger = browser_for()
    forger.get("/console/reset")
    refused = [forger.post("/console/reset", data={"token": token, **f}) for f in ({}, FORGED)]
    assert RESET not in forger.cookies

    browser = browser_for()
    open_link(browser, token)  # a reset open in this browser: only the token is missing
    code = totp_now(siti.totp_secret, clock)
    for path, fields in (
        ("/console/reset/totp", {"code": code}),
        ("/console/reset/recovery", {"code": siti.recovery_codes[0]}),
        ("/console/reset/password", {"password": NEW, "confirm": NEW}),
    ):
        refused += [browser.post(path, data={**fields, **f}) for f in ({}, FORGED)]
    for response in refused:
        assert response.status_code == 403 and EN["error.csrf"] in response.text
    assert identity.factors(siti.account_id).recovery_codes_left == 10
    assert browser.get("/console/reset/password").headers["location"] == (
        "/console/reset/second-factor"
    )
    assert signs_in(browser_for(), "siti", PASSWORD)
    # the real token still works: the refusals cost nothing
    assert post(browser, "/console/reset/totp", code=code).status_code == 303


def test_without_a_second_factor_the_link_leads_to_the_password(identity, browser_for):
    """An account that never enrolled a factor: the link is all there is (15+ characters)."""
    invite = identity.invite("rina", "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    token = identity.issue_password_reset(invite.account_id).token
    browser = browser_for()
    assert open_link(browser, token).headers["location"] == "/console/reset/password"
    form = browser.get("/console/reset/password")
    assert EN["password.rules_first"] in form.text
    assert browser.get("/console/reset/second-factor").headers["location"] == (
        "/console/reset/password"
    )
    done = post(browser, "/console/reset/password", password=NEW, confirm=NEW)
    assert done.status_code == 200 and EN["reset.done"] in done.text
    assert identity.begin("rina", NEW).next == "enrol"


def test_reset_with_a_passkey_through_the_script_endpoints(identity, browser_for):
    key = SoftAuthenticator()
    invite = identity.invite("rudi", "agent")
    enrolling = browser_for()
    post(enrolling, "/console/invitation", token=invite.token, password=PASSWORD,
         confirm=PASSWORD)  # fmt: skip
    post(enrolling, "/console/sign-in", username="rudi", password=PASSWORD)
    options = post_json(enrolling, "/console/enrol/passkey/options").json()
    enrolled = post_json(enrolling, "/console/enrol/passkey", {"credential": key.create(options)})
    assert enrolled.status_code == 200

    token = identity.issue_password_reset(invite.account_id).token
    browser = browser_for()
    open_link(browser, token)
    assert (
        'data-options="/console/reset/passkey/options"'
        in browser.get("/console/reset/second-factor").text
    )
    options = post_json(browser, "/console/reset/passkey/options").json()
    proven = post_json(browser, "/console/reset/passkey", {"credential": key.get(options)})
    assert proven.json() == {"redirect": "/console/reset/password"}
    assert post(browser, "/console/reset/password", password=NEW, confirm=NEW).status_code == 200
    assert enrolling.get("/console").headers["location"] == "/console/sign-in"


def test_the_admin_console_shows_the_full_link(person, identity, clock, browser_for):
    boss = person("ayu", role="admin")
    siti = person("siti")
    path = f"/console/admin/accounts/{siti.account_id}/reset-password"
    assert post(siti.client, path).status_code == 403  # agents cannot

    page = boss.client.get(f"/console/admin/accounts/{siti.account_id}")
    assert f'action="{path}"' in page.text
    issued = post(boss.client, path)
    assert issued.status_code == 200
    link = re.search(r'<code id="reset-link">([^<]+)</code>', issued.text).group(1)
    assert link.startswith(identity.config.webauthn_origins[0] + "/console/reset#")
    browser = browser_for()
    assert open_link(browser, link.split("#", 1)[1]).status_code == 303
    with identity.factory() as s:
        (row,) = s.scalars(select(Invitation).where(Invitation.purpose == "reset"))
        assert row.account_id == siti.account_id

    clock.advance(minutes=11)  # issuing a reset needs a fresh factor, as a role change does
    boss.client.get("/console")
    stale = post(boss.client, path)
    assert stale.headers["location"].startswith("/console/step-up?next=")
    assert identity.begin_reset(link.split("#", 1)[1]).next == "second-factor"  # still valid
