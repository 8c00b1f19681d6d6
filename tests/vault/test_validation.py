"""Validation and normalisation of sensitive fields at the door of the vault."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.id import nik as stdnum_nik

from amanah.vault.errors import InvalidField, SecurityCodeRefused
from amanah.vault.validation import (
    NATIONAL_ID_KINDS,
    CardNumber,
    normalize_address,
    normalize_date_of_birth,
    normalize_email,
    normalize_name,
    normalize_national_id,
    normalize_note,
    normalize_phone,
    reject_security_code,
    validate_bank_account,
    validate_card,
)

PROVINCES = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53]
PROVINCES += [61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]


def make_nik(
    born: date, *, female: bool = False, place: str = "317401", serial: str = "0001"
) -> str:
    """A NIK built from its parts: place, DDMMYY (women +40 on the day), serial."""
    day = born.day + (40 if female else 0)
    return f"{place}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def make_nric(prefix: str, digits: str) -> str:
    """Independent NRIC/FIN check letter, following ICA's published steps."""
    total = sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True))
    total += {"S": 0, "T": 4, "F": 0, "G": 4, "M": 3}[prefix]
    remainder = total % 11
    if prefix == "M":  # M series: P = 11 - R, letter P of "KLJNPQRTUWX" (1-based)
        return f"{prefix}{digits}{'KLJNPQRTUWX'[11 - remainder - 1]}"
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return f"{prefix}{digits}{table[remainder]}"


def make_card(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def error_of(func, *args, **kwargs) -> InvalidField:
    with pytest.raises(InvalidField) as caught:
        func(*args, **kwargs)
    return caught.value


# --------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("081234567890", "ID", "+6281234567890"),
        ("0812-3456-7890", "ID", "+6281234567890"),
        ("+62 812 3456 7890", "ID", "+6281234567890"),
        ("(021) 2345-6789", "ID", "+622123456789"),
        ("+65 9123 4567", "ID", "+6591234567"),
        ("9123 4567", "SG", "+6591234567"),
        ("(201) 555-0123", "US", "+12015550123"),
    ],
)
def test_normalize_phone_returns_e164(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["", "hello", "12", "+62 21 345678", "0812", "+999 1234 5678"])
def test_normalize_phone_rejects_invalid(raw: str) -> None:
    assert error_of(normalize_phone, raw).field == "phone"


def test_normalize_phone_rejects_non_text_and_huge_input() -> None:
    assert error_of(normalize_phone, 6281234567890).field == "phone"
    assert error_of(normalize_phone, "1" * 10_000).field == "phone"


@given(st.text(alphabet="0123456789", min_size=8, max_size=11))
def test_normalize_phone_is_idempotent(rest: str) -> None:
    try:
        once = normalize_phone("08" + rest)
    except InvalidField:
        assume(False)
    assert normalize_phone(once) == once
    assert normalize_phone(once, "US") == once  # E.164 does not depend on the region


# --------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("budi@example.com", "budi@example.com"),
        ("  Budi.Santoso@Example.COM ", "budi.santoso@example.com"),
        ("USER@XN--BCHER-KVA.DE", "user@bücher.de"),
        ("Siti+Promo@Mail.Example.co.id", "siti+promo@mail.example.co.id"),
    ],
)
def test_normalize_email_lowercases_whole_address(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "budi", "budi@", "@example.com", "budi@@example.com", "a b@example.com", "x@test"]
)
def test_normalize_email_rejects_invalid(raw: str) -> None:
    assert error_of(normalize_email, raw).field == "email"


def test_normalize_email_does_not_check_deliverability() -> None:
    assert normalize_email("someone@no-such-domain-amanah-test.example") is not None


@given(st.emails())
def test_normalize_email_is_idempotent(raw: str) -> None:
    try:
        once = normalize_email(raw)
    except InvalidField:
        assume(False)
    assert normalize_email(once) == once
    assert once == once.lower()


def test_normalize_email_unicode_lowercasing_stays_valid() -> None:
    once = normalize_email("İbrahim@example.com")
    assert normalize_email(once) == once


# --------------------------------------------------------------------------- card


