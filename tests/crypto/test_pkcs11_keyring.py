"""The PKCS#11 keyring against a real SoftHSM2 token (see conftest.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pkcs11
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pkcs11 import Attribute, KeyType, MechanismFlag, ObjectClass

from amanah.crypto import pkcs11_keyring
from amanah.crypto.errors import IntegrityError, KeyNotFound, KeyringError, KeyringSealed
from amanah.crypto.keyring import Keyring, WrappedKey
from amanah.crypto.pkcs11_keyring import Pkcs11Keyring

pytestmark = pytest.mark.softhsm

Make = Callable[..., Pkcs11Keyring]
# Fixture types from conftest.py (not importable: tests/ is not a package).
SoftHsm = Any
TokenSpec = Any
AAD = b"customers/42/data_key"


@pytest.fixture
def keyring(pkcs11_token: TokenSpec, pkcs11_keyrings: Make) -> Pkcs11Keyring:
    return pkcs11_keyrings(pkcs11_token, initialise=True)


@pytest.fixture
def raw_session(softhsm: SoftHsm, keyring: Pkcs11Keyring) -> Iterator[Any]:
    """A second session on the shared token; it shares the keyring's login."""
    lib = pkcs11.lib(os.path.realpath(softhsm.library))
    session = lib.get_token(token_label=softhsm.shared_token).open()
    yield session
    session.close()  # no login of its own, so no C_Logout


def test_satisfies_keyring_protocol(keyring: Pkcs11Keyring) -> None:
    assert isinstance(keyring, Keyring)
    assert keyring.kind == "pkcs11"
    assert keyring.key_id.startswith("pkcs11:amanah-test/")


def test_wrap_unwrap_round_trip(keyring: Pkcs11Keyring) -> None:
    data_key = secrets.token_bytes(32)
    wrapped = keyring.wrap(data_key, AAD)
    assert wrapped.key_id == keyring.key_id
    assert wrapped.version == keyring.current_version() == 1
    assert wrapped.blob[:5] == b"\x01\x00\x00\x00\x01"
    assert len(wrapped.blob) == 5 + 12 + 32 + 16
    assert data_key not in wrapped.blob
    assert keyring.unwrap(wrapped, AAD) == data_key
    # a fresh IV every time
    assert keyring.wrap(data_key, AAD).blob != wrapped.blob


def test_aad_binds_the_wrap(keyring: Pkcs11Keyring) -> None:
    wrapped = keyring.wrap(secrets.token_bytes(32), AAD)
    for other in (b"", b"customers/43/data_key", AAD + b"x"):
        with pytest.raises(IntegrityError):
            keyring.unwrap(wrapped, other)
    no_aad = keyring.wrap(secrets.token_bytes(32))
    with pytest.raises(IntegrityError):
        keyring.unwrap(no_aad, AAD)


def test_tampered_blob_is_refused(keyring: Pkcs11Keyring) -> None:
    data_key = secrets.token_bytes(32)
    wrapped = keyring.wrap(data_key, AAD)
    blob = wrapped.blob
    for i in (5, 16, 17, 30, len(blob) - 1):  # iv, ciphertext, tag
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(IntegrityError):
            keyring.unwrap(dataclasses.replace(wrapped, blob=bytes(bad)), AAD)
    for bad_blob in (blob[:-1], blob[:20], b"", b"\x02" + blob[1:]):
        with pytest.raises(IntegrityError):
            keyring.unwrap(dataclasses.replace(wrapped, blob=bad_blob), AAD)
    # The version in the record and in the blob must agree...
    with pytest.raises(IntegrityError):
        keyring.unwrap(dataclasses.replace(wrapped, version=2), AAD)
    # ...and the blob header is authenticated, so relabelling both fails too.
    keyring.rotate()
    relabelled = WrappedKey(wrapped.key_id, 2, b"\x01\x00\x00\x00\x02" + blob[5:])
    with pytest.raises(IntegrityError):
        keyring.unwrap(relabelled, AAD)
    with pytest.raises(KeyNotFound):
        keyring.unwrap(dataclasses.replace(wrapped, key_id="pkcs11:other/root"), AAD)
    # The token is still healthy after the failures.
    assert keyring.unwrap(wrapped, AAD) == data_key


