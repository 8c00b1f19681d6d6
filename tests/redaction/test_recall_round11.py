"""Round 11: an IBAN read out letter by letter and digit by digit after its cue, a phone's
area code said in words (and an Indonesian one with its trunk "0"), the start of an NPWP
with its dots, a country code said after "plus" closing a turn, an SSN named "first three"
then "then ...", passwords with symbols in them, a spoken birth date after "lahir tanggal",
accented letters in names, the user name of an email said or typed before its domain (and
the domain in a later turn), "good until" as an expiry, and addresses said in words:
"forty-" before a house number, the unit, town and postcode after an apartment, a
Singapore block or street with its postcode, the building before an Indonesian street, and
the parts of one address found by two patterns joined."""

from __future__ import annotations

import pytest

from amanah.redaction.testing import found, found_in_turns, kinds


# -- IBAN read out -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "my IBAN is G B eight two, W E S T, one two three four five six, nine eight seven "
            "six five four three two",
            "G B eight two, W E S T, one two three four five six, nine eight seven six five four "
            "three two",
        ),
        # a lone "O" is the letter in the bank code and a zero among the digits
        (
            "IBAN saya G B dua lima, L O Y D, tiga kosong sembilan enam, tiga kosong satu dua, "
            "tiga empat lima enam, tujuh delapan",
            "G B dua lima, L O Y D, tiga kosong sembilan enam, tiga kosong satu dua, tiga empat "
            "lima enam, tujuh delapan",
        ),
        ("the IBAN, uh, N L 91 A B N A 0417 1643 00", "N L 91 A B N A 0417 1643 00"),
    ],
)
def test_iban_read_out_after_its_cue(text: str, value: str) -> None:
    assert found(text) == {("IBAN_CODE", value)}


@pytest.mark.parametrize(
    "text",
    [
        # one check digit off
        "my IBAN is G B eight three, W E S T, one two three four five six, nine eight seven "
        "six five four three two",
        "IBAN? ya, nomor referensinya A B 12 3456",
        # no cue: letters and digits alone are not taken for an IBAN
        "G B eight two, W E S T, one two three",
    ],
)
def test_no_iban_without_its_cue_and_check_digits(text: str) -> None:
    assert "IBAN_CODE" not in kinds(text)


# -- phones: area codes in words, a country code after "plus" ---------------------------------
def test_area_code_in_words_then_the_number_itself() -> None:
    text = "The area code's two one two, and then the number itself is five five five, two three"
    text += " six eight."
    assert found(text) == {
        ("PHONE_NUMBER", "two one two"),
        ("PHONE_NUMBER", "five five five, two three six eight"),
    }


def test_indonesian_area_code_with_its_trunk_zero() -> None:
    text = "Kode areanya kosong dua satu, nomornya lima tiga satu, dua empat enam delapan."
    assert found(text) == {
        ("PHONE_NUMBER", "kosong dua satu"),
        ("PHONE_NUMBER", "lima tiga satu, dua empat enam delapan"),
    }


def test_area_code_then_an_order_number_stays() -> None:
    assert found("kode area 021 ya, pesanan saya 12345678") == set()


def test_country_code_after_plus_closing_a_turn() -> None:
    turns = ["You can reach me on plus six two...", "Sorry, go on?", "eight one two, three four"]
    turns[2] += " five six, seven eight nine."
    assert found_in_turns(turns) == [
        {("PHONE_NUMBER", "plus six two")},
        set(),
        {("PHONE_NUMBER", "eight one two, three four five six, seven eight nine")},
    ]


def test_plus_without_a_phone_cue_stays() -> None:
    assert found_in_turns(["We finished plus two on the day.", "OK."]) == [set(), set()]


# -- NPWP in pieces ----------------------------------------------------------------------------
def test_start_of_an_npwp_with_its_dots_is_no_phone() -> None:
    turns = ["Untuk pajaknya, NPWP saya 01.234.567.8...", "Ya, lanjut.", "012.000, itu sisanya."]
    assert found_in_turns(turns) == [
        {("ID_NPWP", "01.234.567.8")},
        set(),
        {("ID_NPWP", "012.000")},
    ]


def test_dotted_phone_after_a_phone_cue_stays_a_phone() -> None:
    text = "my NPWP is on file, and my phone is 0812.3456.7890"
    assert ("PHONE_NUMBER", "0812.3456.7890") in found(text)


# -- SSN: "first three", then the rest after "then" --------------------------------------------
def test_ssn_first_three_then_the_rest() -> None:
    turns = ["So the first three are four one two.", "Okay.", "Then three seven, and then"]
    turns[2] += " eight eight two one."
    assert found_in_turns(turns) == [
        {("US_SSN", "four one two")},
        set(),
        {("US_SSN", "three seven"), ("US_SSN", "eight eight two one")},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "the first three are 708, then room 12, then 4401 for the extension",
        "first three digits are 123, then 45 dollars, then 2024 please",
    ],
)
def test_first_three_with_other_numbers_after_stays(text: str) -> None:
    assert "US_SSN" not in kinds(text)


# -- passwords with symbols --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sorry, your passcode, the temporary one is Qz7!mK41, change it soon.", "Qz7!mK41"),
        ("Kata sandi baru Ibu adalah Melati#4420, mohon segera diganti.", "Melati#4420"),
        ("my banking password is Senin!Pagi42 now", "Senin!Pagi42"),
        ("my new password, I set it to Hujan#Deras88! yesterday", "Hujan#Deras88!"),
    ],
)
def test_password_with_symbols_taken_whole(text: str, value: str) -> None:
    assert ("SECRET", value) in found(text)
    assert "PERSON" not in kinds(text)


