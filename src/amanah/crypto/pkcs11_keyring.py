"""PKCS#11 keyring: root keys live in an HSM token and never leave it.

Every secret is generated inside the token as a sensitive, non-extractable
object, and every operation that needs a secret runs inside the token:

- root keys: AES-256 ``<key_label>-v<N>`` (CKA_ID = N as 4 big-endian bytes);
  ``wrap`` is CKM_AES_GCM encryption of the data key by the token, with a
  random 96-bit IV and AAD = blob header + caller's AAD. Blob format::

      0x01 | version (4 bytes BE) | iv (12) | ciphertext + tag (16)

  The header is authenticated, so a blob cannot be relabelled to another
  version. A CKO_DATA object ``<key_label>-v<N>.meta`` records when the version
  was created; it outlives ``retire`` so version numbers are never reused and
  ``versions()`` can show retired ones.
- blind index: a 256-bit generic secret ``<key_label>-blind-index``, signed
  with CKM_SHA256_HMAC.
- audit signing: an Ed25519 key pair ``<key_label>-audit`` (CKK_EC_EDWARDS,
  CKM_EDDSA). Tokens without EdDSA get a software fallback: an Ed25519 key
  made by ``cryptography`` whose private bytes are stored only AES-GCM
  encrypted by a dedicated non-extractable token key (``<key_label>-audit-kek``)
  in a CKO_DATA object, and decrypted into process memory after unseal.

Concurrency: python-pkcs11 calls ``C_Initialize(NULL)``, which tells the
module the application will not call it from several threads at once (SoftHSM2
then disables its own mutexes). So every call into one library goes through a
single per-library lock, and each keyring uses one session.

Login is per application and per token in PKCS#11, not per session, and
``C_Logout`` ends it for every session. A small process-wide registry therefore
holds one login session per token, shared by all keyrings on it and closed when
the last one closes; a second keyring must present the same PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11 import exceptions as p11e

from .errors import CryptoError, IntegrityError, KeyNotFound, KeyringError, KeyringSealed
from .keyring import RootKeyInfo, WrappedKey

__all__ = ["Pkcs11Keyring"]

BLOB_FORMAT = 1
_HEADER = struct.Struct(">BI")  # format, version
_IV_LEN = 12
_TAG_LEN = 16
_APPLICATION = "amanah-keyring"
# DER of OID 1.3.101.112 (id-Ed25519), the CKA_EC_PARAMS for Ed25519 keys.
_ED25519_PARAMS = bytes.fromhex("06032b6570")

_PIN_ERRORS = (
    p11e.PinIncorrect,
    p11e.PinInvalid,
    p11e.PinLenRange,
    p11e.PinExpired,
    p11e.PinLocked,
    p11e.UserNotLoggedIn,
    p11e.UserPinNotInitialized,
)
# What a token reports when GCM authentication fails (SoftHSM2: CKR_GENERAL_ERROR).
_DECRYPT_FAILURES = (
    p11e.EncryptedDataInvalid,
    p11e.EncryptedDataLenRange,
    p11e.GeneralError,
    p11e.FunctionFailed,
    p11e.DataInvalid,
    p11e.DataLenRange,
)
_STALE_HANDLE = (p11e.KeyHandleInvalid, p11e.ObjectHandleInvalid)


# --- process-wide state: one lock per library, one login per token -----------


@dataclass
class _Login:
    session: Any  # pkcs11.Session holding the token login
    pin_tag: bytes
    refs: int = 0


_STATE_LOCK = threading.Lock()
_LIB_LOCKS: dict[str, threading.RLock] = {}
_LOGINS: dict[tuple[str, str, bytes], _Login] = {}
_PIN_TAG_KEY = secrets.token_bytes(32)  # so the registry never holds a PIN


def _pin_tag(pin: str) -> bytes:
    return hmac.new(_PIN_TAG_KEY, pin.encode("utf-8"), hashlib.sha256).digest()


def _lib_lock(path: str) -> threading.RLock:
    with _STATE_LOCK:
        return _LIB_LOCKS.setdefault(path, threading.RLock())


@contextmanager
def _translated(what: str) -> Iterator[None]:
    """Turn python-pkcs11 exceptions into crypto errors; names only, no data."""
    try:
        yield
    except CryptoError:
        raise
    except _PIN_ERRORS as exc:
        raise KeyringSealed(f"{what}: PIN rejected ({type(exc).__name__})") from exc
    except p11e.PKCS11Error as exc:
        raise KeyringError(f"{what}: {type(exc).__name__} {exc}".rstrip()) from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Pkcs11Keyring:
    """A :class:`~amanah.crypto.keyring.Keyring` backed by a PKCS#11 token."""

    kind = "pkcs11"

    def __init__(
        self,
        library_path: str,
        token_label: str,
        pin: str | None,
        key_label: str = "amanah-root",
    ) -> None:
        if not key_label or not re.fullmatch(r"[A-Za-z0-9_.:-]+", key_label):
            raise KeyringError("key_label must be non-empty [A-Za-z0-9_.:-]")
        # One spelling per file, so python-pkcs11's per-path cache never loads it twice
        # (a second C_Initialize would fail); bare sonames are left to dlopen.
        has_dir = os.sep in library_path
        self._lib_path = os.path.realpath(library_path) if has_dir else library_path
        self._token_label = token_label
        self._key_label = key_label
        self._lock = _lib_lock(self._lib_path)
        self._root_re = re.compile(re.escape(key_label) + r"-v([0-9]{1,9})")
        self._meta_re = re.compile(re.escape(key_label) + r"-v([0-9]{1,9})\.meta")
        self._session: Any = None
        self._login_key: tuple[str, str, bytes] | None = None
        self._active: int | None = None
        self._roots: dict[int, Any] = {}
        self._hmac_key: Any = None
        self._signer: Any = None  # token PrivateKey, or a cryptography Ed25519PrivateKey
        self._public: bytes | None = None
        with self._lock, _translated("opening PKCS#11 token"):
            if has_dir and not os.path.isfile(self._lib_path):
                raise KeyringError(f"PKCS#11 library not found: {library_path}")
            with _STATE_LOCK:  # pkcs11.lib() keeps an unguarded per-process cache
                self._lib = pkcs11.lib(self._lib_path)
            try:
                self._token = self._lib.get_token(token_label=token_label)
            except p11e.NoSuchToken:
                raise KeyringError(f"no PKCS#11 token labelled {token_label!r}") from None
        if pin is not None:
            self.unseal(pin)

    @classmethod
    def initialise(
        cls,
        library_path: str,
        token_label: str,
        pin: str,
        key_label: str = "amanah-root",
    ) -> Pkcs11Keyring:
        """Open the token and create whatever keys are missing (idempotent)."""
        keyring = cls(library_path, token_label, pin, key_label)
        keyring.ensure_keys()
        return keyring

    def __repr__(self) -> str:
        state = "sealed" if self.sealed else "unsealed"
        return f"<Pkcs11Keyring {self.key_id} {state}>"

    # --- session and login ---------------------------------------------------

    @property
    def key_id(self) -> str:
        return f"pkcs11:{self._token_label}/{self._key_label}"

    @property
    def sealed(self) -> bool:
        return self._session is None

    def unseal(self, passphrase: str) -> None:
        """Log in with the user PIN; the PIN itself is not kept."""
        tag = _pin_tag(passphrase)
        with self._lock, _translated("logging in to token"):
            key = (self._lib_path, self._token_label, self._token.serial)
            with _STATE_LOCK:
                login = _LOGINS.get(key)
            if login is not None and not hmac.compare_digest(login.pin_tag, tag):
                raise KeyringSealed("PIN rejected")
            if self._session is not None:
                return
            if login is None:
                try:
                    session = self._token.open(user_pin=passphrase)
                except p11e.UserAlreadyLoggedIn:
                    raise KeyringError(
                        "token already logged in by other code in this process"
                    ) from None
                login = _Login(session, tag)
                with _STATE_LOCK:
                    _LOGINS[key] = login
            # Sessions opened after C_Login share the login state.
            try:
                self._session = self._token.open(rw=True)
            except p11e.PKCS11Error:
                if login.refs == 0:
                    with _STATE_LOCK:
                        _LOGINS.pop(key, None)
                    with suppress(p11e.PKCS11Error):
                        login.session.close()
                raise
            login.refs += 1
            self._login_key = key

    def close(self) -> None:
        """Close this keyring's session; log out when it was the last one on the token."""
        with self._lock:
            session, self._session = self._session, None
            self._forget()
            if session is None or self._login_key is None:
                return
            with _STATE_LOCK:
                login = _LOGINS.get(self._login_key)
                last = login is not None and login.refs <= 1
                if login is not None:
                    login.refs -= 1
                if last:
                    del _LOGINS[self._login_key]
            self._login_key = None
            try:
                session.close()
                if last and login is not None:
                    login.session.close()
            except p11e.PKCS11Error:
                pass  # best effort: the token may already be gone

    def __enter__(self) -> Pkcs11Keyring:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _forget(self) -> None:
        self._active = None
        self._roots.clear()
        self._hmac_key = self._signer = self._public = None

    def _open(self) -> Any:
        if self._session is None:
            raise KeyringSealed(f"{self.key_id} is sealed: unseal with the token PIN")
        return self._session

    def refresh(self) -> None:
        """Drop cached handles, e.g. after another process rotated or retired."""
        with self._lock:
            self._forget()

    # --- object lookup ---------------------------------------------------------

    def _find(self, attrs: dict[Attribute, Any]) -> list[Any]:
        return list(self._open().get_objects(attrs))

    def _scan(self) -> tuple[dict[int, Any], dict[int, Any]]:
        """All root key objects and metadata objects of this lineage, by version."""
        keys: dict[int, Any] = {}
        for obj in self._find(
            {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES}
        ):
            m = self._root_re.fullmatch(obj[Attribute.LABEL] or "")
            if m and obj[Attribute.ID] == struct.pack(">I", int(m[1])):
                keys[int(m[1])] = obj
        metas: dict[int, Any] = {}
        for obj in self._find(
            {Attribute.CLASS: ObjectClass.DATA, Attribute.APPLICATION: _APPLICATION}
        ):
            m = self._meta_re.fullmatch(obj[Attribute.LABEL] or "")
            if m:
                metas[int(m[1])] = obj
        return keys, metas

    def _root(self, version: int) -> Any:
        key = self._roots.get(version)
        if key is None:
            found = self._find(
                {
                    Attribute.CLASS: ObjectClass.SECRET_KEY,
                    Attribute.KEY_TYPE: KeyType.AES,
                    Attribute.LABEL: f"{self._key_label}-v{version}",
                    Attribute.ID: struct.pack(">I", version),
                }
            )
            if not found:
                raise KeyNotFound(f"{self.key_id} has no root key version {version}")
            if len(found) > 1:
                raise KeyringError(f"{self.key_id}: duplicate root key version {version}")
            key = self._roots[version] = found[0]
        return key

    def _single(self, attrs: dict[Attribute, Any], what: str) -> Any:
        found = self._find(attrs)
        if not found:
            raise KeyNotFound(f"{self.key_id} has no {what}: run initialise")
        if len(found) > 1:
            raise KeyringError(f"{self.key_id}: duplicate {what}")
        return found[0]

    # --- root keys -------------------------------------------------------------

    def current_version(self) -> int:
        with self._lock, _translated("reading root key versions"):
            self._open()
            if self._active is None:
                keys, _ = self._scan()
                if not keys:
                    raise KeyNotFound(f"{self.key_id} has no root key: run initialise")
                self._active = max(keys)
            return self._active

    def versions(self) -> list[RootKeyInfo]:
        with self._lock, _translated("reading root key versions"):
            keys, metas = self._scan()
            active = max(keys, default=None)
            infos = []
            for v in sorted(keys.keys() | metas.keys()):
                created = "unknown"
                if v in metas:
                    with suppress(ValueError, KeyError, TypeError):
                        created = json.loads(metas[v][Attribute.VALUE])["created_at"]
                state = "retired" if v not in keys else "active" if v == active else "enabled"
                infos.append(RootKeyInfo(self.key_id, v, created, state))
            return infos

    def rotate(self) -> int:
        """Generate root version N+1 in the token; it becomes the active version."""
        with self._lock, _translated("rotating root key"):
            session = self._open()
            keys, metas = self._scan()
            version = max(keys.keys() | metas.keys(), default=0) + 1
            # Metadata first: a crash before the key exists leaves a retired-looking
            # tombstone, never a reusable version number.
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.DATA,
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: True,
                    Attribute.APPLICATION: _APPLICATION,
                    Attribute.LABEL: f"{self._key_label}-v{version}.meta",
                    Attribute.VALUE: json.dumps({"created_at": _now()}).encode(),
                }
            )
            key = session.generate_key(
                KeyType.AES,
                256,
                id=struct.pack(">I", version),
                label=f"{self._key_label}-v{version}",
                store=True,
                capabilities=MechanismFlag.ENCRYPT | MechanismFlag.DECRYPT,
                template=_secret_template(),
            )
            self._roots[version] = key
            self._active = version
            return version

    def retire(self, version: int) -> None:
        """Destroy a root version. The active version cannot be retired: rotate first."""
        with self._lock, _translated("retiring root key"):
            keys, _ = self._scan()  # fresh: another process may have rotated
            if version not in keys:
                raise KeyNotFound(f"{self.key_id} has no root key version {version}")
            if version == max(keys):
                raise KeyringError(f"{self.key_id}: version {version} is active; rotate first")
            keys[version].destroy()
            self._roots.pop(version, None)
            self._active = max(keys)

    def ensure_keys(self) -> None:
        """Create the root, blind-index and signing keys if absent (idempotent)."""
        with self._lock, _translated("initialising token keys"):
            session = self._open()
            keys, _ = self._scan()
            if not keys:
                self.rotate()
            if not self._find(self._hmac_attrs()):
                session.generate_key(
                    KeyType.GENERIC_SECRET,
                    256,
                    id=b"blind-index",
                    label=f"{self._key_label}-blind-index",
                    store=True,
                    capabilities=MechanismFlag.SIGN | MechanismFlag.VERIFY,
                    template=_secret_template(),
                )
            if not (self._find(self._ed_private_attrs()) or self._find(self._soft_signer_attrs())):
                if _token_supports_eddsa(self._token):
                    self._generate_token_signer(session)
                else:
                    self._generate_soft_signer(session)

    # --- wrap / unwrap -----------------------------------------------------------

    def wrap(self, data_key: bytes, aad: bytes = b"") -> WrappedKey:
        """Encrypt ``data_key`` inside the token with the active root version."""
        self._open()
        if not data_key:
            raise KeyringError("empty data key")
        with self._lock, _translated("wrapping data key"):
            version = self.current_version()
            header = _HEADER.pack(BLOB_FORMAT, version)
            iv = os.urandom(_IV_LEN)
            ct = self._crypt(version, "encrypt", bytes(data_key), iv, header + aad)
            return WrappedKey(self.key_id, version, header + iv + ct)

    def unwrap(self, wrapped: WrappedKey, aad: bytes = b"") -> bytes:
        """Decrypt inside the token; any mismatch of blob, version or AAD fails."""
        self._open()  # sealed first, whatever the blob
        if wrapped.key_id != self.key_id:
            raise KeyNotFound(f"wrapped by {wrapped.key_id!r}, not {self.key_id!r}")
        blob = wrapped.blob
        if len(blob) < _HEADER.size + _IV_LEN + _TAG_LEN + 1:
            raise IntegrityError("wrapped key blob is truncated")
        fmt, version = _HEADER.unpack_from(blob)
        if fmt != BLOB_FORMAT:
            raise IntegrityError(f"unknown wrapped key format {fmt}")
        if version != wrapped.version:
            raise IntegrityError("wrapped key version does not match its blob")
        iv = blob[_HEADER.size : _HEADER.size + _IV_LEN]
        ct = blob[_HEADER.size + _IV_LEN :]
        with self._lock, _translated("unwrapping data key"):
            return self._crypt(version, "decrypt", ct, iv, blob[: _HEADER.size] + aad)

    def _crypt(self, version: int, op: str, data: bytes, iv: bytes, aad: bytes) -> bytes:
        params = pkcs11.GCMParams(iv, aad, _TAG_LEN * 8)
        for attempt in (0, 1):
            key = self._root(version)
            try:
                if op == "encrypt":
                    out: bytes = key.encrypt(
                        data, mechanism=Mechanism.AES_GCM, mechanism_param=params
                    )
                    return out
                try:
                    out = key.decrypt(data, mechanism=Mechanism.AES_GCM, mechanism_param=params)
                except _DECRYPT_FAILURES:
                    raise IntegrityError("wrapped key failed authentication") from None
                return out
            except _STALE_HANDLE:
                # Destroyed by another session or process: look it up again once.
                self._roots.pop(version, None)
                self._active = None
                if attempt:
                    raise KeyNotFound(f"{self.key_id} root key version {version} is gone") from None
        raise AssertionError("unreachable")

    # --- blind index -------------------------------------------------------------

    def _hmac_attrs(self) -> dict[Attribute, Any]:
        return {
            Attribute.CLASS: ObjectClass.SECRET_KEY,
            Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
            Attribute.LABEL: f"{self._key_label}-blind-index",
        }

    def blind_index(self, message: bytes) -> bytes:
        """HMAC-SHA256 computed by the token under the blind-index key."""
        with self._lock, _translated("computing blind index"):
            if self._hmac_key is None:
                self._hmac_key = self._single(self._hmac_attrs(), "blind-index key")
            mac: bytes = self._hmac_key.sign(bytes(message), mechanism=Mechanism.SHA256_HMAC)
            return mac

    # --- audit signing -----------------------------------------------------------

    def _ed_private_attrs(self) -> dict[Attribute, Any]:
        return {
            Attribute.CLASS: ObjectClass.PRIVATE_KEY,
            Attribute.KEY_TYPE: KeyType.EC_EDWARDS,
            Attribute.LABEL: f"{self._key_label}-audit",
        }

    def _soft_signer_attrs(self) -> dict[Attribute, Any]:
        return {
            Attribute.CLASS: ObjectClass.DATA,
            Attribute.APPLICATION: _APPLICATION,
            Attribute.LABEL: f"{self._key_label}-audit.wrapped",
        }

    def _kek(self) -> Any:
        return self._single(
            {
                Attribute.CLASS: ObjectClass.SECRET_KEY,
                Attribute.KEY_TYPE: KeyType.AES,
                Attribute.LABEL: f"{self._key_label}-audit-kek",
            },
            "audit key-encryption key",
        )

    def _generate_token_signer(self, session: Any) -> None:
        common = {Attribute.TOKEN: True, Attribute.LABEL: f"{self._key_label}-audit"}
        session.generate_keypair(
            KeyType.EC_EDWARDS,
            id=b"audit",
            label=f"{self._key_label}-audit",
            store=True,
            public_template={
                **common,
                Attribute.EC_PARAMS: _ED25519_PARAMS,
                Attribute.VERIFY: True,
            },
            private_template={**common, **_secret_template(), Attribute.SIGN: True},
        )

    def _generate_soft_signer(self, session: Any) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        kek = session.generate_key(
            KeyType.AES,
            256,
            id=b"audit-kek",
            label=f"{self._key_label}-audit-kek",
            store=True,
            capabilities=MechanismFlag.ENCRYPT | MechanismFlag.DECRYPT,
            template=_secret_template(),
        )
        raw = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        iv = os.urandom(_IV_LEN)
        header = b"\x01audit-ed25519"
        ct = kek.encrypt(
            raw, mechanism=Mechanism.AES_GCM, mechanism_param=pkcs11.GCMParams(iv, header)
        )
        session.create_object(
            {
                **self._soft_signer_attrs(),
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.VALUE: header[:1] + iv + ct,
            }
        )

    def _load_signer(self) -> Any:
        if self._signer is not None:
            return self._signer
        private = self._find(self._ed_private_attrs())
        if private:
            public = self._single(
                {
                    Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                    Attribute.KEY_TYPE: KeyType.EC_EDWARDS,
                    Attribute.LABEL: f"{self._key_label}-audit",
                },
                "audit public key",
            )
            self._public = _decode_ec_point(public[Attribute.EC_POINT])
            self._signer = private[0]
            return self._signer
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        blob = self._single(self._soft_signer_attrs(), "audit signing key")[Attribute.VALUE]
        if len(blob) != 1 + _IV_LEN + 32 + _TAG_LEN or blob[:1] != b"\x01":
            raise IntegrityError("stored audit signing key is malformed")
        params = pkcs11.GCMParams(blob[1 : 1 + _IV_LEN], b"\x01audit-ed25519")
        try:
            raw = self._kek().decrypt(
                blob[1 + _IV_LEN :], mechanism=Mechanism.AES_GCM, mechanism_param=params
            )
        except _DECRYPT_FAILURES:
            raise IntegrityError("stored audit signing key failed authentication") from None
        signer = Ed25519PrivateKey.from_private_bytes(raw)
        self._public = signer.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self._signer = signer
        return signer

    @property
    def signs_in_token(self) -> bool:
        """True when the Ed25519 private key is a token object (not the software fallback)."""
        with self._lock, _translated("loading audit signing key"):
            return isinstance(self._load_signer(), pkcs11.PrivateKey)

    def sign(self, message: bytes) -> bytes:
        """Raw 64-byte Ed25519 signature (CKM_EDDSA in the token when it can)."""
        with self._lock, _translated("signing"):
            signer = self._load_signer()
            if isinstance(signer, pkcs11.PrivateKey):
                sig: bytes = signer.sign(bytes(message), mechanism=Mechanism.EDDSA)
            else:
                sig = signer.sign(bytes(message))
            if len(sig) != 64:
                raise KeyringError("token returned a malformed Ed25519 signature")
            return sig

    def signing_public_key(self) -> bytes:
        with self._lock, _translated("loading audit signing key"):
            self._load_signer()
            assert self._public is not None
            return self._public


def _secret_template() -> dict[Attribute, Any]:
    """Attributes that keep a secret inside the token for its whole life."""
    return {
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.MODIFIABLE: False,
    }


def _token_supports_eddsa(token: Any) -> bool:
    try:
        mechanisms = token.slot.get_mechanisms()
    except p11e.PKCS11Error:
        return False
    return Mechanism.EDDSA in mechanisms and Mechanism.EC_EDWARDS_KEY_PAIR_GEN in mechanisms


def _decode_ec_point(point: bytes) -> bytes:
    """CKA_EC_POINT is a DER OCTET STRING (04 20 || key) in v2.40; some tokens give raw bytes."""
    if len(point) == 34 and point[:2] == b"\x04\x20":
        return point[2:]
    if len(point) == 32:
        return point
    raise KeyringError("audit public key has an unexpected CKA_EC_POINT encoding")
