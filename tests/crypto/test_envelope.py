"""Envelope sealing: AES-256-GCM bound to table, row and field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amanah.crypto.envelope import FORMAT_V1, DataKey, binding, new_data_key
from amanah.crypto.errors import IntegrityError

KEY = DataKey(new_data_key())
AAD = binding("customer_fields", "fld_1", "phone")


@given(st.binary(max_size=4096))
def test_seal_then_open_returns_the_plaintext(plaintext: bytes) -> None:
    assert KEY.open(KEY.seal(plaintext, AAD), AAD) == plaintext


def test_sealed_value_is_versioned_and_randomised() -> None:
    first, second = KEY.seal(b"+6281234567890", AAD), KEY.seal(b"+6281234567890", AAD)
    assert first[0] == FORMAT_V1
    assert first != second
    assert b"6281234567890" not in first


@pytest.mark.parametrize(
    "moved",
    [
        binding("customer_fields", "fld_2", "phone"),  # another row
        binding("customer_fields", "fld_1", "email"),  # another field
        binding("transcript_segments", "fld_1", "phone"),  # another table
    ],
)
def test_a_ciphertext_moved_elsewhere_fails_to_open(moved: bytes) -> None:
    with pytest.raises(IntegrityError):
        KEY.open(KEY.seal(b"secret", AAD), moved)


def test_another_customers_key_cannot_open() -> None:
    with pytest.raises(IntegrityError):
        DataKey(new_data_key()).open(KEY.seal(b"secret", AAD), AAD)


@given(st.binary(max_size=64), st.integers(min_value=0, max_value=63))
def test_any_tampering_is_detected(plaintext: bytes, position: int) -> None:
    sealed = bytearray(KEY.seal(plaintext, AAD))
    sealed[position % len(sealed)] ^= 0x01
    with pytest.raises(IntegrityError):
        KEY.open(bytes(sealed), AAD)


@given(st.binary(max_size=40))
def test_garbage_never_opens_and_never_crashes(garbage: bytes) -> None:
    with pytest.raises(IntegrityError):
        KEY.open(garbage, AAD)


def test_binding_parts_cannot_be_shifted() -> None:
    assert binding("a", "bc", "d") != binding("ab", "c", "d")
