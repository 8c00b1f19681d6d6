"""Operators: replace, mask, keyed hash, pseudonym, encrypt (injected seal)."""

from __future__ import annotations

import pytest

from amanah.redaction import (
    Encrypt,
    KeyedHash,
    Mask,
    Pseudonym,
    RedactionError,
    Redactor,
    get_operator,
    reveal,
    sealed_types,
)

TEXT = "Kartu 4111 1111 1111 1111 atas nama Budi Santoso, OTP 482913"
KEY = b"k" * 32


@pytest.fixture(scope="module")
def r() -> Redactor:
    return Redactor()


def test_replace(r: Redactor) -> None:
    assert r.redact(TEXT).text == "Kartu [CREDIT_CARD] atas nama [PERSON], OTP [SECRET]"


def test_mask_keeps_last_four_of_numbers_only(r: Redactor) -> None:
    out = r.redact(TEXT, Mask()).text
    assert "**** **** **** 1111" in out
    assert "482913" not in out and "2913" not in out  # secrets fully masked
    assert "Budi" not in out and "****" in out


def test_keyed_hash_is_stable_and_format_independent(r: Redactor) -> None:
    op = KeyedHash(KEY)
    a = r.redact("card 4111 1111 1111 1111", op).text
    b = r.redact("card 4111-1111-1111-1111", op).text
    assert a == b and a.startswith("card [CREDIT_CARD:")
    other = r.redact("card 4111 1111 1111 1111", KeyedHash(b"x" * 32)).text
    assert other != a
    with pytest.raises(RedactionError):
        KeyedHash(b"short")


def test_pseudonym_consistent_within_transcript(r: Redactor) -> None:
    op = Pseudonym()
    first = r.redact("Nama saya Budi Santoso, istri saya Ibu Siti Rahma", op).text
    again = r.redact("Pak Budi Santoso sudah konfirmasi", op).text
    assert first == "Nama saya [PERSON_1], istri saya Ibu [PERSON_2]"
    assert again == "Pak [PERSON_1] sudah konfirmasi"


def test_encrypt_uses_injected_seal_and_reveals(r: Redactor) -> None:
    seen: list[str] = []

    def seal(kind: str, data: bytes) -> bytes:
        seen.append(kind)
        return b"sealed:" + data[::-1]

    def unseal(kind: str, data: bytes) -> bytes:
        assert data.startswith(b"sealed:")
        return data[7:][::-1]

    out = r.redact(TEXT, Encrypt(seal)).text
    assert "4111" not in out and out.count("[ENC:") == 2
    assert sealed_types(out) == seen == ["CREDIT_CARD", "PERSON"]
    assert reveal(out, unseal) == TEXT.replace("482913", "[SECRET]")


def test_encrypt_never_keeps_a_cvv_or_a_secret(r: Redactor) -> None:
    """PCI DSS 3.3.1: sensitive authentication data is not stored, encrypted or not."""
    text = "card 4111 1111 1111 1111, CVV 123, my PIN is 4821"
    out = r.redact(text, Encrypt(lambda kind, data: data)).text
    assert "[CARD_CVV]" in out and "[SECRET]" in out
    assert "123" not in out and "4821" not in out
    assert sealed_types(out) == ["CREDIT_CARD"]


def test_get_operator() -> None:
    assert isinstance(get_operator("mask"), Mask)
    with pytest.raises(RedactionError):
        get_operator("hash")
    with pytest.raises(RedactionError):
        get_operator("encrypt")
    with pytest.raises(RedactionError):
        get_operator("rot13")
    assert repr(KeyedHash(KEY)) == "KeyedHash(length=16)"
