"""Operators: what replaces a detected value.

==============  =====================================================  ==================
name            output                                                 notes
==============  =====================================================  ==================
``replace``     ``[CREDIT_CARD]``                                      default
``mask``        ``**** **** **** 1111`` (keeps the last 4 of numbers)  never for secrets
``hash``        ``[CREDIT_CARD:3f9a...]`` HMAC-SHA256 with your key    stable per key
``pseudonym``   ``[PERSON_1]``, ``[PERSON_2]`` per distinct value      one per transcript
``encrypt``     ``[ENC:CREDIT_CARD:<base64url>]``, the injected ``seal``  reversible via vault
==============  =====================================================  ==================
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Protocol

from .errors import RedactionError
from .model import Entity

# Types whose last four characters may be shown (as on a receipt); never secrets, names, dates.
MASKABLE = frozenset(
    {"CREDIT_CARD", "BANK_ACCOUNT", "PHONE_NUMBER", "ID_NIK", "ID_NPWP", "IBAN_CODE", "ID_NRIC",
     "US_SSN", "PASSPORT"}
)  # fmt: skip
_ALNUM = re.compile(r"[0-9A-Za-z]")


def canonical(entity_type: str, value: str) -> str:
    """The value with formatting removed, so "4111 1111..." and "4111-1111..." hash alike."""
    if entity_type in ("PERSON", "EMAIL_ADDRESS", "ADDRESS"):
        return " ".join(value.casefold().split())
    if entity_type == "SECRET":
        return value
    return "".join(_ALNUM.findall(value)).upper()


class Operator(Protocol):
    def apply(self, entity: Entity, value: str) -> str: ...


class Replace:
    """``[TYPE]``."""

    def apply(self, entity: Entity, value: str) -> str:
        return f"[{entity.type}]"


class Mask:
    """Mask letters and digits with ``char``, keeping separators and (for numbers) the last few."""

    def __init__(self, keep_last: int = 4, char: str = "*") -> None:
        self.keep_last = keep_last
        self.char = char

    def apply(self, entity: Entity, value: str) -> str:
        alnum = len(_ALNUM.findall(value))
        # show the tail only when it is at most half of the value
        keep = self.keep_last if entity.type in MASKABLE and alnum >= 2 * self.keep_last else 0
        out = []
        seen = 0
        for ch in value:
            if _ALNUM.match(ch):
                seen += 1
                out.append(ch if seen > alnum - keep else self.char)
            else:
                out.append(ch)
        return "".join(out)


class KeyedHash:
    """``[TYPE:hex]``: HMAC-SHA256 of the canonical value under ``key`` (stable per tenant key)."""

    def __init__(self, key: bytes, length: int = 16) -> None:
        if len(key) < 16:
            raise RedactionError("hash key must be at least 16 bytes")
        self._key = key
        self.length = length

    def digest(self, entity_type: str, value: str) -> str:
        msg = f"{entity_type}\x00{canonical(entity_type, value)}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()[: self.length]

    def apply(self, entity: Entity, value: str) -> str:
        return f"[{entity.type}:{self.digest(entity.type, value)}]"

    def __repr__(self) -> str:
        return f"KeyedHash(length={self.length})"


class Pseudonym:
    """``[PERSON_1]``...: one pseudonym per distinct value. Use one instance per transcript."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def apply(self, entity: Entity, value: str) -> str:
        key = (entity.type, canonical(entity.type, value))
        label = self._seen.get(key)
        if label is None:
            n = self._counts.get(entity.type, 0) + 1
            self._counts[entity.type] = n
            label = self._seen[key] = f"{entity.type}_{n}"
        return f"[{label}]"

    def __repr__(self) -> str:
        return f"Pseudonym(values={len(self._seen)})"


ENC_RE = re.compile(r"\[ENC:([A-Z_]+):([A-Za-z0-9_\-]+)\]")
Seal = Callable[[str, bytes], bytes]  # (entity type, plaintext) -> sealed bytes, and back

# Sensitive authentication data is never kept, not even encrypted (PCI DSS v4 req. 3.3.1:
# card verification codes and PINs); a caller's OTP or password goes the same way.
NEVER_SEALED = frozenset({"CARD_CVV", "SECRET"})


class Encrypt:
    """``[ENC:<TYPE>:<base64url>]`` where the bytes are ``seal(TYPE, value)``: the vault's
    envelope encryption. The type stays readable, as with ``replace``, so analytics still
    count cards; ``seal`` binds it as associated data, so a token cannot be relabelled to
    pass a looser rule at reveal. CVVs and secrets get their tag only (``NEVER_SEALED``).

    ``seal`` must be authenticated encryption (the vault uses AES-256-GCM with AAD);
    :func:`reveal` reverses it with the matching ``unseal``.
    """

    def __init__(self, seal: Seal) -> None:
        self._seal = seal

    def apply(self, entity: Entity, value: str) -> str:
        if entity.type in NEVER_SEALED:
            return f"[{entity.type}]"
        sealed = self._seal(entity.type, value.encode("utf-8"))
        token = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")
        return f"[ENC:{entity.type}:{token}]"

    def __repr__(self) -> str:
        return "Encrypt()"


def sealed_types(text: str) -> list[str]:
    """The entity types of the sealed values in ``text``, in order (read before opening any:
    the gate decides on them)."""
    return [m.group(1) for m in ENC_RE.finditer(text)]


def reveal(text: str, unseal: Seal) -> str:
    """Undo :class:`Encrypt` in ``text`` with ``unseal`` (only behind the access gate)."""

    def _one(m: re.Match[str]) -> str:
        token = m.group(2)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return unseal(m.group(1), raw).decode("utf-8")

    return ENC_RE.sub(_one, text)


OPERATOR_NAMES = ("replace", "mask", "hash", "pseudonym", "encrypt")


def get_operator(name: str, *, key: bytes | None = None, seal: Seal | None = None) -> Operator:
    """An operator by name; ``hash`` needs ``key``, ``encrypt`` needs ``seal``."""
    if name == "replace":
        return Replace()
    if name == "mask":
        return Mask()
    if name == "pseudonym":
        return Pseudonym()
    if name == "hash":
        if key is None:
            raise RedactionError("the hash operator needs a key")
        return KeyedHash(key)
    if name == "encrypt":
        if seal is None:
            raise RedactionError("the encrypt operator needs a seal function")
        return Encrypt(seal)
    raise RedactionError(f"unknown operator {name!r} ({', '.join(OPERATOR_NAMES)})")
