"""The vault: customers and their sensitive fields, sealed, indexed, masked.

Every read goes through the gate. Masked values are what a read returns;
plaintext leaves only through ``reveal``, the single place that returns it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError as DbIntegrityError
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.errors import AccessDenied, StepUpRequired
from amanah.access.gate import AccessRequest, Decision, Gate, Outcome, Principal
from amanah.audit.trail import NullTrail, Trail
from amanah.crypto.envelope import DataKey, binding
from amanah.crypto.keyring import Keyring
from amanah.db import utcnow
from amanah.errors import InvalidInput
from amanah.ids import new_id
from amanah.vault import masking
from amanah.vault.errors import CustomerNotFound, DuplicateCustomer, InvalidField
from amanah.vault.fields import (
    FieldValue,
    date_of_birth_value,
    field_values,
    lookup_message,
    name_value,
)
from amanah.vault.keys import DataKeys
from amanah.vault.models import Customer, CustomerField
from amanah.vault.schemas import (
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    FieldOut,
    RevealedField,
    RevealIn,
    RevealOut,
    SearchIn,
)
from amanah.vault.validation import (
    NATIONAL_ID_KINDS,
    normalize_email,
    normalize_national_id,
    normalize_phone,
)

FIELD_TABLE = "customer_fields"
SINGLE_KINDS = ("full_name", "date_of_birth")


def seal_field(key: DataKey, field_id: str, value: FieldValue) -> bytes:
    return key.seal(value.value.encode(), binding(FIELD_TABLE, field_id, value.kind))


def open_field(key: DataKey, row: CustomerField) -> str:
    return key.open(row.sealed, binding(FIELD_TABLE, row.id, row.kind)).decode()


def field_row(customer_id: str, key: DataKey, value: FieldValue, keyring: Keyring) -> CustomerField:
    field_id = new_id("fld")
    message = value.lookup_message
    return CustomerField(
        id=field_id,
        customer_id=customer_id,
        kind=value.kind,
        meta=value.meta,
        sealed=seal_field(key, field_id, value),
        lookup=keyring.blind_index(message) if message else None,
    )


def encode_cursor(customer_id: str) -> str:
    return base64.urlsafe_b64encode(customer_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("malformed cursor") from None
    if not value.startswith("cus_") or len(value) > 40:
        raise InvalidInput("malformed cursor")
    return value


@dataclass
class Vault:
    factory: sessionmaker[Session]
    keys: DataKeys
    gate: Gate
    default_region: str = "ID"
    trail: Trail = field(default_factory=NullTrail)

    # ---- writes ------------------------------------------------------------

    def create_customer(self, principal: Principal, data: CustomerIn) -> CustomerOut:
        values = [name_value(data.full_name)]
        if data.date_of_birth is not None:
            values.append(date_of_birth_value(data.date_of_birth))
        values.extend(field_values(data, self.default_region, data.date_of_birth))
        customer_id = new_id("cus")
        with self.factory() as session, session.begin():
            customer = Customer(id=customer_id, external_id=data.external_id, vip=data.vip)
            session.add(customer)
            record, key = self.keys.new_record(customer_id)
            session.add(record)
            rows = [field_row(customer_id, key, value, self.keys.keyring) for value in values]
            session.add_all(rows)
            try:
                session.flush()
            except DbIntegrityError:
                raise DuplicateCustomer() from None
            out = self._out(customer, rows, key)
        self._record(principal, "customer.create", customer_id, [v.kind for v in values])
        return out

    def update_customer(
        self, principal: Principal, customer_id: str, patch: CustomerPatch
    ) -> CustomerOut:
        with self.factory() as session, session.begin():
            customer = self._customer(session, customer_id)
            key = self.keys.open(session, customer_id)
            replaced: list[FieldValue] = []
            if patch.full_name is not None:
                replaced.append(name_value(patch.full_name))
            if patch.date_of_birth is not None:
                replaced.append(date_of_birth_value(patch.date_of_birth))
            added = list(field_values(patch, self.default_region, patch.date_of_birth))
            if replaced:
                session.execute(
                    delete(CustomerField).where(
                        CustomerField.customer_id == customer_id,
                        CustomerField.kind.in_([v.kind for v in replaced]),
                    )
                )
            session.add_all(
                field_row(customer_id, key, v, self.keys.keyring) for v in [*replaced, *added]
            )
            if patch.vip is not None:
                customer.vip = patch.vip
            customer.updated_at = utcnow()
            session.flush()
            out = self._out(customer, self._fields(session, customer_id), key)
        changed = [v.kind for v in [*replaced, *added]]
        self._record(principal, "customer.update", customer_id, changed)
        return out

    def delete_field(self, principal: Principal, customer_id: str, field_id: str) -> None:
        with self.factory() as session, session.begin():
            customer = self._customer(session, customer_id)
            row = session.get(CustomerField, field_id)
            if row is None or row.customer_id != customer_id:
                raise CustomerNotFound("no such field for this customer")
            if row.kind == "full_name":
                raise InvalidInput("the full name can be replaced but not removed")
            session.delete(row)
            customer.updated_at = utcnow()
            kind = row.kind
        self._record(principal, "field.delete", customer_id, [kind], field_id=field_id)

    def erase_customer(self, principal: Principal, customer_id: str) -> None:
        """Crypto-shred: the data key goes first, then every row that depended on it."""
        with self.factory() as session, session.begin():
            customer = self._customer(session, customer_id)
            session.delete(customer)
        self.keys.forget(customer_id)
        self._record(principal, "customer.erase", customer_id)

    # ---- reads -------------------------------------------------------------

    def get_customer(self, principal: Principal, customer_id: str) -> CustomerOut:
        self._check(AccessRequest(principal, "read", customer_id))
        with self.factory() as session:
            customer = self._customer(session, customer_id)
            key = self.keys.open(session, customer_id)
            return self._out(customer, self._fields(session, customer_id), key)

    def list_customers(self, principal: Principal, cursor: str | None, limit: int) -> CustomerPage:
        after = decode_cursor(cursor) if cursor else ""
        with self.factory() as session:
            customers = list(
                session.scalars(
                    select(Customer)
                    .where(Customer.id > after)
                    .order_by(Customer.id)
                    .limit(limit + 1)
                )
            )
            more = len(customers) > limit
            customers = customers[:limit]
            items = [self._read(session, principal, c) for c in customers]
        next_cursor = encode_cursor(customers[-1].id) if more and customers else None
        return CustomerPage(items=items, next_cursor=next_cursor)

    def search(self, principal: Principal, query: SearchIn) -> list[CustomerOut]:
        by = "phone" if query.phone else "email" if query.email else "national_id"
        digests = [self.keys.keyring.blind_index(m) for m in self._search_messages(query)]
        with self.factory() as session:
            ids = list(
                session.scalars(
                    select(CustomerField.customer_id)
                    .where(CustomerField.lookup.in_(digests))
                    .distinct()
                    .limit(50)
                )
            )
            self.trail.record(
                principal.id, "customer.search", subject_ids=ids, by=by, results=len(ids)
            )
            customers = [session.get(Customer, cid) for cid in ids]
            return [self._read(session, principal, c) for c in customers if c is not None]

    def _search_messages(self, query: SearchIn) -> list[bytes]:
        if query.phone is not None:
            return [lookup_message("phone", normalize_phone(query.phone, self.default_region))]
        if query.email is not None:
            return [lookup_message("email", normalize_email(query.email))]
        assert query.national_id is not None
        kinds = [query.national_id_kind] if query.national_id_kind else list(NATIONAL_ID_KINDS)
        numbers = set()
        for kind in kinds:
            try:
                numbers.add(normalize_national_id(kind, query.national_id))
            except InvalidField:
                if query.national_id_kind:
                    raise
        if not numbers:
            raise InvalidField("national_id", "not a valid national id of any supported kind")
        return [lookup_message("national_id", n) for n in sorted(numbers)]

    def reveal(self, principal: Principal, customer_id: str, request: RevealIn) -> RevealOut:
        with self.factory() as session:
            self._customer(session, customer_id)
            rows = self._select(self._fields(session, customer_id), request.fields)
            decision = self._check(
                AccessRequest(
                    principal,
                    "reveal",
                    customer_id,
                    tuple(sorted({r.kind for r in rows})),
                    request.purpose,
                    request.interaction_id,
                )
            )
            key = self.keys.open(session, customer_id)
            show = masking.reveal if decision.allowed else masking.mask
            fields = [
                RevealedField(
                    id=r.id,
                    kind=r.kind,
                    value=show(r.kind, open_field(key, r), r.meta),
                    meta=r.meta,
                )
                for r in rows
            ]
        return RevealOut(
            customer_id=customer_id,
            decision=decision.outcome.name.lower(),
            reason=decision.reason,
            fields=fields,
        )

    # ---- helpers -----------------------------------------------------------

    def _record(
        self,
        principal: Principal,
        action: str,
        customer_id: str,
        kinds: Iterable[str] = (),
        **extra: str,
    ) -> None:
        self.trail.record(
            principal.id, action, subject_ids=(customer_id,), fields=sorted(set(kinds)), **extra
        )

    def _check(self, request: AccessRequest) -> Decision:
        decision = self.gate.decide(request)
        if decision.outcome == Outcome.DENY:
            raise AccessDenied(decision.reason)
        if decision.outcome == Outcome.STEP_UP:
            raise StepUpRequired(decision.reason)
        return decision

    def _check_whole(self, request: AccessRequest) -> Decision:
        """A reveal of whole text (a transcript, sealed tokens) cannot be masked field by
        field: it opens on ALLOW only."""
        decision = self._check(request)
        if decision.outcome != Outcome.ALLOW:
            raise AccessDenied(decision.reason)
        return decision

    @staticmethod
    def _select(rows: Sequence[CustomerField], wanted: Iterable[str]) -> list[CustomerField]:
        requested = list(wanted)
        wanted = list(dict.fromkeys(requested))
        chosen = [r for r in rows if r.id in wanted or r.kind in wanted]
        known = {r.id for r in rows} | {r.kind for r in rows}
        unknown = [w for w in wanted if w not in known]
        if unknown:  # say where, never echo what was asked for
            index = requested.index(unknown[0])
            raise CustomerNotFound(f"fields[{index}] names no field of this customer")
        return chosen

    def _read(self, session: Session, principal: Principal, customer: Customer) -> CustomerOut:
        self._check(AccessRequest(principal, "read", customer.id))
        key = self.keys.open(session, customer.id)
        return self._out(customer, self._fields(session, customer.id), key)

    @staticmethod
    def _customer(session: Session, customer_id: str) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise CustomerNotFound()
        return customer

    @staticmethod
    def _fields(session: Session, customer_id: str) -> list[CustomerField]:
        return list(
            session.scalars(
                select(CustomerField)
                .where(CustomerField.customer_id == customer_id)
                .order_by(CustomerField.id)
            )
        )

    @staticmethod
    def _out(customer: Customer, rows: Iterable[CustomerField], key: DataKey) -> CustomerOut:
        fields = [
            FieldOut(
                id=r.id,
                kind=r.kind,
                masked=masking.mask(r.kind, open_field(key, r), r.meta),
                meta=r.meta,
            )
            for r in rows
        ]
        return CustomerOut(
            id=customer.id,
            external_id=customer.external_id,
            vip=customer.vip,
            created_at=customer.created_at,
            updated_at=customer.updated_at,
            fields=fields,
        )
