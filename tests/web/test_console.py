"""The console over HTTP (TestClient): sign-in with forms, forced enrolment, CSRF, languages,
security headers, the security page, step-up and the password meter.

ASVS 5.0 items are named on each test; docs/asvs.md lists them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amanah.identity.testing import PASSWORD, SoftAuthenticator, totp_now
from amanah.notify.sms import FileOutboxSms

from .conftest import CSRF, SESSION, new_client, post, post_json, secret_on_page


def set_cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_root_redirects_to_the_console_and_to_sign_in(browser):
    assert browser.get("/").headers["location"] == "/console"
    assert browser.get("/console").headers["location"] == "/console/sign-in"
    page = browser.get("/console/sign-in")
    assert page.status_code == 200 and 'name="csrf"' in page.text


def test_console_pages_carry_a_strict_csp_and_serve_their_own_assets(browser):
    """No external CDN, no inline script or style (ASVS 5.0 V3.4)."""
    page = browser.get("/console/sign-in")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert not re.search(r"""(src|href)=["']https?://""", page.text)
    assert "<script>" not in page.text and "style=" not in page.text
    for asset in ("console.css", "console.js", "webauthn.js"):
        served = browser.get(f"/console/static/{asset}")
        assert served.status_code == 200 and "content-security-policy" in served.headers


def test_csrf_cookie_is_host_only_secure_httponly_strict(browser):
    cookies = set_cookie_headers(browser.get("/console/sign-in"))
    csrf = next(c for c in cookies if c.startswith(CSRF + "="))
    for attribute in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert attribute.lower() in csrf.lower()
    assert "domain=" not in csrf.lower()


def test_forms_are_refused_without_a_csrf_token(browser, identity):
    """ASVS 5.0 V3.5.1: every state-changing form needs the anti-forgery token."""
    browser.get("/console/sign-in")
    no_token = browser.post("/console/sign-in", data={"username": "x", "password": "y" * 20})
    assert no_token.status_code == 403 and "Reload the page" in no_token.text
    wrong = browser.post(
        "/console/sign-in", data={"csrf": "forged", "username": "x", "password": "y" * 20}
    )
    assert wrong.status_code == 403
    # a token without its cookie (another browser's page) is refused too
    token = browser.cookies[CSRF]
    browser.cookies.delete(CSRF)
    assert browser.post("/console/lang", data={"csrf": token, "lang": "id"}).status_code == 403
    # script requests need the header
    browser.get("/console/sign-in")
    assert browser.post("/console/password-strength", json={"password": "x"}).status_code == 403
    for path in ("/console/sign-out", "/console/lang", "/console/security/recovery-codes"):
        assert browser.post(path, data={}).status_code == 403


def test_language_switch_renders_indonesian(browser):
    english = browser.get("/console/sign-in")
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    switched = post(browser, "/console/lang", lang="id", next="/console/sign-in")
    assert switched.status_code == 303 and switched.headers["location"] == "/console/sign-in"
    page = browser.get("/console/sign-in")
    assert '<html lang="id">' in page.text
    for text in ("Masuk", "Nama pengguna", "Kata sandi", "Lanjutkan"):
        assert text in page.text
    assert "Username" not in page.text
    # errors are translated too
    wrong = post(browser, "/console/sign-in", username="nobody", password="wrong password here")
    assert "Nama pengguna atau kata sandi salah" in wrong.text


def test_accept_language_chooses_the_default(app):
    with new_client(app) as client:
        page = client.get("/console/sign-in", headers={"Accept-Language": "id-ID,id;q=0.9"})
        assert '<html lang="id">' in page.text and "Kata sandi" in page.text
    with new_client(app) as client:
        page = client.get("/console/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"})
        assert '<html lang="en">' in page.text


def test_language_switch_never_redirects_off_site(browser):
    for target in ("https://evil.test/", "//evil.test/console", "/api/v1/customers"):
        response = post(browser, "/console/lang", lang="id", next=target)
        assert response.headers["location"] == "/console"


