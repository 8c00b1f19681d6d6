"""Round 9: a code named before the card or record that carries it ("the CVV on the new
card"), a 16-digit NPWP, a continental street with its postcode, linking verbs before a
tracking code, a policyholder's NIK, a password after "it was", a maiden name given as an
answer, an expiry year said digit by digit, an SSN said in its 3-2-4 groups, numbers read
in pieces (a code in halves, an SSN across sentences, a card around the agent's prompt, an
area code and the rest), and a company's shared line that is no one's phone."""

from __future__ import annotations

import pytest

from amanah.redaction.testing import found, found_in_turns, kinds


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("The CVV on my new card is 415.", "CARD_CVV", "415"),
        ("PIN for the debit card is 7302, please reset it.", "SECRET", "7302"),
        ("My NPWP on the card says 0937 2841 6502 1442.", "ID_NPWP", "0937 2841 6502 1442"),
        ("NPWP 0937 2841 6502 1442", "ID_NPWP", "0937 2841 6502 1442"),
        ("The passport on the reservation is B4471902.", "PASSPORT", "B4471902"),
    ],
)  # fmt: skip
def test_value_named_before_what_carries_it(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


def test_card_after_another_cue_is_still_a_card() -> None:
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found("CVV on the card 4111 1111 1111 1111")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Please post it to 5 Rue du Moulin, 44000 Nantes.", "5 Rue du Moulin, 44000 Nantes"),
        ("We moved to 21 Avenue Victor Hugo, 75016 Paris, France last year.",
         "21 Avenue Victor Hugo, 75016 Paris, France"),
        ("Ship to 3 Via della Spiga, 20121 Milano", "3 Via della Spiga, 20121 Milano"),
    ],
)  # fmt: skip
def test_continental_street_with_postcode(text: str, address: str) -> None:
    assert ("ADDRESS", address) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "I paid 14 euros via PayPal yesterday.",
        "Order 12 came via DHL, 40000 units in total.",
        "The Rue Morgue story has 30 pages.",
    ],
)
def test_no_continental_address(text: str) -> None:
    assert "ADDRESS" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "The tracking number is 1Z 7W2 318 04 5512 9930, still in transit.",
        "Tracking says 1Z 3K8 W61 02 7745 1086 and it was left at the door.",
        "nomor resinya adalah JP 4471 0812 3345 9901",
    ],
)
def test_tracking_code_after_a_linking_verb_is_no_pii(text: str) -> None:
    assert found(text) == set()


def test_a_number_after_a_negative_cue_and_other_words_still_counts() -> None:
    text = "the one ending 4417, not 4111 1111 1111 1111"
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found(text)


def test_policyholder_nik() -> None:
    text = "Mohon dicek NIK pemegang polis 3171011708450001 ya."
    assert ("ID_NIK", "3171011708450001") in found(text)


