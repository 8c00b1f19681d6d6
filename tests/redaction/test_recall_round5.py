"""Round 5: a card said to be on an account, a code sent *to* a number, names after "is
under", "name on card" and a relative's possessive, Balinese and Chinese-Indonesian names
after an introduction, street and month words that are not names, addresses after a label
or in a PO box, dates and expiries said as plain numbers or with their parts named,
passwords in chat shorthand or spelled, and numbers and emails split across chat turns."""

from __future__ import annotations

import pytest

from amanah.redaction.streaming import redact_interaction
from amanah.redaction.testing import found, kinds


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # a Luhn card with a card cue before "account": the card, not a bank account
        ("Card on the account is 4111 1111 1111 1111, exp 03/28", "CREDIT_CARD",
         "4111 1111 1111 1111"),
        ("kartu di rekening saya 5500 0055 5555 5559", "CREDIT_CARD", "5500 0055 5555 5559"),
        # where a code is to be sent: a phone number, not the code
        ("Text the code to 9123 4567 please", "PHONE_NUMBER", "9123 4567"),
        ("kirim kodenya ke 0812 7788 9911 ya", "PHONE_NUMBER", "0812 7788 9911"),
        # names
        ("the booking is under tan mei ling", "PERSON", "tan mei ling"),
        ("It's under Rahmat Hidayat, I think", "PERSON", "Rahmat Hidayat"),
        ("name on card SITI RAHAYU", "PERSON", "SITI RAHAYU"),
        ("calling about my son james's account", "PERSON", "james"),
        ("Saya Liem Siu Hwa, pemilik rekening", "PERSON", "Liem Siu Hwa"),
        ("nama saya ni komang ayu lestari dari gianyar", "PERSON", "ni komang ayu lestari"),
        ("dengan saya rina ada yang bisa dibantu", "PERSON", "rina"),
        # addresses after a label, and post-office boxes
        ("Address for the statement: Flat 2, 9 Broadway, Leeds LS1 4AP", "ADDRESS",
         "Flat 2, 9 Broadway, Leeds LS1 4AP"),
        ("Statements go to PO Box 5120, Denver, CO 80217.", "ADDRESS",
         "PO Box 5120, Denver, CO 80217"),
        ("kirim ke Kotak Pos 3301 Jakarta 10002", "ADDRESS", "Kotak Pos 3301 Jakarta 10002"),
        # a date of birth as three plain numbers, an expiry with its parts named
        ("dob fifteen eleven eighty two", "DATE_OF_BIRTH", "fifteen eleven eighty two"),
        ("my dob is twelve eleven seventy nine", "DATE_OF_BIRTH", "twelve eleven seventy nine"),
        ("masa berlaku bulan empat tahun dua puluh sembilan", "CARD_EXPIRY",
         "bulan empat tahun dua puluh sembilan"),
        ("kartunya berlaku sampai bulan 3 tahun 2028", "CARD_EXPIRY", "bulan 3 tahun 2028"),
        # passwords: chat shorthand, spelled from the first letter
        ("pass email sy surabaya_1999 ya", "SECRET", "surabaya_1999"),
        ("pass wifi nya melati#77", "SECRET", "melati#77"),
        ("passwordnya k e n a n g a empat lima huruf kecil semua", "SECRET",
         "k e n a n g a empat lima"),
        ("my password is b l u e 7 7 all lowercase", "SECRET", "b l u e 7 7"),
        # an address typed with a space before its "@"
        ("my email is tan.wl88 @outlook.com thanks", "EMAIL_ADDRESS", "tan.wl88 @outlook.com"),
    ],
)  # fmt: skip
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # acronyms, streets, months and towns are no names
        ("The beneficiary IBAN is GB82 WEST 1234 5698 7654 32", "PERSON"),
        ("the recipient BSB is wrong", "PERSON"),
        ("Is the branch on Martin Luther King Jr. Blvd open?", "PERSON"),
        ("The office on Martin Luther King Jr Boulevard is closed", "PERSON"),
        ("I'll be away from 22 Dec to 5 Jan, don't block the card.", "PERSON"),
        ("It was posted Jan 5 and never came.", "PERSON"),
        # "is under" files things too
        ("the option is under Settings", "PERSON"),
        ("my card is under review", "PERSON"),
        # an account number after an account cue, with no card cue
        ("my account number is 4111 1111 1111 1111", "CREDIT_CARD"),
        # the code itself stays a secret
        ("the code is 482913", "PHONE_NUMBER"),
        # a box that is no PO box, a month and year that are no expiry
        ("I bought a box of 12 donuts", "ADDRESS"),
        ("cicilan dua belas bulan tiga tahun lalu", "CARD_EXPIRY"),
        ("masa berlaku promo bulan 3 tahun 2019", "CARD_EXPIRY"),
        # "pass" the English word, a password said to be a secret
        ("I need a boarding pass email sent to me", "SECRET"),
        ("my password is a secret", "SECRET"),
        # "me" is no user name
        ("email me @gmail.com please", "EMAIL_ADDRESS"),
        # plain numbers that are no date of birth
        ("dob is the twelfth, order twelve eleven", "DATE_OF_BIRTH"),
    ],
)  # fmt: skip
def test_not_found(text: str, kind: str) -> None:
    assert kind not in kinds(text)


def test_still_names_the_month_words_that_are_names() -> None:
    assert ("PERSON", "Jan Novak") in found("Jan Novak called about his card.")
    assert found("sy Ahmad dr Kupang, mau tanya") == {("PERSON", "Ahmad")}  # "dr": "dari"
    assert ("PERSON", "Andi") in found("saya pasien dr Andi")


def _stream(turns: list[str]) -> list[str]:
    """Each turn's redacted text once the whole interaction is in."""
    return [text for text, _ in redact_interaction(turns)]


def test_phone_in_pieces_after_reach_you_and_an_apology() -> None:
    shown = _stream(
        ["What's the best number to reach you on?", "9123", "sorry the line's bad, 4567 ok"]
    )
    assert "9123" not in shown[1] and "4567" not in shown[2]


def test_email_user_name_and_domain_in_two_turns() -> None:
    shown = _stream(["emailnya apa kak?", "siti.rahma_90", "@gmail.com ya kak"])
    assert shown[1] == "[EMAIL_ADDRESS]"
    assert shown[2].startswith("[EMAIL_ADDRESS]") and "gmail" not in shown[2]
