"""Signed checkpoints in the C2SP formats, so existing transparency-log tools read them.

- c2sp.org/tlog-checkpoint: the body is the origin line, the tree size in
  decimal, the base64 root hash, then optional non-empty extension lines; every
  line ends in "\\n".
- c2sp.org/signed-note: the note is the body, a blank line, then signature
  lines "— <key name> <base64(key ID || signature)>\\n" (U+2014 EM DASH, space).
  For Ed25519 the key ID is SHA-256(name || 0x0A || 0x01 || public key)[:4].

Signing takes a callable so the private key never leaves the keyring. The
parsers are strict (one canonical spelling of every value) and raise only
``CheckpointError``: their input is whatever someone hands an auditor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from amanah.audit.errors import CheckpointError, CheckpointSignatureError

__all__ = [
    "ED25519",
    "Checkpoint",
    "NoteSignature",
    "format_checkpoint",
    "key_id",
    "parse_checkpoint",
    "parse_verifier_key",
    "sign_checkpoint",
    "sign_note",
    "split_note",
    "verifier_key",
    "verify_note",
    "verify_signed_checkpoint",
]

ED25519 = 0x01
"""Signature type byte of Ed25519 in c2sp.org/signed-note."""

HASH_SIZE = 32
MAX_TREE_SIZE = (1 << 64) - 1
MAX_NOTE_CHARS = 1 << 20
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
_DASH = "\u2014 "
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_ROOT_B64 = re.compile(r"[A-Za-z0-9+/]{43}=")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's commitment to its first ``size`` entries: their RFC 9162 root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line of a note, not yet verified."""

    name: str
    key_id: bytes
    signature: bytes


# --- keys ----------------------------------------------------------------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte Ed25519 key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    _check_name(name)
    _check_public_key(public_key)
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """``<name>+<hex key ID>+<base64(0x01 || key)>``, as golang.org/x/mod/sumdb/note reads it."""
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes]:
    """Split a verifier key into (name, 32-byte Ed25519 public key), checking its key ID."""
    if not isinstance(vkey, str) or vkey.count("+") < 2:
        raise CheckpointError("not a verifier key")
    name, hex_id, encoded = vkey.split("+", 2)
    raw = _b64decode(encoded)
    if len(raw) != 33 or raw[0] != ED25519:
        raise CheckpointError("verifier key is not an Ed25519 key")
    public_key = raw[1:]
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id) or bytes.fromhex(hex_id) != key_id(
        name, public_key
    ):
        raise CheckpointError("verifier key ID does not match its name and key")
    return name, public_key


def _check_name(name: object) -> None:
    """Key names: non-empty, no Unicode spaces, no '+', no control characters."""
    if (
        not isinstance(name, str)
        or not name
        or "+" in name
        or any(ch.isspace() for ch in name)
        or _CONTROL.search(name)
        or not _is_utf8(name)
    ):
        raise CheckpointError("key names must be non-empty, without spaces or '+'")


def _check_public_key(public_key: object) -> None:
    if not isinstance(public_key, bytes) or len(public_key) != 32:
        raise CheckpointError("an Ed25519 public key is 32 bytes")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def _b64decode(text: str) -> bytes:
    """Standard base64, canonical only: what we decode must re-encode to the same text."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError("bad base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise CheckpointError("non-canonical base64")
    return raw


# --- checkpoint body -----------------------------------------------------------------------


def format_checkpoint(cp: Checkpoint) -> str:
    """The checkpoint body (the note text that gets signed)."""
    _check_line(cp.origin, "origin")
    if type(cp.size) is not int or not 0 <= cp.size <= MAX_TREE_SIZE:
        raise CheckpointError("tree size must be an integer in 0..2**64-1")
    if not isinstance(cp.root_hash, bytes) or len(cp.root_hash) != HASH_SIZE:
        raise CheckpointError("root hash must be 32 bytes")
    for line in cp.extensions:
        _check_line(line, "extension line")
    lines = [cp.origin, str(cp.size), base64.b64encode(cp.root_hash).decode(), *cp.extensions]
    return "".join(line + "\n" for line in lines)


def _check_line(line: object, what: str) -> None:
    if not isinstance(line, str) or not line or "\n" in line or _CONTROL.search(line):
        raise CheckpointError(f"{what} must be a non-empty line without control characters")
    if not _is_utf8(line):
        raise CheckpointError(f"{what} is not valid UTF-8")


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (no signatures); strict, raises ``CheckpointError``."""
    _check_text(text)
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs origin, size and root hash lines")
    origin, size, root_b64, *extensions = lines
    if not all(lines):
        raise CheckpointError("checkpoint lines must not be empty")
    if not _SIZE.fullmatch(size) or int(size) > MAX_TREE_SIZE:
        raise CheckpointError("tree size must be decimal without leading zeroes, below 2**64")
    if not _ROOT_B64.fullmatch(root_b64):
        raise CheckpointError("root hash must be the base64 of 32 bytes")
    return Checkpoint(origin, int(size), _b64decode(root_b64), tuple(extensions))


