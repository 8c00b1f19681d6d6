"""Bulk import of customers from CSV or JSON Lines.

Rows are validated one by one; a bad row is rejected with its line number and
the reason (never its values) and the rest go on. Good rows are sealed and
written in batches, each batch one transaction. A file with a card security
code column is refused whole: such codes are never read, let alone stored.

Columns (CSV header or JSON keys): ``full_name`` (required), ``external_id``,
``phone``, ``email``, ``national_id``, ``national_id_kind`` (nik, npwp, nric,
fin, ssn, passport; default nik), ``date_of_birth`` (YYYY-MM-DD), ``address``,
``card_number``, ``bank_account``, ``bank_name``, ``note``, ``vip`` (true/false).
In CSV, ``phone``, ``email`` and ``address`` may hold several values split by ``;``;
in JSON they may also be lists.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.crypto.envelope import DataKey, new_data_key
from amanah.errors import InvalidInput
from amanah.ids import new_id
from amanah.vault.errors import InvalidField, SecurityCodeRefused
from amanah.vault.fields import date_of_birth_value, field_values, name_value
from amanah.vault.keys import DataKeys, _wrap_binding
from amanah.vault.models import Customer, CustomerField, DataKeyRecord
from amanah.vault.schemas import CustomerIn
from amanah.vault.service import seal_field
from amanah.vault.validation import reject_security_code

COLUMNS = (
    "external_id",
    "full_name",
    "phone",
    "email",
    "national_id",
    "national_id_kind",
    "date_of_birth",
    "address",
    "card_number",
    "bank_account",
    "bank_name",
    "note",
    "vip",
)
MAX_REJECTIONS_KEPT = 1000


class ImportRefused(InvalidInput):
    code = "import-refused"
    title = "The import file was refused"


@dataclass
class ImportSummary:
    imported: int = 0
    rejected: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS_KEPT:
            self.rejections.append((line, reason))


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _blank(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def row_to_customer(row: dict[str, Any]) -> CustomerIn:
    """Map one flat import row to the API's customer shape (raises on unknown columns)."""
    reject_security_code(row)
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise InvalidInput(f"unknown column {unknown[0]!r}")
    national_id = _blank(row.get("national_id"))
    card = _blank(row.get("card_number"))
    account = _blank(row.get("bank_account"))
    vip = _blank(row.get("vip"))
    return CustomerIn.model_validate(
        {
            "external_id": _blank(row.get("external_id")),
            "full_name": row.get("full_name") or "",
            "date_of_birth": _blank(row.get("date_of_birth")),
            "phones": _split(row.get("phone")),
            "emails": _split(row.get("email")),
            "addresses": _split(row.get("address")),
            "national_ids": [
                {"kind": _blank(row.get("national_id_kind")) or "nik", "number": national_id}
            ]
            if national_id
            else [],
            "cards": [{"number": card}] if card else [],
            "bank_accounts": [{"number": account, "bank": _blank(row.get("bank_name"))}]
            if account
            else [],
            "notes": _split(row.get("note")) if row.get("note") else [],
            "vip": str(vip).lower() in {"1", "true", "yes"} if vip is not None else False,
        }
    )


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield (line number, row) or (line number, error message) for a CSV or JSONL file."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        yield from _jsonl_rows(path)
    elif suffix == ".csv":
        yield from _csv_rows(path)
    else:
        raise ImportRefused("the file must end in .csv, .jsonl or .ndjson")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        try:
            reject_security_code(header)
        except SecurityCodeRefused:
            raise ImportRefused(
                "the file has a card security code column; remove it (PCI DSS 3.3.1)"
            ) from None
        if "full_name" not in header:
            raise ImportRefused("the CSV header has no full_name column")
        for row in reader:
            if None in row:
                yield reader.line_num, "more values than header columns"
                continue
            yield reader.line_num, {k: v for k, v in row.items() if v not in ("", None)}


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                yield number, "not valid JSON"
                continue
            yield number, row if isinstance(row, dict) else "not a JSON object"


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "row"
        return f"{where}: {first['msg']}"
    return str(exc.args[0]) if exc.args else type(exc).__name__


