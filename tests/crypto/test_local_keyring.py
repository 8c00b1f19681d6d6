"""The local file keyring: permissions, passphrase sealing, rotation, retirement."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from amanah.crypto.errors import IntegrityError, KeyNotFound, KeyringError, KeyringSealed
from amanah.crypto.keyring import Keyring
from amanah.crypto.local_keyring import LocalKeyring

DEK = os.urandom(32)


def test_new_keyring_file_is_private_and_holds_no_plain_data_key(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    ring = LocalKeyring.create(path)
    assert isinstance(ring, Keyring)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wrapped = ring.wrap(DEK, b"cus_1")
    assert wrapped.version == 1 and DEK not in wrapped.blob
    assert ring.unwrap(wrapped, b"cus_1") == DEK


def test_refuses_a_group_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    LocalKeyring.create(path)
    path.chmod(0o640)
    with pytest.raises(KeyringError, match="0600"):
        LocalKeyring(path)


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    LocalKeyring.create(tmp_path / "k.json")
    with pytest.raises(KeyringError):
        LocalKeyring.create(tmp_path / "k.json")


def test_wrap_is_bound_to_its_owner(tmp_path: Path) -> None:
    ring = LocalKeyring.create(tmp_path / "k.json")
    with pytest.raises(IntegrityError):
        ring.unwrap(ring.wrap(DEK, b"cus_1"), b"cus_2")


def test_passphrase_seals_the_secrets(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    created = LocalKeyring.create(path, "correct horse battery staple")
    wrapped = created.wrap(DEK)
    text = path.read_text()
    assert "secrets" not in json.loads(text) and "sealed_secrets" in json.loads(text)

    sealed = LocalKeyring(path)
    assert sealed.sealed
    with pytest.raises(KeyringSealed):
        sealed.unwrap(wrapped)
    with pytest.raises(KeyringSealed):
        sealed.blind_index(b"x")
    with pytest.raises(KeyringSealed):
        sealed.unseal("wrong passphrase")
    sealed.unseal("correct horse battery staple")
    assert not sealed.sealed
    assert sealed.unwrap(wrapped) == DEK


def test_rotation_keeps_old_versions_until_retired(tmp_path: Path) -> None:
    ring = LocalKeyring.create(tmp_path / "k.json")
    old = ring.wrap(DEK)
    assert ring.rotate() == 2
    new = ring.wrap(DEK)
    assert new.version == 2 and ring.unwrap(old) == DEK
    with pytest.raises(KeyringError):
        ring.retire(2)  # the active version
    ring.retire(1)
    with pytest.raises(KeyNotFound):
        ring.unwrap(old)
    assert [(v.version, v.state) for v in ring.versions()] == [(1, "retired"), (2, "active")]


def test_another_process_sees_a_rotation(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    server = LocalKeyring.create(path)
    cli = LocalKeyring(path)
    cli.rotate()
    assert server.current_version() == 2
    assert server.unwrap(cli.wrap(DEK)) == DEK


def test_rotation_of_a_sealed_keyring_keeps_it_sealed(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    ring = LocalKeyring.create(path, "passphrase one")
    ring.rotate()
    assert "sealed_secrets" in json.loads(path.read_text())
    assert LocalKeyring(path).sealed


def test_blind_index_and_signing_keys_are_separate_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    ring = LocalKeyring.create(path)
    assert ring.blind_index(b"phone\x00+628123") == LocalKeyring(path).blind_index(
        b"phone\x00+628123"
    )
    assert ring.blind_index(b"a") != ring.blind_index(b"b")
    signature = ring.sign(b"checkpoint")
    Ed25519PublicKey.from_public_bytes(ring.signing_public_key()).verify(signature, b"checkpoint")