@pytest.mark.parametrize(
    ("raw", "brand"),
    [
        ("4111111111111111", "visa"),
        ("4111 1111 1111 1111", "visa"),
        ("4111-1111-1111-1111", "visa"),
        ("4012888888881881", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("371449635398431", "amex"),
        ("3530111333300000", "jcb"),
        ("6011111111111117", "discover"),
        ("6445644564456445", "discover"),
        ("6200000000000005", "unionpay"),
        ("36227206271667", "diners"),
        ("30569309025904", "diners"),
    ],
)
def test_validate_card_known_numbers(raw: str, brand: str) -> None:
    card = validate_card(raw)
    assert card == CardNumber(pan=raw.replace(" ", "").replace("-", ""), brand=brand)


def test_validate_card_unknown_brand() -> None:
    assert validate_card(make_card("9", 16)).brand == "unknown"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("4111111111111112", "check digit"),
        ("4111 1111 1111 111a", "digits"),
        ("41111111111", "12 to 19"),
        (make_card("4", 20), "12 to 19"),
        ("", "digits"),
        ("٤١١١١١١١١١١١١١١١", "digits"),  # Arabic-Indic digits are not card digits
    ],
)
def test_validate_card_rejects(raw: str, reason: str) -> None:
    error = error_of(validate_card, raw)
    assert error.field == "card"
    assert reason in error.reason


@pytest.mark.parametrize("length", range(12, 20))
def test_validate_card_accepts_every_length_12_to_19(length: int) -> None:
    assert len(validate_card(make_card("4", length)).pan) == length


def test_card_repr_does_not_show_the_pan() -> None:
    card = validate_card("4111111111111111")
    assert "4111111111111111" not in repr(card)
    assert "1111" in repr(card)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_validate_card_accepts_any_luhn_number(body: str) -> None:
    pan = body + luhn.calc_check_digit(body)
    card = validate_card(pan)
    assert card.pan == pan
    assert validate_card(card.pan) == card


# --------------------------------------------------------------------------- security codes


@pytest.mark.parametrize(
    "name",
    [
        "cvv",
        "CVV",
        "cvc",
        "CVV2",
        "cvc2",
        "cid",
        "CSC",
        "security_code",
        "Security Code",
        "security-code",
        "card_security_code",
        "CardSecurityCode",
        "kode_keamanan",
        "Kode Keamanan",
        "card_cvv",
        "cardCvc2",
    ],
)
def test_reject_security_code(name: str) -> None:
    with pytest.raises(SecurityCodeRefused) as caught:
        reject_security_code(["full_name", name, "phone"])
    assert caught.value.field == name


@pytest.mark.parametrize(
    "names",
    [
        [],
        ["full_name", "card", "card_expiry", "phone"],
        ["customer_cid", "incident", "csc_office", "decision", "cvs_store"],
    ],
)
def test_reject_security_code_allows_other_fields(names: list[str]) -> None:
    reject_security_code(names)


def test_security_code_refused_is_an_invalid_field() -> None:
    assert issubclass(SecurityCodeRefused, InvalidField)


# --------------------------------------------------------------------------- NIK


def test_nik_man_and_woman() -> None:
    man = make_nik(date(1990, 8, 17))
    woman = make_nik(date(1990, 8, 17), female=True)
    assert woman[6:8] == "57"
    assert normalize_national_id("nik", man) == man
    assert normalize_national_id("nik", woman, date_of_birth=date(1990, 8, 17)) == woman


def test_nik_separators_are_removed() -> None:
    assert normalize_national_id("nik", "3174 0157 0890 0001") == "3174015708900001"
    assert normalize_national_id("nik", "3174.015708.90.0001") == "3174015708900001"


@pytest.mark.parametrize("province", PROVINCES)
def test_nik_every_province(province: int) -> None:
    nik = make_nik(date(1985, 1, 2), place=f"{province}0101")
    assert normalize_national_id("nik", nik) == nik


def test_nik_accepts_provinces_python_stdnum_does_not_know() -> None:
    """stdnum's NIK table lacks Kalimantan Utara (65) and the newer Papua provinces."""
    for place in ("650101", "920101", "960101"):
        nik = make_nik(date(2001, 3, 4), place=place)
        assert not stdnum_nik.is_valid(nik)
        assert normalize_national_id("nik", nik) == nik


