"""Bulk import: good rows land, bad rows are reported with line and reason, CVV never."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from amanah.bootstrap import System
from amanah.vault.importer import ImportRefused, import_file
from amanah.vault.models import Customer

HEADER = "external_id,full_name,phone,email,national_id,national_id_kind,date_of_birth,address\n"
GOOD = (
    "c1,Budi Santoso,0812-3456-7890,budi@example.co.id,"
    "3174051703900001,nik,1990-03-17,Jl. Merdeka 10\n"
)


def _count(system: System) -> int:
    with system.factory() as session:
        return session.scalar(select(func.count()).select_from(Customer)) or 0


def test_csv_import_reports_each_rejected_row(system: System, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        HEADER
        + GOOD
        + "c2,,0812-3456-7891,,,,,\n"  # no name
        + "c3,Siti,12,,,,,\n"  # bad phone
        + "c4,Tan,+65 9123 4567,,S1234567X,nric,,\n"  # NRIC checksum
        + "c1,Duplicate In File,,,,,,\n"
        + "c6,Ani,,not-an-email,,,,\n"
        + "c7,Joko,+62 813-1234-5678;+62 811-222-3333,,,,,\n"
    )
    summary = import_file(system.factory, system.keys, path)
    assert summary.imported == 2
    assert [line for line, _ in summary.rejections] == [3, 4, 5, 6, 7]
    reasons = " | ".join(reason for _, reason in summary.rejections)
    assert "full_name" in reasons and "phone" in reasons and "national_id" in reasons
    assert "S1234567X" not in reasons and "not-an-email" not in reasons
    assert _count(system) == 2


def test_existing_external_ids_are_rejected_on_a_second_run(system: System, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + GOOD)
    assert import_file(system.factory, system.keys, path).imported == 1
    again = import_file(system.factory, system.keys, path)
    assert (again.imported, again.rejections) == (0, [(2, "external_id already exists")])


def test_a_security_code_column_refuses_the_whole_file(system: System, tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_text("full_name,card_number,CVV\nBudi,4111111111111111,123\n")
    with pytest.raises(ImportRefused, match="security code"):
        import_file(system.factory, system.keys, path)
    assert _count(system) == 0


def test_jsonl_import_with_lists_and_bad_lines(system: System, tmp_path: Path) -> None:
    path = tmp_path / "customers.jsonl"
    rows = [
        {"full_name": "Budi", "phone": ["+6281234567890", "+6281311112222"]},
        "not json",
        {"full_name": "Card Holder", "card_number": "5555555555554444", "cvc": "999"},
        {"full_name": "Wrong", "colour": "blue"},
        [1, 2],
    ]
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    summary = import_file(system.factory, system.keys, path)
    assert summary.imported == 1
    assert [line for line, _ in summary.rejections] == [2, 3, 4, 5]
    assert "security code" in summary.rejections[1][1]


def test_unknown_file_types_are_refused(system: System, tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportRefused):
        import_file(system.factory, system.keys, path)
