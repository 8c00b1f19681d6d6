"""Leak tracing: a leaked export (whole, partial, reshaped, re-saved) names its export;
anything else is "no match"."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from amanah.forensics.exports import ExportSpec, create_export
from amanah.forensics.honeytokens import synthetic_person
from amanah.forensics.models import ForensicDecoyDigest, ForensicExportRow
from amanah.forensics.trace import (
    MATCH_LOG10_LR,
    VARIANT_COUNTS,
    VARIANT_KINDS,
    can_mark,
    classify,
    normalize_for_digest,
    render,
    trace,
)
from amanah.vault.schemas import CustomerIn, RevealIn, SearchIn

FIELDS = ("full_name", "phone", "email", "national_id", "date_of_birth", "address")


def make_customers(system, principal, count: int = 60, seed: int = 7) -> list[str]:
    """Synthetic customers with the gaps and oddities of real data."""
    rng = random.Random(seed)
    ids = []
    for i in range(count):
        p = synthetic_person(rng)
        data = {
            "external_id": f"crm-{seed}-{i}",
            "full_name": p.full_name.upper() if i % 9 == 0 else p.full_name,
            "date_of_birth": p.date_of_birth.isoformat(),
            "phones": [p.phone],
            "emails": [p.email] if i % 7 else [],
            "national_ids": [{"kind": "nik", "number": p.nik}],
            "addresses": [p.address],
        }
        if i % 5 == 0:
            data["cards"] = [{"number": p.card}]
        if i % 11 == 0:
            data["phones"].append(synthetic_person(rng).phone)
        ids.append(system.vault.create_customer(principal, CustomerIn.model_validate(data)).id)
    return ids


@pytest.fixture
def customers(system, admin) -> list[str]:
    return make_customers(system, admin)


def export(system, admin, ids, recipient="PT Survei Nusantara", fields=FIELDS, fmt="csv"):
    spec = ExportSpec(
        recipient=recipient,
        purpose="customer satisfaction survey",
        fields=fields,
        format=fmt,
        customer_ids=ids,
    )
    return create_export(system, admin, spec)


def parse_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    table = list(csv.reader(io.StringIO(content.decode())))
    return table[0], table[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def real_positions(system, export_id: str) -> list[int]:
    with system.factory() as session:
        return list(
            session.scalars(
                select(ForensicExportRow.position)
                .where(ForensicExportRow.export_id == export_id)
                .order_by(ForensicExportRow.position)
            )
        )


def reshape(header, rows, keep: list[str], seed: int):
    """Keep some columns, in a shuffled order."""
    columns = list(keep)
    random.Random(seed).shuffle(columns)
    index = [header.index(c) for c in columns]
    return columns, [[r[i] for i in index] for r in rows]


def partial(system, result, count=20, seed=1, decoys=False):
    """A partial copy: ``count`` real rows (no decoys unless asked), shuffled."""
    header, rows = parse_csv(result.content)
    positions = set(real_positions(system, result.info.id))
    pool = [r for i, r in enumerate(rows) if decoys or i in positions]
    picked = random.Random(seed).sample(pool, count)
    return header, picked


def assert_names(found, result, recipient="PT Survei Nusantara"):
    assert found.matched, found.reason
    assert found.verdict == "match"
    assert found.export["id"] == result.info.id
    assert found.export["recipient"] == recipient
    assert found.export["purpose"] == "customer satisfaction survey"
    assert found.export["actor"] == "tok_test"
    assert found.log10_lr >= MATCH_LOG10_LR
    assert found.probability > 0.99


# ---- the format marks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", "+6281234567890"),
        ("email", "budi.santoso@example.co.id"),
        ("national_id", "3174051703900001"),
        ("date_of_birth", "1990-03-17"),
        ("full_name", "Budi Santoso"),
        ("card", "411111******1111"),
    ],
)
def test_every_variant_is_recognised_and_means_the_same(kind, value):
    assert can_mark(kind, value)
    seen = set()
    for variant in range(VARIANT_COUNTS[kind]):
        text = render(kind, value, variant)
        seen.add(text)
        assert classify(kind, text) == variant
        if kind in ("phone", "email", "national_id", "date_of_birth"):
            assert normalize_for_digest(kind, text) == normalize_for_digest(kind, value)
    assert len(seen) == VARIANT_COUNTS[kind]


def test_values_that_cannot_carry_a_mark_are_left_alone():
    assert not can_mark("full_name", "BUDI SANTOSO")  # already capitals
    assert not can_mark("phone", "+6591234567")  # a national format would lose the country
    assert not can_mark("card", "**** **** **** 1111")  # masked


# ---- tracing ----------------------------------------------------------------------------


def test_the_full_file_names_its_export(system, admin, customers, tmp_path):
    result = export(system, admin, customers)
    leaked = tmp_path / "leak.csv"
    leaked.write_bytes(result.content)
    found = trace(system, leaked)
    assert_names(found, result)
    assert found.decoy_hits >= 2
    assert found.rows_identified == len(customers)
    assert found.log10_lr > 50


def test_a_partial_copy_of_20_rows_with_columns_reordered_and_dropped(
    system, admin, customers, tmp_path
):
    result = export(system, admin, customers)
    for seed in range(3):
        header, rows = partial(system, result, 20, seed)
        columns, rows = reshape(header, rows, ["email", "full_name", "phone", "address"], seed)
        found = trace(system, write_csv(tmp_path / f"part{seed}.csv", columns, rows))
        assert_names(found, result)
        assert found.decoy_hits == 0  # the marks alone name it


@pytest.mark.parametrize("keep", [["phone", "full_name"], ["email", "address"], ["national_id"]])
def test_twenty_rows_of_few_columns_suffice(system, admin, customers, tmp_path, keep):
    result = export(system, admin, customers)
    header, rows = partial(system, result, 20, seed=5)
    columns, rows = reshape(header, rows, keep, 5)
    found = trace(system, write_csv(tmp_path / "few.csv", columns, rows))
    assert_names(found, result)


def test_a_headerless_semicolon_copy(system, admin, customers, tmp_path):
    result = export(system, admin, customers)
    _, rows = partial(system, result, 25, seed=2)
    path = tmp_path / "copy.txt"
    path.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    assert_names(trace(system, path), result)


def test_a_json_resave(system, admin, customers, tmp_path):
    result = export(system, admin, customers)
    header, rows = partial(system, result, 20, seed=3, decoys=True)
    columns, rows = reshape(header, rows, ["phone", "full_name", "date_of_birth"], 3)
    items = [dict(zip(columns, r, strict=True)) for r in rows]
    array = tmp_path / "leak.json"
    array.write_text(json.dumps(items), encoding="utf-8")
    assert_names(trace(system, array), result)
    lines = tmp_path / "leak.jsonl"
    lines.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    assert_names(trace(system, lines), result)


def test_an_xlsx_resave(system, admin, customers, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    result = export(system, admin, customers)
    header, rows = partial(system, result, 20, seed=4)
    columns, rows = reshape(header, rows, ["national_id", "email", "full_name"], 4)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "leak.xlsx"
    book.save(path)
    assert_names(trace(system, path), result)


def test_a_json_export_traces_too(system, admin, customers, tmp_path):
    result = export(system, admin, customers, fmt="json")
    items = json.loads(result.content)
    random.Random(9).shuffle(items)
    path = tmp_path / "leak.json"
    path.write_text(json.dumps(items[:20]), encoding="utf-8")
    assert_names(trace(system, path), result)


def test_two_exports_of_the_same_customers_are_told_apart(system, admin, customers, tmp_path):
    first = export(system, admin, customers, recipient="PT Survei Nusantara")
    second = export(system, admin, customers, recipient="CV Data Mitra")
    for result, recipient in ((first, "PT Survei Nusantara"), (second, "CV Data Mitra")):
        header, rows = partial(system, result, 20, seed=6)
        found = trace(system, write_csv(tmp_path / f"{recipient}.csv", header, rows))
        assert_names(found, result, recipient)
        other = [c for c in found.candidates if c.export_id != result.info.id]
        assert other and all(c.log10_lr < 0 for c in other)


def test_the_same_customers_with_other_marks_are_no_match(system, admin, customers, tmp_path):
    """A file built like an export, but not by one on record (its marks are someone else's)."""
    result = export(system, admin, customers)
    header, rows = parse_csv(result.content)
    rng = random.Random(11)
    redone = []
    for row in rows:
        cells = []
        for kind, cell in zip(header, row, strict=True):
            if kind in VARIANT_KINDS and cell:
                canonical = render(kind, cell, 0)
                if kind == "phone":
                    canonical = normalize_for_digest("phone", cell)
                elif kind in ("email", "date_of_birth"):
                    canonical = normalize_for_digest(kind, cell)
                elif kind == "national_id":
                    canonical = cell.replace(" ", "").replace(".", "")
                elif kind == "full_name":
                    canonical = cell.title()
                if canonical and can_mark(kind, canonical):
                    cell = render(kind, canonical, rng.randrange(VARIANT_COUNTS[kind]))
            cells.append(cell)
        redone.append(cells)
    positions = set(real_positions(system, result.info.id))
    redone = [r for i, r in enumerate(redone) if i in positions]  # and no decoys
    found = trace(system, write_csv(tmp_path / "other.csv", header, redone))
    assert not found.matched
    assert found.verdict == "no match"
    assert found.rows_identified == len(customers)
    assert found.candidates[0].log10_lr < 0


def test_a_foreign_dump_of_the_same_customers_is_no_match(system, admin, customers, tmp_path):
    """The CRM's own dump: same people, one canonical format throughout."""
    export(system, admin, customers)
    rows = []
    for cid in customers[:40]:
        request = RevealIn(fields=["full_name", "phone"], purpose="test fixture")
        revealed = system.vault.reveal(admin, cid, request)
        values = {f.kind: f.value for f in revealed.fields}
        rows.append([values["full_name"], values["phone"]])
    found = trace(system, write_csv(tmp_path / "crm.csv", ["name", "phone"], rows))
    assert not found.matched
    assert "phone" not in found.columns_used.values()  # one format throughout: no mark
    assert all(c.log10_lr < 0 for c in found.candidates)


def test_unrelated_data_is_no_match(system, admin, customers, tmp_path):
    export(system, admin, customers)
    rng = random.Random(99)
    rows = []
    for _ in range(50):
        p = synthetic_person(rng)
        rows.append([p.full_name, p.phone, p.email, p.date_of_birth.strftime("%d/%m/%Y")])
    found = trace(system, write_csv(tmp_path / "other.csv", ["n", "p", "e", "d"], rows))
    assert not found.matched
    assert found.rows_identified == 0
    assert found.candidates == []


def test_decoys_alone_name_the_export(system, admin, customers, tmp_path):
    result = export(system, admin, customers)
    header, rows = parse_csv(result.content)
    positions = set(real_positions(system, result.info.id))
    decoys = [r for i, r in enumerate(rows) if i not in positions]
    assert len(decoys) >= 2
    found = trace(system, write_csv(tmp_path / "decoys.csv", header, decoys))
    assert_names(found, result)
    assert found.decoy_hits == len(decoys)
    assert found.rows_identified == 0


def test_decoys_look_real_and_are_not_customers(system, admin, customers):
    result = export(system, admin, customers)
    header, rows = parse_csv(result.content)
    positions = set(real_positions(system, result.info.id))
    decoys = [dict(zip(header, r, strict=True)) for i, r in enumerate(rows) if i not in positions]
    for decoy in decoys:
        assert decoy["full_name"]
        for kind in ("phone", "email"):
            if decoy[kind]:
                normalized = normalize_for_digest(kind, decoy[kind])
                assert normalized, kind
                assert system.vault.search(admin, SearchIn.model_validate({kind: normalized})) == []
        if decoy["national_id"]:
            nik = decoy["national_id"].replace(" ", "").replace(".", "")
            assert len(nik) == 16 and nik.isdigit()
    with system.factory() as session:
        stored = list(session.scalars(select(ForensicDecoyDigest.digest)))
    assert stored and all(len(d) == 32 for d in stored)


def test_an_empty_or_tiny_file_is_no_match(system, admin, customers, tmp_path):
    result = export(system, admin, customers)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert not trace(system, empty).matched
    header, rows = partial(system, result, 2, seed=8)
    columns, rows = reshape(header, rows, ["phone"], 8)
    assert not trace(system, write_csv(tmp_path / "tiny.csv", columns, rows)).matched
