"""Vault test data: synthetic, valid-by-format values (Luhn cards, structured NIKs)."""

from __future__ import annotations

import pytest

from amanah.vault.schemas import CustomerIn

BUDI = {
    "external_id": "crm-1",
    "full_name": "Budi Santoso",
    "date_of_birth": "1990-03-17",
    "phones": ["+62 812-3456-7890"],
    "emails": ["Budi.Santoso@Example.co.id"],
    "national_ids": [{"kind": "nik", "number": "3174051703900001"}],
    "addresses": ["Jl. Merdeka No. 10, Jakarta Pusat"],
    "cards": [{"number": "4111 1111 1111 1111"}],
    "bank_accounts": [{"number": "1234567890", "bank": "BCA"}],
    "notes": ["prefers WhatsApp"],
}
PLAINTEXTS = [
    "Budi Santoso",
    "6281234567890",
    "budi.santoso@example.co.id",
    "3174051703900001",
    "Jl. Merdeka No. 10",
    "4111111111111111",
    "1234567890",
    "prefers WhatsApp",
]


@pytest.fixture
def budi() -> CustomerIn:
    return CustomerIn.model_validate(BUDI)


@pytest.fixture
def budi_plaintexts() -> list[str]:
    """Budi's values as normalised for storage: none may appear in raw storage."""
    return PLAINTEXTS
