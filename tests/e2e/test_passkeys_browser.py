"""Passkeys end to end in a real browser: Chromium's DevTools virtual authenticator
(CTAP2, internal transport, resident keys, user verification on) against ``amanah serve``.

An invited agent sets a password, signs in, is forced to enrol a second factor, creates a
passkey, signs out, signs in again with password + passkey and reaches the security page;
then signs out and signs in with the passkey alone (usernameless: the authenticator offers
its discoverable credential, no username, no password).
ASVS 5.0 V6.5 (passkeys, user verification), 800-63B rev 4 3.1.7 (multi-factor
cryptographic authenticator), ASVS V6.4 / 800-63B 3.1 (MFA mandatory at first sign-in).
"""

from __future__ import annotations

import re

import pytest

from amanah.db import make_engine, make_session_factory
from amanah.identity.service import Identity
from amanah.settings import Settings

PASSWORD = "lantern orchard copper violet"
TIMEOUT_MS = 20_000


@pytest.fixture
def invitation(https_console: Settings) -> str:
    engine = make_engine(https_console.effective_database_url)
    try:
        identity = Identity.from_settings(make_session_factory(engine), https_console)
        return identity.invite("dewi", "agent", display_name="Dewi Lestari", locale="en").token
    finally:
        engine.dispose()


def virtual_authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_invited_agent_enrols_a_passkey_and_signs_in_with_it(
    browser, https_console: Settings, invitation: str
) -> None:
    base = f"https://localhost:{https_console.port}"
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        cdp, authenticator = virtual_authenticator(page)

        # the invitation link carries its code in the fragment: never sent to the server
        page.goto(f"{base}/console/invitation#{invitation}")
        assert page.input_value("#invitation-token") == invitation
        page.fill("#new-password", PASSWORD)
        page.fill("#confirm-password", PASSWORD)
        page.click("form[action='/console/invitation'] button[type=submit]")
        page.wait_for_selector("text=Your password is set")

        # first sign-in: the password alone yields no session, only the enrolment page
        page.fill("#username", "dewi")
        page.fill("#password", PASSWORD)
        page.click("form[action='/console/sign-in'] button[type=submit]")
        page.wait_for_url(f"{base}/console/enrol")
        assert page.evaluate("window.isSecureContext") is True
        assert page.goto(f"{base}/console/security").url == f"{base}/console/sign-in"
        page.goto(f"{base}/console/enrol")

        page.fill("#passkey-name", "Chromium virtual key")
        page.click("#passkey-enrol")
        page.wait_for_url(f"{base}/console/recovery-codes/new")
        codes = page.locator("#recovery-codes li").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-z-]{8,}", c) for c in codes)
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        assert len(credentials["credentials"]) == 1
        assert credentials["credentials"][0]["isResidentCredential"] is True
        assert credentials["credentials"][0]["rpId"] == "localhost"

        page.click("text=I have saved them: continue")
        page.wait_for_url(f"{base}/console")
        page.click("form[action='/console/sign-out'] button")
        page.wait_for_selector("text=You are signed out.")
        assert page.goto(f"{base}/console/security").url == f"{base}/console/sign-in"

        # second sign-in: password, then the passkey (user verification by the authenticator)
        page.fill("#username", "dewi")
        page.fill("#password", PASSWORD)
        page.click("form[action='/console/sign-in'] button[type=submit]")
        page.wait_for_url(f"{base}/console/sign-in/second-factor")
        page.click("#passkey-signin")
        page.wait_for_url(f"{base}/console")
        assert "Welcome, Dewi Lestari" in page.content()

        page.goto(f"{base}/console/security")
        assert page.url == f"{base}/console/security"
        factors = page.inner_text("#factors")
        assert "Chromium virtual key" in factors and "never" not in factors  # used to sign in
        assert "this session" in page.inner_text("#sessions")
        after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        assert after["credentials"][0]["signCount"] >= 1

        # the session cookie is what the issue asks for
        session = next(c for c in context.cookies() if c["name"] == "__Host-amanah_session")
        assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
        assert session["path"] == "/" and session["domain"] == "localhost"

        # third sign-in: the passkey alone, from the sign-in page (no username, no password)
        page.click("form[action='/console/sign-out'] button")
        page.wait_for_selector("text=You are signed out.")
        page.goto(f"{base}/console/sign-in")
        assert page.input_value("#username") == "" and page.input_value("#password") == ""
        page.click("#passkey-passwordless")
        page.wait_for_url(f"{base}/console")
        assert "Welcome, Dewi Lestari" in page.content()
        names = {c["name"] for c in context.cookies()}
        assert "__Host-amanah_session" in names and "__Host-amanah_passkey" not in names
        page.goto(f"{base}/console/security")
        assert page.url == f"{base}/console/security"
        assert "this session" in page.inner_text("#sessions")
        again = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        assert again["credentials"][0]["signCount"] > after["credentials"][0]["signCount"]
    finally:
        context.close()
