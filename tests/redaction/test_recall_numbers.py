"""Numbers and secrets said the way new writers say them: phones with no cue word,
two-digit spoken birth years, security answers, cards and emails read out in pieces,
spoken IP addresses, and the bank and software numbers that stay in clear."""

from __future__ import annotations

import pytest

from amanah.redaction import Redactor, analyze
from amanah.redaction.spoken import normalise
from amanah.redaction.streaming import StreamRedactor


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, text[e.start : e.end]) for e in analyze(text)}


def types(text: str) -> set[str]:
    return {e.type for e in analyze(text)}


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # phones with no cue word: a Singapore mobile, a US number written or read out
        ("You can reach my husband on 9123 4567 after six.", "PHONE_NUMBER", "9123 4567"),
        ("my registered number is 81234567.", "PHONE_NUMBER", "81234567"),
        ("nomor suami saya 9876 5432 kak", "PHONE_NUMBER", "9876 5432"),
        ("text my wife on 8765-4321 please", "PHONE_NUMBER", "8765-4321"),
        ("Can you call Priya back at (415) 555-2671?", "PHONE_NUMBER", "(415) 555-2671"),
        (
            "its four one five two three nine eight eight seven six",
            "PHONE_NUMBER",
            "four one five two three nine eight eight seven six",
        ),
        (
            "the number is nine one two three four five six seven",
            "PHONE_NUMBER",
            "nine one two three four five six seven",
        ),
        # one-time codes with the channel named between cue and code
        ("Kode verifikasi via WA: 4821", "SECRET", "4821"),
        ("the code they sent by sms is 7741", "SECRET", "7741"),
        ("the security code sent to my phone is 551204", "SECRET", "551204"),
        # security answers, qualifiers before the value, passwords spelled with words
        ("The answer to my security question is Kebumen1969.", "SECRET", "Kebumen1969"),
        ("my memorable word is Sunflower", "SECRET", "Sunflower"),
        ("jawaban pertanyaan keamanan saya Cimahi88", "SECRET", "Cimahi88"),
        ("pin saya yang lama 482913", "SECRET", "482913"),
        ("Password akun saya sebelumnya Merah#Putih45, sudah diganti", "SECRET", "Merah#Putih45"),
        (
            "password is capital p papaya hash twenty twenty five",
            "SECRET",
            "capital p papaya hash twenty twenty five",
        ),
        # spoken dates of birth with a two-digit year; old full dates with no cue
        ("i was born third of june seventy nine", "DATE_OF_BIRTH", "third of june seventy nine"),
        ("my birthday is ninth of july eighty", "DATE_OF_BIRTH", "ninth of july eighty"),
        ("born on march the third sixty nine", "DATE_OF_BIRTH", "march the third sixty nine"),
        (
            "tanggal lahir saya dua puluh satu mei sembilan puluh tiga",
            "DATE_OF_BIRTH",
            "dua puluh satu mei sembilan puluh tiga",
        ),
        ("you'll find me under 1982-11-04.", "DATE_OF_BIRTH", "1982-11-04"),
        ("the account holder is Sarah Lee, 14/02/1987", "DATE_OF_BIRTH", "14/02/1987"),
        # expiries with an apostrophe year
        ("Visa 4111 1111 1111 1111, expiring March '27", "CARD_EXPIRY", "March '27"),
        ("exp date is 09/'28", "CARD_EXPIRY", "09/'28"),
        # spoken IP addresses
        (
            "the ip is one nine two dot one six eight dot one dot five",
            "IP_ADDRESS",
            "one nine two dot one six eight dot one dot five",
        ),
        (
            "alamat ip saya sepuluh titik nol titik nol titik satu",
            "IP_ADDRESS",
            "sepuluh titik nol titik nol titik satu",
        ),
        # an email cut off mid-dictation; "me" is not an address
        ("my email is r dot k underscore", "EMAIL_ADDRESS", "r dot k underscore"),
        ("emailnya wahyu titik hidayat, sebentar", "EMAIL_ADDRESS", "wahyu titik hidayat"),
        ("email me at jo dot tan at gmail dot com", "EMAIL_ADDRESS", "jo dot tan at gmail dot com"),
    ],
)
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


def test_card_read_in_pieces() -> None:
    text = "first four 4532, next four 0151, then 1283, last four 0366"
    cards = [v for k, v in found(text) if k == "CREDIT_CARD"]
    assert sorted(cards) == ["0151", "0366", "1283", "4532"]


@pytest.mark.parametrize(
    "text",
    [
        "Your order 91234567 has shipped.",
        "Ticket 88112233 is now closed.",
        "nomor pesanan 98765432 sudah dikirim",
        "The amount is 91234567 rupiah.",
        "press 9 then 1234 for billing",
        "last four 2003",
        "order 1234 then 5678, ticket 9012 and 3456",
        "I paid 1200 then 3400 then 5600 and 7800",
        "Kode verifikasi akan dikirim via SMS ke nomor terdaftar.",
        "password saya sebelumnya sudah diganti kak",
        "I forgot my security question, can you reset it?",
        "password reset link was sent to you at 10.30",
        "I opened the account on 12 May 2003.",
        "saya jadi nasabah sejak 5 Mei 1998",
        "Your appointment is confirmed for 14 March 2025.",
        "The router firmware is 10.4.2.118, the latest release.",
        "Build 4.12.0.233 fixed it",
        "it costs nine point nine nine dollars",
        "the email is not working since 10 am",
        "email support dot com",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert types(text) <= {"PERSON", "ADDRESS"}


def test_bank_codes_are_not_accounts() -> None:
    text = "checking account 4820017736 at Chase, routing number 021000021, sort code 20-00-00"
    assert [v for k, v in found(text) if k == "BANK_ACCOUNT"] == ["4820017736"]


def test_dot_between_spoken_numbers_only() -> None:
    assert normalise("one two three dot com")[0] == "123 dot com"
    assert normalise("ten dot zero dot zero dot fifteen")[0] == "10.0.0.15"


def _stream(turns: list[str]) -> list[set[tuple[str, str]]]:
    stream = StreamRedactor(Redactor())
    out: list[list] = []
    for text in turns:
        update = stream.feed(text)
        out.append(update.entities)
        for index, (_, ents) in update.revisions.items():
            out[index] = ents
    return [
        {(e.type, t[e.start : e.end]) for e in ents} for t, ents in zip(turns, out, strict=True)
    ]


def test_stream_card_dictated_in_pieces() -> None:
    got = _stream(["ok ready? first four are 4532", "then 0151 1283", "sorry, last four 0366"])
    assert got == [
        {("CREDIT_CARD", "4532")},
        {("CREDIT_CARD", "0151 1283")},
        {("CREDIT_CARD", "0366")},
    ]


def test_stream_lone_last_four_stays() -> None:
    assert _stream(["last four 2003", "yes that one"]) == [set(), set()]


def test_stream_three_digits_after_cue_masked() -> None:
    got = _stream(["nomor rekeningnya tujuh tiga kosong"])
    assert got == [{("BANK_ACCOUNT", "tujuh tiga kosong")}]


def test_stream_email_cut_off() -> None:
    got = _stream(["Sure, the email is r dot k underscore", "hang on... okay, nair"])
    assert ("EMAIL_ADDRESS", "r dot k underscore") in got[0]