@dataclass
class _Prepared:
    customer: dict[str, Any]
    data_key: dict[str, Any]
    fields: list[dict[str, Any]]


def _prepare(data: CustomerIn, keys: DataKeys, region: str) -> _Prepared:
    values = [name_value(data.full_name)]
    if data.date_of_birth is not None:
        values.append(date_of_birth_value(data.date_of_birth))
    values.extend(field_values(data, region, data.date_of_birth))
    customer_id = new_id("cus")
    raw = new_data_key()
    wrapped = keys.keyring.wrap(raw, _wrap_binding(customer_id))
    key = DataKey(raw)
    fields = []
    for value in values:
        field_id = new_id("fld")
        message = value.lookup_message
        fields.append(
            {
                "id": field_id,
                "customer_id": customer_id,
                "kind": value.kind,
                "meta": value.meta,
                "sealed": seal_field(key, field_id, value),
                "lookup": keys.keyring.blind_index(message) if message else None,
            }
        )
    return _Prepared(
        {"id": customer_id, "external_id": data.external_id, "vip": data.vip},
        {
            "customer_id": customer_id,
            "root_key_id": wrapped.key_id,
            "root_version": wrapped.version,
            "wrapped": wrapped.blob,
        },
        fields,
    )


def import_rows(
    factory: sessionmaker[Session],
    keys: DataKeys,
    rows: Iterable[tuple[int, dict[str, Any] | str]],
    region: str = "ID",
    batch_size: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    summary = ImportSummary()
    batch: list[tuple[int, _Prepared]] = []
    seen_external: set[str] = set()
    for line, row in rows:
        if isinstance(row, str):
            summary.reject(line, row)
            continue
        try:
            data = row_to_customer(row)
            if data.external_id is not None:
                if data.external_id in seen_external:
                    raise InvalidInput("external_id repeats an earlier row")
                seen_external.add(data.external_id)
            batch.append((line, _prepare(data, keys, region)))
        except (ValidationError, InvalidInput, InvalidField) as exc:
            summary.reject(line, _reason(exc))
        if len(batch) >= batch_size:
            _flush(factory, batch, summary, on_progress)
            batch = []
    if batch:
        _flush(factory, batch, summary, on_progress)
    return summary


def _flush(
    factory: sessionmaker[Session],
    batch: list[tuple[int, _Prepared]],
    summary: ImportSummary,
    on_progress: Callable[[int], None] | None,
) -> None:
    external = [p.customer["external_id"] for _, p in batch if p.customer["external_id"]]
    with factory() as session, session.begin():
        taken = (
            set(
                session.scalars(
                    select(Customer.external_id).where(Customer.external_id.in_(external))
                )
            )
            if external
            else set()
        )
        keep = []
        for line, prepared in batch:
            if prepared.customer["external_id"] in taken:
                summary.reject(line, "external_id already exists")
            else:
                keep.append(prepared)
        if keep:
            session.execute(insert(Customer), [p.customer for p in keep])
            session.execute(insert(DataKeyRecord), [p.data_key for p in keep])
            session.execute(insert(CustomerField), [f for p in keep for f in p.fields])
    summary.imported += len(keep)
    if on_progress:
        on_progress(len(batch))


def import_file(
    factory: sessionmaker[Session],
    keys: DataKeys,
    path: Path,
    region: str = "ID",
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    return import_rows(factory, keys, read_rows(path), region, on_progress=on_progress)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(buf.count(b"\n") for buf in iter(lambda: handle.read(1 << 20), b""))


__all__ = ["COLUMNS", "ImportRefused", "ImportSummary", "import_file", "import_rows"]