def test_first_sign_in_forces_enrolment(browser, identity, clock):
    """MFA is mandatory (800-63B rev 4 AAL2; ASVS 5.0 V6.3.3): the password alone gives
    the enrolment page and no session."""
    invite = identity.invite("budi", "agent", display_name="Budi")
    post(browser, "/console/invitation", token=invite.token, password=PASSWORD, confirm=PASSWORD)
    started = post(browser, "/console/sign-in", username="budi", password=PASSWORD)
    assert started.status_code == 303 and started.headers["location"] == "/console/enrol"
    assert not any(c.startswith(SESSION) for c in set_cookie_headers(started))
    assert SESSION not in browser.cookies
    # no way around it: the console and the second-factor page send back to enrolment
    assert browser.get("/console/security").headers["location"] == "/console/sign-in"
    assert browser.get("/console/sign-in/second-factor").headers["location"] == "/console/enrol"
    enrol = browser.get("/console/enrol")
    assert enrol.status_code == 200 and 'data-webauthn="create"' in enrol.text
    totp_page = browser.get("/console/enrol/totp")
    assert "<svg" in totp_page.text and "otpauth" not in totp_page.text.split("<svg")[0][-200:]
    secret = secret_on_page(totp_page.text)
    wrong = "000000" if totp_now(secret, clock) != "000000" else "111111"
    refused = post(browser, "/console/enrol/totp", code=wrong)
    assert refused.status_code == 401 and SESSION not in browser.cookies
    secret = secret_on_page(refused.text)  # a fresh key is shown again
    done = post(browser, "/console/enrol/totp", code=totp_now(secret, clock))
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.text)
    assert len(codes) == 10
    session = next(c for c in set_cookie_headers(done) if c.startswith(SESSION + "="))
    for attribute in ("secure", "httponly", "samesite=strict", "path=/"):
        assert attribute in session.lower()
    assert "domain=" not in session.lower() and "max-age" not in session.lower()
    assert browser.get("/console").status_code == 200


def test_sign_in_with_password_and_totp_through_the_forms(enrolled, app, clock):
    siti = enrolled("siti")
    post(siti.client, "/console/sign-out")
    assert SESSION not in siti.client.cookies
    assert siti.client.get("/console/security").headers["location"] == "/console/sign-in"
    started = post(siti.client, "/console/sign-in", username="siti", password=PASSWORD)
    assert started.headers["location"] == "/console/sign-in/second-factor"
    challenge = siti.client.get("/console/sign-in/second-factor")
    assert 'action="/console/sign-in/totp"' in challenge.text
    assert 'action="/console/sign-in/recovery"' in challenge.text
    signed = post(siti.client, "/console/sign-in/totp", code=totp_now(siti.totp_secret, clock))
    assert signed.status_code == 303 and signed.headers["location"] == "/console"
    home = siti.client.get("/console")
    assert "Welcome, Siti" in home.text
    # a replayed code is refused (RFC 6238 one-time use)
    post(siti.client, "/console/sign-out")
    post(siti.client, "/console/sign-in", username="siti", password=PASSWORD)
    replay = post(siti.client, "/console/sign-in/totp", code=totp_now(siti.totp_secret, clock, -1))
    assert replay.status_code == 401 and "The code is wrong" in replay.text


def _last_sms_code(system) -> str:
    outbox = FileOutboxSms(Path(system.settings.home) / "outbox" / "sms.jsonl")
    return re.findall(r"\b\d{6}\b", outbox.messages()[-1]["text"])[0]


def test_sms_code_enrols_then_signs_in_through_the_forms(browser, identity, system):
    invite = identity.invite("wulan", "agent", display_name="Wulan")
    post(browser, "/console/invitation", token=invite.token, password=PASSWORD, confirm=PASSWORD)
    post(browser, "/console/sign-in", username="wulan", password=PASSWORD)
    assert post(browser, "/console/enrol/sms/send", phone="+6281234567890").status_code == 200
    assert post(browser, "/console/enrol/sms", code=_last_sms_code(system)).status_code == 200
    post(browser, "/console/sign-out")
    post(browser, "/console/sign-in", username="wulan", password=PASSWORD)
    assert 'action="/console/sign-in/sms"' in browser.get("/console/sign-in/second-factor").text
    assert post(browser, "/console/sign-in/sms/send").status_code in (200, 303)
    signed = post(browser, "/console/sign-in/sms", code=_last_sms_code(system))
    assert signed.status_code == 303 and signed.headers["location"] == "/console"


