"""Validation and normalisation of sensitive customer fields, at the door of the vault.

Every value is checked and brought to one canonical form before it is sealed, so
that blind-index lookups are exact matches and a bad row in a bulk import fails
with a clear reason. Errors name the field and say what is wrong, but never echo
the value: exceptions end up in logs and problem responses.

The functions are pure and cheap (they run once per field in 100,000-row bulk
imports): patterns and tables are built once at import time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import email_validator
import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.id import npwp as stdnum_npwp
from stdnum.us import ssn as stdnum_ssn

from amanah.vault.errors import InvalidField, SecurityCodeRefused

__all__ = [
    "NATIONAL_ID_KINDS",
    "CardNumber",
    "normalize_address",
    "normalize_date_of_birth",
    "normalize_email",
    "normalize_name",
    "normalize_national_id",
    "normalize_note",
    "normalize_phone",
    "nric_check_letter",
    "reject_security_code",
    "validate_bank_account",
    "validate_card",
]

# Separators people type inside numbers; removed before checking.
_SEPARATORS = str.maketrans("", "", " -.\t")
_ASCII_DIGITS = frozenset("0123456789")
_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Anything longer than this is rejected before any parsing work is done.
_MAX_NUMBER_INPUT = 64


def _require_str(field: str, raw: object) -> str:
    """Reject non-strings up front so callers get InvalidField, not TypeError."""
    if not isinstance(raw, str):
        raise InvalidField(field, "must be text")
    return raw


def _compact_number(field: str, raw: object) -> str:
    """Strip separators from an identifier; bounded so junk input costs nothing."""
    text = _require_str(field, raw)
    if len(text) > _MAX_NUMBER_INPUT:
        raise InvalidField(field, "is too long")
    return text.translate(_SEPARATORS).upper()


def _is_ascii_digits(text: str) -> bool:
    """str.isdigit() accepts superscripts and other scripts' digits; we want 0-9 only."""
    return bool(text) and _ASCII_DIGITS.issuperset(text)


# --------------------------------------------------------------------------- phone