def test_nik_leap_day_from_either_century() -> None:
    assert normalize_national_id("nik", make_nik(date(2000, 2, 29)))
    assert normalize_national_id("nik", make_nik(date(1996, 2, 29), female=True))


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("317401570890001", "16 digits"),
        ("31740157089000012", "16 digits"),
        ("317401570890000A", "16 digits"),
        ("1074015708900001", "province"),
        ("2274015708900001", "province"),
        ("9774015708900001", "province"),
        ("3100015708900001", "regency"),
        ("3174005708900001", "regency"),
        ("3174010008900001", "birth date"),
        ("3174013208900001", "birth date"),
        ("3174014008900001", "birth date"),
        ("3174017208900001", "birth date"),
        ("3174018108900001", "birth date"),  # stdnum takes 81 as day 1 (81 % 40)
        ("3174011513900001", "birth date"),
        ("3174011500900001", "birth date"),
        ("3174013102900001", "birth date"),
        ("3174012902010001", "birth date"),  # neither 1901 nor 2001 is a leap year
        ("3174011708900000", "0000"),
    ],
)
def test_nik_rejects(nik: str, reason: str) -> None:
    error = error_of(normalize_national_id, "nik", nik)
    assert error.field == "national_id"
    assert reason in error.reason


def test_nik_must_match_date_of_birth() -> None:
    nik = make_nik(date(1990, 8, 17), female=True)
    for other in (date(1990, 8, 18), date(1990, 9, 17), date(1991, 8, 17)):
        error = error_of(normalize_national_id, "nik", nik, date_of_birth=other)
        assert "date of birth" in error.reason
    # only two year digits are stored: 1990 and 2090 cannot be told apart, 1890 either
    assert normalize_national_id("nik", nik, date_of_birth=date(1890, 8, 17)) == nik


nik_parts = st.builds(
    lambda province, regency, district, born, female, serial: (
        make_nik(
            born, female=female, place=f"{province}{regency:02d}{district:02d}", serial=serial
        ),
        born,
    ),
    st.sampled_from(PROVINCES),
    st.integers(1, 99),
    st.integers(1, 99),
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.booleans(),
    st.integers(1, 9999).map(lambda n: f"{n:04d}"),
)


@given(nik_parts)
def test_nik_generated_are_valid_and_idempotent(parts: tuple[str, date]) -> None:
    nik, born = parts
    once = normalize_national_id("nik", nik, date_of_birth=born)
    assert once == nik
    assert normalize_national_id("nik", once) == once


# --------------------------------------------------------------------------- NPWP


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01.312.166.0-091.000", "0013121660091000"),
        ("016090524017000", "0016090524017000"),
        ("0016090524017000", "0016090524017000"),
        ("3174015708900001", "3174015708900001"),  # NIK as NPWP (2024 format)
        ("6501015708900001", "6501015708900001"),  # ...from a province stdnum lacks
    ],
)
def test_npwp_valid(raw: str, expected: str) -> None:
    assert normalize_national_id("npwp", raw) == expected


def test_npwp_old_and_new_format_are_one_canonical_value() -> None:
    old = normalize_national_id("npwp", "01.312.166.0-091.000")
    assert normalize_national_id("npwp", old) == old


@pytest.mark.parametrize(
    "raw", ["013121661091000", "01312166009100", "0013121661091000", "3174015708900000", "ABC"]
)
def test_npwp_invalid(raw: str) -> None:
    assert error_of(normalize_national_id, "npwp", raw).field == "national_id"


def test_npwp_nik_form_checks_date_of_birth() -> None:
    with pytest.raises(InvalidField, match="date of birth"):
        normalize_national_id("npwp", "3174015708900001", date_of_birth=date(1990, 8, 18))


# --------------------------------------------------------------------------- NRIC / FIN


@pytest.mark.parametrize(
    "value", ["S1234567D", "T1234567J", "F1234567N", "G1234567X", "M1234567K", "S0000001I"]
)
def test_nric_known_valid(value: str) -> None:
    assert normalize_national_id("nric", value) == value
    assert normalize_national_id("fin", value.lower()) == value


@given(st.sampled_from("STFGM"), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_nric_generated_checksums(prefix: str, digits: str) -> None:
    value = make_nric(prefix, digits)
    assert normalize_national_id("nric", value) == value
    assert normalize_national_id("fin", f" {value.lower()} ") == value
    wrong = value[:-1] + ("A" if value[-1] != "A" else "B")
    with pytest.raises(InvalidField, match="check letter"):
        normalize_national_id("nric", wrong)


@pytest.mark.parametrize("value", ["S1234567A", "A1234567D", "S123456D", "S12345678D", "S12a4567D"])
def test_nric_invalid(value: str) -> None:
    assert error_of(normalize_national_id, "nric", value).field == "national_id"


# --------------------------------------------------------------------------- SSN, passport


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123-45-6789", "123456789"),
        ("123456789", "123456789"),
        ("123 45 6789", "123456789"),
        ("12-345-6789", "123456789"),  # separators are dropped before stdnum sees the number
    ],
)
def test_ssn_valid(raw: str, expected: str) -> None:
    assert normalize_national_id("ssn", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
        "078-05-1120",  # the Woolworths wallet card
        "1234567890",
        "12345678",
    ],
)
def test_ssn_invalid(raw: str) -> None:
    assert error_of(normalize_national_id, "ssn", raw).field == "national_id"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a1234567", "A1234567"), (" X 123-456 ", "X123456"), ("E12345678", "E12345678")],
)
def test_passport_valid(raw: str, expected: str) -> None:
    assert normalize_national_id("passport", raw) == expected