def test_code_before_punctuation_keeps_its_end() -> None:
    assert found("the OTP code is X7K9Q2, thanks!") == {("SECRET", "X7K9Q2")}


# -- dates -------------------------------------------------------------------------------------
def test_spoken_birth_date_after_lahir_tanggal() -> None:
    text = "Saya lahir tanggal tiga Mei sembilan belas delapan puluh tujuh."
    assert found(text) == {("DATE_OF_BIRTH", "tiga Mei sembilan belas delapan puluh tujuh")}


def test_spoken_date_of_a_meeting_stays() -> None:
    assert found("Rapat tanggal tiga Mei dua ribu dua puluh lima.") == set()


def test_good_until_after_a_card() -> None:
    assert ("CARD_EXPIRY", "09/29") in found("card 4111 1111 1111 1111, good until 09/29")


def test_voucher_good_until_stays() -> None:
    assert found("the voucher is good until 10/12") == set()


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My husband is Andrés Peña, he is the co-signer.", "Andrés Peña"),
        ("I am calling for Mrs Zoë Dubois.", "Zoë Dubois"),
        ("Nama saya Agnès Müller, dari Jakarta.", "Agnès Müller"),
    ],
)
def test_accented_letters_inside_a_name(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


# -- email addresses in parts ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The email's maria dot lopez", "maria dot lopez"),
        ("emailnya rina.kusuma", "rina.kusuma"),
        ("email saya budi_santoso.", "budi_santoso"),
    ],
)
def test_user_name_of_an_email_before_its_domain(text: str, value: str) -> None:
    assert found(text) == {("EMAIL_ADDRESS", value)}


@pytest.mark.parametrize(
    "text", ["emailnya gmail.com", "email saya sudah diganti.", "the email's v2.0 template, ok?"]
)
def test_no_user_name_in_a_domain_or_a_sentence(text: str) -> None:
    assert found(text) == set()


def test_domain_of_an_email_in_a_later_turn() -> None:
    turns = ["my email's maria dot lopez", "and the domain?", "at outlook dot com"]
    assert found_in_turns(turns) == [
        {("EMAIL_ADDRESS", "maria dot lopez")},
        set(),
        {("EMAIL_ADDRESS", "at outlook dot com")},
    ]


def test_at_without_an_address_before_stays() -> None:
    assert found_in_turns(["Thanks, that's all.", "at least I think so"]) == [set(), set()]


# -- addresses ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Alamat saya Jalan Melati Raya tiga puluh, nomor dua belas, Bandung.",
            "Jalan Melati Raya tiga puluh, nomor dua belas, Bandung",
        ),
        (
            "My address is thirty-two fifteen Maple Avenue, Denver, Colorado.",
            "thirty-two fifteen Maple Avenue, Denver, Colorado",
        ),
        (
            "The address is twenty-one Oak Street, apartment six, Cambridge, Massachusetts, oh "
            "two one three nine.",
            "twenty-one Oak Street, apartment six, Cambridge, Massachusetts, oh two one three nine",
        ),
        (
            "I live at Blk 12, Tampines Street 11, #03-45, Singapore 521012.",
            "Blk 12, Tampines Street 11, #03-45, Singapore 521012",
        ),
        (
            "I'm at block twelve, Tampines Street eleven, hash oh three dash four five, "
            "Singapore five two one oh one two.",
            "block twelve, Tampines Street eleven, hash oh three dash four five, Singapore five "
            "two one oh one two",
        ),
        (
            "Sure, 15 Lorong Ah Soo, #02-11, Singapore 536741.",
            "15 Lorong Ah Soo, #02-11, Singapore 536741",
        ),
        (
            "Kirim ke Kost Mawar Indah, Jl. Kaliurang Km 5 No. 3, Sleman.",
            "Kost Mawar Indah, Jl. Kaliurang Km 5 No. 3, Sleman",
        ),
        (
            "Deliver to my flat, Level 3, 10 Anson Road, Singapore 079903.",
            "Level 3, 10 Anson Road, Singapore 079903",
        ),
    ],
)
def test_address_taken_whole(text: str, value: str) -> None:
    assert ("ADDRESS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "We flew 3 Hours to Singapore 2 days ago",
        "I grew up in Tower Hamlets, Jl. Sudirman is where I work now",
        "We are 3 blocks down from the station",
    ],
)
def test_no_address_in_a_place_named_in_passing(text: str) -> None:
    assert "ADDRESS" not in kinds(text)


def test_apartment_then_its_street_is_one_address() -> None:
    text = "Unitnya di Apartemen Green Bay Tower B Lt. 7 No. 12, Jl. Pluit Karang, Jakarta Utara"
    text += " 14450."
    assert found(text) == {
        (
            "ADDRESS",
            "Apartemen Green Bay Tower B Lt. 7 No. 12, Jl. Pluit Karang, Jakarta Utara 14450",
        )
    }


def test_two_addresses_with_words_between_stay_two() -> None:
    text = "Alamat lama Jl. Melati 5, Bandung, alamat baru Jl. Mawar 7, Depok"
    assert found(text) == {("ADDRESS", "Jl. Melati 5, Bandung"), ("ADDRESS", "Jl. Mawar 7, Depok")}
