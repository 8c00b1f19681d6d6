"""The keyring interface: where root keys live and never leave.

A keyring holds versioned root keys that wrap per-customer data keys, plus two
separate secrets: the blind-index key (HMAC-SHA256) and the audit signing key
(Ed25519). Two implementations: a local key file (``local_keyring``) and a
PKCS#11 token (``pkcs11_keyring``). Callers depend only on this protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key wrapped by one root-key version. ``blob`` is opaque to callers."""

    key_id: str
    version: int
    blob: bytes


@dataclass(frozen=True, slots=True)
class RootKeyInfo:
    key_id: str
    version: int
    created_at: str  # ISO 8601 UTC
    state: str  # "active" (wraps new keys), "enabled" (unwraps only), "retired"


@runtime_checkable
class Keyring(Protocol):
    """What every keyring provides. Methods raise ``crypto.errors.CryptoError`` subclasses."""

    kind: str  # "local" or "pkcs11"

    @property
    def key_id(self) -> str:
        """Stable id of this keyring's root key lineage."""
        ...

    @property
    def sealed(self) -> bool:
        """True while a passphrase (or PIN) is needed before keys can be used."""
        ...

    def unseal(self, passphrase: str) -> None: ...

    def current_version(self) -> int: ...

    def versions(self) -> list[RootKeyInfo]: ...

    def wrap(self, data_key: bytes, aad: bytes = b"") -> WrappedKey:
        """Wrap with the active root version; ``aad`` binds the wrap to its owner."""
        ...

    def unwrap(self, wrapped: WrappedKey, aad: bytes = b"") -> bytes: ...

    def rotate(self) -> int:
        """Create a new root version, make it active, return its number."""
        ...

    def retire(self, version: int) -> None:
        """Destroy a root version. Callers must ensure no data key still uses it."""
        ...

    def blind_index(self, message: bytes) -> bytes:
        """HMAC-SHA256 under the separate blind-index key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature under the audit signing key."""
        ...

    def signing_public_key(self) -> bytes:
        """Raw 32-byte Ed25519 public key of the audit signing key."""
        ...
