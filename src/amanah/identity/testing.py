"""Testing helpers shipped with identity: a clock tests move, ready-made staff, and a
software passkey (WebAuthn authenticator) for integrators' own tests."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from amanah.identity import totp
from amanah.identity.config import Argon2Params
from amanah.identity.service import Identity, SignedIn
from amanah.notify.sms import FileOutboxSms

# cheap Argon2id for tests; the default parameters are measured in test_passwords.py
FAST = Argon2Params(time_cost=1, memory_kib=8192, parallelism=1)
PASSWORD = "correct horse battery staple"  # 28 characters, not on the blocklist
ORIGIN = "https://amanah.test"
RP_ID = "amanah.test"


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@dataclass
class Staff:
    account_id: str
    username: str
    password: str
    totp_secret: str | None = None
    recovery_codes: tuple[str, ...] = ()
    device: str | None = None
    signed: SignedIn | None = None


def totp_now(secret: str, clock: Clock, offset_steps: int = 0) -> str:
    return totp.code_at_step(secret, totp.time_step(clock()) + offset_steps)


def sign_in(identity: Identity, staff: Staff, clock: Clock, **kwargs: str) -> SignedIn:
    attempt = identity.begin(staff.username, staff.password, device=staff.device, **kwargs)
    assert staff.totp_secret
    signed = identity.verify_totp(attempt.token, totp_now(staff.totp_secret, clock))
    assert signed is not None
    clock.advance(seconds=30)
    return signed


def passkey_sign_in(
    identity: Identity, authenticator: SoftAuthenticator, **kwargs: str
) -> SignedIn:
    """Passwordless: usernameless options, the authenticator picks its passkey, signed in."""
    start = identity.begin_passkey_sign_in(source=kwargs.get("source"))
    return identity.sign_in_with_passkey(start.token, authenticator.get(start.options), **kwargs)


def last_sms_code(outbox: FileOutboxSms) -> str:
    text = outbox.messages()[-1]["text"]
    return next(word.strip(".") for word in text.split() if word.strip(".").isdigit())


# ---- a software passkey: EC P-256, attestation "none", user verification on ----------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class NoCredential(LookupError):
    """The authenticator holds no credential the request allows (a browser's NotAllowedError)."""


@dataclass
class SoftAuthenticator:
    """Makes real WebAuthn responses: packed as a browser would, signed with an EC key.

    ``resident``: the credential is discoverable (a passkey), so it answers a request with
    no allowCredentials (passwordless) and returns its user handle, as platform
    authenticators do; a non-resident one answers only when its id is listed.
    """

    rp_id: str = RP_ID
    origin: str = ORIGIN
    user_verified: bool = True
    counts: bool = True
    resident: bool = True
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0
    user_handle: bytes = b""

    def _cose(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _auth_data(self, attested: bool) -> bytes:
        flags = 0x01 | (0x04 if self.user_verified else 0) | (0x40 if attested else 0)
        data = hashlib.sha256(self.rp_id.encode()).digest()
        data += bytes([flags]) + self.sign_count.to_bytes(4, "big")
        if attested:
            data += b"\x00" * 16 + len(self.credential_id).to_bytes(2, "big")
            data += self.credential_id + self._cose()
        return data

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        self.user_handle = unb64(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options["challenge"])
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._auth_data(attested=True)}
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options: dict) -> dict:
        allowed = [c["id"] for c in options.get("allowCredentials") or []]
        if (allowed and b64(self.credential_id) not in allowed) or (
            not allowed and not self.resident
        ):
            raise NoCredential("no credential for this request")
        if self.counts:
            self.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = self._auth_data(attested=False)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": b64(self.user_handle) if self.resident else None,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
