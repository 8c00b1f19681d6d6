"""The API with a staff session: cookie authentication, role scopes, CSRF, and step-up.

A staff reveal without a fresh second factor answers 401 ``step-up-required`` (RFC 9457);
after a TOTP step-up in the console the same reveal returns plaintext. The AuthContext
reaches the gate's identity input through the request's context (an async dependency).
"""

from __future__ import annotations

from amanah.identity.testing import totp_now
from amanah.identity.tokens import issue_token

from .conftest import SESSION, csrf_token, post

BUDI = {"full_name": "Budi Santoso", "phones": ["+62 812-3456-7890"]}


def customer(app, system) -> str:
    from fastapi.testclient import TestClient

    with system.factory() as session, session.begin():
        token, _ = issue_token(session, "crm", "admin", ["*"])
    with TestClient(app, base_url="https://testserver") as api:
        made = api.post(
            "/api/v1/customers", json=BUDI, headers={"Authorization": f"Bearer {token}"}
        )
        assert made.status_code == 201, made.text
        return made.json()["id"]


def reveal(client, customer_id: str, *, with_csrf: bool = True):
    headers = {"X-CSRF-Token": csrf_token(client)} if with_csrf else {}
    return client.post(
        f"/api/v1/customers/{customer_id}/reveal",
        json={"fields": ["full_name"], "purpose": "caller asked for a callback"},
        headers=headers,
    )


def test_staff_reveal_needs_a_fresh_factor_then_succeeds_after_totp_step_up(
    enrolled, app, system, clock
):
    """ASVS 5.0 V7.5 / 800-63B rev 4 reauthentication: the API answers step-up-required."""
    cid = customer(app, system)
    siti = enrolled("siti")
    clock.advance(minutes=11)  # the sign-in factor is now older than stepup_minutes (10)
    masked = siti.client.get(f"/api/v1/customers/{cid}")
    assert masked.status_code == 200 and "Budi Santoso" not in masked.text
    refused = reveal(siti.client, cid)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "https://amanah.dev/problems/step-up-required"
    code = totp_now(siti.totp_secret, clock)
    stepped = post(siti.client, "/console/step-up/totp", code=code, next="/console")
    assert stepped.status_code == 303
    allowed = reveal(siti.client, cid)
    assert allowed.status_code == 200, allowed.text
    body = allowed.json()
    assert body["decision"] == "allow" and body["fields"][0]["value"] == "Budi Santoso"


def test_cookie_requests_that_change_state_need_the_csrf_header(enrolled, app, system):
    cid = customer(app, system)
    siti = enrolled("siti")
    refused = reveal(siti.client, cid, with_csrf=False)
    assert refused.status_code == 403
    assert refused.json()["type"] == "https://amanah.dev/problems/csrf-failed"


def test_role_scopes_apply_to_staff_sessions(enrolled, app, system):
    cid = customer(app, system)
    officer = enrolled("sari", role="security_officer")
    assert officer.client.get(f"/api/v1/customers/{cid}").status_code == 200
    # a security officer may read masked values but has no reveal role
    revealed = reveal(officer.client, cid)
    assert revealed.status_code == 200 and revealed.json()["decision"] == "allow_masked"
    siti = enrolled("siti")
    erase = siti.client.delete(
        f"/api/v1/customers/{cid}", headers={"X-CSRF-Token": csrf_token(siti.client)}
    )
    assert erase.status_code == 403  # agents lack customers:erase


def test_no_cookie_and_no_token_is_401_and_an_ended_session_too(enrolled, app, system):
    cid = customer(app, system)
    siti = enrolled("siti")
    session = siti.client.cookies[SESSION]
    post(siti.client, "/console/sign-out")
    siti.client.cookies.set(SESSION, session, domain="testserver.local")
    answer = siti.client.get(f"/api/v1/customers/{cid}")
    assert answer.status_code == 401
    assert answer.json()["type"] == "https://amanah.dev/problems/invalid-credentials"


def test_the_bound_context_does_not_leak_between_requests(enrolled, app, system, clock):
    """After a staff request, a request from another principal sees no bound session."""
    from amanah.identity.stepup import current_context

    cid = customer(app, system)
    siti = enrolled("siti")
    assert reveal(siti.client, cid).json()["decision"] == "allow"
    assert current_context() is None
