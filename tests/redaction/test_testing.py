"""The testing helpers: (type, value) pairs, filtered by type, with any redactor."""

from __future__ import annotations

from amanah.redaction import Redactor
from amanah.redaction.testing import found, found_in_turns, kinds

TEXT = "Nama saya Budi Santoso, kartu 4111 1111 1111 1111."


def test_found_gives_types_and_values_and_filters_by_type() -> None:
    assert found(TEXT) == {("PERSON", "Budi Santoso"), ("CREDIT_CARD", "4111 1111 1111 1111")}
    assert found(TEXT, ["CREDIT_CARD"]) == {("CREDIT_CARD", "4111 1111 1111 1111")}
    assert kinds(TEXT) == {"PERSON", "CREDIT_CARD"}


def test_found_uses_the_redactor_given() -> None:
    cards_only = Redactor(entities=["CREDIT_CARD"])
    assert kinds(TEXT, redactor=cards_only) == {"CREDIT_CARD"}
    assert found("nothing here", lang="en") == set()


def test_found_in_turns_applies_every_revision() -> None:
    turns = ["nomor kartu saya 4111 1111", "1111 1111 ya kak"]
    assert found_in_turns(turns) == [
        {("CREDIT_CARD", "4111 1111")},
        {("CREDIT_CARD", "1111 1111")},
    ]
    names_only = Redactor(entities=["PERSON"])
    assert found_in_turns(turns, redactor=names_only) == [set(), set()]