def test_token_keys_are_sensitive_and_never_extractable(
    keyring: Pkcs11Keyring, pkcs11_token: TokenSpec, raw_session: Any
) -> None:
    label = pkcs11_token.key_label
    root = raw_session.get_key(ObjectClass.SECRET_KEY, KeyType.AES, label=f"{label}-v1")
    hmac_key = raw_session.get_key(
        ObjectClass.SECRET_KEY, KeyType.GENERIC_SECRET, label=f"{label}-blind-index"
    )
    ed_key = raw_session.get_key(
        ObjectClass.PRIVATE_KEY, KeyType.EC_EDWARDS, label=f"{label}-audit"
    )
    assert root[Attribute.ID] == b"\x00\x00\x00\x01"
    assert root[Attribute.VALUE_LEN] == 32
    for key in (root, hmac_key, ed_key):
        assert key[Attribute.TOKEN] is True
        assert key[Attribute.PRIVATE] is True
        assert key[Attribute.SENSITIVE] is True
        assert key[Attribute.EXTRACTABLE] is False
        assert key[Attribute.ALWAYS_SENSITIVE] is True
        assert key[Attribute.NEVER_EXTRACTABLE] is True
        assert key[Attribute.LOCAL] is True  # generated inside the token
        with pytest.raises(pkcs11.exceptions.AttributeSensitive):
            key[Attribute.VALUE]
    # Nor can the root key be exported wrapped under a key the caller controls.
    kek = raw_session.generate_key(
        KeyType.AES, 256, capabilities=MechanismFlag.WRAP | MechanismFlag.UNWRAP
    )
    with pytest.raises(pkcs11.exceptions.KeyUnextractable):
        kek.wrap_key(root)
    # And it cannot be made extractable after the fact.
    with pytest.raises(pkcs11.exceptions.PKCS11Error):
        root[Attribute.EXTRACTABLE] = True


def test_no_root_key_without_initialise(pkcs11_token: TokenSpec, pkcs11_keyrings: Make) -> None:
    keyring = pkcs11_keyrings(pkcs11_token)
    assert not keyring.sealed
    with pytest.raises(KeyNotFound):
        keyring.current_version()
    with pytest.raises(KeyNotFound):
        keyring.wrap(secrets.token_bytes(32))
    with pytest.raises(KeyNotFound):
        keyring.blind_index(b"x")
    keyring.ensure_keys()
    assert keyring.current_version() == 1


def test_initialise_is_idempotent(pkcs11_token: TokenSpec, pkcs11_keyrings: Make) -> None:
    first = pkcs11_keyrings(pkcs11_token, initialise=True)
    public_key = first.signing_public_key()
    second = pkcs11_keyrings(pkcs11_token, initialise=True)
    assert [v.version for v in second.versions()] == [1]
    assert second.signing_public_key() == public_key
    assert second.blind_index(b"a") == first.blind_index(b"a")


def test_rotate_keeps_old_blobs_and_wraps_with_new_version(keyring: Pkcs11Keyring) -> None:
    data_key = secrets.token_bytes(32)
    old = keyring.wrap(data_key, AAD)
    assert keyring.rotate() == 2
    assert keyring.current_version() == 2
    new = keyring.wrap(data_key, AAD)
    assert new.version == 2
    assert new.blob[:5] == b"\x01\x00\x00\x00\x02"
    assert keyring.unwrap(old, AAD) == data_key
    assert keyring.unwrap(new, AAD) == data_key
    states = {v.version: v.state for v in keyring.versions()}
    assert states == {1: "enabled", 2: "active"}
    for info in keyring.versions():
        assert info.key_id == keyring.key_id
        assert info.created_at.endswith("+00:00")


def test_retire_destroys_the_version(keyring: Pkcs11Keyring) -> None:
    data_key = secrets.token_bytes(32)
    old = keyring.wrap(data_key, AAD)
    keyring.rotate()
    with pytest.raises(KeyringError):
        keyring.retire(2)  # the active version: rotate first
    with pytest.raises(KeyNotFound):
        keyring.retire(7)
    keyring.retire(1)
    with pytest.raises(KeyNotFound):
        keyring.unwrap(old, AAD)
    with pytest.raises(KeyNotFound):
        keyring.retire(1)
    assert {v.version: v.state for v in keyring.versions()} == {1: "retired", 2: "active"}
    # Version numbers are never reused.
    assert keyring.rotate() == 3


def test_blind_index_is_deterministic_and_keyed_in_the_token(
    keyring: Pkcs11Keyring, pkcs11_token: TokenSpec, pkcs11_keyrings: Make
) -> None:
    phone = b"+6281234567890"
    index = keyring.blind_index(phone)
    assert len(index) == 32
    assert keyring.blind_index(phone) == index
    assert keyring.blind_index(b"+6281234567891") != index
    guesses = [b"", b"\x00" * 32, pkcs11_token.key_label.encode(), pkcs11_token.pin.encode()]
    for guess in guesses:
        assert hmac.new(guess, phone, hashlib.sha256).digest() != index
    assert hashlib.sha256(phone).digest() != index
    # Another lineage on the same token has its own key.
    other = pkcs11_keyrings(
        dataclasses.replace(pkcs11_token, key_label=pkcs11_token.key_label + "-b"),
        initialise=True,
    )
    assert other.blind_index(phone) != index