@pytest.mark.parametrize("raw", ["A1234", "A123456789", "A12345/7", "Ä1234567", ""])
def test_passport_invalid(raw: str) -> None:
    assert error_of(normalize_national_id, "passport", raw).field == "national_id"


def test_unknown_national_id_kind() -> None:
    error = error_of(normalize_national_id, "ktp", "3174015708900001")
    assert error.field == "national_id_kind"
    assert "3174015708900001" not in str(error)


def test_national_id_kinds() -> None:
    assert {"nik", "npwp", "nric", "fin", "ssn", "passport"} == NATIONAL_ID_KINDS


@given(
    st.sampled_from(sorted(NATIONAL_ID_KINDS)),
    st.one_of(st.text(max_size=30), st.text(alphabet="0123456789 -.STFGMXa", max_size=20)),
)
def test_national_id_random_text_only_raises_invalid_field(kind: str, raw: str) -> None:
    try:
        once = normalize_national_id(kind, raw)
    except InvalidField:
        return
    assert normalize_national_id(kind, once) == once


# --------------------------------------------------------------------------- date of birth

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-05-17", date(1990, 5, 17)),
        (" 1990-05-17 ", date(1990, 5, 17)),
        (date(1990, 5, 17), date(1990, 5, 17)),
        (datetime(1990, 5, 17, 23, 0, tzinfo=UTC), date(1990, 5, 17)),
        ("2025-06-15", TODAY),
        ("1895-06-15", date(1895, 6, 15)),
    ],
)
def test_date_of_birth_valid(raw: str | date, expected: date) -> None:
    assert normalize_date_of_birth(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2025-06-16", "future"),
        ("1895-06-14", "130 years"),
        ("1990-02-30", "YYYY-MM-DD"),
        ("17/05/1990", "YYYY-MM-DD"),
        ("19900517", "YYYY-MM-DD"),
        ("1990-W20-4", "YYYY-MM-DD"),
        ("1990-05-17T00:00", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        (None, "YYYY-MM-DD"),
    ],
)
def test_date_of_birth_invalid(raw: object, reason: str) -> None:
    error = error_of(normalize_date_of_birth, raw, today=TODAY)
    assert error.field == "date_of_birth"
    assert reason in error.reason


def test_date_of_birth_130_years_from_a_leap_day() -> None:
    leap = date(2024, 2, 29)
    assert normalize_date_of_birth("1894-02-28", today=leap) == date(1894, 2, 28)
    with pytest.raises(InvalidField):
        normalize_date_of_birth("1894-02-27", today=leap)


def test_date_of_birth_default_today_allows_today_anywhere() -> None:
    utc_today = datetime.now(UTC).date()
    assert normalize_date_of_birth(utc_today.isoformat()) == utc_today


@given(st.dates(date(1900, 1, 1), TODAY))
def test_date_of_birth_is_idempotent(born: date) -> None:
    once = normalize_date_of_birth(born.isoformat(), today=TODAY)
    assert once == born
    assert normalize_date_of_birth(once, today=TODAY) == once


# --------------------------------------------------------------------------- bank account


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("1234567890", "1234567890"),
        ("123-456-7890-123", "1234567890123"),
        ("123456", "123456"),
        ("1" * 20, "1" * 20),
    ],
)
def test_bank_account_valid(raw: str, expected: str) -> None:
    assert validate_bank_account(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("GB82WEST12345698765433", "IBAN"),
        ("XX82WEST12345698765432", "IBAN"),
        ("GB", "IBAN"),
        ("12345", "6 to 20"),
        ("1" * 21, "6 to 20"),
        ("12345A7890", "6 to 20"),
        ("", "6 to 20"),
    ],
)
def test_bank_account_invalid(raw: str, reason: str) -> None:
    error = error_of(validate_bank_account, raw)
    assert error.field == "bank_account"
    assert reason in error.reason