def test_a_factor_the_console_does_not_know_is_not_found(browser):
    assert post(browser, "/console/sign-in/fax", code="123456").status_code == 404
    assert post(browser, "/console/reset/fax", code="123456").status_code == 404


def test_new_session_id_on_every_sign_in(enrolled, clock):
    """ASVS 5.0 V7.2.4: a new session token on authentication."""
    siti = enrolled("siti")
    first = siti.client.cookies[SESSION]
    post(siti.client, "/console/sign-in", username="siti", password=PASSWORD)
    post(siti.client, "/console/sign-in/totp", code=totp_now(siti.totp_secret, clock))
    assert siti.client.cookies[SESSION] != first


def test_unknown_user_and_wrong_password_look_the_same(enrolled, app):
    """ASVS 5.0 V6.3.8: no enumeration through the sign-in page."""
    enrolled("siti")
    answers = []
    for username in ("siti", "nobody-at-all"):
        with new_client(app) as client:
            page = post(client, "/console/sign-in", username=username, password="wrong horse 12")
            answers.append((page.status_code, re.sub(r'value="[^"]{20,}"', "", page.text)))
            csp_token = client.cookies[CSRF]
            answers[-1] = (answers[-1][0], answers[-1][1].replace(csp_token, ""))
    assert answers[0] == answers[1] and answers[0][0] == 401


def test_recovery_code_signs_in_once(enrolled, identity, clock):
    siti = enrolled("siti")
    codes = identity.new_recovery_codes(siti.client.cookies[SESSION])
    post(siti.client, "/console/sign-out")
    post(siti.client, "/console/sign-in", username="siti", password=PASSWORD)
    assert post(siti.client, "/console/sign-in/recovery", code=codes[0]).status_code == 303
    post(siti.client, "/console/sign-out")
    post(siti.client, "/console/sign-in", username="siti", password=PASSWORD)
    assert post(siti.client, "/console/sign-in/recovery", code=codes[0]).status_code == 401


def test_passkey_enrolment_and_sign_in_through_the_script_endpoints(browser, identity):
    """The JSON endpoints webauthn.js calls, answered by a software authenticator."""
    key = SoftAuthenticator()
    invite = identity.invite("rudi", "agent")
    post(browser, "/console/invitation", token=invite.token, password=PASSWORD, confirm=PASSWORD)
    post(browser, "/console/sign-in", username="rudi", password=PASSWORD)
    options = post_json(browser, "/console/enrol/passkey/options").json()
    assert options["authenticatorSelection"]["userVerification"] == "required"
    done = post_json(
        browser, "/console/enrol/passkey", {"credential": key.create(options), "name": "Laptop"}
    )
    assert done.json() == {"redirect": "/console/recovery-codes/new"}
    codes = browser.get("/console/recovery-codes/new")
    assert len(re.findall(r"<li><code>", codes.text)) == 10
    assert len(re.findall(r"<li><code>", browser.get("/console/recovery-codes/new").text)) == 0
    post(browser, "/console/sign-out")
    post(browser, "/console/sign-in", username="rudi", password=PASSWORD)
    options = post_json(browser, "/console/sign-in/passkey/options").json()
    signed = post_json(browser, "/console/sign-in/passkey", {"credential": key.get(options)})
    assert signed.json() == {"redirect": "/console"}
    assert "Laptop" in browser.get("/console/security").text
    # a replayed assertion is refused
    post(browser, "/console/sign-out")
    post(browser, "/console/sign-in", username="rudi", password=PASSWORD)
    post_json(browser, "/console/sign-in/passkey/options")
    key.sign_count -= 1
    stale = post_json(browser, "/console/sign-in/passkey", {"credential": key.get(options)})
    assert stale.status_code == 401 and "error" in stale.json()


