"""What an agent sees of a sensitive field when the gate decides ``allow masked``.

A masked value keeps just enough to confirm a customer on the phone ("the card
ending 4821", "your number starting +62 812") and hides the rest. Masks expect the
canonical forms from ``amanah.vault.validation`` but never fail on other text: an
unexpected value is starred, never shown.

Shapes (from canonical values):

=============  ==================================  =======================================
kind           example                             kept
=============  ==================================  =======================================
full_name      ``B*** S******``                    first letter of each word
phone          ``+62 812-****-7890``               country code, first group, last 4 digits
email          ``b****@example.com``               first character and the domain
national_id    ``3174**********01`` (NIK)          depends on ``meta["id_kind"]``, see below
date_of_birth  ``1990-**-**``                      the year: needed for age checks, and on
                                                   its own far from identifying
address        ``****, ****, Jakarta Selatan``     the last comma-separated part (the city)
card           ``**** **** **** 4821``             last 4 digits
bank_account   ``****7890``                        last 4 characters
note           ``[note]``                          nothing
=============  ==================================  =======================================

National ids: NIK keeps the first 4 (province and regency) and last 2 digits; NPWP
and SSN the last 4; NRIC/FIN the last 3 digits and the check letter (as Singapore's
PDPC guidance allows); passports the last 3 characters (2 if shorter than 8).

``reveal`` is what an allowed reveal returns: the value itself, except for cards,
where PCI DSS 3.4.1 allows at most the first 6 and last 4 digits to be displayed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import phonenumbers

__all__ = ["MASKERS", "REVEAL_FORMATTERS", "mask", "reveal", "reveal_card"]

Meta = Mapping[str, object] | None

_STAR = "*"
_FIXED = "****"  # stands in for parts whose length itself would say too much
_PHONE_SEPARATORS = frozenset(" -+()")


def _keep_last(value: str, keep: int) -> str:
    """Star all but the last ``keep`` characters, preserving length."""
    keep = min(keep, len(value) // 2)  # never show more than half
    return _STAR * (len(value) - keep) + value[len(value) - keep :]


def mask_full_name(value: str, _meta: Meta = None) -> str:
    """``Budi Santoso`` -> ``B*** S******``: initials help an agent, the rest stays hidden.

    A name made only of initials would come out unchanged, so it is starred whole.
    """
    words = value.split()
    if all(len(word) == 1 for word in words):
        return " ".join(_STAR for _ in words)
    return " ".join(word[0] + _STAR * (len(word) - 1) for word in words)


def _star_digits_except(text: str, keep: set[int]) -> str:
    """Star every digit whose index among the digits is not in ``keep``, and all but separators."""
    out, index = [], 0
    for ch in text:
        if ch.isdigit():
            out.append(ch if index in keep else _STAR)
            index += 1
        else:
            out.append(ch if ch in _PHONE_SEPARATORS else _STAR)
    return "".join(out)


def _phone_keep(national: str, first_group: int) -> set[int]:
    """Digit positions shown: the first group and the last 4, with at least 3 starred."""
    total = sum(ch.isdigit() for ch in national)
    last = min(4, total // 2)
    first = min(first_group, max(0, total - last - 3))
    return set(range(first)) | set(range(total - last, total))


def mask_phone(value: str, _meta: Meta = None) -> str:
    """``+6281234567890`` -> ``+62 812-****-7890``.

    Keeps the country code, the first group (operator or area code) and the last
    4 digits, but always stars at least 3 digits, so short numbers lose more.
    Text that is not an E.164 number keeps at most its last 4 digits.
    """
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return _star_digits_except(value, _phone_keep(value, 0))
    country = f"+{number.country_code}"
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not text.startswith(country):
        return _star_digits_except(value, _phone_keep(value, 0))
    national = text[len(country) :].strip()
    first_group = len(national.replace("-", " ").split(" ", 1)[0])
    return f"{country} {_star_digits_except(national, _phone_keep(national, first_group))}"


def mask_email(value: str, _meta: Meta = None) -> str:
    """``budi@example.com`` -> ``b****@example.com``: a fixed run of stars hides the length."""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return _FIXED
    return f"{local[0]}{_FIXED}@{domain}"


def _mask_nik(value: str) -> str:
    """First 4 (province and regency) and last 2 digits of a 16-digit NIK."""
    if len(value) < 12:
        return _keep_last(value, 2)
    return value[:4] + _STAR * (len(value) - 6) + value[-2:]


_NATIONAL_ID_MASKS: dict[str, Callable[[str], str]] = {
    "nik": _mask_nik,
    "npwp": lambda value: _keep_last(value, 4),
    "ssn": lambda value: _keep_last(value, 4),
    "nric": lambda value: _keep_last(value, 4),
    "fin": lambda value: _keep_last(value, 4),
    "passport": lambda value: _keep_last(value, 3 if len(value) >= 8 else 2),
}


def mask_national_id(value: str, meta: Meta = None) -> str:
    """Mask by ``meta["id_kind"]``; an unknown kind keeps at most the last 2-4 characters."""
    kind = (meta or {}).get("id_kind")
    masker = _NATIONAL_ID_MASKS.get(kind) if isinstance(kind, str) else None
    if masker is not None:
        return masker(value)
    return _keep_last(value, 4 if len(value) >= 10 else 2)


def mask_date_of_birth(value: str | date, _meta: Meta = None) -> str:
    """``1990-05-17`` -> ``1990-**-**``; anything not ISO becomes ``****-**-**``."""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    year = text[:4]
    if len(text) == 10 and year.isascii() and year.isdigit() and text[4] == "-":
        return f"{year}-**-**"
    return "****-**-**"


def mask_address(value: str, _meta: Meta = None) -> str:
    """Keep only the last comma-separated part (the city); each other part becomes ``****``."""
    parts = [part.strip() for part in value.split(",")]
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) < 2:
        return _FIXED
    return ", ".join([_FIXED] * (len(parts) - 1) + [parts[-1]])


def mask_card(value: str, _meta: Meta = None) -> str:
    """``4111111111111111`` -> ``**** **** **** 1111`` whatever the length or scheme."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 12:
        return "**** **** **** ****"
    return "**** **** **** " + digits[-4:]


