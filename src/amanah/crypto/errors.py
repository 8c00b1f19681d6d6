"""Crypto errors. They subclass nothing from amanah (crypto stands alone);
``app.py`` and ``cli.py`` translate them at the boundary."""

from __future__ import annotations


class CryptoError(Exception):
    """Root of crypto failures. Messages never carry key material or plaintext."""


class IntegrityError(CryptoError):
    """A sealed value failed authentication: tampered, moved, or the wrong key."""


class KeyringSealed(CryptoError):
    """The keyring is locked by a passphrase and has not been unsealed."""


class KeyNotFound(CryptoError):
    """A key id or version is not in the keyring (retired, destroyed or foreign)."""


class KeyringError(CryptoError):
    """The keyring could not be opened or used (file, token, PIN)."""
