"""What agents see of sensitive fields: masks by default, reveals that never show a full PAN."""

from __future__ import annotations

from datetime import date

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from amanah.vault.errors import InvalidField
from amanah.vault.masking import MASKERS, REVEAL_FORMATTERS, mask, reveal, reveal_card
from amanah.vault.validation import (
    normalize_address,
    normalize_email,
    normalize_name,
    normalize_phone,
)

# --------------------------------------------------------------------------- required shapes


@pytest.mark.parametrize(
    ("kind", "value", "meta", "expected"),
    [
        ("full_name", "Budi Santoso", None, "B*** S******"),
        ("full_name", "Siti", None, "S***"),
        ("full_name", "J R", None, "* *"),
        ("phone", "+6281234567890", None, "+62 812-****-7890"),
        ("phone", "+622123456789", None, "+62 21 ****6789"),
        ("phone", "+62810000000", None, "+62 81*-**0-000"),
        ("phone", "+12015550123", None, "+1 201-***-0123"),
        ("phone", "+442079460000", None, "+44 20 **** 0000"),
        ("phone", "+6591234567", None, "+65 9*** 4567"),
        ("email", "budi@example.com", None, "b****@example.com"),
        ("email", "b@example.com", None, "b****@example.com"),
        ("email", "not-an-email", None, "****"),
        ("national_id", "3174015708900001", {"id_kind": "nik"}, "3174**********01"),
        ("national_id", "0013121660091000", {"id_kind": "npwp"}, "************1000"),
        ("national_id", "S1234567D", {"id_kind": "nric"}, "*****567D"),
        ("national_id", "M1234567K", {"id_kind": "fin"}, "*****567K"),
        ("national_id", "123456789", {"id_kind": "ssn"}, "*****6789"),
        ("national_id", "A1234567", {"id_kind": "passport"}, "*****567"),
        ("national_id", "A12345", {"id_kind": "passport"}, "****45"),
        ("national_id", "X123456789", None, "******6789"),
        ("national_id", "X123456789", {"id_kind": "unheard-of"}, "******6789"),
        ("national_id", "ABC123", {}, "****23"),
        ("date_of_birth", "1990-05-17", None, "1990-**-**"),
        ("date_of_birth", "17/05/1990", None, "****-**-**"),
        (
            "address",
            "Jl. Sudirman No. 5, Kebayoran Baru, Jakarta Selatan",
            None,
            "****, ****, Jakarta Selatan",
        ),
        ("address", "Jl. Sudirman No. 5, Jakarta, ", None, "****, Jakarta"),
        ("address", "Jl. Sudirman No. 5 Jakarta", None, "****"),
        ("card", "4111111111111111", None, "**** **** **** 1111"),
        ("card", "378282246310005", None, "**** **** **** 0005"),
        ("card", "12345", None, "**** **** **** ****"),
        ("bank_account", "1234567890", None, "****7890"),
        ("bank_account", "GB82WEST12345698765432", None, "****5432"),
        ("bank_account", "123456", None, "****"),
        ("note", "Customer said her PIN is 1234", None, "[note]"),
    ],
)
def test_mask_shapes(kind: str, value: str, meta: dict | None, expected: str) -> None:
    assert mask(kind, value, meta) == expected


def test_mask_date_of_birth_accepts_a_date() -> None:
    assert MASKERS["date_of_birth"](date(1990, 5, 17), None) == "1990-**-**"


def test_mask_unknown_kind_fails_closed() -> None:
    with pytest.raises(ValueError, match="no mask"):
        mask("favourite_colour", "blue")


def test_every_kind_has_a_mask() -> None:
    assert set(MASKERS) == {
        "full_name",
        "phone",
        "email",
        "national_id",
        "date_of_birth",
        "address",
        "card",
        "bank_account",
        "note",
    }


# --------------------------------------------------------------------------- reveal


@pytest.mark.parametrize(
    ("pan", "expected"),
    [
        ("4111111111111111", "411111******1111"),
        ("5555555555554444", "555555******4444"),
        ("4111 1111 1111 1111", "411111******1111"),
        ("4000000000000000006", "400000*********0006"),
        ("378282246310005", "37828******0005"),
        ("36227206271667", "3622******1667"),
        ("411111111113", "41******1113"),
        ("12345", "*****"),
    ],
)
def test_reveal_card_first_six_last_four_at_most(pan: str, expected: str) -> None:
    assert reveal_card(pan) == expected


