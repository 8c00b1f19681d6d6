"""Round 12: a brand-like first name before a listed surname, brands written in CamelCase,
"the line is ..." as a phone cue, chat and billing identifiers kept, a four-digit code
beside an Amex, full dates that no card expires on, "it's <name> again", the whole phone
after "area code first", NRIC and IBAN read out (the IBAN with no cue when its check digits
hold), a number "issued in" a place, a day in words then month and year in figures, a tax
office code, names spelled in pieces or echoing a capitalised word, emails spelled letter by
letter, possessive and "has a passport" names, "sy <name> kak", nicknames "for short", a
password's digits after "then", and in a stream: read-backs, a number split over two turns,
and a piece said again after "no wait"."""

from __future__ import annotations

import pytest

from amanah.redaction.testing import found, found_in_turns, kinds


# -- names -------------------------------------------------------------------------------------
def test_brand_like_first_name_before_a_listed_surname() -> None:
    assert found("My name is Dana Whitaker, how can I help?") == {("PERSON", "Dana Whitaker")}


def test_wallet_name_alone_is_no_person() -> None:
    assert "PERSON" not in kinds("Saya bayar pakai DANA kemarin.")


def test_camel_case_brand_after_a_weak_cue() -> None:
    text = "You're through to StarHub, this is Aminah speaking."
    assert found(text) == {("PERSON", "Aminah")}
    # a surname's prefix before the capital is a name still
    assert found("this is DeShawn from billing") == {("PERSON", "DeShawn")}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hey it's Priya again, my card still fails", "Priya"),
        ("hi its rizal again lol", "rizal"),
    ],
)
def test_caller_back_again(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    ["hey its down again lol", "it's Monday again", "hey it's happening again", "hi it's me again"],
)
def test_no_name_in_things_happening_again(text: str) -> None:
    assert "PERSON" not in kinds(text)


def test_spelled_word_names_the_capitalised_words_it_spells() -> None:
    text = "Please add Njeri Wambui as payee, that's N-J-E-R-I."
    assert found(text) == {("PERSON", "Njeri Wambui"), ("PERSON", "N-J-E-R-I")}


def test_name_spelled_in_two_pieces() -> None:
    text = "It's Maximilian, M-A-X, then I-M-I-L-I-A-N."
    assert found(text) == {
        ("PERSON", "Maximilian"),
        ("PERSON", "M-A-X"),
        ("PERSON", "I-M-I-L-I-A-N"),
    }


