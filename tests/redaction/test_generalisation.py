"""Forms found beyond the development corpus: colloquial cues, number shapes, spoken pairs,
addresses after their cue, lower-case titles, and the look-alikes that must stay."""

from __future__ import annotations

import pytest

from amanah.redaction.spoken import normalise
from amanah.redaction.testing import found


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # phones: prefixes, brackets, country code without "+", unissued ranges
        ("my number is (+62) 812 3456 7890", "PHONE_NUMBER", "(+62) 812 3456 7890"),
        ("call me at +62 (0)812 3456 7890", "PHONE_NUMBER", "+62 (0)812 3456 7890"),
        ("my number is 62 857 1098 2231", "PHONE_NUMBER", "62 857 1098 2231"),
        ("number's +44 7700 900123", "PHONE_NUMBER", "+44 7700 900123"),
        ("my office line is (917) 284-6630, extension 214", "PHONE_NUMBER", "(917) 284-6630"),
        ("nomer WA nya 0813 9988 7766", "PHONE_NUMBER", "0813 9988 7766"),
        ("0812… 3456… 7890 itu nomor hp saya", "PHONE_NUMBER", "0812… 3456… 7890"),
        # spoken: pairs, "nought", "lapan"
        (
            "my number is oh eight one two, thirty four, fifty six, seventy eight",
            "PHONE_NUMBER",
            "oh eight one two, thirty four, fifty six, seventy eight",
        ),
        (
            "no hp nol delapan satu dua, dua puluh tiga, empat puluh lima, enam tujuh",
            "PHONE_NUMBER",
            "nol delapan satu dua, dua puluh tiga, empat puluh lima, enam tujuh",
        ),
        (
            "it's nought seven seven double nought, nine double one, four five six",
            "PHONE_NUMBER",
            "nought seven seven double nought, nine double one, four five six",
        ),
        # cards: comma-read groups, a valid card after an amount word
        ("my card is 4111, 1111, 1111, 1111", "CREDIT_CARD", "4111, 1111, 1111, 1111"),
        ("charge the balance to 2223 2250 3998 9900", "CREDIT_CARD", "2223 2250 3998 9900"),
        ("the code on the back says 902", "CARD_CVV", "902"),
        ("kode di belakang kartunya 204", "CARD_CVV", "204"),
        ("expiring 12/26", "CARD_EXPIRY", "12/26"),
        ("berlaku s/d 10/28", "CARD_EXPIRY", "10/28"),
        ("the expiry is four thirty", "CARD_EXPIRY", "four thirty"),
        # secrets
        ("passwordnya Rahasia#2024", "SECRET", "Rahasia#2024"),
        ("I set the password to hunter2024 last week", "SECRET", "hunter2024"),
        ("The passcode for the app is Mango#77", "SECRET", "Mango#77"),
        ("sandi internet banking saya Merdeka45!", "SECRET", "Merdeka45!"),
        ("my password's Blue$ky99", "SECRET", "Blue$ky99"),
        ("password is Sunshine!2023", "SECRET", "Sunshine!2023"),
        ("my password is tiger one two three", "SECRET", "tiger one two three"),
        ("code is seven seven one zero four two", "SECRET", "seven seven one zero four two"),
        ("my security code from the app is 448812", "SECRET", "448812"),
        ("kata kuncinya Rahasia123", "SECRET", "Rahasia123"),
        ("TAC is 445566", "SECRET", "445566"),
        # email read out
        (
            "yeah tom dot baker seventy at gmail dot com",
            "EMAIL_ADDRESS",
            "tom dot baker seventy at gmail dot com",
        ),
        ("it's k-e-v-i-n at gmail dot com", "EMAIL_ADDRESS", "k-e-v-i-n at gmail dot com"),
        # identifiers with their cue
        ("SSN: 123-45-6789", "US_SSN", "123-45-6789"),
        ("no rek BCA 5271234567", "BANK_ACCOUNT", "5271234567"),
        ("norek BNI nya 0287654321", "BANK_ACCOUNT", "0287654321"),
        ("DOB: 12-Mar-1978", "DATE_OF_BIRTH", "12-Mar-1978"),
        # addresses
        (
            "alamat saya Kebon Jeruk RT 5 RW 3, Jakarta Barat",
            "ADDRESS",
            "Kebon Jeruk RT 5 RW 3, Jakarta Barat",
        ),
        (
            "alamat rumah: Villa Melati Mas Blok F2/15, Serpong, Tangerang Selatan",
            "ADDRESS",
            "Villa Melati Mas Blok F2/15, Serpong, Tangerang Selatan",
        ),
        (
            "please deliver to Wisma Mulia Lt. 5, Jl. Gatot Subroto Kav. 42, Jakarta",
            "ADDRESS",
            "Wisma Mulia Lt. 5, Jl. Gatot Subroto Kav. 42, Jakarta",
        ),
        (
            "I moved to Jl. Kemang Raya No. 8, Jakarta Selatan last month",
            "ADDRESS",
            "Jl. Kemang Raya No. 8, Jakarta Selatan",
        ),
        (
            "alamat saya di jl. kenanga no 5 rt 03 rw 07 kel. sukamaju",
            "ADDRESS",
            "jl. kenanga no 5 rt 03 rw 07 kel. sukamaju",
        ),
        (
            "rumah saya di Gg. Mawar II No. 3, Sleman, Yogyakarta",
            "ADDRESS",
            "Gg. Mawar II No. 3, Sleman, Yogyakarta",
        ),
        (
            "the delivery address is 350 West 42nd Street, New York, NY 10036",
            "ADDRESS",
            "350 West 42nd Street, New York, NY 10036",
        ),
        # people
        ("Is Jessica still handling my case?", "PERSON", "Jessica"),
        ("Sure: Grace Tan, born 12 August 1991", "PERSON", "Grace Tan"),
        ("makasih mbak rina", "PERSON", "rina"),
        ("halo kak, aku Tasya mau komplain", "PERSON", "Tasya"),
        ("Hi, I'm Tobias.", "PERSON", "Tobias"),
        ("surname is Fitzpatrick", "PERSON", "Fitzpatrick"),
        ("namanya Agustina Siregar, istri saya", "PERSON", "Agustina Siregar"),
        ("Regards, Tobias", "PERSON", "Tobias"),
        ("Sri Wahyuni sudah transfer", "PERSON", "Sri Wahyuni"),
        ("the account holder is budi santoso", "PERSON", "budi santoso"),
        ("uh yeah it's sarah tan", "PERSON", "sarah tan"),
        ("Customer Budi Santoso called twice", "PERSON", "Budi Santoso"),
        ("Oke Rina, sudah saya cek", "PERSON", "Rina"),
        ("you can call me Jim.", "PERSON", "Jim"),
        (
            "kirim ke Budi Santoso, Jl. Melati No. 5, Bandung",
            "ADDRESS",
            "Jl. Melati No. 5, Bandung",
        ),
        ("kirim ke Budi Santoso, Jl. Melati No. 5, Bandung", "PERSON", "Budi Santoso"),
        ("i live at 42 wallaby way", "ADDRESS", "42 wallaby way"),
        ("Not the card ending 4417 but 4111 1111 1111 1111", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("transfer Rp 500.000 ke BCA 5271234567", "BANK_ACCOUNT", "5271234567"),
        ("token BCA 12345678", "SECRET", "12345678"),
        ("call me at 555-0123", "PHONE_NUMBER", "555-0123"),
        ("my SG number is 8123 4567", "PHONE_NUMBER", "8123 4567"),
        ("password nya rahasia", "SECRET", "rahasia"),
        ("pass: abc123", "SECRET", "abc123"),
        (
            "OTP is four eight two dash nine one three",
            "SECRET",
            "four eight two dash nine one three",
        ),
    ],
)
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "saldo tabungan saya 15.000.000",
        "my order id is 4111111111111111",
        "kode pos saya 12940",
        "promo code 123456 didn't work",
        "error code 4031 when I log in",
        "Lantai 3 cabang Sudirman ya Pak",
        "Selamat Idul Fitri, semoga sehat selalu",
        "I am Indonesian.",
        "This is Ridiculous.",
        "alamat email saya masih sama",
        "I live in Jakarta",
        "Could you transfer me to extension 2231?",
        "Bagus kak, terima kasih.",
        "I waited twenty five minutes",
        "Transaksi tanggal 5 Maret 2024 jam 14.30 sebesar Rp 89.000",
        "Hubungi call center 1500-888 atau 14045",
        "I walked 3 blocks down the road",
        "it is 5 minutes from main street",
        "You can call the hotline on 1-800-432-1000 any time.",
        "Selamat Idul Fitri kak",
        "saya dan anak saya",
        "my order number is 4111111111111111",
    ],
)
def test_not_found(text: str) -> None:
    assert found(text) == set()


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("oh eight one two, thirty four, fifty six", "08123456"),
        ("dua puluh tiga empat lima", "2345"),
        ("tujuh belas delapan sembilan", "1789"),
        ("nol sebelas dua belas", "01112"),
        ("one twenty, one two", "12012"),
    ],
)
def test_numbers_read_in_pairs(spoken: str, digits: str) -> None:
    assert normalise(spoken)[0] == digits
