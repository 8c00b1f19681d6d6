"""Checksums and structure checks for the numbers the recognizers find.

All functions take a compact string (digits, or upper-case alphanumerics for
IBAN/NRIC) and return a bool; none of them raise or log the value.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import phonenumbers

# Each digit doubled, less 9 when that is over 9: Luhn's doubled positions.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum: from the right, every second digit doubled (its digits summed).

    Over ASCII digits the sums are taken at C speed (a byte's value less 48 is its digit);
    anything else takes the loop, which reads every character as ``ord(ch) - 48``."""
    if not (digits.isascii() and digits.isdigit()):
        return _luhn_loop(digits)
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)) % 10 == 0


def _luhn_loop(digits: str) -> bool:
    total = 0
    parity = len(digits) % 2
    for i, ch in enumerate(digits):
        d = ord(ch) - 48
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The card scheme from the IIN ranges, or None when no scheme issues that prefix/length."""
    n = len(digits)
    p2 = int(digits[:2])
    p3 = int(digits[:3])
    p4 = int(digits[:4])
    p6 = int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (p2 in (36, 38, 39) or 300 <= p3 <= 305 or p4 == 3095) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"  # also GPN domestic debit cards in Indonesia
    return None


def is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and card_brand(digits) is not None and luhn_ok(digits)


@cache
def _nik_regions() -> frozenset[str]:
    """Province+regency codes (PPRR) from python-stdnum's table of Indonesian regions."""
    import stdnum.id

    path = Path(stdnum.id.__file__).with_name("loc.dat")
    codes: set[str] = set()
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line[0].isdigit():
            province = line[:2]
        elif province and line.strip()[:2].isdigit():
            codes.add(province + line.strip()[:2])
    return frozenset(codes)


def nik_ok(digits: str) -> bool:
    """Indonesian NIK: PPRRSS region, DDMMYY birth date (day + 40 for women), 4-digit serial."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    if digits[:4] not in _nik_regions() or digits[4:6] == "00" or digits[12:] == "0000":
        return False
    day = int(digits[6:8])
    if day > 40:
        day -= 40
    month = int(digits[8:10])
    year = int(digits[10:12])
    for century in (1900, 2000):
        try:
            datetime.date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def npwp_ok(digits: str) -> bool:
    """NPWP: 15 digits (Luhn over the first 9), or 16 (a leading 0 + the 15, or a NIK)."""
    if len(digits) == 15:
        return luhn_ok(digits[:9])
    if len(digits) == 16:
        return luhn_ok(digits[1:10]) if digits[0] == "0" else nik_ok(digits)
    return False


_NRIC_W = (2, 7, 6, 5, 4, 3, 2)
_NRIC_ST = "JZIHGFEDCBA"
_NRIC_FG = "XWUTRQPNMLK"
_NRIC_M = "KLJNPQRTUWX"


def nric_ok(value: str) -> bool:
    """Singapore NRIC/FIN: prefix S/T/F/G/M, 7 digits, check letter."""
    if len(value) != 9 or not value[1:8].isdigit():
        return False
    prefix, check = value[0], value[8]
    total = sum(int(d) * w for d, w in zip(value[1:8], _NRIC_W, strict=True))
    if prefix in "TG":
        total += 4
    elif prefix == "M":
        total += 3
    if prefix in "ST":
        return _NRIC_ST[total % 11] == check
    if prefix in "FG":
        return _NRIC_FG[total % 11] == check
    if prefix == "M":
        return _NRIC_M[10 - total % 11] == check
    return False


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "UA": 29,
}  # fmt: skip


def iban_ok(value: str) -> bool:
    expected = IBAN_LENGTHS.get(value[:2])
    if expected is not None and len(value) != expected:
        return False
    if not (15 <= len(value) <= 34) or not value[2:4].isdigit():
        return False
    moved = value[4:] + value[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def ssn_ok(digits: str) -> bool:
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return not (
        area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000"
    ) and digits not in ("123456789", "078051120")


def ipv4_ok(parts: list[str]) -> bool:
    return len(parts) == 4 and all(
        p.isdigit() and (p == "0" or not p.startswith("0")) and int(p) <= 255 for p in parts
    )


# phonenumbers takes 50-300 us per number (one parse per region); numbers recur within
# an interaction (read back, confirmed, repeated across turns), so answers are cached.
# Keys are keyed digests, so the cache never holds a phone number in clear.
_PHONE_CACHE: dict[bytes, bool] = {}
_PHONE_CACHE_MAX = 4096
_PHONE_KEY = os.urandom(16)


def phone_ok(raw: str, regions: Iterable[str]) -> bool:
    """True when phonenumbers accepts ``raw`` as a valid number (international, or in a region)."""
    key = hashlib.blake2b(
        f"{raw}\0{','.join(regions)}".encode(), key=_PHONE_KEY, digest_size=16
    ).digest()
    found = _PHONE_CACHE.get(key)
    if found is None:
        if len(_PHONE_CACHE) >= _PHONE_CACHE_MAX:
            _PHONE_CACHE.clear()  # crude but atomic under concurrent callers
        found = _PHONE_CACHE[key] = _phone_valid(raw, regions)
    return found


def phone_possible(raw: str) -> bool:
    """An international number ("+<country code> ...") of a length that country uses.

    For numbers that are not (yet) issued, such as the UK's 07700 900xxx drama range."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(raw, None))
    except phonenumbers.NumberParseException:
        return False


def warm_phone_metadata(regions: tuple[str, ...]) -> None:
    """Validate an example number of each region now. phonenumbers loads metadata and
    compiles its patterns lazily (~1-10 ms a region), which would otherwise land on
    the first messages that carry a phone number."""
    fmt = phonenumbers.PhoneNumberFormat
    for region in regions:
        example = phonenumbers.example_number(region)
        if example is not None:
            _phone_valid(phonenumbers.format_number(example, fmt.NATIONAL), regions)
            _phone_valid(phonenumbers.format_number(example, fmt.E164), regions)


def _phone_valid(raw: str, regions: Iterable[str]) -> bool:
    try:
        if raw.lstrip().startswith("+"):
            return phonenumbers.is_valid_number(phonenumbers.parse(raw, None))
        for region in regions:
            if phonenumbers.is_valid_number(phonenumbers.parse(raw, region)):
                return True
    except phonenumbers.NumberParseException:
        return False
    return False


# A company's number shared across the country (Indonesia's "1500-xxx", Australia's 13/1300):
# never a person's line. (Toll-free numbers are left to the phone rules: sets label some.)
_SERVICE_TYPES = frozenset(
    [phonenumbers.PhoneNumberType.UAN, phonenumbers.PhoneNumberType.SHARED_COST]
)


def service_number(raw: str, regions: tuple[str, ...]) -> bool:
    """Is ``raw`` (no country code) a company's shared or universal-access number in the
    first region that accepts it? Asked only of the few short numbers that open with a "1"
    (a national 7 or 8 digits never does)."""
    try:
        for region in regions:
            number = phonenumbers.parse(raw, region)
            if phonenumbers.is_valid_number(number):
                return phonenumbers.number_type(number) in _SERVICE_TYPES
    except phonenumbers.NumberParseException:
        return False
    return False