def test_reveal_returns_value_for_every_kind_but_card() -> None:
    for kind in MASKERS:
        if kind == "card":
            assert reveal(kind, "4111111111111111") == "411111******1111"
        else:
            assert reveal(kind, "some value", {"id_kind": "nik"}) == "some value"
    assert set(REVEAL_FORMATTERS) == {"card"}


def test_reveal_unknown_kind_fails_closed() -> None:
    with pytest.raises(ValueError, match="no reveal"):
        reveal("favourite_colour", "blue")


pans = st.integers(11, 18).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n).map(
        lambda body: body + luhn.calc_check_digit(body)
    )
)


@given(pans)
def test_reveal_card_never_returns_the_full_pan(pan: str) -> None:
    shown = reveal_card(pan)
    assert len(shown) == len(pan)
    assert shown != pan
    visible = [ch for ch in shown if ch != "*"]
    assert len(visible) <= 10
    assert shown.count("*") >= 6
    assert shown.endswith(pan[-4:])
    assert pan[:6].startswith(shown.split("*", 1)[0])


# --------------------------------------------------------------------------- properties

# Star-free text: a value made of stars could "appear" inside its own mask.
plain_text = st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1)


@given(st.sampled_from(sorted(MASKERS)), st.text(), st.none() | st.fixed_dictionaries({}))
def test_mask_never_fails_on_any_text(kind: str, value: str, meta: dict | None) -> None:
    assert isinstance(mask(kind, value, meta), str)


@given(
    st.sampled_from(sorted(MASKERS)),
    plain_text.filter(lambda v: len(v.strip()) >= 6 and any(ch.isalnum() for ch in v)),
    st.sampled_from([None, {"id_kind": "nik"}, {"id_kind": "nric"}, {"id_kind": "passport"}]),
)
def test_mask_never_contains_the_whole_value(kind: str, value: str, meta: dict | None) -> None:
    assert value.strip() not in mask(kind, value, meta)


@given(pans)
def test_card_mask_shape(pan: str) -> None:
    masked = mask("card", pan)
    assert masked == "**** **** **** " + pan[-4:]
    assert pan not in masked


@given(st.text(alphabet="0123456789", min_size=8, max_size=11))
def test_phone_mask_shape(rest: str) -> None:
    try:
        e164 = normalize_phone("08" + rest)
    except InvalidField:
        assume(False)
    masked = mask("phone", e164)
    formatted = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    assert len(masked) == len(formatted)
    assert masked.startswith("+62 8")
    assert masked.replace("-", "").replace(" ", "").endswith(e164[-4:])
    assert masked.count("*") >= 3
    assert e164[1:] not in "".join(ch for ch in masked if ch.isdigit())


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_nik_mask_shape(nik: str) -> None:
    masked = mask("national_id", nik, {"id_kind": "nik"})
    assert len(masked) == 16
    assert masked == nik[:4] + "*" * 10 + nik[-2:]


@given(st.emails())
def test_email_mask_keeps_first_character_and_domain(raw: str) -> None:
    try:
        email = normalize_email(raw)
    except InvalidField:
        assume(False)
    local, domain = email.rsplit("@", 1)
    assert mask("email", email) == f"{local[0]}****@{domain}"


@given(plain_text)
def test_name_mask_keeps_word_count_and_lengths(raw: str) -> None:
    try:
        name = normalize_name(raw)
    except InvalidField:
        assume(False)
    masked = mask("full_name", name)
    assert [len(w) for w in masked.split(" ")] == [len(w) for w in name.split(" ")]
    if len(name) >= 2:
        assert name not in masked


@given(st.lists(plain_text.filter(lambda p: "," not in p), min_size=1, max_size=5))
def test_address_mask_keeps_only_the_last_part(parts: list[str]) -> None:
    try:
        address = normalize_address(", ".join(parts))
    except InvalidField:
        assume(False)
    masked = mask("address", address)
    kept = masked.split(", ")[-1]
    assert all(part == "****" for part in masked.split(", ")[:-1])
    assert kept == "****" or address.rstrip(", ").endswith(kept)


@given(st.dates(date(1890, 1, 1), date(2030, 12, 31)))
def test_date_of_birth_mask_keeps_only_the_year(born: date) -> None:
    assert mask("date_of_birth", born.isoformat()) == f"{born.year:04d}-**-**"


@given(plain_text)
def test_note_is_always_hidden(note: str) -> None:
    assert mask("note", note) == "[note]"


@given(st.text(alphabet="0123456789", min_size=6, max_size=20))
def test_bank_account_mask_shows_at_most_last_four(account: str) -> None:
    masked = mask("bank_account", account)
    assert masked in ("****", "****" + account[-4:])
    assert account not in masked