def normalize_phone(raw: str, default_region: str = "ID") -> str:
    """Return the number in E.164 (``+6281234567890``), the one form that matches exactly."""
    text = _require_str("phone", raw)
    if len(text) > _MAX_NUMBER_INPUT:
        raise InvalidField("phone", "is too long")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidField("phone", "is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidField("phone", "is not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --------------------------------------------------------------------------- email


def normalize_email(raw: str) -> str:
    """Return the normalised address, lowercased whole: the blind index needs one spelling.

    Lowercasing the local part is technically lossy (RFC 5321 lets servers treat it
    case-sensitively) but mailbox providers in practice do not, and customers type it both ways.
    """
    text = _require_str("email", raw).strip()
    if len(text) > 320:
        raise InvalidField("email", "is too long")
    try:
        normalized = email_validator.validate_email(
            text.lower(), check_deliverability=False
        ).normalized
        lowered = normalized.lower()
        if lowered != normalized:
            # Lowercasing changed Unicode text (e.g. a dotted capital I): check the result
            # too, so that what is stored is valid and normalising it again is a no-op.
            lowered = email_validator.validate_email(
                lowered, check_deliverability=False
            ).normalized.lower()
    except email_validator.EmailNotValidError:
        raise InvalidField("email", "is not a valid email address") from None
    return lowered


# --------------------------------------------------------------------------- card


@dataclass(frozen=True, slots=True)
class CardNumber:
    """A validated primary account number (digits only) and its scheme."""

    pan: str
    brand: str

    def __repr__(self) -> str:  # a PAN must not leak through logs or tracebacks
        return f"CardNumber(pan='{'*' * (len(self.pan) - 4)}{self.pan[-4:]}', brand={self.brand!r})"


# (low, high, prefix length, brand), checked in order; the first match wins.
_CARD_RANGES: tuple[tuple[int, int, int, str], ...] = (
    (34, 34, 2, "amex"),
    (37, 37, 2, "amex"),
    (4, 4, 1, "visa"),
    (51, 55, 2, "mastercard"),
    (2221, 2720, 4, "mastercard"),
    (3528, 3589, 4, "jcb"),
    (6011, 6011, 4, "discover"),
    (644, 649, 3, "discover"),
    (65, 65, 2, "discover"),
    (62, 62, 2, "unionpay"),
    (81, 81, 2, "unionpay"),
    (300, 305, 3, "diners"),
    (3095, 3095, 4, "diners"),
    (36, 36, 2, "diners"),
    (38, 39, 2, "diners"),
)


def _card_brand(pan: str) -> str:
    """Scheme from the issuer identification number (IIN) ranges."""
    for low, high, size, brand in _CARD_RANGES:
        if low <= int(pan[:size]) <= high:
            return brand
    return "unknown"


def validate_card(raw: str) -> CardNumber:
    """Check a card number (Luhn, 12-19 digits); spaces and dashes are allowed in input."""
    pan = _compact_number("card", raw)
    if not _is_ascii_digits(pan):
        raise InvalidField("card", "must contain only digits, spaces or dashes")
    if not 12 <= len(pan) <= 19:
        raise InvalidField("card", "must have 12 to 19 digits")
    if not luhn.is_valid(pan):
        raise InvalidField("card", "fails the card number check digit")
    return CardNumber(pan=pan, brand=_card_brand(pan))


# Names compared after lowercasing and dropping separators (" ", "_", "-", ".").
_SECURITY_CODE_NAMES = frozenset(
    {
        "cvv",
        "cvc",
        "cvv2",
        "cvc2",
        "cid",
        "csc",
        "cvn",
        "cav2",
        "securitycode",
        "cardsecuritycode",
        "cardverificationvalue",
        "cardverificationcode",
        "kodekeamanan",
        "kodekeamanankartu",
    }
)
# Suffixes that mark a security code inside a longer name ("card_cvv", "cardCvc2").
_SECURITY_CODE_SUFFIXES = ("cvv", "cvc", "cvv2", "cvc2", "securitycode", "kodekeamanan")
_NAME_SEPARATORS = str.maketrans("", "", " _-.")


def _looks_like_security_code(name: str) -> bool:
    """True for names like ``CVV``, ``card-cvc2``, ``Security Code``, ``kode_keamanan``.

    ``cid`` and ``csc`` count only as the whole name: as suffixes they would catch
    ordinary columns (``customer_cid``).
    """
    compact = name.lower().translate(_NAME_SEPARATORS)
    return compact in _SECURITY_CODE_NAMES or compact.endswith(_SECURITY_CODE_SUFFIXES)


def reject_security_code(field_names: Iterable[str]) -> None:
    """Refuse a record that carries a card security code: it may never be stored (PCI DSS)."""
    for name in field_names:
        if isinstance(name, str) and _looks_like_security_code(name):
            raise SecurityCodeRefused(name, "card security codes are never accepted or stored")


# --------------------------------------------------------------------------- national ids

NATIONAL_ID_KINDS: frozenset[str] = frozenset({"nik", "npwp", "nric", "fin", "ssn", "passport"})

# Province codes in use, including 91-96 for Papua after the 2022 split (python-stdnum's
# table lacks 65, Kalimantan Utara, and 92, 93, 95, 96, so its NIK check is not used).
_NIK_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | set(range(61, 66))
    | set(range(71, 77))
    | {81, 82}
    | set(range(91, 97))
)


