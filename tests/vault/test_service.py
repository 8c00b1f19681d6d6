"""The vault service on SQLite and PostgreSQL: sealed storage, masked reads, reveal."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from amanah.access.errors import AccessDenied
from amanah.access.gate import Principal
from amanah.crypto.errors import IntegrityError
from amanah.errors import InvalidInput
from amanah.vault.errors import CustomerNotFound, DuplicateCustomer, InvalidField
from amanah.vault.models import CustomerField, DataKeyRecord
from amanah.vault.schemas import CustomerIn, CustomerPatch, RevealIn, SearchIn

AGENT = Principal(
    id="tok_agent", kind="service", role="agent", scopes=frozenset({"customers:read"})
)


def _masked(customer, kind: str) -> str:
    return next(f.masked for f in customer.fields if f.kind == kind)


def test_reads_are_masked(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    read = system.vault.get_customer(admin, created.id)
    assert _masked(read, "phone") == "+62 812-****-7890"
    assert _masked(read, "card") == "**** **** **** 1111"
    assert _masked(read, "national_id").startswith("3174")
    assert "3174051703900001" not in read.model_dump_json()
    assert {f.kind for f in read.fields} >= {"full_name", "email", "address", "bank_account"}


def test_search_by_any_format_of_the_same_number(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    for query in (
        SearchIn(phone="0812 3456 7890"),
        SearchIn(phone="+6281234567890"),
        SearchIn(email="budi.santoso@EXAMPLE.co.id"),
        SearchIn(national_id="3174 0517 0390 0001"),
        SearchIn(national_id="3174051703900001", national_id_kind="nik"),
    ):
        assert [c.id for c in system.vault.search(admin, query)] == [created.id]
    assert system.vault.search(admin, SearchIn(phone="+6281299999999")) == []


def test_reveal_returns_plaintext_but_never_a_full_card(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    out = system.vault.reveal(
        admin, created.id, RevealIn(fields=["national_id", "card"], purpose="verify caller")
    )
    values = {f.kind: f.value for f in out.fields}
    assert out.decision == "allow"
    assert values["national_id"] == "3174051703900001"
    assert values["card"] == "411111******1111"


def test_reveal_without_the_scope_stays_masked(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    out = system.vault.reveal(AGENT, created.id, RevealIn(fields=["phone"], purpose="callback"))
    assert out.decision == "allow_masked"
    assert out.fields[0].value == "+62 812-****-7890"


def test_reveal_of_an_unknown_field_is_not_found(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    with pytest.raises(CustomerNotFound):
        system.vault.reveal(admin, created.id, RevealIn(fields=["fld_nope"], purpose="check"))


def test_a_staff_role_without_reveal_rights_is_masked(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    officer = Principal(id="u1", kind="staff", role="security_officer")
    out = system.vault.reveal(officer, created.id, RevealIn(fields=["card"], purpose="audit"))
    assert out.decision == "allow_masked"


def test_gate_inputs_can_deny(system, admin, budi) -> None:
    from amanah.access.gate import Decision, Outcome

    class Lockdown:
        name = "lockdown"

        def evaluate(self, request):
            return Decision(Outcome.DENY, "locked down")

    created = system.vault.create_customer(admin, budi)
    system.gate.register(Lockdown())
    with pytest.raises(AccessDenied, match="locked down"):
        system.vault.get_customer(admin, created.id)


def test_duplicate_external_id_is_a_conflict_and_writes_nothing(system, admin, budi) -> None:
    system.vault.create_customer(admin, budi)
    with pytest.raises(DuplicateCustomer):
        system.vault.create_customer(admin, budi)
    with system.factory() as session:
        assert len(session.scalars(select(DataKeyRecord)).all()) == 1


def test_an_invalid_value_rejects_the_whole_customer(system, admin) -> None:
    bad = CustomerIn(
        full_name="A B", phones=["+6281234567890"], cards=[{"number": "4111111111111112"}]
    )
    with pytest.raises(InvalidField) as caught:
        system.vault.create_customer(admin, bad)
    assert "4111111111111112" not in str(caught.value)
    with system.factory() as session:
        assert session.scalars(select(CustomerField)).all() == []


def test_update_adds_and_replaces(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    patched = system.vault.update_customer(
        admin, created.id, CustomerPatch(full_name="Budi S. Wibowo", emails=["b2@example.com"])
    )
    assert _masked(patched, "full_name") == "B*** S* W*****"
    assert len([f for f in patched.fields if f.kind == "email"]) == 2
    assert system.vault.search(admin, SearchIn(email="b2@example.com"))[0].id == created.id


def test_delete_field_and_erase(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    card = next(f for f in created.fields if f.kind == "card")
    system.vault.delete_field(admin, created.id, card.id)
    assert "card" not in {f.kind for f in system.vault.get_customer(admin, created.id).fields}
    name = next(f for f in created.fields if f.kind == "full_name")
    with pytest.raises(InvalidInput):
        system.vault.delete_field(admin, created.id, name.id)

    system.vault.erase_customer(admin, created.id)
    with system.factory() as session:
        assert session.get(DataKeyRecord, created.id) is None
        assert session.scalars(select(CustomerField)).all() == []
    with pytest.raises(CustomerNotFound):
        system.vault.get_customer(admin, created.id)
    assert system.vault.search(admin, SearchIn(phone="+6281234567890")) == []


def test_a_ciphertext_copied_into_another_row_fails_to_open(system, admin, budi) -> None:
    created = system.vault.create_customer(admin, budi)
    phone = next(f for f in created.fields if f.kind == "phone")
    email = next(f for f in created.fields if f.kind == "email")
    with system.factory() as session, session.begin():
        sealed = session.get(CustomerField, phone.id).sealed
        session.execute(
            update(CustomerField).where(CustomerField.id == email.id).values(sealed=sealed)
        )
    with pytest.raises(IntegrityError):
        system.vault.get_customer(admin, created.id)


def test_cursor_pagination_visits_every_customer_once(system, admin) -> None:
    ids = {
        system.vault.create_customer(admin, CustomerIn(full_name=f"Customer {i}")).id
        for i in range(7)
    }
    seen, cursor = [], None
    while True:
        page = system.vault.list_customers(admin, cursor, 3)
        seen += [c.id for c in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    with pytest.raises(InvalidInput):
        system.vault.list_customers(admin, "%%%", 3)