# --------------------------------------------------------------------------- free text


@pytest.mark.parametrize(
    ("func", "raw", "expected"),
    [
        (normalize_name, "  Budi   Santoso ", "Budi Santoso"),
        (normalize_name, "Siti\tNur\nHaliza", "Siti Nur Haliza"),
        (normalize_name, "Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"),
        (normalize_address, " Jl. Sudirman No. 5,\n Jakarta ", "Jl. Sudirman No. 5, Jakarta"),
        (normalize_note, "  first   line \r\nsecond\tline  ", "first line\nsecond line"),
        (normalize_note, "a\n\n\n\n\nb", "a\n\nb"),
        (normalize_note, "\n\n  a  \n\n", "a"),
    ],
)
def test_text_normalisation(func, raw: str, expected: str) -> None:
    assert func(raw) == expected


@pytest.mark.parametrize(
    ("func", "field", "limit"),
    [
        (normalize_name, "full_name", 200),
        (normalize_address, "address", 500),
        (normalize_note, "note", 4000),
    ],
)
def test_text_limits(func, field: str, limit: int) -> None:
    assert func("x" * limit) == "x" * limit
    assert func(" " * 50 + "x" * limit + " " * 50) == "x" * limit
    for bad, reason in [
        ("x" * (limit + 1), "at most"),
        ("x" * (limit * 10), "at most"),
        ("", "empty"),
        ("  \n\t ", "empty"),
        ("Budi\x00Santoso", "control"),
        ("Budi\x1bSantoso", "control"),
        ("Budi\x85Santoso", "control"),
        ("Budi\u202eosotnaS", "control"),
        ("Budi\ud800", "control"),
        (None, "text"),
    ]:
        error = error_of(func, bad)
        assert error.field == field
        assert reason in error.reason


TEXT_FUNCTIONS = [normalize_name, normalize_address, normalize_note]


@given(st.sampled_from(TEXT_FUNCTIONS), st.text(max_size=300))
def test_text_normalisation_is_idempotent(func, raw: str) -> None:
    try:
        once = func(raw)
    except InvalidField:
        return
    assert func(once) == once
    assert once == once.strip()


# --------------------------------------------------------------------------- all together

NORMALIZERS = [
    normalize_phone,
    normalize_email,
    validate_card,
    normalize_date_of_birth,
    validate_bank_account,
    normalize_name,
    normalize_address,
    normalize_note,
]


# Plain random text rarely gets past the first check; this alphabet reaches the deeper ones.
NEAR_MISS = st.text(alphabet="0123456789 -+.@()/GBSTFMabcxyz\n\t\u00a0", max_size=40)


@given(st.sampled_from(NORMALIZERS), st.one_of(st.text(), NEAR_MISS))
def test_random_text_only_raises_invalid_field(func, raw: str) -> None:
    with contextlib.suppress(InvalidField):
        func(raw)


@given(st.sampled_from(NORMALIZERS), st.one_of(st.none(), st.integers(), st.binary(), st.floats()))
def test_non_text_only_raises_invalid_field(func, raw: object) -> None:
    with pytest.raises(InvalidField):
        func(raw)


SECRETS = [
    (normalize_phone, "+62 812 9876 54321 999"),
    (normalize_email, "budi.secret.santoso@@example.com"),
    (validate_card, "4111 1111 1111 1112"),
    (validate_bank_account, "GB82WEST12345698765433"),
    (normalize_date_of_birth, "1987-13-45"),
    (normalize_name, "Budi\x00Santoso"),
    (lambda raw: normalize_national_id("nik", raw), "3174019908870042"),
    (lambda raw: normalize_national_id("npwp", raw), "013121661091000"),
    (lambda raw: normalize_national_id("nric", raw), "S7654321A"),
    (lambda raw: normalize_national_id("ssn", raw), "666-77-8888"),
    (lambda raw: normalize_national_id("passport", raw), "QX98765432"),
]


@pytest.mark.parametrize(("func", "raw"), SECRETS)
def test_errors_never_echo_the_value(func, raw: str) -> None:
    error = error_of(func, raw)
    compact = "".join(ch for ch in raw if ch.isalnum())
    for text in (str(error), error.reason, error.detail, repr(error.extra)):
        assert raw not in text
        assert compact not in text
        assert compact[-6:] not in text
    assert error.__cause__ is None  # no chained library exception carrying the value