def mask_bank_account(value: str, _meta: Meta = None) -> str:
    """``1234567890`` -> ``****7890``; short values are hidden entirely."""
    compact = "".join(value.split())
    if len(compact) < 8:
        return _FIXED
    return _FIXED + compact[-4:]


def mask_note(_value: str, _meta: Meta = None) -> str:
    """Notes are free text that may hold anything: hidden entirely, only their presence shown."""
    return "[note]"


MASKERS: dict[str, Callable[[str, Meta], str]] = {
    "full_name": mask_full_name,
    "phone": mask_phone,
    "email": mask_email,
    "national_id": mask_national_id,
    "date_of_birth": mask_date_of_birth,
    "address": mask_address,
    "card": mask_card,
    "bank_account": mask_bank_account,
    "note": mask_note,
}


def mask(kind: str, value: str, meta: dict | None = None) -> str:
    """The default view of a sensitive field. An unknown kind is a bug: fail closed, loudly."""
    try:
        masker = MASKERS[kind]
    except KeyError:
        raise ValueError(f"no mask for field kind {kind!r}") from None
    return masker(value, meta)


def reveal_card(pan: str) -> str:
    """``4111111111111111`` -> ``411111******1111``: never the full PAN (PCI DSS 3.4.1).

    At most the first 6 and last 4 digits, and always at least 6 digits hidden, so
    short PANs (12-15 digits) show fewer leading digits.
    """
    digits = "".join(ch for ch in pan if ch.isdigit())
    if len(digits) < 12:
        return _STAR * len(digits)
    lead = min(6, len(digits) - 10)
    return digits[:lead] + _STAR * (len(digits) - lead - 4) + digits[-4:]


REVEAL_FORMATTERS: dict[str, Callable[[str], str]] = {"card": reveal_card}


def reveal(kind: str, value: str, meta: dict | None = None) -> str:
    """What an allowed reveal shows: the value, or for a card its first 6 / last 4."""
    if kind not in MASKERS:
        raise ValueError(f"no reveal for field kind {kind!r}")
    formatter = REVEAL_FORMATTERS.get(kind)
    return formatter(value) if formatter else value