def _check_text(text: object) -> None:
    """Signed-note text rules: bounded, valid UTF-8, no control characters but newline."""
    if not isinstance(text, str):
        raise CheckpointError("checkpoint text must be a string")
    if len(text) > MAX_NOTE_CHARS:
        raise CheckpointError("note too large")
    if _CONTROL.search(text) or not _is_utf8(text):
        raise CheckpointError("note must be UTF-8 without control characters")


# --- signed notes --------------------------------------------------------------------------


def sign_note(text: str, name: str, sign: Callable[[bytes], bytes], public_key: bytes) -> str:
    """Sign note ``text`` with Ed25519 through ``sign``; return the signed note.

    The signature is checked against ``public_key`` before it is returned, so a
    keyring that signs with another key than it reports fails here, not at an auditor.
    """
    _check_text(text)
    if not text.endswith("\n"):
        raise CheckpointError("note text must end with a newline")
    kid = key_id(name, public_key)
    message = text.encode()
    signature = bytes(sign(message))
    if len(signature) != 64 or not _ed25519_ok(public_key, signature, message):
        raise CheckpointSignatureError("the signer's signature does not match its public key")
    return f"{text}\n{_DASH}{name} {base64.b64encode(kid + signature).decode()}\n"


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signature lines (unverified)."""
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("signed note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise CheckpointError("signed note must end with a signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError("too many signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_DASH) or line.count(" ") != 2:
        raise CheckpointError("malformed signature line")
    name, encoded = line[len(_DASH) :].split(" ")
    _check_name(name)
    raw = _b64decode(encoded)
    if len(raw) < 5:
        raise CheckpointError("signature too short")
    return NoteSignature(name, raw[:4], raw[4:])


def verify_note(note: str, name: str, public_key: bytes) -> str:
    """Return the note's text if the trusted key signed it; raise otherwise.

    Signatures from other keys (say, witnesses' cosignatures) are ignored, as
    the spec requires; a bad signature from the trusted key rejects the note.
    """
    text, signatures = split_note(note)
    kid = key_id(name, public_key)
    mine = [s for s in signatures if s.name == name and s.key_id == kid]
    if not mine:
        raise CheckpointSignatureError("no signature from the trusted key")
    message = text.encode()
    for sig in mine:
        if not _ed25519_ok(public_key, sig.signature, message):
            raise CheckpointSignatureError("signature does not verify")
    return text


def _ed25519_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- signed checkpoints --------------------------------------------------------------------


def sign_checkpoint(
    cp: Checkpoint, name: str, sign: Callable[[bytes], bytes], public_key: bytes
) -> str:
    """The signed note of ``cp``. ``sign`` is the keyring's Ed25519 signer (message -> 64 bytes)."""
    return sign_note(format_checkpoint(cp), name, sign, public_key)


def verify_signed_checkpoint(
    text: str, name: str, public_key: bytes, *, origin: str | None = None
) -> Checkpoint:
    """The checkpoint in a signed note, once the trusted key's signature verifies.

    Pass ``origin`` to also insist the checkpoint is of that log: the same key
    signing for two logs must not let one's checkpoint stand for the other's.
    """
    cp = parse_checkpoint(verify_note(text, name, public_key))
    if origin is not None and cp.origin != origin:
        raise CheckpointSignatureError("checkpoint is for another log")
    return cp
