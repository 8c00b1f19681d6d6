"""Per-recognizer positives and hard negatives, English and Indonesian."""

from __future__ import annotations

import pytest

from amanah.redaction import Redactor, analyze, detect_language
from amanah.redaction.validators import iban_ok, is_card, luhn_ok, nik_ok, npwp_ok, nric_ok


@pytest.fixture(scope="module")
def r() -> Redactor:
    return Redactor()


def found(r: Redactor, text: str) -> list[tuple[str, str]]:
    return [(e.type, e.value(text)) for e in r.analyze(text)]


POSITIVE = [
    ("My card number is 4111 1111 1111 1111.", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("kartunya 5500-0000-0000-0004 kak", "CREDIT_CARD", "5500-0000-0000-0004"),
    ("amex 3782 822463 10005 please", "CREDIT_CARD", "3782 822463 10005"),
    ("card 4111111111111111 12 25", "CREDIT_CARD", "4111111111111111"),
    ("and the CVV is 123", "CARD_CVV", "123"),
    ("tiga digit di belakang kartu 452 ya", "CARD_CVV", "452"),
    ("expiry 08/27", "CARD_EXPIRY", "08/27"),
    ("masa berlaku 11/2029", "CARD_EXPIRY", "11/2029"),
    ("NIK saya 3171011708450001", "ID_NIK", "3171011708450001"),
    ("nomor KTP 3171015708450001 (perempuan)", "ID_NIK", "3171015708450001"),
    ("NPWP saya 01.312.166.0-091.000", "ID_NPWP", "01.312.166.0-091.000"),
    ("npwp 013121660091000", "ID_NPWP", "013121660091000"),
    ("my NRIC is S1234567D", "ID_NRIC", "S1234567D"),
    ("SSN 123-45-6780", "US_SSN", "123-45-6780"),
    ("passport number A1234567", "PASSPORT", "A1234567"),
    ("nomor paspor saya X7654321", "PASSPORT", "X7654321"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
    ("nomor rekening saya 1234567890", "BANK_ACCOUNT", "1234567890"),
    ("account number 00123456", "BANK_ACCOUNT", "00123456"),
    ("hubungi saya di 0812-3456-7890", "PHONE_NUMBER", "0812-3456-7890"),
    ("call me on +65 9123 4567", "PHONE_NUMBER", "+65 9123 4567"),
    ("my mobile is +44 7911 123456", "PHONE_NUMBER", "+44 7911 123456"),
    ("call me back at (415) 555-2671", "PHONE_NUMBER", "(415) 555-2671"),
    ("email budi.santoso@gmail.com ya", "EMAIL_ADDRESS", "budi.santoso@gmail.com"),
    ("it's budi dot santoso at gmail dot com", "EMAIL_ADDRESS",
     "budi dot santoso at gmail dot com"),
    ("login from 192.168.10.24", "IP_ADDRESS", "192.168.10.24"),
    ("from 2001:db8::8a2e:370:7334 today", "IP_ADDRESS", "2001:db8::8a2e:370:7334"),
    ("kode OTP nya 482913", "SECRET", "482913"),
    ("my PIN is 4821", "SECRET", "4821"),
    ("the verification code is 908172", "SECRET", "908172"),
    ("my password is Melati2024!", "SECRET", "Melati2024!"),
    ("kata sandi saya kopi_susu21", "SECRET", "kopi_susu21"),
    ("tanggal lahir saya 17 Agustus 1985", "DATE_OF_BIRTH", "17 Agustus 1985"),
    ("date of birth 03/12/1990", "DATE_OF_BIRTH", "03/12/1990"),
    ("I was born on March 5, 1957", "DATE_OF_BIRTH", "March 5, 1957"),
    ("Alamat saya Jl. Melati No. 12 RT 03/RW 05, Kel. Menteng, Jakarta Pusat 10310.",
     "ADDRESS", "Jl. Melati No. 12 RT 03/RW 05, Kel. Menteng, Jakarta Pusat 10310"),
    ("I live at 221B Baker Street, London.", "ADDRESS", "221B Baker Street, London"),
    ("nama saya budi santoso, mau tanya", "PERSON", "budi santoso"),
    ("Baik Bapak Hendra Wijaya, mohon ditunggu", "PERSON", "Hendra Wijaya"),
    ("My name is John Smith", "PERSON", "John Smith"),
    ("Hi, this is Declan from Amanah Bank", "PERSON", "Declan"),
    ("Transfer atas nama Sutrisno Simatupang", "PERSON", "Sutrisno Simatupang"),
    ("Thank you Mrs. Yvonne Patel, one moment", "PERSON", "Yvonne Patel"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVE)
def test_positive(r: Redactor, text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(r, text)


NEGATIVE = [
    "My order number is 4111111111111111, it hasn't arrived.",
    "Nomor pesanan saya ORD-2024-118734",
    "Tagihannya Rp 1.500.000, padahal biasanya Rp750.000",
    "The total came to $1,249.99",
    "Tracking number JP1234567890, the courier says delivered",
    "resi 012345678901 sudah diterima",
    "Ticket 20240315001 was opened yesterday",
    "The card ending in 4821 was declined",
    "empat digit terakhir 4821 kak",
    "kartu yang berakhiran 4821 ditolak",
    "the last four digits 4821",
    "Please hold, I'll transfer you to extension 4521.",
    "I'm on app version 4.12.0 on Android",
    "aplikasi versi 10.2.1.5",
    "kode pos nya 10510",
    "The postal code is 94107",
    "The transaction was on 12/03/2024 at 10.30",
    "transaksi tanggal 5 Maret 2024",
    "Silakan hubungi call center 1500-888",
    "Password reset didn't work, it says the link expired.",
    "Saya lupa PIN, bagaimana cara reset nya?",
    "The OTP never arrived, can you resend it?",
    "Ibu saya yang biasanya bayar tagihan.",
    "Will you send the refund before May ends?",
    "Baik kak, mohon ditunggu 2 x 24 jam.",
    "It will take 3 to 5 working days.",
    "Cicilan 12 bulan, per bulan Rp 450.000",
    "one moment please, I'm checking",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_hard_negative(r: Redactor, text: str) -> None:
    assert r.analyze(text) == [], found(r, text)


def test_entity_repr_holds_no_value(r: Redactor) -> None:
    text = "My card number is 4111 1111 1111 1111."
    (entity,) = r.analyze(text)
    assert "4111" not in repr(entity)
    assert "4111" not in repr(r.redact(text))
    assert entity.to_dict() == {"type": "CREDIT_CARD", "start": 18, "end": 37, "score": 0.99}


def test_module_level_functions() -> None:
    assert [e.type for e in analyze("NIK 3171011708450001")] == ["ID_NIK"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello, my card number is on the way", "en"),
        ("Halo kak, nomor kartu saya sudah diblokir belum ya?", "id"),
        ("ok kak, my card nya sudah di block, can you help saya please", "mixed"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_explicit_lang_and_errors(r: Redactor) -> None:
    from amanah.redaction import RedactionError

    assert r.redact("NIK 3171011708450001", lang="id").lang == "id"
    with pytest.raises(RedactionError):
        r.redact("x", lang="fr")
    with pytest.raises(RedactionError):
        Redactor(entities=["NOPE"])


def test_entity_filter() -> None:
    only = Redactor(entities=["EMAIL_ADDRESS"])
    text = "card 4111 1111 1111 1111, email a.b@example.com"
    assert [e.type for e in only.analyze(text)] == ["EMAIL_ADDRESS"]


def test_validators() -> None:
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert is_card("4111111111111111") and not is_card("1234567812345678")
    assert nik_ok("3171011708450001") and not nik_ok("9971011708450001")
    assert not nik_ok("3171013213450001")  # month 13
    assert npwp_ok("013121660091000") and not npwp_ok("013121661091000")
    assert nric_ok("S1234567D") and not nric_ok("S1234567A")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")
