"""Cue variants, number shapes and name forms added for recall on unseen transcripts,
and the look-alikes that must stay unredacted."""

from __future__ import annotations

import pytest

from amanah.redaction import analyze
from amanah.redaction.context import Cues
from amanah.redaction.testing import found


def covered(text: str, kind: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    return any(e.type == kind and e.start < end and start < e.end for e in analyze(text))


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # Indonesian enclitics on any cue: -nya, " nya", -ku, -mu
        ("rekeningnya 1234567890", "BANK_ACCOUNT", "1234567890"),
        ("rekeningmu 1234567890 ya", "BANK_ACCOUNT", "1234567890"),
        ("rekeningnya delapan tujuh tiga nol dua dua lima satu empat enam", "BANK_ACCOUNT",
         "delapan tujuh tiga nol dua dua lima satu empat enam"),
        ("pin atm nya 445566", "SECRET", "445566"),
        # phone cues: the family of contact words, and a bare "number"
        ("kontak darurat: 0813 1111 2222 (istri)", "PHONE_NUMBER", "0813 1111 2222"),
        ("bisa dihubungi di 0857 1234 5678", "PHONE_NUMBER", "0857 1234 5678"),
        ("the number is 312 884 5016", "PHONE_NUMBER", "312 884 5016"),
        ("sorry the number again is three one two double eight four five oh one six",
         "PHONE_NUMBER", "three one two double eight four five oh one six"),
        ("nomornya 812 3456 7890", "PHONE_NUMBER", "812 3456 7890"),
        ("chat me at wa.me/6281234567890", "PHONE_NUMBER", "6281234567890"),
        # a hesitation between the groups of a number
        ("uh my card is 4532 uh 0151 1283 0366", "CREDIT_CARD", "4532 uh 0151 1283 0366"),
        # card details read in order, and CVV cues
        ("card 4111111111111111, 12/27, 737", "CARD_CVV", "737"),
        ("card 4111111111111111, 12/27, 737", "CARD_EXPIRY", "12/27"),
        ("card 4111111111111111 exp 12/27 code 737", "CARD_CVV", "737"),
        ("card verification code is 552", "CARD_CVV", "552"),
        ("security number 321 on the back", "CARD_CVV", "321"),
        ("the three digits are 442", "CARD_CVV", "442"),
        # NIK cues: family card
        ("nomor kk saya 3171012345670001", "ID_NIK", "3171012345670001"),
        # emails: obfuscated, and a local part said as two words after its cue
        ("email: john[at]example[dot]com", "EMAIL_ADDRESS", "john[at]example[dot]com"),
        ("my email is john (at) example (dot) com", "EMAIL_ADDRESS", "john (at) example (dot) com"),
        # secrets: a qualifier between cue and value, spelled values, keys
        ("password wifi yang baru keluargacemara77 sudah saya ganti", "SECRET", "keluargacemara77"),
        ("password wifi nya rumahku123", "SECRET", "rumahku123"),
        ("api key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "SECRET", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        # people: surname first, role words, Indonesian titles, Balinese names
        ("Customer Tan Wei Ling, NRIC S7712309A", "PERSON", "Tan Wei Ling"),
        ("Lim Mei Hua here", "PERSON", "Lim Mei Hua"),
        ("Traveller Kumaravel Pillai, passport K3318275F", "PERSON", "Kumaravel Pillai"),
        ("Kak Intan boleh minta nomor pesanannya?", "PERSON", "Intan"),
        ("Bli Wayan sudah transfer", "PERSON", "Wayan"),
        ("Data nasabah: Ni Luh Putu Ayu Wulandari, NIK 7371116612880003", "PERSON",
         "Ni Luh Putu Ayu Wulandari"),
        # addresses: lower-case streets with number words and a city; flats; counties
        ("alamat pengiriman jalan tebet barat dalam dua a nomor sembilan belas jakarta selatan",
         "ADDRESS", "jalan tebet barat dalam dua a nomor sembilan belas jakarta selatan"),
        ("it's seventy two west fourteenth street apartment six c new york", "ADDRESS",
         "seventy two west fourteenth street apartment six c new york"),
        ("that's 9 Harbour View Terrace, Cobh, Co. Cork, correct?", "ADDRESS",
         "9 Harbour View Terrace, Cobh, Co. Cork"),
    ],
)  # fmt: skip
def test_found(text: str, kind: str, value: str) -> None:
    assert covered(text, kind, value), found(text)


def test_whole_spans() -> None:
    """The extended spans cover the whole value, not just the part the pattern knew."""
    text = "emailnya dewi kartika delapan delapan at gmail titik com"
    assert ("EMAIL_ADDRESS", text[9:]) in found(text)
    text = "passwordnya huruf besar B, u, d, i, 1, 2, 3"
    assert ("SECRET", "huruf besar B, u, d, i, 1, 2, 3") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your order #SO-558120 shipped today, tracking number 1Z 999 AA1 01 2345 6784.",
        "Please call our support line at 1-800 number on the back of your card, ext 2041.",
        "Bisa hubungi saya di kantor kak, WA juga aktif.",
        "Kak, Mau tanya soal promo",
        "the order number is 3128845016",
        "nomor antrian 1203 ya",
        "last 3 digits 123",
        "3 angka terakhir 123",
        "transaction id 8812345678901234",
        "Contact Centre hours are 8 to 5",
        "Hong Kong branch",
        "Lantai 3 cabang Sudirman ya Pak",
        "Indah sekali pemandangannya",
        "password saya lupa, tolong reset",
        "jalan jalan ke mall dua kali",
        "promo code expires 12/31 and costs 250",
    ],
)
def test_not_found(text: str) -> None:
    assert not analyze(text), found(text)


def test_cue_suffixes_and_number_cue() -> None:
    cues = Cues("rekeningnya 123 hp nya 0812")
    assert cues.cats == ["ACCOUNT", "PHONE"]
    cues = Cues("nomor pesanan 1, the number is 2")
    assert cues.cats == ["NEG"]  # "nomor pesanan" stays a negative cue
    assert cues.number_near(len("nomor pesanan 1, the number is "))
    assert Cues("nomor kartu keluarga 1").cats == ["NIK"]
    assert Cues("card security code 1").cats == ["CVV"]