def test_security_page_lists_factors_and_sessions_and_ends_one(enrolled, app, clock):
    """ASVS 5.0 V7.4.5: users see their sessions and can end them."""
    siti = enrolled("siti")
    with new_client(app) as other:
        post(other, "/console/sign-in", username="siti", password=PASSWORD)
        post(other, "/console/sign-in/totp", code=totp_now(siti.totp_secret, clock))
        page = siti.client.get("/console/security")
        assert "Authenticator app" in page.text and "Unused recovery codes: 10" in page.text
        rows = page.text.split('<section class="card" id="sessions">')[1].split("<tr>")[2:]
        assert len(rows) == 2
        other_row = next(r for r in rows if "this session" not in r)
        end = re.search(r'action="(/console/security/sessions/[^"]+/end)"', other_row).group(1)
        assert post(siti.client, end).headers["location"] == "/console/security?done=session"
        assert other.get("/console").headers["location"] == "/console/sign-in"
        assert siti.client.get("/console").status_code == 200
        assert "The session was ended." in siti.client.get("/console/security?done=session").text


def test_factor_changes_need_a_fresh_factor_then_step_up(enrolled, clock):
    """Changing a factor needs a recent factor (ASVS 5.0 V6.4.x); the console prompts for it."""
    siti = enrolled("siti")
    clock.advance(minutes=11)
    siti.client.get("/console")  # activity: the session stays alive
    asked = post(siti.client, "/console/security/recovery-codes")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/console/step-up?next=/console/security"
    prompt = siti.client.get(asked.headers["location"])
    assert prompt.status_code == 200 and 'action="/console/step-up/totp"' in prompt.text
    stepped = post(
        siti.client, "/console/step-up/totp",
        code=totp_now(siti.totp_secret, clock), next="/console/security",
    )  # fmt: skip
    assert stepped.headers["location"] == "/console/security"
    codes = post(siti.client, "/console/security/recovery-codes")
    assert codes.status_code == 200
    assert len(re.findall(r"<li><code>", codes.text)) == 10


def test_change_password_with_the_policy_and_a_strength_meter(enrolled, clock):
    siti = enrolled("siti")
    mismatch = post(
        siti.client, "/console/security/password",
        current=PASSWORD, new="a different long phrase", confirm="another",
    )  # fmt: skip
    assert mismatch.status_code == 422 and "differ" in mismatch.text
    common = post(
        siti.client, "/console/security/password",
        current=PASSWORD, new="password1234", confirm="password1234",
    )  # fmt: skip
    assert common.status_code == 422 and "too common" in common.text
    changed = post(
        siti.client, "/console/security/password",
        current=PASSWORD, new="quiet river under stone", confirm="quiet river under stone",
    )  # fmt: skip
    assert changed.headers["location"] == "/console/security?done=password"
    weak = post_json(siti.client, "/console/password-strength", {"password": "password123"})
    strong = post_json(
        siti.client, "/console/password-strength", {"password": "quiet river under stone"}
    )
    assert weak.json()["score"] == 0 and weak.json()["label"] == "Very weak"
    assert strong.json()["score"] >= 3


def test_meter_label_in_indonesian(browser):
    post(browser, "/console/lang", lang="id", next="/console/sign-in")
    answer = post_json(browser, "/console/password-strength", {"password": "password123"})
    assert answer.json()["label"] == "Sangat lemah"


def test_invitation_page_takes_the_first_password_with_its_15_character_minimum(browser, identity):
    invite = identity.invite("tono", "agent")
    short_one = "short phrase"
    short = post(
        browser, "/console/invitation", token=invite.token, password=short_one, confirm=short_one
    )
    assert short.status_code == 422 and "at least 15 characters" in short.text
    used = post(browser, "/console/invitation", token="not-a-token", password=PASSWORD,
                confirm=PASSWORD)  # fmt: skip
    assert used.status_code == 401 and "invitation is invalid" in used.text


@pytest.mark.parametrize("path", ["/console/security", "/console/admin", "/console/step-up"])
def test_signed_out_pages_redirect_to_sign_in(browser, path):
    assert browser.get(path).headers["location"] == "/console/sign-in"
