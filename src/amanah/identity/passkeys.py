"""Passkeys (WebAuthn Level 3) with the ``webauthn`` package.

Ceremonies: the server makes a random challenge, stores it with an expiry bound to the
sign-in attempt or session it is for, and uses it once (even when verification fails).
User verification is REQUIRED (a fingerprint, a face or a PIN on the authenticator), so a
passkey is a multi-factor authenticator on its own (800-63B rev 4 section 3.1.7). The
signature counter must grow when the authenticator keeps one (cloned-key detection).

Passwordless sign-in asks for a discoverable credential before anyone is named, so there
is no account to store the challenge against yet: the challenge travels sealed (HMAC, with
its expiry) in a pre-auth cookie of the browser that asked, and is recorded as spent, under
a row id derived from the challenge itself, once the credential names its account. The
primary key makes a replay, or two racing uses, lose.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import webauthn
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from webauthn.helpers import (
    base64url_to_bytes,
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
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from amanah.identity.common import keyed_digest, same
from amanah.identity.errors import InvalidCode
from amanah.identity.models import Passkey, StaffAccount, WebAuthnChallenge
from amanah.ids import new_id

MAX_CREDENTIAL_ID = 1023  # WebAuthn L3: a credential id is at most 1023 bytes
DISCOVER = "discover"  # the purpose (and binding) of a spent passwordless challenge


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
    answered = _answered(client_data_json)
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


def _answered(client_data_json: bytes) -> bytes:
    try:
        return parse_client_data_json(client_data_json).challenge
    except Exception as exc:
        raise InvalidCode("the passkey response is malformed") from exc


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


def parse_assertion(response: str | dict[str, Any]) -> AuthenticationCredential:
    try:
        credential = parse_authentication_credential_json(response)
    except (InvalidJSONStructure, InvalidAuthenticationResponse, ValueError, KeyError) as exc:
        raise InvalidCode("the passkey response is malformed") from exc
    if not credential.raw_id or len(credential.raw_id) > MAX_CREDENTIAL_ID:
        raise InvalidCode("the passkey response is malformed")
    return credential


def _check_assertion(
    rp: RelyingParty,
    row: Passkey,
    credential: AuthenticationCredential,
    challenge: bytes,
    now: datetime,
) -> None:
    """Signature, origin, RP id, user verification and the counter; then record the use.

    A user handle, when the authenticator returns one, must be the key's own account
    (WebAuthn L3 section 7.2 step 6).
    """
    handle = credential.response.user_handle
    if handle and handle != row.account_id.encode():
        raise InvalidCode("the passkey could not be verified")
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


def verify_authentication(
    session: Session,
    rp: RelyingParty,
    account: StaffAccount,
    bound_to: str,
    response: str | dict[str, Any],
    now: datetime,
) -> Passkey:
    credential = parse_assertion(response)
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
    _check_assertion(rp, row, credential, challenge, now)
    session.flush()
    return row


# ---- passwordless: a discoverable credential names its account ------------------------------


@dataclass(frozen=True, slots=True)
class Sealed:
    """A passwordless challenge as the browser holds it (``token``) and its expiry."""

    token: str
    options: dict[str, Any]
    expires_at: datetime


def discoverable_options(rp: RelyingParty, secret: bytes, now: datetime) -> Sealed:
    """Options with no allowCredentials: the authenticator offers the passkeys it holds for
    this relying party, and the person picks one (usernameless). The challenge is sealed
    with its expiry for a pre-auth cookie; nothing is stored until it is used."""
    options = webauthn.generate_authentication_options(
        rp_id=rp.rp_id,
        timeout=rp.timeout_seconds * 1000,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    expires = now + timedelta(seconds=rp.timeout_seconds)
    body = f"{bytes_to_base64url(options.challenge)}.{int(expires.timestamp())}"
    token = f"{body}.{keyed_digest(secret, DISCOVER, body)}"
    return Sealed(token, json.loads(options_to_json(options)), expires)


def _unseal(secret: bytes, token: str, now: datetime) -> tuple[bytes, datetime]:
    parts = (token or "").split(".")
    if len(parts) != 3 or len(token) > 300:
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    challenge_text, expiry_text, mac = parts
    if not same(mac, keyed_digest(secret, DISCOVER, f"{challenge_text}.{expiry_text}")):
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    expires = datetime.fromtimestamp(int(expiry_text), UTC)
    if expires <= now:
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    return base64url_to_bytes(challenge_text), expires


def _spent_id(challenge: bytes) -> str:
    return "wch_" + hashlib.sha256(challenge).hexdigest()[:36]


def claim_discoverable(
    session: Session, secret: bytes, token: str, response: str | dict[str, Any], now: datetime
) -> tuple[Passkey, AuthenticationCredential, bytes]:
    """Find the key a passwordless answer names and spend its challenge (once, ever).

    Refused alike (``InvalidCode``): a forged, expired or foreign challenge, a malformed
    answer, an unknown credential, a user handle that is not the key's account, a challenge
    already spent. A concurrent use of the same challenge fails on the primary key when
    the session flushes or commits (``IntegrityError``: the caller treats it the same).
    """
    challenge, expires = _unseal(secret, token, now)
    credential = parse_assertion(response)
    if _answered(credential.response.client_data_json) != challenge:
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    row = session.scalar(select(Passkey).where(Passkey.credential_id == credential.raw_id))
    handle = credential.response.user_handle
    # a discoverable credential must say whose it is, and it must be the key's owner
    if row is None or not handle or handle != row.account_id.encode():
        raise InvalidCode("the passkey could not be verified")
    spent_id = _spent_id(challenge)
    if session.get(WebAuthnChallenge, spent_id) is not None:
        raise InvalidCode("the passkey challenge is unknown, used or expired")
    session.add(
        WebAuthnChallenge(
            id=spent_id,
            account_id=row.account_id,
            purpose=DISCOVER,
            bound_to=DISCOVER,
            challenge=challenge,
            expires_at=expires,
            used_at=now,
        )
    )
    session.flush()
    return row, credential, challenge


def verify_discoverable(
    session: Session,
    rp: RelyingParty,
    row: Passkey,
    credential: AuthenticationCredential,
    challenge: bytes,
    now: datetime,
) -> None:
    """The signature check of a claimed passwordless answer (``InvalidCode`` when bad)."""
    _check_assertion(rp, row, credential, challenge, now)
    session.flush()


def credential_id_text(row: Passkey) -> str:
    return bytes_to_base64url(row.credential_id)