def _nik_birth_parts(nik: str) -> tuple[int, int, int]:
    """(day, month, two-digit year) from a NIK; women's day of birth has 40 added."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    return day, month, yy


def _nik_date_exists(day: int, month: int, yy: int) -> bool:
    """The NIK only holds two year digits: the date must exist in 19yy or 20yy."""
    for century in (2000, 1900):
        try:
            date(century + yy, month, day)
        except ValueError:
            continue
        return True
    return False


def _validate_nik(nik: str, date_of_birth: date | None) -> str:
    """Check a compact NIK: PPRRSS DDMMYY XXXX (Dukcapil's Nomor Induk Kependudukan)."""
    if len(nik) != 16 or not _is_ascii_digits(nik):
        raise InvalidField("national_id", "a NIK must be 16 digits")
    if int(nik[:2]) not in _NIK_PROVINCES:
        raise InvalidField("national_id", "the NIK province code does not exist")
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise InvalidField("national_id", "the NIK regency and district codes must not be zero")
    raw_day = int(nik[6:8])
    day, month, yy = _nik_birth_parts(nik)
    if not (1 <= raw_day <= 31 or 41 <= raw_day <= 71) or not _nik_date_exists(day, month, yy):
        raise InvalidField("national_id", "the NIK birth date part is not a valid date")
    if date_of_birth is not None and (day, month, yy) != (
        date_of_birth.day,
        date_of_birth.month,
        date_of_birth.year % 100,
    ):
        raise InvalidField("national_id", "the NIK does not match the date of birth")
    if nik[12:] == "0000":
        raise InvalidField("national_id", "the NIK serial number must not be 0000")
    return nik


def _validate_npwp(npwp: str, date_of_birth: date | None) -> str:
    """Check an NPWP and return the 16-digit form (the old 15 digits get a leading 0).

    Since 2024 the NPWP is 16 digits: a person's NIK, or ``0`` + the old 15-digit
    number. Storing one form means both spellings find the same customer.
    """
    if not _is_ascii_digits(npwp):
        raise InvalidField("national_id", "an NPWP must contain only digits")
    if len(npwp) == 16 and not npwp.startswith("0"):
        return _validate_nik(npwp, date_of_birth)  # stdnum's NIK check lacks some provinces
    try:
        stdnum_npwp.validate(npwp)
    except ValidationError:
        raise InvalidField("national_id", "is not a valid NPWP") from None
    return npwp if len(npwp) == 16 else "0" + npwp


_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
# prefix -> (offset added to the weighted sum, check letters indexed by sum % 11).
# M-series (2022) per ICA: letter = "KLJNPQRTUWX"[10 - r], i.e. this reversed table at r.
_NRIC_SERIES = {
    "S": (0, "JZIHGFEDCBA"),
    "T": (4, "JZIHGFEDCBA"),
    "F": (0, "XWUTRQPNMLK"),
    "G": (4, "XWUTRQPNMLK"),
    "M": (3, "XWUTRQPNJLK"),
}


def nric_check_letter(prefix: str, digits: str) -> str:
    """The check letter of a Singapore NRIC/FIN (python-stdnum has no module for it)."""
    offset, letters = _NRIC_SERIES[prefix]
    total = offset + sum(int(d) * w for d, w in zip(digits, _NRIC_WEIGHTS, strict=True))
    return letters[total % 11]


def _validate_nric(value: str, _dob: date | None) -> str:
    """Check a Singapore NRIC or FIN (S/T/F/G/M + 7 digits + check letter).

    Both kinds accept every prefix: the checksum is the same and imports often use
    one "NRIC/FIN" column for citizens and foreigners alike.
    """
    if len(value) != 9 or value[0] not in _NRIC_SERIES or not _is_ascii_digits(value[1:8]):
        raise InvalidField(
            "national_id", "an NRIC/FIN is S, T, F, G or M, then 7 digits and a check letter"
        )
    if nric_check_letter(value[0], value[1:8]) != value[8]:
        raise InvalidField("national_id", "the NRIC/FIN check letter is wrong")
    return value


def _validate_ssn(value: str, _dob: date | None) -> str:
    """Check a US Social Security number with python-stdnum (area, group and serial rules)."""
    try:
        return stdnum_ssn.validate(value)
    except ValidationError:
        raise InvalidField("national_id", "is not a valid US Social Security number") from None


def _validate_passport(value: str, _dob: date | None) -> str:
    """Passport numbers vary by country: accept 6-9 letters and digits."""
    if not 6 <= len(value) <= 9 or not _ASCII_ALNUM.issuperset(value):
        raise InvalidField("national_id", "a passport number is 6 to 9 letters and digits")
    return value


_NATIONAL_ID_VALIDATORS: dict[str, Callable[[str, date | None], str]] = {
    "nik": _validate_nik,
    "npwp": _validate_npwp,
    "nric": _validate_nric,
    "fin": _validate_nric,
    "ssn": _validate_ssn,
    "passport": _validate_passport,
}


def normalize_national_id(kind: str, raw: str, *, date_of_birth: date | None = None) -> str:
    """Validate an identity number of the given kind; return it compact and uppercase.

    ``date_of_birth`` lets a NIK (or NIK-based NPWP) be cross-checked against the
    birth date it encodes.
    """
    validator = _NATIONAL_ID_VALIDATORS.get(kind) if isinstance(kind, str) else None
    if validator is None:
        raise InvalidField(
            "national_id_kind", "must be one of " + ", ".join(sorted(NATIONAL_ID_KINDS))
        )
    return validator(_compact_number("national_id", raw), date_of_birth)


# --------------------------------------------------------------------------- date of birth

_MAX_AGE_YEARS = 130
# Only the calendar form: fromisoformat also takes week dates and compact forms.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _latest_today() -> date:
    """Today in the earliest time zone (UTC+14): a birth date may be 'today' there."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def normalize_date_of_birth(raw: str | date, *, today: date | None = None) -> date:
    """Parse an ISO date (``1990-05-17``); not in the future, not over 130 years ago."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, str):
        text = raw.strip()
        try:
            raw = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
        except ValueError:  # well-formed but impossible, like 2023-02-30
            raw = None
    if not isinstance(raw, date):
        raise InvalidField("date_of_birth", "must be a date written as YYYY-MM-DD")
    today = today or _latest_today()
    if raw > today:
        raise InvalidField("date_of_birth", "must not be in the future")
    if raw < _years_before(today, _MAX_AGE_YEARS):
        raise InvalidField("date_of_birth", f"must be within the last {_MAX_AGE_YEARS} years")
    return raw


# --------------------------------------------------------------------------- bank account


def validate_bank_account(raw: str) -> str:
    """An IBAN (starts with two letters) or a domestic account of 6-20 digits, compact."""
    account = _compact_number("bank_account", raw)
    if account[:2].isascii() and account[:2].isalpha():
        try:
            return stdnum_iban.validate(account)
        except ValidationError:
            raise InvalidField("bank_account", "is not a valid IBAN") from None
    if not _is_ascii_digits(account) or not 6 <= len(account) <= 20:
        raise InvalidField("bank_account", "must be an IBAN or 6 to 20 digits")
    return account


# --------------------------------------------------------------------------- free text

# C0/C1 controls except tab, newline and carriage return; bidi overrides and isolates
# (they make a name display differently from what is stored); lone surrogates.
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _clean_text(field: str, raw: object, limit: int) -> str:
    """Common checks for free text: a string, no control characters, bounded work."""
    text = _require_str(field, raw)
    if len(text) > limit * 4:
        raise InvalidField(field, f"must be at most {limit} characters")
    if _FORBIDDEN_CHARS.search(text):
        raise InvalidField(field, "must not contain control characters")
    return text


def _finish_text(field: str, text: str, limit: int) -> str:
    """Reject empty and over-long text after whitespace has been normalised."""
    if not text:
        raise InvalidField(field, "must not be empty")
    if len(text) > limit:
        raise InvalidField(field, f"must be at most {limit} characters")
    return text


def _single_line(field: str, raw: object, limit: int) -> str:
    """Strip and collapse every run of whitespace (newlines too) into one space."""
    text = " ".join(_clean_text(field, raw, limit).split())
    return _finish_text(field, text, limit)


def normalize_name(raw: str) -> str:
    """A person's full name on one line, at most 200 characters."""
    return _single_line("full_name", raw, 200)


def normalize_address(raw: str) -> str:
    """A postal address on one line, at most 500 characters."""
    return _single_line("address", raw, 500)


def normalize_note(raw: str) -> str:
    """A free-text note up to 4000 characters; paragraphs survive, other whitespace collapses."""
    text = _clean_text("note", raw, 4000).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return _finish_text("note", text, 4000)
