"""Turn validated input into field values ready to seal, with their blind-index keys.

Blind-index messages are namespaced by kind, so the same digits as a phone
and as an NIK do not collide. National ids are indexed by their canonical
number alone so a caller's number can be found without knowing its kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from amanah.vault import validation as v
from amanah.vault.schemas import FieldsIn

INDEXED_KINDS = frozenset({"phone", "email", "national_id"})


@dataclass(frozen=True, slots=True)
class FieldValue:
    kind: str
    value: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def lookup_message(self) -> bytes | None:
        if self.kind not in INDEXED_KINDS:
            return None
        return lookup_message(self.kind, self.value)


def lookup_message(kind: str, normalized: str) -> bytes:
    return kind.encode() + b"\x00" + normalized.encode()


def name_value(raw: str) -> FieldValue:
    return FieldValue("full_name", v.normalize_name(raw))


def date_of_birth_value(raw: date | str) -> FieldValue:
    return FieldValue("date_of_birth", v.normalize_date_of_birth(raw).isoformat())


def national_id_value(kind: str, raw: str, dob: date | None = None) -> FieldValue:
    number = v.normalize_national_id(kind, raw, date_of_birth=dob)
    return FieldValue("national_id", number, {"id_kind": kind})


def field_values(data: FieldsIn, region: str, dob: date | None = None) -> Iterator[FieldValue]:
    """Validate every listed value; raises InvalidField naming the first bad one."""
    for raw in data.phones:
        yield FieldValue("phone", v.normalize_phone(raw, region))
    for raw in data.emails:
        yield FieldValue("email", v.normalize_email(raw))
    for nid in data.national_ids:
        yield national_id_value(nid.kind, nid.number, dob)
    for raw in data.addresses:
        yield FieldValue("address", v.normalize_address(raw))
    for card in data.cards:
        checked = v.validate_card(card.number)
        yield FieldValue("card", checked.pan, {"brand": checked.brand})
    for account in data.bank_accounts:
        meta = {"bank": account.bank} if account.bank else {}
        yield FieldValue("bank_account", v.validate_bank_account(account.number), meta)
    for raw in data.notes:
        yield FieldValue("note", v.normalize_note(raw))
