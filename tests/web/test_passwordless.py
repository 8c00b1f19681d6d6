"""Passwordless sign-in in the console: the JSON endpoints the sign-in page's "Sign in with
a passkey" button calls (webauthn.js), answered by a software authenticator.

800-63B rev 4 3.1.7 (a passkey with user verification is multi-factor); ASVS 5.0 V6.5.
"""

from __future__ import annotations

from amanah.identity.testing import PASSWORD, SoftAuthenticator

from .conftest import SESSION, post, post_json

PASSKEY = "__Host-amanah_passkey"


def enrol_a_passkey(browser, identity, username: str = "rudi") -> SoftAuthenticator:
    key = SoftAuthenticator()
    invite = identity.invite(username, "agent", display_name="Rudi")
    post(browser, "/console/invitation", token=invite.token, password=PASSWORD, confirm=PASSWORD)
    post(browser, "/console/sign-in", username=username, password=PASSWORD)
    options = post_json(browser, "/console/enrol/passkey/options").json()
    done = post_json(browser, "/console/enrol/passkey", {"credential": key.create(options)})
    assert done.status_code == 200
    post(browser, "/console/sign-out")
    assert SESSION not in browser.cookies
    return key


def test_the_sign_in_page_offers_a_passkey_first(browser):
    page = browser.get("/console/sign-in").text
    assert '<script src="/console/static/webauthn.js" defer></script>' in page
    assert 'data-options="/console/sign-in/passwordless/options"' in page
    assert 'data-verify="/console/sign-in/passwordless"' in page
    assert page.index('id="passkey-passwordless"') < page.index('action="/console/sign-in"')
    assert "Sign in with a passkey" in page


def test_passwordless_sign_in_through_the_script_endpoints(browser, identity):
    key = enrol_a_passkey(browser, identity)
    asked = post_json(browser, "/console/sign-in/passwordless/options")
    options = asked.json()
    assert asked.status_code == 200 and options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    sealed = next(c for c in asked.headers.get_list("set-cookie") if c.startswith(PASSKEY))
    for attribute in ("secure", "httponly", "samesite=strict", "path=/", "max-age=300"):
        assert attribute in sealed.lower()
    assert "domain=" not in sealed.lower()
    signed = post_json(browser, "/console/sign-in/passwordless", {"credential": key.get(options)})
    assert signed.status_code == 200 and signed.json() == {"redirect": "/console"}
    assert SESSION in browser.cookies and PASSKEY not in browser.cookies
    page = browser.get("/console")
    assert page.status_code == 200 and "Rudi" in page.text
    assert browser.get("/console/security").status_code == 200


def test_passwordless_refusals_are_clear_and_spend_the_challenge(browser, identity):
    key = enrol_a_passkey(browser, identity)
    key.counts = False  # only the spent challenge can stop the replay
    options = post_json(browser, "/console/sign-in/passwordless/options").json()
    sealed = browser.cookies[PASSKEY]
    answer = key.get(options)
    assert post_json(browser, "/console/sign-in/passwordless", {"credential": answer}).is_success
    post(browser, "/console/sign-out")
    browser.cookies.set(PASSKEY, sealed, domain="testserver.local", path="/")
    replay = post_json(browser, "/console/sign-in/passwordless", {"credential": answer})
    assert replay.status_code == 401
    assert replay.json() == {
        "error": "The passkey was not accepted. Try again, or sign in with your username "
        "and password."
    }
    assert SESSION not in browser.cookies and PASSKEY not in browser.cookies
    # no challenge cookie (another browser), junk, and no CSRF header: refused, never a 500
    fresh = post_json(browser, "/console/sign-in/passwordless/options").json()
    browser.cookies.delete(PASSKEY)
    lost = post_json(browser, "/console/sign-in/passwordless", {"credential": key.get(fresh)})
    assert lost.status_code == 401
    post_json(browser, "/console/sign-in/passwordless/options")
    junk = post_json(browser, "/console/sign-in/passwordless", {"credential": [1, 2]})
    assert junk.status_code == 401 and "error" in junk.json()
    forged = browser.post("/console/sign-in/passwordless", json={"credential": answer})
    assert forged.status_code == 403


def test_passwordless_answers_in_bahasa_indonesia(browser, identity):
    post(browser, "/console/lang", lang="id", next="/console/sign-in")
    assert "Masuk dengan passkey" in browser.get("/console/sign-in").text
    post_json(browser, "/console/sign-in/passwordless/options")
    refused = post_json(browser, "/console/sign-in/passwordless", {"credential": {}})
    assert refused.status_code == 401 and "Passkey tidak diterima" in refused.json()["error"]
