"""AES-256-GCM sealing of single values under a data key.

Sealed format, version 1: ``0x01 || nonce (12 bytes) || ciphertext || tag (16 bytes)``.
The associated data binds a value to where it lives (table, row id, field), so
a ciphertext copied into another row or field fails to open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from amanah.crypto.errors import IntegrityError

FORMAT_V1 = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = bytes([FORMAT_V1])
_MIN_LEN = 1 + NONCE_BYTES + 16


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def binding(table: str, row_id: str, field: str) -> bytes:
    """The AAD for one stored value. Unambiguous because the parts contain no NUL."""
    return f"amanah.v1\x00{table}\x00{row_id}\x00{field}".encode()


class DataKey:
    """One customer's data key, ready to seal and open many values."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("data keys are 256-bit")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return _HEADER + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < _MIN_LEN or sealed[0] != FORMAT_V1:
            raise IntegrityError("unknown sealed-value format")
        try:
            return self._aead.decrypt(sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :], aad)
        except InvalidTag:
            raise IntegrityError("sealed value failed authentication") from None
