"""Numbers and secrets said the way new writers say them: phones with no cue word,
two-digit spoken birth years, security answers, cards and emails read out in pieces,
spoken IP addresses, and the bank and software numbers that stay in clear."""

from __future__ import annotations

import pytest

from amanah.redaction import analyze
from amanah.redaction.spoken import normalise
from amanah.redaction.streaming import redact_interaction
from amanah.redaction.testing import found


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
    """Each turn's (type, value) pairs once the whole interaction is in."""
    return [
        {(e.type, t[e.start : e.end]) for e in ents}
        for t, (_, ents) in zip(turns, redact_interaction(turns), strict=True)
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


# -- round 3: the families behind heldout3's misses (probes of our own, not its sentences) --


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # an IP address closing a sentence; hundreds read out in words
        ("My public ip is 182.253.14.7.", "IP_ADDRESS", "182.253.14.7"),
        (
            "alamat ip dua ratus dua titik seratus lima puluh titik satu titik sepuluh",
            "IP_ADDRESS",
            "dua ratus dua titik seratus lima puluh titik satu titik sepuluh",
        ),
        (
            "the ip is one hundred ninety two dot one sixty eight dot zero dot one",
            "IP_ADDRESS",
            "one hundred ninety two dot one sixty eight dot zero dot one",
        ),
        # a passport's check letter read out apart; an NRIC read with spaces
        (
            "passport number is e seven three one five eight two two k",
            "PASSPORT",
            "e seven three one five eight two two k",
        ),
        ("IC number is S 1234567 D", "ID_NRIC", "S 1234567 D"),
        # expiries: spoken after the card's digits, "valid s/d", "berlakunya", a spoken slash
        (
            "the mastercard 5289 8499 5893 7584 expiry twelve twenty six",
            "CARD_EXPIRY",
            "twelve twenty six",
        ),
        ("Kartu kredit 4111 1111 1111 1111 valid s/d Agustus 2026", "CARD_EXPIRY", "Agustus 2026"),
        ("kartu saya berlakunya sebelas dua puluh tujuh", "CARD_EXPIRY", "sebelas dua puluh tujuh"),
        ("masa berlaku kartu saya 09/28", "CARD_EXPIRY", "09/28"),
        ("expiry is oh four slash twenty seven", "CARD_EXPIRY", "oh four slash twenty seven"),
        ("the three numbers at the back are 123", "CARD_CVV", "123"),
        # a phone the word "extension" follows
        ("call 312 352 1616 extension 204", "PHONE_NUMBER", "312 352 1616"),
        # dates of birth: the year first, hesitations, a two-digit year read digit by digit,
        # the Indonesian "tanggal D bulan M tahun Y", spaced hyphens
        (
            "i was born nineteen eighty five march twelfth",
            "DATE_OF_BIRTH",
            "nineteen eighty five march twelfth",
        ),
        ("dob is uh twelve uh august ninety", "DATE_OF_BIRTH", "twelve uh august ninety"),
        ("birthday is second of may nine one", "DATE_OF_BIRTH", "second of may nine one"),
        ("tgl lahir 17 bln 8 thn 1990", "DATE_OF_BIRTH", "17 bln 8 thn 1990"),
        (
            "lahirnya tanggal tujuh bulan mei tahun sembilan puluh",
            "DATE_OF_BIRTH",
            "tanggal tujuh bulan mei tahun sembilan puluh",
        ),
        ("tanggal lahir saya 12 - 08 - 1975", "DATE_OF_BIRTH", "12 - 08 - 1975"),
        ("verification: Tan Wei Ming, 3 Jan 1990", "DATE_OF_BIRTH", "3 Jan 1990"),
        # passphrases of words, spelled passwords over their digits, codes of letters and digits
        ("my password is purple monkey 88", "SECRET", "purple monkey 88"),
        (
            "the passphrase is correct horse battery staple all lowercase",
            "SECRET",
            "correct horse battery staple",
        ),
        ("password saya kucing hitam dua satu, digabung semua", "SECRET", "kucing hitam dua satu"),
        ("password is capital k kopi tanda seru 2024", "SECRET", "capital k kopi tanda seru 2024"),
        ("backup code: 7HQ2-99KD", "SECRET", "7HQ2-99KD"),
        ("kode verifikasinya 8XK4L2 ya", "SECRET", "8XK4L2"),
        ("ok the password I set was Tr0ub4d0r&9 I think", "SECRET", "Tr0ub4d0r&9"),
        # spoken emails: a domain of several words, hesitations, a qualifier after the cue
        (
            "my work email is j dot smith at acme logistics dot com",
            "EMAIL_ADDRESS",
            "j dot smith at acme logistics dot com",
        ),
        (
            "email is uh budi dot s uh at yahoo dot co dot id",
            "EMAIL_ADDRESS",
            "budi dot s uh at yahoo dot co dot id",
        ),
    ],
)
def test_found_round3(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The router firmware is 10.4.2.118.",
        "harganya seratus lima puluh ribu",
        "it cost two hundred dollars",
        "passport number X8834120 I think",
        "The voucher is valid until 12/31",
        "kode promo berlaku s/d Agustus 2026",
        "extension 4412 please",
        "order 9123456789 extension requested",
        "saya sudah jadi nasabah lima tahun",
        "pembayaran tanggal delapan bulan lima tahun ini",
        "I have been a customer since nineteen ninety",
        "From any operator you can also use the short code 14041, it is free.",
        "Nomor kontrak 8812-0044-1290 tercatat atas nama perusahaan.",
        "claim number 9123 4567 was approved",
        "promo code SAVE20 please",
        "error code E4012 keeps showing",
        "the QR code on the receipt B2C-44",
        "password nya lupa kak, mau reset",
        "meet me at the bank dot com is a website",
    ],
)
def test_hard_negatives_round3(text: str) -> None:
    kinds = types(text) - {"PERSON", "ADDRESS"}
    if text.startswith("passport number X"):
        assert found(text) & {("PASSPORT", "X8834120")} and kinds == {"PASSPORT"}
    else:
        assert kinds == set()


def test_stream_ssn_in_three_pieces_around_a_question() -> None:
    got = _stream(
        ["For the form, SSN first three: 851", "middle two 91", "And the last four?", "6810"]
    )
    assert got == [{("US_SSN", "851")}, {("US_SSN", "91")}, set(), {("US_SSN", "6810")}]


def test_stream_two_digits_continue_only_at_the_turn_end() -> None:
    got = _stream(["card number 4111 1111", "ok 15 minutes then"])
    assert got[1] == set()


def test_stream_digit_added_after_a_correction() -> None:
    got = _stream(["rek mandiri sy 1370", "0155 2890", "eh kurang satu, belakangnya 4"])
    assert ("BANK_ACCOUNT", "4") in got[2]
    assert _stream(["belakangnya 4"]) == [set()]


def test_stream_email_with_hesitations_across_turns() -> None:
    got = _stream(
        ["sure my email is tan dot weiling", "uh eighty eight then at", "singnet dot com dot sg"]
    )
    assert all(any(k == "EMAIL_ADDRESS" for k, _ in turn) for turn in got)


def test_hundreds_normalised() -> None:
    assert normalise("seratus delapan puluh dot dua")[0] == "180.2"
    assert normalise("dua ratus lima puluh lima")[0] == "255"
    # a unit after a hundred joins it only when the number ends there
    assert normalise("one eight hundred five five five one two one two")[0] == "18005551212"
