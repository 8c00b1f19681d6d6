"""Passkeys (WebAuthn Level 3) with the ``webauthn`` package.

Ceremonies: the server makes a random challenge, stores it with an expiry bound to the
sign-in attempt or session it is for, and uses it once (even when verification fails).
User verification is REQUIRED (a fingerprint, a face or a PIN on the authenticator), so a
passkey is a multi-factor authenticator on its own (800-63B rev 4 section 3.1.7). The
signature counter must grow when the authenticator keeps one (cloned-key detection).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import webauthn
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from webauthn.helpers import (
    bytes_to_base64url,
    options_to_json,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from amanah.identity.errors import InvalidCode
from amanah.identity.models import Passkey, StaffAccount, WebAuthnChallenge
from amanah.ids import new_id


@dataclass(frozen=True, slots=True)
class RelyingParty:
    rp_id: str
    name: str
    origins: tuple[str, ...]
    timeout_seconds: int = 300


def _descriptors(rows: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    out = []
    for row in rows:
        transports = []
        for t in row.transports or []:
            try:
                transports.append(AuthenticatorTransport(t))
            except ValueError:
                continue
        out.append(PublicKeyCredentialDescriptor(id=row.credential_id, transports=transports))
    return out


def _store_challenge(
    session: Session,
    rp: RelyingParty,
    account_id: str,
    purpose: str,
    bound_to: str,
    challenge: bytes,
    now: datetime,
) -> None:
    session.add(
        WebAuthnChallenge(
            id=new_id("wch"),
            account_id=account_id,
            purpose=purpose,
            bound_to=bound_to,
            challenge=challenge,
            expires_at=now + timedelta(seconds=rp.timeout_seconds),
        )
    )
    session.flush()


def _take_challenge(
    session: Session,
    account_id: str,
    purpose: str,
    bound_to: str,
    client_data_json: bytes,
    now: datetime,
) -> bytes:
    """Find the challenge the client answered and mark it used; refuse unknown or stale ones."""
    try:
        answered = parse_client_data_json(client_data_json).challenge
    except Exception as exc:
        raise InvalidCode("the passkey response is malformed") from exc
    row = session.scalar(
        select(WebAuthnChallenge).where(
            WebAuthnChallenge.account_id == account_id,
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.bound_to == bound_to,
            WebAuthnChallenge.challenge == answered,
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    taken = session.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == row.id, WebAuthnChallenge.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    return bytes(row.challenge)


def account_passkeys(session: Session, account_id: str) -> list[Passkey]:
    return list(
        session.scalars(
            select(Passkey).where(Passkey.account_id == account_id).order_by(Passkey.created_at)
        )
    )


def registration_options(
    session: Session, rp: RelyingParty, account: StaffAccount, bound_to: str, now: datetime
) -> dict[str, Any]:
    options = webauthn.generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_name=account.username,
        user_id=account.id.encode(),
        user_display_name=account.display_name or account.username,
        timeout=rp.timeout_seconds * 1000,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(account_passkeys(session, account.id)),
    )
    _store_challenge(session, rp, account.id, "register", bound_to, options.challenge, now)
    return json.loads(options_to_json(options))


def verify_registration(
    session: Session,
    rp: RelyingParty,
    account: StaffAccount,
    bound_to: str,
    response: str | dict[str, Any],
    now: datetime,
    name: str = "passkey",
) -> Passkey:
    try:
        credential = parse_registration_credential_json(response)
    except (InvalidJSONStructure, InvalidRegistrationResponse, ValueError, KeyError) as exc:
        raise InvalidCode("the passkey response is malformed") from exc
    challenge = _take_challenge(
        session, account.id, "register", bound_to, credential.response.client_data_json, now
    )
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=list(rp.origins),
            require_user_presence=True,
            require_user_verification=True,
        )
    except InvalidRegistrationResponse as exc:
        raise InvalidCode("the passkey could not be verified") from exc
    existing = session.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    )
    if existing is not None:
        raise InvalidCode("this passkey is already registered")
    transports = [str(t.value) for t in (credential.response.transports or [])]
    row = Passkey(
        id=new_id("pky"),
        account_id=account.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        aaguid=verified.aaguid,
        transports=transports,
        backed_up=verified.credential_backed_up,
        name=name[:100],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def authentication_options(
    session: Session, rp: RelyingParty, account: StaffAccount, bound_to: str, now: datetime
) -> dict[str, Any]:
    options = webauthn.generate_authentication_options(
        rp_id=rp.rp_id,
        timeout=rp.timeout_seconds * 1000,
        allow_credentials=_descriptors(account_passkeys(session, account.id)),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _store_challenge(session, rp, account.id, "authenticate", bound_to, options.challenge, now)
    return json.loads(options_to_json(options))


def verify_authentication(
    session: Session,
    rp: RelyingParty,
    account: StaffAccount,
    bound_to: str,
    response: str | dict[str, Any],
    now: datetime,
) -> Passkey:
    try:
        credential = parse_authentication_credential_json(response)
    except (InvalidJSONStructure, InvalidAuthenticationResponse, ValueError, KeyError) as exc:
        raise InvalidCode("the passkey response is malformed") from exc
    challenge = _take_challenge(
        session, account.id, "authenticate", bound_to, credential.response.client_data_json, now
    )
    row = session.scalar(
        select(Passkey).where(
            Passkey.account_id == account.id, Passkey.credential_id == credential.raw_id
        )
    )
    if row is None:
        raise InvalidCode("this passkey is not registered to the account")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=list(rp.origins),
            credential_public_key=row.public_key,
            credential_current_sign_count=row.sign_count,
            require_user_verification=True,
        )
    except InvalidAuthenticationResponse as exc:
        raise InvalidCode("the passkey could not be verified") from exc
    row.sign_count = verified.new_sign_count
    row.backed_up = verified.credential_backed_up
    row.last_used_at = now
    session.flush()
    return row


def credential_id_text(row: Passkey) -> str:
    return bytes_to_base64url(row.credential_id)
