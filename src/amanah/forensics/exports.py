"""Exports of customer data for a named recipient and purpose, fingerprinted per export.

Each customer's values pass the gate first (a ``reveal`` request with the
export's purpose): allowed values are revealed (cards stay first 6 / last 4),
``allow masked`` gives masked values, a denial withholds the row, a step-up
stops the export. The file then carries the invisible marks described in
``amanah.forensics.trace``: per-row format variants keyed by the export's
secret, and a few decoy records at keyed positions. What was exported is
recorded (ids, marks and decoy digests, never values) so that a leaked copy
can be traced, and an ``export.create`` activity event is published.

Honeytoken customers are never part of an "all customers" export; asking for
one by id is a read like any other, and raises the honeytoken alarm.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.errors import StepUpRequired
from amanah.access.gate import AccessRequest, Gate, Outcome, Principal
from amanah.errors import InvalidInput, NotFound
from amanah.events import ActivityEvent, EventBus
from amanah.forensics.honeytokens import SyntheticPerson, honeytoken_ids, synthetic_person
from amanah.forensics.models import ForensicDecoyDigest, ForensicExport, ForensicExportRow
from amanah.forensics.trace import (
    SCHEME,
    VARIANT_KINDS,
    decoy_digest,
    decoy_digest_key,
    export_secret,
    mark_values,
    normalize_for_digest,
    row_variants,
)
from amanah.ids import new_id
from amanah.vault import masking
from amanah.vault.errors import CustomerNotFound
from amanah.vault.fields import lookup_message
from amanah.vault.keys import DataKeys
from amanah.vault.models import Customer, CustomerField
from amanah.vault.service import open_field

ExportFormat = Literal["csv", "json"]
EXPORT_KINDS: tuple[str, ...] = (
    "full_name",
    "phone",
    "email",
    "national_id",
    "date_of_birth",
    "address",
    "card",
    "bank_account",
)
DEFAULT_FIELDS: tuple[str, ...] = ("full_name", "phone", "email")
MAX_DECOYS = 25
AUDIT_IDS_PER_ENTRY = 256  # an audit entry holds at most 256 subject ids
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class ExportNotFound(NotFound):
    code, title = "export-not-found", "No such export"


class ExportSystem(Protocol):
    """What an export needs of the wired system (``bootstrap.System`` provides it)."""

    factory: sessionmaker[Session]
    keys: DataKeys
    gate: Gate
    bus: EventBus
    settings: Any


@dataclass(frozen=True)
class ExportSpec:
    recipient: str
    purpose: str
    fields: Sequence[str] = DEFAULT_FIELDS
    format: ExportFormat = "csv"
    customer_ids: Sequence[str] | None = None  # None: every customer

    def checked(self) -> ExportSpec:
        if not self.recipient.strip() or len(self.recipient) > 200:
            raise InvalidInput("the recipient must be 1 to 200 characters")
        if len(self.purpose.strip()) < 3 or len(self.purpose) > 200:
            raise InvalidInput("the purpose must be 3 to 200 characters")
        if self.format not in MEDIA_TYPES:
            raise InvalidInput("the format must be csv or json")
        fields = list(dict.fromkeys(self.fields))
        unknown = [f for f in fields if f not in EXPORT_KINDS]
        if unknown or not fields:
            raise InvalidInput("fields must be some of " + ", ".join(EXPORT_KINDS))
        ids = None if self.customer_ids is None else list(dict.fromkeys(self.customer_ids))
        if ids is not None and not ids:
            raise InvalidInput("name at least one customer, or export all")
        return ExportSpec(
            self.recipient.strip(), self.purpose.strip(), tuple(fields), self.format, ids
        )


@dataclass
class ExportInfo:
    id: str
    actor: str
    recipient: str
    purpose: str
    created_at: str
    format: str
    fields: list[str]
    rows: int

    @classmethod
    def of(cls, record: ForensicExport) -> ExportInfo:
        return cls(
            id=record.id,
            actor=record.actor,
            recipient=record.recipient,
            purpose=record.purpose,
            created_at=record.created_at.isoformat(),
            format=record.format,
            fields=list(record.fields or []),
            rows=record.row_count,
        )


@dataclass
class ExportResult:
    info: ExportInfo
    content: bytes
    media_type: str
    filename: str
    withheld: int = 0  # customers the gate denied: left out of the file
    masked: int = 0  # customers exported masked (``allow masked``)


@dataclass
class _Row:
    key: str  # customer id, or a decoy's synthetic key
    cells: dict[str, list[str]]
    marks: str
    customer_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _customer_ids(session: Session, spec: ExportSpec) -> Iterator[str]:
    if spec.customer_ids is not None:
        yield from spec.customer_ids
        return
    skip = honeytoken_ids(session)
    after = ""
    while True:
        batch = list(
            session.scalars(
                select(Customer.id).where(Customer.id > after).order_by(Customer.id).limit(1000)
            )
        )
        if not batch:
            return
        yield from (cid for cid in batch if cid not in skip)
        after = batch[-1]


def _fields_of(session: Session, customer_id: str, kinds: Sequence[str]) -> list[CustomerField]:
    return list(
        session.scalars(
            select(CustomerField)
            .where(CustomerField.customer_id == customer_id, CustomerField.kind.in_(kinds))
            .order_by(CustomerField.created_at, CustomerField.id)
        )
    )


def _decoy_count(real_rows: int) -> int:
    return min(MAX_DECOYS, 2 + real_rows // 50)


def _taken(session: Session, keys: DataKeys) -> Callable[[SyntheticPerson], bool]:
    """Whether an invented person shares a phone, email or NIK with a real customer."""

    def check(person: SyntheticPerson) -> bool:
        messages = [
            lookup_message("phone", person.phone),
            lookup_message("email", person.email),
            lookup_message("national_id", person.nik),
        ]
        digests = [keys.keyring.blind_index(m) for m in messages]
        query = select(CustomerField.id).where(CustomerField.lookup.in_(digests)).limit(1)
        return session.scalar(query) is not None

    return check


def _decoy_rows(
    secret: bytes,
    spec: ExportSpec,
    real: Sequence[_Row],
    masked: bool,
    taken: Callable[[SyntheticPerson], bool],
) -> list[_Row]:
    """Invented customers that look like the real rows: same fields, similar gaps, and
    masked like them when most real rows are."""
    present = {
        kind: (sum(1 for r in real if r.cells.get(kind)) / len(real)) if real else 1.0
        for kind in spec.fields
    }
    decoys = []
    for index in range(_decoy_count(len(real))):
        for attempt in range(20):
            seed = hmac.new(secret, b"decoy\x00%d\x00%d" % (index, attempt), hashlib.sha256)
            rng = random.Random(seed.digest())
            person = synthetic_person(rng)
            if not taken(person):  # a decoy must never be mistaken for a real customer
                break
        values = person.values()
        values["card"] = masking.reveal("card", person.card)
        if masked:
            meta = {"id_kind": "nik"}
            values = {k: masking.mask(k, v, meta) for k, v in person.values().items()}
        key = "decoy:" + seed.hexdigest()[:16]
        variants = row_variants(secret, key)
        cells: dict[str, list[str]] = {}
        marks = []
        for kind in spec.fields:
            keep = kind == "full_name" or rng.random() < max(present[kind], 0.05)
            if keep:
                cells[kind] = [values[kind]]
        for kind in VARIANT_KINDS:
            rendered, mark = mark_values(kind, cells.get(kind, []), variants[kind], not masked)
            if kind in cells:
                cells[kind] = rendered
            marks.append(mark)
        decoys.append(_Row(key, cells, "".join(marks)))
    return decoys


def _place_decoys(secret: bytes, real: list[_Row], decoys: list[_Row]) -> list[_Row]:
    total = len(real) + len(decoys)
    rng = random.Random(hmac.new(secret, b"positions", hashlib.sha256).digest())
    positions = set(rng.sample(range(total), len(decoys)))
    real_iter, decoy_iter = iter(real), iter(decoys)
    return [next(decoy_iter) if i in positions else next(real_iter) for i in range(total)]


def _render_file(spec: ExportSpec, rows: Sequence[_Row]) -> bytes:
    if spec.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(spec.fields)
        for row in rows:
            writer.writerow(["; ".join(row.cells.get(kind, [])) for kind in spec.fields])
        return buffer.getvalue().encode("utf-8")
    items = []
    for row in rows:
        item: dict[str, Any] = {}
        for kind in spec.fields:
            values = row.cells.get(kind, [])
            item[kind] = None if not values else values[0] if len(values) == 1 else values
        items.append(item)
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def create_export(system: ExportSystem, principal: Principal, spec: ExportSpec) -> ExportResult:
    """Export customers for ``spec.recipient``; raises StepUpRequired if the gate asks for it."""
    spec = spec.checked()
    export_id = new_id("exp")
    secret = export_secret(system.keys.keyring, export_id)
    real: list[_Row] = []
    withheld = masked = 0
    with system.factory() as session:
        for customer_id in _customer_ids(session, spec):
            if session.get(Customer, customer_id) is None:
                raise CustomerNotFound("a listed customer id names no customer")
            rows = _fields_of(session, customer_id, spec.fields)
            decision = system.gate.decide(
                AccessRequest(
                    principal,
                    "reveal",
                    customer_id,
                    tuple(sorted({r.kind for r in rows})),
                    spec.purpose,
                )
            )
            if decision.outcome == Outcome.STEP_UP:
                raise StepUpRequired(decision.reason)
            if decision.outcome == Outcome.DENY:
                withheld += 1
                continue
            allowed = decision.outcome == Outcome.ALLOW
            masked += not allowed
            show = masking.reveal if allowed else masking.mask
            key = system.keys.open(session, customer_id)
            values: dict[str, list[str]] = {}
            for r in rows:
                values.setdefault(r.kind, []).append(show(r.kind, open_field(key, r), r.meta))
            variants = row_variants(secret, customer_id)
            marks = []
            for kind in VARIANT_KINDS:
                nik = all(r.meta.get("id_kind", "nik") == "nik" for r in rows if r.kind == kind)
                markable = allowed and (kind != "national_id" or nik)
                rendered, mark = mark_values(kind, values.get(kind, []), variants[kind], markable)
                if kind in values:
                    values[kind] = rendered
                marks.append(mark)
            real.append(_Row(customer_id, values, "".join(marks), customer_id))

    with system.factory() as session:
        taken = _taken(session, system.keys)
        decoys = _decoy_rows(secret, spec, real, masked * 2 > len(real), taken)
    rows = _place_decoys(secret, real, decoys)
    content = _render_file(spec, rows)
    digest_key = decoy_digest_key(system.keys.keyring)
    region = getattr(system.settings, "default_region", "ID")
    record = ForensicExport(
        id=export_id,
        actor=principal.id,
        recipient=spec.recipient,
        purpose=spec.purpose,
        format=spec.format,
        fields=list(spec.fields),
        row_count=len(rows),
        decoy_count=len(decoys),
        withheld_count=withheld,
        scheme=SCHEME,
    )
    with system.factory() as session, session.begin():
        session.add(record)
        session.flush()
        for position, row in enumerate(rows):
            if row.customer_id is not None:
                session.add(
                    ForensicExportRow(
                        export_id=export_id,
                        position=position,
                        customer_id=row.customer_id,
                        variants=row.marks,
                    )
                )
                continue
            for kind, values in row.cells.items():
                normalized = normalize_for_digest(kind, values[0], region)
                if normalized:
                    session.add(
                        ForensicDecoyDigest(
                            export_id=export_id,
                            position=position,
                            kind=kind,
                            digest=decoy_digest(digest_key, kind, normalized),
                        )
                    )
    _record_export(system, principal, spec, export_id, real, withheld, masked)
    system.bus.publish(
        ActivityEvent(
            action="export.create",
            actor=principal.id,
            fields=tuple(spec.fields),
            outcome="allow",
            extra={
                "export_id": export_id,
                "records": len(real),
                "withheld": withheld,
                "masked": masked,
                "format": spec.format,
            },
        )
    )
    return ExportResult(
        info=ExportInfo.of(record),
        content=content,
        media_type=MEDIA_TYPES[spec.format],
        filename=f"amanah-export-{export_id}.{spec.format}",
        withheld=withheld,
        masked=masked,
    )


def _record_export(
    system: ExportSystem,
    principal: Principal,
    spec: ExportSpec,
    export_id: str,
    real: Sequence[_Row],
    withheld: int,
    masked: int,
) -> None:
    """``export.create`` on the audit trail: the exported customer ids (at most
    ``AUDIT_IDS_PER_ENTRY`` per entry, in parts), fields, purpose and the export id;
    never the recipient's name (it may be personal data; the export record has it)."""
    trail = getattr(system, "trail", None)
    if trail is None:
        return
    ids = [row.customer_id for row in real if row.customer_id is not None]
    chunks = [ids[i : i + AUDIT_IDS_PER_ENTRY] for i in range(0, len(ids), AUDIT_IDS_PER_ENTRY)]
    chunks = chunks or [[]]
    for part, chunk in enumerate(chunks, start=1):
        trail.record(
            principal.id,
            "export.create",
            subject_ids=chunk,
            fields=spec.fields,
            purpose=spec.purpose,
            export_id=export_id,
            part=part,
            parts=len(chunks),
            records=len(ids),
            withheld=withheld,
            masked=masked,
            format=spec.format,
        )


def list_exports(
    system: ExportSystem, limit: int = 50, before: str | None = None
) -> list[ExportInfo]:
    """Newest first; ``before`` is an export id to page from."""
    with system.factory() as session:
        query = select(ForensicExport).order_by(ForensicExport.id.desc()).limit(limit)
        if before:
            query = query.where(ForensicExport.id < before)
        return [ExportInfo.of(r) for r in session.scalars(query)]


def get_export(system: ExportSystem, export_id: str) -> ExportInfo:
    with system.factory() as session:
        record = session.get(ForensicExport, export_id)
        if record is None:
            raise ExportNotFound()
        return ExportInfo.of(record)


def export_customer_ids(system: ExportSystem, export_id: str) -> list[str]:
    """The customers of an export, in file order (decoys excluded)."""
    with system.factory() as session:
        if session.get(ForensicExport, export_id) is None:
            raise ExportNotFound()
        return list(
            session.scalars(
                select(ForensicExportRow.customer_id)
                .where(ForensicExportRow.export_id == export_id)
                .order_by(ForensicExportRow.position)
            )
        )


def count_exports(system: ExportSystem) -> int:
    with system.factory() as session:
        return session.scalar(select(func.count()).select_from(ForensicExport)) or 0