def test_policy_number_stays() -> None:
    assert found("nomor polis saya 88012345") == set()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("I gave them my password, it was Tulip#8812, so it needs changing.", "Tulip#8812"),
        ("The passcode? that's Merak2020", "Merak2020"),
    ],
)
def test_password_after_it_was(text: str, secret: str) -> None:
    assert ("SECRET", secret) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "my password, it was reset yesterday",
        "the password, it was changed by IT last week",
        "your password, it is locked",
    ],
)
def test_password_state_is_no_secret(text: str) -> None:
    assert "SECRET" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mother's maiden name? Oh, that's Pemberton.", "Pemberton"),
        ("maiden name, it's Okonkwo", "Okonkwo"),
    ],
)
def test_maiden_name_as_an_answer(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


def test_maiden_name_question_alone() -> None:
    assert found("Her maiden name? That's a good question.") == set()


@pytest.mark.parametrize(
    ("text", "expiry"),
    [
        ("Masa berlaku sampai sepuluh dua tujuh.", "sepuluh dua tujuh"),
        ("Expiry is oh four three one.", "oh four three one"),
        ("And the valid-thru date is 03/29.", "03/29"),
    ],
)
def test_expiry_year_digit_by_digit_and_valid_thru(text: str, expiry: str) -> None:
    assert ("CARD_EXPIRY", expiry) in found(text)


def test_expiry_words_need_their_cue() -> None:
    assert found("the delivery took three two days") == set()


def test_ssn_said_in_its_groups() -> None:
    text = "It's five two one, um, four four... eight oh three one."
    assert found(text) == {("US_SSN", "five two one, um, four four... eight oh three one")}


def test_nine_digits_said_without_the_ssn_pauses_are_no_ssn() -> None:
    text = "It's zero four one two three four five six seven."
    assert "US_SSN" not in kinds(text)


def test_code_read_in_halves_with_an_aside() -> None:
    text = "I sent you a code, what is it? two eight five... wait, it blinked... six one nine."
    assert found(text, ["SECRET"]) == {("SECRET", "two eight five"), ("SECRET", "six one nine")}


@pytest.mark.parametrize(
    "text",
    [
        "the code is 482, it costs 200 dollars",
        "the code is 482 and order 5512",
        "the code is 123456, valid for 5 minutes",
    ],
)
def test_code_halves_need_no_cue_between(text: str) -> None:
    secrets = {value for kind, value in found(text) if kind == "SECRET"}
    assert secrets <= {"123456"}


def test_code_in_halves_across_turns() -> None:
    turns = ["The OTP is 736... hang on, my phone froze.", "Okay, 204, that's the rest."]
    assert found_in_turns(turns) == [{("SECRET", "736")}, {("SECRET", "204")}]


def test_pin_in_word_pairs_across_turns() -> None:
    turns = ["PIN saya enam dua... eh bentar, ada telepon.", "Oke lanjut, tujuh satu."]
    assert found_in_turns(turns) == [{("SECRET", "enam dua")}, {("SECRET", "tujuh satu")}]


def test_no_pin_from_a_later_remark() -> None:
    turns = ["PIN saya 4821.", "Oke, terima kasih dua kali."]
    assert found_in_turns(turns)[1] == set()


def test_ssn_pieces_across_sentences() -> None:
    turns = ["My social starts 512, then 43.", "And the last four are 8820."]
    assert found_in_turns(turns) == [{("US_SSN", "512"), ("US_SSN", "43")}, {("US_SSN", "8820")}]


def test_card_pieces_around_the_agent_prompt() -> None:
    turns = ["Right, the card number: 4111 1111", "Go ahead.", "1111, and last bit 1111."]
    assert found_in_turns(turns) == [
        {("CREDIT_CARD", "4111 1111")},
        set(),
        {("CREDIT_CARD", "1111"), ("CREDIT_CARD", "1111")},
    ]


def test_area_code_then_the_rest() -> None:
    turns = ["The area code is three one two.", "Then 555 0143."]
    assert found_in_turns(turns) == [
        {("PHONE_NUMBER", "three one two")},
        {("PHONE_NUMBER", "555 0143")},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "What area code is 212 for?",
        "The area code is 415, and the order number is 5550199.",
    ],
)
def test_area_code_alone_stays(text: str) -> None:
    assert found(text) == set()


def test_shared_company_line_is_no_phone() -> None:
    assert found("Sudah telepon call center di 1500777 tapi tidak diangkat.") == set()


def test_personal_phone_kept() -> None:
    text = "Telepon saya di 0812 3456 7890 saja."
    assert ("PHONE_NUMBER", "0812 3456 7890") in found(text)


def test_phone_named_before_the_account_it_is_on() -> None:
    text = "Just checking the mobile on the account, is it 9123 4567?"
    assert ("PHONE_NUMBER", "9123 4567") in found(text)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("my account number is 12345678", "BANK_ACCOUNT", "12345678"),
        ("the card on my account is 4111 1111 1111 1111", "CREDIT_CARD", "4111 1111 1111 1111"),
    ],
)
def test_account_and_card_kept(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tasnya warna hitam, kode produknya TB-X220K.",
        "The item code is 77-0451, size medium.",
        "product code RX4410B is out of stock",
    ],
)
def test_product_code_is_no_secret(text: str) -> None:
    assert found(text) == set()
