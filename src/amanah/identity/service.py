"""Staff identity as one service: accounts, the sign-in flow, sessions, factors, step-up.

Plain Python over a SQLAlchemy session factory: no HTTP here. The console and the API
translate requests into these calls (tokens in cookies, errors into problem details).

Sign-in (800-63B rev 4; ASVS 5.0 V6, V7):

    begin(username, password)           -> Attempt(next="second-factor" | "enrol")
    verify_totp / verify_sms / verify_passkey / use_recovery_code(attempt)   -> SignedIn
    (next="enrol") enrol_totp + confirm_totp_enrolment, or a passkey, or a phone -> SignedIn

    begin_passkey_sign_in() -> sealed challenge; sign_in_with_passkey(it) -> SignedIn
    (passwordless: a passkey with user verification is multi-factor on its own)

An unknown username, a wrong password, an invited or disabled account all answer the
same ``InvalidCredentials`` after the same Argon2id work. Failures slow down by account and
by source address; 100 consecutive failures of one factor lock the account and the owner
is told by email.

The class is composed of one mixin per flow, each in its own module (``accounts``,
``signin``, ``enrolment``, ``resets``, ``session_flows``, ``stepup_flows``,
``factor_changes``) over ``core.IdentityCore``; the names callers import from here
(``Identity``, ``Attempt``, ``SignedIn``, ``AccountView``...) are re-exported.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from amanah.identity.accounts import USERNAME, Accounts
from amanah.identity.config import IdentityConfig
from amanah.identity.core import ENROLLABLE
from amanah.identity.enrolment import Enrolment
from amanah.identity.factor_changes import FactorChanges
from amanah.identity.resets import Resets
from amanah.identity.stepup_flows import StepUpFlows
from amanah.identity.views import AccountView, Attempt, FactorSummary, Invite, PasskeyView, SignedIn

__all__ = [
    "ENROLLABLE",
    "USERNAME",
    "AccountView",
    "Attempt",
    "FactorSummary",
    "Identity",
    "Invite",
    "PasskeyView",
    "SignedIn",
]


class Identity(Accounts, Enrolment, Resets, StepUpFlows, FactorChanges):
    """The identity service: one object the console, the API and the CLI call."""

    @classmethod
    def from_settings(
        cls, factory: sessionmaker[Session], settings: Any, **kwargs: Any
    ) -> Identity:
        from amanah.notify.email import mailer_from_settings
        from amanah.notify.sms import sms_provider_from_settings

        config = kwargs.pop("config", None) or IdentityConfig.from_settings(settings)
        kwargs.setdefault("mailer", mailer_from_settings(settings))
        kwargs.setdefault("sms_provider", sms_provider_from_settings(settings))
        return cls(factory, config, **kwargs)
