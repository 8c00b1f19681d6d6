"""Round 4, numbers and secrets: cues spelled letter by letter ("o t p", "ss number"),
dates of birth with no separators or with the year first, expiries whose year is read
digit by digit, an area code after a phone cue, numbers dictated in pieces (with the
count said before each piece), and the payment and company numbers that stay in clear."""

from __future__ import annotations

import pytest

from amanah.redaction.spoken import normalise
from amanah.redaction.streaming import redact_interaction
from amanah.redaction.testing import found as found_of

MINE = frozenset(
    ["PHONE_NUMBER", "CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY", "BANK_ACCOUNT", "US_SSN",
     "DATE_OF_BIRTH", "SECRET", "ID_NIK"]
)  # fmt: skip


def found(text: str) -> set[tuple[str, str]]:
    return found_of(text, MINE)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # a cue spelled out letter by letter
        ("the o t p is four four one nine", "SECRET", "four four one nine"),
        ("my p i n is 4826", "SECRET", "4826"),
        ("O.T.P: 551903", "SECRET", "551903"),
        ("c v v is four one seven", "CARD_CVV", "four one seven"),
        ("S.S.N. 521064983", "US_SSN", "521064983"),
        (
            "ss number five two one oh six four nine eight three",
            "US_SSN",
            "five two one oh six four nine eight three",
        ),
        # a date of birth with no separators, typed or read digit by digit
        ("date of birth oh six one two eighty one", "DATE_OF_BIRTH", "oh six one two eighty one"),
        ("dob zero three one one nine two", "DATE_OF_BIRTH", "zero three one one nine two"),
        (
            "tanggal lahir saya dua satu nol lima sembilan tujuh",
            "DATE_OF_BIRTH",
            "dua satu nol lima sembilan tujuh",
        ),
        ("tgl lahir 150689", "DATE_OF_BIRTH", "150689"),
        ("DOB 19830412", "DATE_OF_BIRTH", "19830412"),
        # ... or with the year first, whatever the separator
        ("tgl lahir 1985/11/02 kak", "DATE_OF_BIRTH", "1985/11/02"),
        ("date of birth: 1979.06.30", "DATE_OF_BIRTH", "1979.06.30"),
        # an expiry whose year is read digit by digit after the month
        ("berlaku sampai maret dua delapan", "CARD_EXPIRY", "maret dua delapan"),
        ("expiry june two nine", "CARD_EXPIRY", "june two nine"),
        ("masa berlaku kartu agustus dua enam", "CARD_EXPIRY", "agustus dua enam"),
        # an area code after a phone cue opens the phone number
        ("call me at area code 415 727 9060", "PHONE_NUMBER", "415 727 9060"),
        (
            "my phone is area code two one two, five five five, one nine eight four",
            "PHONE_NUMBER",
            "two one two, five five five, one nine eight four",
        ),
        ("nomor telepon saya kode area 021 5790 1234", "PHONE_NUMBER", "021 5790 1234"),
    ],
)
def test_found_round4(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        # references, a receipt's approval and batch numbers, a company's registration
        "nomor referensi 8820 4471 0093 2216 tidak valid",
        "kode referensi 7720 1183 5521",
        "The slip shows approval code 7KQ21X and batch 000318.",
        "receipt: auth code A1B2C3, terminal 00441",
        "Our UEN is 201834567M, it's a business account.",
        # an area code asked about, with no phone of the speaker's
        "what's the area code for Jakarta? 021 right",
        "the area code is 212",
        # dates that are no birth dates, numbers that are no dates
        "version 1992.03.14",
        "the meeting is on 2024/03/14",
        "invoice date 2023/11/02",
        "postal code 041283",
        "I paid 150689 rupiah",
        "the promo ends june two nine",
        # letters of a word spelled out are no cue
        "a p i n k 4826",
    ],
)
def test_hard_negatives_round4(text: str) -> None:
    assert found(text) == set()


def test_auth_code_is_still_a_secret_without_a_receipt() -> None:
    assert found("the auth code for login is 551203") == {("SECRET", "551203")}


def test_count_before_the_digits_is_no_digit() -> None:
    assert normalise("the last four four one one one")[0] == "the last four 4111"
    assert normalise("middle two eight two")[0] == "middle two 82"
    assert normalise("the first one two three four")[0] == "the first 1234"


def test_ssn_in_three_groups_in_one_turn() -> None:
    text = "my social, first three 726, middle two 82, last four 3165"
    assert found(text) == {("US_SSN", "726"), ("US_SSN", "82"), ("US_SSN", "3165")}
    spoken = (
        "ss number first three five two one, middle two oh six, last four four nine eight three"
    )
    assert found(spoken) == {
        ("US_SSN", "five two one"),
        ("US_SSN", "oh six"),
        ("US_SSN", "four nine eight three"),
    }
    assert found("order 726, qty 82, total 3165") == set()


def _stream(turns: list[str]) -> list[set[tuple[str, str]]]:
    """Each turn's (type, value) pairs once the whole interaction is in."""
    return [
        {(e.type, t[e.start : e.end]) for e in ents}
        for t, (_, ents) in zip(turns, redact_interaction(turns), strict=True)
    ]


def test_stream_phone_after_area_code() -> None:
    got = _stream(
        ["my phone is area code two one two", "then five five five", "one nine eight four"]
    )
    assert got == [
        {("PHONE_NUMBER", "two one two")},
        {("PHONE_NUMBER", "five five five")},
        {("PHONE_NUMBER", "one nine eight four")},
    ]


def test_stream_phone_opening_after_bare_number_cue() -> None:
    got = _stream(["nomornya kosong delapan satu tiga", "dua dua empat", "lima enam tujuh delapan"])
    assert got == [
        {("PHONE_NUMBER", "kosong delapan satu tiga")},
        {("PHONE_NUMBER", "dua dua empat")},
        {("PHONE_NUMBER", "lima enam tujuh delapan")},
    ]
    assert _stream(["nomor antrian saya 0412", "ok makasih"]) == [set(), set()]


def test_stream_ssn_pieces_with_their_counts() -> None:
    got = _stream(
        ["social security, first three five two one", "next two are oh six", "last four 4983"]
    )
    assert got == [{("US_SSN", "five two one")}, {("US_SSN", "oh six")}, {("US_SSN", "4983")}]


def test_stream_two_number_words_only_while_the_number_is_open() -> None:
    assert _stream(["card 4111 1111 1111 1111", "yes one one"])[1] == set()
