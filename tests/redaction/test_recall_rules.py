"""Names without cue words, spoken dates, compact expiries, Amex CIDs, read-out passwords."""

from __future__ import annotations

import pytest

from amanah.redaction.spoken import number_chunks
from amanah.redaction.testing import found


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("thanks Rina", "PERSON", "Rina"),
        ("ok thank you Chinedu", "PERSON", "Chinedu"),
        ("hi Declan, I need help with my card", "PERSON", "Declan"),
        ("terima kasih Ucok", "PERSON", "Ucok"),
        ("makasih Tigor, sudah jelas", "PERSON", "Tigor"),
        ("saya sudah bicara sama Asep tadi", "PERSON", "Asep"),
        ("I spoke to Oluwaseun yesterday", "PERSON", "Oluwaseun"),
        ("this is rina from Amanah Bank", "PERSON", "rina"),
        ("is this Mr Tan's account?", "PERSON", "Tan"),
        ("Pak Faizal bin Ismail sudah konfirmasi", "PERSON", "Faizal bin Ismail"),
        ("halo Hui Min, saya mau tanya", "PERSON", "Hui Min"),
        ("Hello Kumar, my card is blocked", "PERSON", "Kumar"),
        ("expiry twelve twenty seven", "CARD_EXPIRY", "twelve twenty seven"),
        ("my card expires oh five twenty nine", "CARD_EXPIRY", "oh five twenty nine"),
        ("the expiry date is May twenty twenty eight", "CARD_EXPIRY", "May twenty twenty eight"),
        ("masa berlaku dua belas dua puluh tujuh", "CARD_EXPIRY", "dua belas dua puluh tujuh"),
        ("expiry 0529", "CARD_EXPIRY", "0529"),
        ("the expiry is 05 29", "CARD_EXPIRY", "05 29"),
        (
            "my date of birth is the fifth of May nineteen ninety",
            "DATE_OF_BIRTH",
            "fifth of May nineteen ninety",
        ),
        (
            "I was born on May fifth, nineteen eighty-five",
            "DATE_OF_BIRTH",
            "May fifth, nineteen eighty-five",
        ),
        (
            "tanggal lahir saya lima Mei sembilan belas sembilan puluh",
            "DATE_OF_BIRTH",
            "lima Mei sembilan belas sembilan puluh",
        ),
        ("DOB 17081985", "DATE_OF_BIRTH", "17081985"),
        ("Born on 17 Agt 85", "DATE_OF_BIRTH", "17 Agt 85"),
        ("Amex: the 4-digit code on the front is 1234", "CARD_CVV", "1234"),
        ("CID 4821", "CARD_CVV", "4821"),
        ("kartu Amex, kode 4 digit di depan kartu 7731", "CARD_CVV", "7731"),
        ("kata sandinya kucingoren", "SECRET", "kucingoren"),
        ("sandi saya kopisusu kak", "SECRET", "kopisusu"),
        ("masa berlaku 0625, kartunya 6011000990139424", "CREDIT_CARD", "6011000990139424"),
        ("I live at twelve Baker Street", "ADDRESS", "twelve Baker Street"),
        ("I live at 22 Acacia Gardens, London", "ADDRESS", "22 Acacia Gardens, London"),
        (
            "alamat saya Jalan Melati nomor dua belas, Bandung",
            "ADDRESS",
            "Jalan Melati nomor dua belas, Bandung",
        ),
        (
            "my social security number is four two one, five five, six seven eight nine",
            "US_SSN",
            "four two one, five five, six seven eight nine",
        ),
        (
            "my email is john dot smith at gmail dot com",
            "EMAIL_ADDRESS",
            "john dot smith at gmail dot com",
        ),
    ],
)
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "promo code SAVE20 expires 12/31",
        "my appointment is on 10/14 at the branch",
        "kode promo HEMAT50 berlaku sampai 12/31 ya kak",
        "thank you so much, bye",
        "Thanks Google.",
        "hi there, I have a question about my bill",
        "that's B for Benjamin, then R for Robert",
        "kata sandi saya sudah diganti",
        "I'll call back in twenty minutes",
        "I walked 3 blocks down the road",
        "terima kasih banyak ya",
    ],
)
def test_not_found(text: str) -> None:
    assert found(text) == set()


@pytest.mark.parametrize(
    ("words", "chunks"),
    [
        ("twelve twenty seven", [12, 27]),
        ("oh five twenty nine", [5, 29]),
        ("nineteen ninety", [19, 90]),
        ("two thousand and three", [2003]),
        ("dua belas dua puluh tujuh", [12, 27]),
        ("seribu sembilan ratus sembilan puluh", [1990]),
        ("twenty-first", [21]),
    ],
)
def test_number_chunks(words: str, chunks: list[int]) -> None:
    assert number_chunks(words) == chunks
