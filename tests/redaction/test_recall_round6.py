"""Round 6: numbers dictated with a hesitation or a pause-word between pauses, "runs out"
and "kode belakang" cues, three-letter passports, names spelled with commas, hyphens and
pauses (and before the name they spell), Batak clan names, companies and banks after a weak
name cue, bare street names passed on the way, a pause before a spoken "at", and numbers
split across turns around an aside ("0896 bentar") or an SSN's middle two said in words."""

from __future__ import annotations

import pytest

from amanah.redaction.streaming import redact_interaction
from amanah.redaction.testing import found, kinds


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # a hesitation between two pauses stays inside one dictated number
        ("my social is two one nine ... uh ... four four ... six oh three eight", "US_SSN",
         "two one nine ... uh ... four four ... six oh three eight"),
        ("the cvv, it's five, um, two, eight", "CARD_CVV", "five, um, two, eight"),
        ("nomor hp saya kosong delapan satu tiga ... eh ... dua dua empat satu lima enam tujuh",
         "PHONE_NUMBER",
         "kosong delapan satu tiga ... eh ... dua dua empat satu lima enam tujuh"),
        ("kode OTP-nya tujuh, satu, lima ... bentar ... sembilan, dua, dua", "SECRET",
         "tujuh, satu, lima ... bentar ... sembilan, dua, dua"),
        ("HP saya 0857 ... eh ... 3312 4409", "PHONE_NUMBER", "0857 ... eh ... 3312 4409"),
        # expiry and CVV cues
        ("it's a Visa, 4111 1111 1111 1111, and it runs out 09/27", "CARD_EXPIRY", "09/27"),
        ("kode belakangnya 318 ya kak", "CARD_CVV", "318"),
        ("kode belakang kartunya 604", "CARD_CVV", "604"),
        # a passport of three letters and six digits
        ("my passport number is XDB552019", "PASSPORT", "XDB552019"),
        ("nomor paspor saya KLM903114", "PASSPORT", "KLM903114"),
        # names spelled with commas, with hyphens across a pause, or before the name
        ("Last name Ashworth, that's A, S, H, W, O, R, T, H.", "PERSON", "A, S, H, W, O, R, T, H"),
        ("it's N O W A K O W S K A, Zofia Nowakowska", "PERSON", "N O W A K O W S K A"),
        ("Ya, S-U-T-A... N-T-O, Sutanto", "PERSON", "S-U-T-A... N-T-O"),
        ("Marganya Nainggolan, Pak", "PERSON", "Nainggolan"),
        ("marga saya Simanjuntak", "PERSON", "Simanjuntak"),
        # a pause before a spoken "at"
        ("email saya dewi dot lestari... at gmail dot com", "EMAIL_ADDRESS",
         "dewi dot lestari... at gmail dot com"),
    ],
)  # fmt: skip
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the offer runs out 11/28", "CARD_EXPIRY"),
        ("nomor kartu yang belakangnya 4417 ya", "CARD_CVV"),
        ("booking ref ABC123456, passport is fine", "PASSPORT"),
        ("Options are A, B, C, or D, pick one.", "PERSON"),
        ("I work for Hartley Logistics", "PERSON"),
        ("I'm with Barclays", "PERSON"),
        ("My account is with Chase, number 1120 4431.", "PERSON"),
        ("Saya marga Batak", "PERSON"),
        ("Saya lagi di Jalan Sudirman, macet banget.", "ADDRESS"),
        ("meeting di Jl. Rasuna Said diundur ya", "ADDRESS"),
        ("the order is 4411 ... uh ... 2234", "PHONE_NUMBER"),
    ],
)
def test_not_found(text: str, kind: str) -> None:
    assert kind not in kinds(text)


def test_names_and_addresses_still_found() -> None:
    assert ("PERSON", "Chase") in found("Hi, it's Chase from the help desk.")
    assert ("PERSON", "Sarah Jennings") in found("I work for Sarah Jennings")
    assert ("ADDRESS", "Jalan Melati") in found("Alamat saya di Jalan Melati")
    assert ("ADDRESS", "Jl. Kenanga No. 5") in found("kirim ke Jl. Kenanga No. 5 ya")


def _stream(turns: list[str]) -> list[str]:
    return [text for text, _ in redact_interaction(turns)]


def test_phone_in_pieces_around_an_aside() -> None:
    out = _stream(["Nomor WA-nya berapa kak?", "0813 sebentar", "7720", "1184 udah"])
    assert out[1:] == ["[PHONE_NUMBER] sebentar", "[PHONE_NUMBER]", "[PHONE_NUMBER] udah"]


def test_card_in_pieces_around_a_longer_aside() -> None:
    out = _stream(
        [
            "Could I take the card number?",
            "4111 1111, hold on, let me find my glasses.",
            "1111 1111",
        ]
    )
    assert out[1:] == ["[CREDIT_CARD], hold on, let me find my glasses.", "[CREDIT_CARD]"]


def test_no_provisional_mask_for_an_order_number_before_an_aside() -> None:
    out = _stream(["What's the order number?", "4411 2234, hold on.", "Thanks"])
    assert out[1] == "4411 2234, hold on."


def test_ssn_middle_two_in_words_then_last_four() -> None:
    out = _stream(["And your social?", "five one three.", "Then two eight, then four four oh six."])
    assert out[1:] == ["[US_SSN].", "Then [US_SSN], then [US_SSN]."]


def test_email_split_after_a_pause() -> None:
    out = _stream(["Spell the email for me?", "it's megan dot hollis...", "at fastmail dot com."])
    assert out[1:] == ["it's [EMAIL_ADDRESS]", "[EMAIL_ADDRESS]."]


def test_name_spelled_across_turns() -> None:
    out = _stream(["Boleh dieja namanya Pak?", "W-I-D-O...", "D-O, Widodo, Pak Widodo."])
    assert "W-I-D-O" not in out[1] and "D-O," not in out[2]
