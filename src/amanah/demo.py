"""A small, synthetic demo data set so a first ``make run`` has something to show.

Every value is invented and valid by format (Luhn cards, structured NIKs), so
the validators accept them; none belongs to a real person.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.crypto.keyring import Keyring
from amanah.settings import Settings
from amanah.vault.importer import import_rows
from amanah.vault.keys import DataKeys
from amanah.vault.models import Customer

DEMO_ROWS = [
    {
        "external_id": "demo-0001",
        "full_name": "Budi Santoso",
        "phone": "+62 812-3456-7890",
        "email": "budi.santoso@example.co.id",
        "national_id": "3174051703900001",
        "national_id_kind": "nik",
        "date_of_birth": "1990-03-17",
        "address": "Jl. Merdeka No. 10, Jakarta Pusat",
        "card_number": "4111 1111 1111 1111",
    },
    {
        "external_id": "demo-0002",
        "full_name": "Siti Rahayu",
        "phone": "0813-1234-5678",
        "email": "siti.rahayu@example.id",
        "national_id": "3273015508920002",
        "national_id_kind": "nik",
        "date_of_birth": "1992-08-15",
        "address": "Jl. Asia Afrika 8, Bandung",
        "bank_account": "1234567890",
        "bank_name": "BCA",
    },
    {
        "external_id": "demo-0003",
        "full_name": "Tan Wei Ming",
        "phone": "+65 9123 4567",
        "email": "weiming.tan@example.sg",
        "national_id": "S1234567D",
        "national_id_kind": "nric",
        "address": "10 Anson Road, Singapore",
        "card_number": "5555 5555 5555 4444",
    },
    {
        "external_id": "demo-0004",
        "full_name": "Emily Carter",
        "phone": "+1 415-555-0132",
        "email": "emily.carter@example.com",
        "national_id": "536-22-1234",
        "national_id_kind": "ssn",
        "address": "500 Market Street, San Francisco",
        "vip": "true",
    },
]


def seed_demo(factory: sessionmaker[Session], keyring: Keyring, settings: Settings) -> int:
    """Insert the demo customers once; returns how many were added."""
    with factory() as session:
        if session.scalar(select(func.count()).select_from(Customer)):
            return 0
    summary = import_rows(
        factory, DataKeys(keyring), enumerate(DEMO_ROWS, start=1), settings.default_region
    )
    return summary.imported