def test_sign_verifies_with_ed25519(keyring: Pkcs11Keyring) -> None:
    assert keyring.signs_in_token  # SoftHSM2 does CKM_EDDSA
    public_key = keyring.signing_public_key()
    assert len(public_key) == 32
    message = b"audit record 1"
    signature = keyring.sign(message)
    assert len(signature) == 64
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    verifier.verify(signature, message)
    with pytest.raises(InvalidSignature):
        verifier.verify(signature, message + b"!")


def test_software_signing_fallback(
    pkcs11_token: TokenSpec, pkcs11_keyrings: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token without EdDSA keeps the Ed25519 key only as a blob the token encrypted."""
    monkeypatch.setattr(pkcs11_keyring, "_token_supports_eddsa", lambda token: False)
    keyring = pkcs11_keyrings(pkcs11_token, initialise=True)
    assert not keyring.signs_in_token
    signature = keyring.sign(b"m")
    Ed25519PublicKey.from_public_bytes(keyring.signing_public_key()).verify(signature, b"m")
    reopened = pkcs11_keyrings(pkcs11_token)
    assert reopened.signing_public_key() == keyring.signing_public_key()
    Ed25519PublicKey.from_public_bytes(reopened.signing_public_key()).verify(
        reopened.sign(b"n"), b"n"
    )


def test_sealed_keyring_refuses_until_unseal(
    pkcs11_token: TokenSpec, pkcs11_keyrings: Make
) -> None:
    pkcs11_keyrings(pkcs11_token, initialise=True)
    sealed = pkcs11_keyrings(pkcs11_token, pin=None)
    assert sealed.sealed
    for call in (
        lambda: sealed.wrap(secrets.token_bytes(32)),
        lambda: sealed.unwrap(WrappedKey(sealed.key_id, 1, b"\x01" * 70)),
        lambda: sealed.current_version(),
        lambda: sealed.versions(),
        lambda: sealed.rotate(),
        lambda: sealed.blind_index(b"x"),
        lambda: sealed.sign(b"x"),
        lambda: sealed.signing_public_key(),
    ):
        with pytest.raises(KeyringSealed):
            call()
    with pytest.raises(KeyringSealed):
        sealed.unseal("0000")
    assert sealed.sealed
    sealed.unseal(pkcs11_token.pin)
    assert not sealed.sealed
    data_key = secrets.token_bytes(32)
    assert sealed.unwrap(sealed.wrap(data_key), b"") == data_key
    sealed.close()
    assert sealed.sealed


def test_wrong_pin_is_keyring_sealed(
    softhsm: SoftHsm, pkcs11_token: TokenSpec, pkcs11_keyrings: Make
) -> None:
    # Nothing holds a login on this token, so the PIN goes to C_Login.
    fresh = dataclasses.replace(pkcs11_token, token_label=softhsm.pin_token)
    with pytest.raises(KeyringSealed):
        Pkcs11Keyring(fresh.library, fresh.token_label, "9999", fresh.key_label)
    right = pkcs11_keyrings(fresh)
    assert not right.sealed
    # While it is logged in, a second keyring must still present the same PIN.
    with pytest.raises(KeyringSealed):
        Pkcs11Keyring(fresh.library, fresh.token_label, "9999", fresh.key_label)
    right.close()


def test_unknown_token_or_library_is_keyring_error(
    softhsm: SoftHsm, pkcs11_token: TokenSpec
) -> None:
    with pytest.raises(KeyringError):
        Pkcs11Keyring(softhsm.library, "no-such-token", softhsm.pin)
    with pytest.raises(KeyringError):
        Pkcs11Keyring("/nonexistent/libpkcs11.so", softhsm.shared_token, softhsm.pin)
    with pytest.raises(KeyringError):
        Pkcs11Keyring(softhsm.library, softhsm.shared_token, softhsm.pin, key_label="bad label")


def test_state_persists_in_the_token(pkcs11_token: TokenSpec, pkcs11_keyrings: Make) -> None:
    first = pkcs11_keyrings(pkcs11_token, initialise=True)
    data_key = secrets.token_bytes(32)
    old = first.wrap(data_key, AAD)
    first.rotate()
    new = first.wrap(data_key, AAD)
    second = pkcs11_keyrings(pkcs11_token)
    assert second.versions() == first.versions()
    assert second.current_version() == 2
    assert second.unwrap(old, AAD) == data_key
    assert second.unwrap(new, AAD) == data_key
    assert second.signing_public_key() == first.signing_public_key()
    assert second.blind_index(b"x") == first.blind_index(b"x")
    # Closing one keyring does not log the other out.
    first.close()
    assert second.unwrap(new, AAD) == data_key


def test_concurrent_use_from_threads(keyring: Pkcs11Keyring) -> None:
    def work(i: int) -> bool:
        data_key = secrets.token_bytes(32)
        aad = f"row/{i}".encode()
        ok = keyring.unwrap(keyring.wrap(data_key, aad), aad) == data_key
        return ok and len(keyring.blind_index(aad)) == 32

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(400)))
