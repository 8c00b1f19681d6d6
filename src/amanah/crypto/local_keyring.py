"""A keyring in a local file (``var/keyring.json``, mode 0600).

The file holds the root-key versions, the blind-index key and the audit
signing key. Optionally the secrets are sealed by a passphrase through
Argon2id (memory-hard), so a copied file is useless without it. Another
process (``amanah keys rotate``) may change the file while a server runs: the
server notices the new modification time and reloads before it wraps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from amanah.crypto.errors import IntegrityError, KeyNotFound, KeyringError, KeyringSealed
from amanah.crypto.keyring import RootKeyInfo, WrappedKey

FILE_FORMAT = 1
WRAP_FORMAT = 1
KDF_PARAMS = {"memory_cost": 65_536, "iterations": 3, "lanes": 4}  # 64 MiB, RFC 9106 second choice


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    kdf = Argon2id(salt=salt, length=32, ad=None, secret=None, **params)
    return kdf.derive(passphrase.encode())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class _Secrets:
    roots: dict[int, bytes] = field(default_factory=dict)
    blind_index_key: bytes = b""
    signing_key: bytes = b""

    def to_json(self) -> dict[str, Any]:
        return {
            "roots": {str(v): _b64(k) for v, k in self.roots.items()},
            "blind_index_key": _b64(self.blind_index_key),
            "signing_key": _b64(self.signing_key),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Secrets:
        return cls(
            roots={int(v): _unb64(k) for v, k in data["roots"].items()},
            blind_index_key=_unb64(data["blind_index_key"]),
            signing_key=_unb64(data["signing_key"]),
        )


class LocalKeyring:
    """Root keys in a 0600 file, optionally sealed by a passphrase."""

    kind = "local"

    def __init__(self, path: Path, passphrase: str | None = None) -> None:
        self._path = Path(path)
        self._lock = threading.RLock()
        self._kek: bytes | None = None
        self._secrets: _Secrets | None = None
        self._doc: dict[str, Any] = {}
        self._mtime_ns = -1
        self._aeads: dict[int, AESGCM] = {}
        self._signer: Ed25519PrivateKey | None = None
        self._load()
        if passphrase is not None and self.sealed:
            self.unseal(passphrase)

    # ---- creation -------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str | None = None) -> LocalKeyring:
        """Write a new keyring file with root version 1. Refuses to overwrite one."""
        path = Path(path)
        if path.exists():
            raise KeyringError("a keyring already exists at this path")
        secrets = _Secrets(
            roots={1: AESGCM.generate_key(bit_length=256)},
            blind_index_key=os.urandom(32),
            signing_key=Ed25519PrivateKey.generate().private_bytes_raw(),
        )
        doc: dict[str, Any] = {
            "format": FILE_FORMAT,
            "key_id": f"local:{uuid.uuid4()}",
            "versions": [{"version": 1, "created_at": _now(), "state": "active"}],
        }
        kek = None
        if passphrase:
            salt = os.urandom(16)
            doc["kdf"] = {"name": "argon2id", "salt": _b64(salt), **KDF_PARAMS}
            kek = _derive(passphrase, salt, KDF_PARAMS)
        cls._write(path, doc, secrets, kek)
        return cls(path, passphrase)

    # ---- file io --------------------------------------------------------

    @staticmethod
    def _write(path: Path, doc: dict[str, Any], secrets: _Secrets, kek: bytes | None) -> None:
        payload = json.dumps(secrets.to_json()).encode()
        out = dict(doc)
        if kek is None:
            out["secrets"] = secrets.to_json()
            out.pop("sealed_secrets", None)
        else:
            nonce = os.urandom(12)
            out["sealed_secrets"] = _b64(nonce + AESGCM(kek).encrypt(nonce, payload, b"keyring"))
            out.pop("secrets", None)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(out, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def _load(self) -> None:
        try:
            stat = self._path.stat()
            doc = json.loads(self._path.read_text())
        except FileNotFoundError:
            raise KeyringError("no keyring file: run `amanah init`") from None
        except (OSError, ValueError):
            raise KeyringError("the keyring file cannot be read") from None
        if stat.st_mode & 0o077:
            raise KeyringError("the keyring file must not be readable by group or others (0600)")
        if doc.get("format") != FILE_FORMAT:
            raise KeyringError("unsupported keyring file format")
        self._doc = doc
        self._mtime_ns = stat.st_mtime_ns
        if "secrets" in doc:
            self._set_secrets(_Secrets.from_json(doc["secrets"]))
        elif self._kek is not None:
            self._set_secrets(self._open_sealed(self._kek))
        else:
            self._secrets = None

    def _open_sealed(self, kek: bytes) -> _Secrets:
        blob = _unb64(self._doc["sealed_secrets"])
        try:
            payload = AESGCM(kek).decrypt(blob[:12], blob[12:], b"keyring")
        except InvalidTag:
            raise KeyringSealed("wrong keyring passphrase") from None
        return _Secrets.from_json(json.loads(payload))

    def _set_secrets(self, secrets: _Secrets) -> None:
        self._secrets = secrets
        self._aeads = {v: AESGCM(k) for v, k in secrets.roots.items()}
        self._signer = Ed25519PrivateKey.from_private_bytes(secrets.signing_key)

    def _refresh(self) -> None:
        """Reload when another process rewrote the file (rotation, retirement)."""
        try:
            mtime = self._path.stat().st_mtime_ns
        except OSError:
            return
        if mtime != self._mtime_ns:
            self._load()

    def _require(self) -> _Secrets:
        if self._secrets is None:
            raise KeyringSealed("the keyring is sealed: run `amanah unseal`")
        return self._secrets

    # ---- Keyring protocol -----------------------------------------------

    @property
    def key_id(self) -> str:
        return str(self._doc["key_id"])

    @property
    def sealed(self) -> bool:
        return self._secrets is None

    @property
    def passphrase_protected(self) -> bool:
        return "kdf" in self._doc

    def unseal(self, passphrase: str) -> None:
        with self._lock:
            kdf = self._doc.get("kdf")
            if kdf is None:
                return
            params = {k: int(kdf[k]) for k in KDF_PARAMS}
            kek = _derive(passphrase, _unb64(kdf["salt"]), params)
            self._set_secrets(self._open_sealed(kek))
            self._kek = kek

    def versions(self) -> list[RootKeyInfo]:
        with self._lock:
            self._refresh()
            return [
                RootKeyInfo(self.key_id, v["version"], v["created_at"], v["state"])
                for v in self._doc["versions"]
            ]

    def current_version(self) -> int:
        with self._lock:
            self._refresh()
            active = [v["version"] for v in self._doc["versions"] if v["state"] == "active"]
            if not active:
                raise KeyringError("the keyring has no active root key")
            return max(active)

    def wrap(self, data_key: bytes, aad: bytes = b"") -> WrappedKey:
        version = self.current_version()
        aead = self._aead(version)
        nonce = os.urandom(12)
        blob = bytes([WRAP_FORMAT]) + nonce + aead.encrypt(nonce, data_key, aad)
        return WrappedKey(self.key_id, version, blob)

    def unwrap(self, wrapped: WrappedKey, aad: bytes = b"") -> bytes:
        blob = wrapped.blob
        if len(blob) < 29 or blob[0] != WRAP_FORMAT:
            raise IntegrityError("unknown wrapped-key format")
        aead = self._aead(wrapped.version)
        try:
            return aead.decrypt(blob[1:13], blob[13:], aad)
        except InvalidTag:
            raise IntegrityError("wrapped key failed authentication") from None

    def _aead(self, version: int) -> AESGCM:
        aead = self._aeads.get(version)
        if aead is None:
            with self._lock:
                self._refresh()
                self._require()
                aead = self._aeads.get(version)
        if aead is None:
            self._require()
            raise KeyNotFound(f"root key version {version} is not in the keyring")
        return aead

    def rotate(self) -> int:
        with self._lock:
            self._refresh()
            secrets = self._require()
            version = max(e["version"] for e in self._doc["versions"]) + 1
            secrets.roots[version] = AESGCM.generate_key(bit_length=256)
            for entry in self._doc["versions"]:
                if entry["state"] == "active":
                    entry["state"] = "enabled"
            self._doc["versions"].append(
                {"version": version, "created_at": _now(), "state": "active"}
            )
            self._persist(secrets)
            return version

    def retire(self, version: int) -> None:
        with self._lock:
            self._refresh()
            secrets = self._require()
            entry = next((e for e in self._doc["versions"] if e["version"] == version), None)
            if entry is None:
                raise KeyNotFound(f"root key version {version} is not in the keyring")
            if entry["state"] == "active":
                raise KeyringError("the active root key cannot be retired")
            entry["state"] = "retired"
            secrets.roots.pop(version, None)
            self._persist(secrets)

    def _persist(self, secrets: _Secrets) -> None:
        kek = self._kek if self.passphrase_protected else None
        self._write(self._path, self._doc, secrets, kek)
        self._load()

    def blind_index(self, message: bytes) -> bytes:
        key = self._require().blind_index_key
        return hmac.new(key, message, hashlib.sha256).digest()

    def sign(self, message: bytes) -> bytes:
        self._require()
        assert self._signer is not None
        return self._signer.sign(message)

    def signing_public_key(self) -> bytes:
        self._require()
        assert self._signer is not None
        return self._signer.public_key().public_bytes_raw()
