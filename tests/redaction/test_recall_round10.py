"""Round 10: a phone read in pieces (a country code in words before the rest, an area code
then three and four digits, a trunk "0" after a bare "nomornya"), an SSN named by the places
of its groups or with its middle two said as words, "the first three digits" as a piece's
place (no CVV), the number on an account that is a phone, a relative's name that is also a
word elsewhere, a company after "you're through to", a name with its particle closing the
agent's greeting, a security word the caller set, and "-nya" after a password's cue."""

from __future__ import annotations

import pytest

from amanah.redaction.testing import found, found_in_turns, kinds


# -- phones read in pieces ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("My mobile is six five, then 8123 4567.", {"six five", "8123 4567"}),
        ("nomor hp saya enam dua, terus 812 3456 7890", {"enam dua", "812 3456 7890"}),
    ],
)
def test_country_code_in_words_then_the_rest(text: str, pieces: set[str]) -> None:
    assert {v for k, v in found(text) if k == "PHONE_NUMBER"} == pieces


def test_country_code_needs_a_phone_cue_and_a_valid_number() -> None:
    assert ("PHONE_NUMBER", "six five") not in found("Table six five, then 8123 4567 guests.")
    # not a country code: "two three" is no code we know
    assert ("PHONE_NUMBER", "two three") not in found("My mobile is two three, then 8123 4567.")


def test_area_code_then_three_and_four_digits() -> None:
    text = "Sure, area code four one five, then three three two, then eight six one nine."
    assert {v for k, v in found(text) if k == "PHONE_NUMBER"} == {
        "four one five",
        "three three two",
        "eight six one nine",
    }


def test_area_code_alone_stays() -> None:
    assert found("The area code is 415, the office closes at 5.") == set()


def test_trunk_zero_after_a_bare_number_cue_in_pieces() -> None:
    text = "nomornya 0812, terus 3456 7890"
    assert {v for k, v in found(text) if k == "PHONE_NUMBER"} == {"0812", "3456 7890"}


@pytest.mark.parametrize(
    "text",
    [
        "nomor pesanan 0812, terus 3456 7890",  # an order number, however it is read
        "nomornya 2024, terus 3456 7890",  # no trunk "0": not a phone's opening
    ],
)
def test_pieces_after_a_bare_number_need_a_phone_shape(text: str) -> None:
    assert "PHONE_NUMBER" not in kinds(text)


# -- SSN in pieces -----------------------------------------------------------------------------
def test_ssn_named_by_the_places_of_its_groups() -> None:
    turns = ["First three digits are 371.", "Then 84.", "And the last four are 2019."]
    assert found_in_turns(turns) == [{("US_SSN", "371")}, {("US_SSN", "84")}, {("US_SSN", "2019")}]


@pytest.mark.parametrize(
    "turns",
    [
        # no "first three" / "last four": three numbers, nothing says what they are
        ["It was 371.", "Then 84.", "And then 2019."],
        # the check fails: area 000 is never issued
        ["First three digits are 000.", "Then 84.", "And the last four are 2019."],
        # another cue names them
        ["The order's first three digits are 371.", "Then 84.", "And the last four are 2019."],
    ],
)
def test_no_ssn_from_pieces_without_its_shape_and_places(turns: list[str]) -> None:
    assert not any(kind == "US_SSN" for labels in found_in_turns(turns) for kind, _ in labels)


def test_first_three_digits_name_a_place_not_a_cvv() -> None:
    assert found("The first three digits are 552.") == set()
    assert ("CARD_CVV", "552") in found("The three digits on the back are 552.")


def test_ssn_middle_two_said_as_words_between_its_groups() -> None:
    turns = [
        "First three of my social are four one two.",
        "Okay, and the middle two?",
        "oh seven, and then the last four are nine three eight one.",
    ]
    labels = found_in_turns(turns)
    assert labels[0] == {("US_SSN", "four one two")}
    assert labels[2] == {("US_SSN", "oh seven"), ("US_SSN", "nine three eight one")}


# -- phone or account --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("The number on the account is 07700 912345.", "PHONE_NUMBER", "07700 912345"),
        ("the number for my account is 0812 3456 7890", "PHONE_NUMBER", "0812 3456 7890"),
        ("The number on the account is 12345678.", "BANK_ACCOUNT", "12345678"),
        ("My account number is 07700912345.", "BANK_ACCOUNT", "07700912345"),
    ],
)
def test_number_on_the_account_is_a_phone_when_shaped_like_one(
    text: str, kind: str, value: str
) -> None:
    assert found(text) == {(kind, value)}


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My wife Mei pays the bills, not me.", "Mei"),
        ("my son Tim will call you back", "Tim"),
        ("My husband Christian Wong opened it.", "Christian Wong"),
    ],
)
def test_relative_named_with_a_name_that_is_also_a_word(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "istri saya Mei kemarin melahirkan",  # Indonesian: "Mei" is the month
        "my daughter Mei 5 is her birthday",  # a date after it
        "my mother May be calling later",  # not a listed name
    ],
)
def test_relative_then_a_month_is_no_name(text: str) -> None:
    assert "PERSON" not in kinds(text)


def test_company_after_through_to_is_no_person() -> None:
    text = "Good morning, you're through to Horizon Mobile, you're speaking with Callum."
    assert {v for k, v in found(text) if k == "PERSON"} == {"Callum"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hello, Orbit Air, you're speaking with Anouk van Dijk.", "Anouk van Dijk"),
        ("You're speaking with Sanne de Vries, how can I help?", "Sanne de Vries"),
    ],
)
def test_name_with_a_particle_closes_the_greeting(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


# -- secrets -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The security word I set up was lighthouse.", "lighthouse"),
        ("The password we chose was pomegranate", "pomegranate"),
        ("security phrase: Kopi#Pagi88", "Kopi#Pagi88"),
    ],
)
def test_security_word_the_caller_set(text: str, value: str) -> None:
    assert ("SECRET", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "the password was changed yesterday",
        "the security word I set up was never used",
        "The security word I set up was sent to you",
    ],
)
def test_no_secret_after_was_without_a_value(text: str) -> None:
    assert "SECRET" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("kata sandi wifi-nya Sawah2023!, tolong dicatat", "Sawah2023!"),
        ("Password-nya M-e-l-a-t-i-7-7, M-nya huruf besar.", "M-e-l-a-t-i-7-7"),
    ],
)
def test_nya_after_a_password_cue(text: str, value: str) -> None:
    assert {v for k, v in found(text) if k == "SECRET"} == {value}
