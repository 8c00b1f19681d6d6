"""Round 7: a phone read in pieces joined by "then" or "terus", an SSN's pieces across turns
after an apology or a "last four," with a comma, "expired-nya" as an expiry cue, a spelled
name and the capitalised word it spells (before or after it, one or two words), and a
currency after a title ("Bapak Rp ...") that is no name."""

from __future__ import annotations

import pytest

from amanah.redaction.streaming import redact_interaction
from amanah.redaction.testing import found, kinds


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("my phone is nine one two three, then four five six seven",
         ["nine one two three", "four five six seven"]),
        ("the mobile is 0812 then 3456 then 7890", ["0812", "3456", "7890"]),
        ("nomor hp saya kosong delapan satu satu, terus dua dua tiga empat, terus lima enam "
         "tujuh delapan", ["kosong delapan satu satu", "dua dua tiga empat",
                           "lima enam tujuh delapan"]),
        ("WA saya 0857 lalu 2210 lalu 4431 ya", ["0857", "2210", "4431"]),
    ],
)  # fmt: skip
def test_phone_in_pieces(text: str, pieces: list[str]) -> None:
    assert {("PHONE_NUMBER", p) for p in pieces} <= found(text)


@pytest.mark.parametrize(
    "text",
    [
        "order number 5521 then 8812 then 0021",
        "my phone is fine, the ticket is 8462 then 1937",
        "nomor pesanan 0812 terus 3456 terus 7890",
    ],
)
def test_pieces_without_a_phone_cue_stay(text: str) -> None:
    assert "PHONE_NUMBER" not in kinds(text)


@pytest.mark.parametrize(
    ("turns", "values"),
    [
        (["my social starts five one two", "sorry, the middle two are four four",
          "and the last four, seven seven eight one."],
         ["five one two", "four four", "seven seven eight one"]),
        (["my SSN starts 512", "oh sorry, the middle two digits are 44",
          "and the last four: 7781"], ["512", "44", "7781"]),
        (["nomor SSN saya empat satu dua", "maaf, yang tengah dua dua",
          "terus empat terakhir, satu dua tiga empat"],
         ["empat satu dua", "dua dua", "satu dua tiga empat"]),
    ],
)  # fmt: skip
def test_ssn_pieces_across_turns(turns: list[str], values: list[str]) -> None:
    out = redact_interaction(turns)
    for turn, (_, ents), value in zip(turns, out, values, strict=True):
        assert ("US_SSN", value) in {(e.type, turn[e.start : e.end]) for e in ents}


def test_expired_nya_after_a_card_read_in_turns() -> None:
    turns = ["nomor kartunya empat satu satu satu, satu satu satu satu", "oke lanjut",
             "satu satu satu satu, satu satu satu satu", "expired-nya 09/27."]  # fmt: skip
    _, ents = redact_interaction(turns)[-1]
    assert [(e.type, turns[-1][e.start : e.end]) for e in ents] == [("CARD_EXPIRY", "09/27")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("yes, it's K-O-W-A-L-C-Z-Y-K, Kowalczyk, with a Z", ["K-O-W-A-L-C-Z-Y-K", "Kowalczyk"]),
        ("the email is dana dot pell at gmail dot com, and Pell is P-E-L-L.",
         ["Pell", "P-E-L-L"]),
        ("nama saya Dewi Kartika, D-E-W-I K-A-R-T-I-K-A.",
         ["Dewi Kartika", "D-E-W-I K-A-R-T-I-K-A"]),
        ("Mbaraga, M-B-A-R-A-G-A, that's the surname", ["Mbaraga", "M-B-A-R-A-G-A"]),
    ],
)  # fmt: skip
def test_spelled_name_and_its_word(text: str, names: list[str]) -> None:
    assert {("PERSON", n) for n in names} <= found(text)


@pytest.mark.parametrize(
    "text",
    [
        "my password is Kangaroo, K-A-N-G-A-R-O-O",
        "password saya Merdeka, M-E-R-D-E-K-A",
        "my username is Falcon, F-A-L-C-O-N",
        "Limit kartu Bapak Rp 25.000.000 dan sisa limitnya Rp 1.200.000.",
        "Tagihan Ibu IDR 1.500.000 ya",
    ],
)
def test_not_a_person(text: str) -> None:
    assert "PERSON" not in kinds(text)