def test_spelled_street_word_is_no_name() -> None:
    assert ("PERSON", "Main Street") not in found("The Main Street branch, M-A-I-N.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("For the booking, Daniel's passport number is A1234567.", "Daniel"),
        ("Grace has a UK passport too.", "Grace"),
        ("Grace's date of birth is 1 May 1990.", "Grace"),
    ],
)
def test_name_holding_papers(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize("text", ["By God's grace it worked", "Amazing Grace has a nice melody"])
def test_no_name_in_a_word_that_holds_no_papers(text: str) -> None:
    assert "PERSON" not in kinds(text)


def test_chat_self_introduction_before_an_honorific() -> None:
    assert ("PERSON", "Rina") in found("sy Rina kak, mau tanya soal tagihan")
    assert "PERSON" not in kinds("ke Bandung kak, macet banget")


def test_nickname_for_short() -> None:
    text = "I'm Magdalena, Magda for short, calling about my card."
    assert found(text) == {("PERSON", "Magdalena"), ("PERSON", "Magda")}
    assert "PERSON" not in kinds("We moved to New York, NY for short")


# -- numbers -----------------------------------------------------------------------------------
def test_the_line_is_a_phone() -> None:
    text = "The account is under Tan Wei Jie, the line is 9123 4567."
    assert ("PHONE_NUMBER", "9123 4567") in found(text)
    assert "BANK_ACCOUNT" not in kinds(text)


def test_a_bad_line_is_no_phone_cue() -> None:
    assert not found("sorry the line is bad, what was the last group?")


@pytest.mark.parametrize(
    "text",
    [
        "I wrote on 9 May, the session ID was 88120457, nobody replied",
        "Denda bisa dibayar dengan kode billing 0241 0328 8812 7634.",
    ],
)
def test_chat_and_billing_identifiers_stay(text: str) -> None:
    assert not found(text)


def test_four_digit_code_beside_an_amex_is_its_cvv() -> None:
    text = "The Amex is 3782 822463 10005, four-digit code 4512."
    assert ("CARD_CVV", "4512") in found(text)
    assert found("Enter the four-digit code 4512 from the app.") == {("SECRET", "4512")}


def test_full_date_is_no_card_expiry() -> None:
    assert "CARD_EXPIRY" not in kinds("His passport expires on 3 October 2027, all good.")
    assert found("the card expires October 2027") == {("CARD_EXPIRY", "October 2027")}


def test_whole_phone_after_area_code_first() -> None:
    text = "Area code first, two one two, five five five, zero one nine eight."
    assert found(text) == {("PHONE_NUMBER", "two one two, five five five, zero one nine eight")}
    assert not found("the area code is 212")


def test_nric_check_letter_after_a_comma() -> None:
    text = "my IC is S one two three four five six seven, D"
    assert found(text) == {("ID_NRIC", "S one two three four five six seven, D")}
    assert not found("my IC is S one two three four five six seven, E")  # wrong check letter


def test_iban_read_out_with_no_cue_when_it_validates() -> None:
    value = "G B two nine, N W B K, six zero one six, one three, three one nine two, six eight"
    value += " one nine"
    assert found(f"Okay, {value}.") == {("IBAN_CODE", value)}
    wrong = value.replace("two nine", "three nine")
    assert not found(f"Okay, {wrong}.")


def test_number_issued_in_a_place_is_a_passport() -> None:
    assert found("her one is 512345678, issued in Manchester") == {("PASSPORT", "512345678")}
    assert not found("the refund 54821396, issued on Monday")


def test_day_in_words_then_month_and_year() -> None:
    text = "date of birth twenty, one one, sixty-five"
    assert found(text) == {("DATE_OF_BIRTH", "twenty, one one, sixty-five")}
    assert not found("my birthday party is on the twelfth, 2024 tickets left")


def test_tax_office_code_is_part_of_an_npwp() -> None:
    assert found("Kode KPP-nya 011.000, KPP Pratama Bogor.") == {("ID_NPWP", "011.000")}
    assert not found("KPP Pratama buka 2 kali seminggu")


def test_email_spelled_letter_by_letter() -> None:
    text = "it's j p a r k at gmail dot com"
    assert found(text) == {("EMAIL_ADDRESS", "j p a r k at gmail dot com")}


def test_password_then_its_digits() -> None:
    text = "password is bluebird, all lower case, then four two"
    assert found(text) == {("SECRET", "bluebird"), ("SECRET", "four two")}
    assert ("SECRET", "2") not in found("password is bluebird, then press 2 more times")


# -- streams -----------------------------------------------------------------------------------
def test_read_back_is_no_piece_and_the_rest_continues() -> None:
    turns = [
        "My NIK starts 3171 0117.",
        "Sorry, you broke up, after 0117?",
        "Then 0845 0001, that's it.",
    ]
    assert found_in_turns(turns) == [
        {("ID_NIK", "3171 0117")},
        set(),
        {("ID_NIK", "0845 0001")},
    ]


def test_nik_split_over_two_turns_with_no_cue() -> None:
    turns = ["It's 3171 0117...", "Okay, and the rest?", "0845 0001, sorry, bad signal."]
    assert found_in_turns(turns) == [{("ID_NIK", "3171 0117")}, set(), {("ID_NIK", "0845 0001")}]


def test_phone_split_over_two_turns_then_called_local() -> None:
    turns = ["It's nine one two three...", "Mm-hm.", "four five six seven, no country code."]
    assert found_in_turns(turns) == [
        {("PHONE_NUMBER", "nine one two three")},
        set(),
        {("PHONE_NUMBER", "four five six seven")},
    ]


def test_code_read_in_two_turns_after_it_is_asked_for() -> None:
    turns = [
        "I've sent a six-digit code to the phone ending 21, can you read it out?",
        "five two eight... wait, it's loading",
        "oh one three",
    ]
    assert found_in_turns(turns)[1:] == [
        {("SECRET", "five two eight")},
        {("SECRET", "oh one three")},
    ]


def test_unvouched_pieces_over_two_turns_stay() -> None:
    assert found_in_turns(["Order 1234...", "ok", "5678 please"]) == [set(), set(), set()]


def test_piece_said_again_after_no_wait() -> None:
    turns = ["The account number starts 0021 4478.", "Then 5163, no wait, 5136, sorry."]
    assert found_in_turns(turns)[1] == {("BANK_ACCOUNT", "5163"), ("BANK_ACCOUNT", "5136")}
