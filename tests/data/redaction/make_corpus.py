"""Generate corpus.jsonl: labelled call/chat turns in English and Indonesian.

Run once (``python tests/data/redaction/make_corpus.py``); the generated file is
committed, tests never regenerate it. Values are synthetic but valid (Luhn, NIK
structure, NRIC checksum, IBAN mod-97, phone numbers accepted by phonenumbers),
and about a third of the person names are deliberately *not* in the package's
name lists, so the figures reflect more than list look-ups.

Template syntax: ``{TYPE}`` or ``{TYPE:form}`` is a labelled value; ``{!KIND}``
is an unlabelled filler (order numbers, amounts, ...), the hard negatives.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import phonenumbers

from amanah.redaction.validators import _nik_regions, iban_ok, luhn_ok, nik_ok, nric_ok

R = random.Random(20240517)
OUT = Path(__file__).with_name("corpus.jsonl")

EN_DIG = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ID_DIG = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

ID_FIRST = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Andi",
    "Fajar",
    "Putri",
    "Hendra",
    "Wulan",
    "Yusuf",
    "Ratna",
    "Bambang",
    "Indra",
    "Nurul",
    "Rizky",
    "Taufik",
    "Lestari",
    # not in the name lists
    "Sutrisno",
    "Rahmawati",
    "Ardiansyah",
    "Kusnadi",
    "Meilani",
    "Yohanes",
    "Purwanti",
    "Haryanto",
    "Setyaningsih",
    "Darmawan",
]
ID_LAST = [
    "Santoso",
    "Wijaya",
    "Hartono",
    "Kusuma",
    "Pratama",
    "Saputra",
    "Siregar",
    "Nasution",
    "Hidayat",
    "Setiawan",
    "Gunawan",
    "Lubis",
    "Wibowo",
    "Nugroho",
    "Simatupang",
    "Tampubolon",
    "Suparman",
    "Rahardjo",
    "Manurung",
    "Sembiring",
]
EN_FIRST = [
    "John",
    "Sarah",
    "Michael",
    "Emily",
    "David",
    "Jessica",
    "James",
    "Laura",
    "Daniel",
    "Rachel",
    "Thomas",
    "Olivia",
    "Kevin",
    "Hannah",
    "Peter",
    "Grace",
    "Declan",
    "Imogen",
    "Marcus",
    "Priyanka",
    "Siobhan",
    "Callum",
    "Tobias",
    "Yvonne",
    "Wei Ling",
    "Arjun",
]
EN_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Walker",
    "Lee",
    "Tan",
    "Patel",
    "Wong",
    "Harris",
    "Clarke",
    "Fitzgerald",
    "Okafor",
    "Nakamura",
    "Henderson",
    "Kowalski",
    "Delaney",
    "Ramirez",
]
ID_STREETS = [
    "Melati",
    "Sudirman",
    "Gatot Subroto",
    "Diponegoro",
    "Merdeka",
    "Kenanga",
    "Raya Bogor",
    "Pahlawan",
    "Cempaka Putih Tengah",
    "Mawar",
    "Anggrek",
    "Veteran",
    "Ahmad Yani",
    "Kebon Jeruk",
    "Margonda Raya",
]
ID_KEL = [
    "Cempaka Putih",
    "Menteng",
    "Tebet Barat",
    "Sukajadi",
    "Kebayoran Lama",
    "Ciracas",
    "Darmo",
    "Lowokwaru",
    "Sumbersari",
]
ID_CITY = [
    "Jakarta Pusat",
    "Jakarta Selatan",
    "Bandung",
    "Surabaya",
    "Malang",
    "Depok",
    "Bekasi",
    "Semarang",
    "Medan",
    "Yogyakarta",
]
EN_STREETS = [
    "Baker",
    "Oak",
    "Maple",
    "Church",
    "High",
    "Elm",
    "Victoria",
    "Park",
    "Kingsway",
    "Orchard",
    "Queen",
    "Station",
]
EN_SUFFIX = ["Street", "Road", "Avenue", "Lane", "Drive", "Close", "St", "Rd"]
EN_CITY = ["London", "Manchester", "Springfield", "Austin", "Leeds", "Bristol", "Seattle"]
MONTH_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
ID_MOBILE = [
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0852",
    "0853",
    "0857",
    "0858",
    "0878",
    "0877",
    "0896",
    "0895",
    "0881",
    "0838",
    "0819",
    "0856",
]
PASSWORDS = [
    "Melati2024!",
    "sunFlower#88",
    "Jakarta123",
    "rahasia99",
    "P@ssw0rd77",
    "kopi_susu21",
    "Bandung#2023",
    "blue-Tiger42",
    "Qwerty!234",
    "Garuda1945",
]


# Second-round names: bare first names from many traditions (several deliberately unlisted).
GREET_FIRST = [
    "Rina",
    "Declan",
    "Tigor",
    "Asep",
    "Ketut",
    "Kumar",
    "Chinedu",
    "Siobhan",
    "Ucok",
    "Hui Min",
    "Nurul",
    "Thabo",
    "Faridah",
    "Lamhot",
    "Darmawan",
    "Priyanka",
]
LOWER_FIRST = ["rina", "budi", "kevin", "sarah", "wayan", "kumar", "asep", "dewi"]
EN_UNITS = [*EN_DIG[:10]]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen"]  # fmt: skip
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_ORD = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
          "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
          "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]  # fmt: skip
ID_PASSWORDS = ["mawarmerah", "kopisusu", "nasigoreng", "rahasiaku", "kucingoren"]


def en_words(n: int) -> str:
    """1-99 in English words."""
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return EN_TENS[tens] + (f" {EN_UNITS[unit]}" if unit else "")


def id_words(n: int) -> str:
    """1-99 in Indonesian words."""
    if n < 10:
        return ID_DIG[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{ID_DIG[n - 10]} belas"
    tens, unit = divmod(n, 10)
    return f"{ID_DIG[tens]} puluh" + (f" {ID_DIG[unit]}" if unit else "")


def spoken_form(kind: str, lang: str) -> str:
    """Expiries, dates of birth and house numbers said the way people say them."""
    words = en_words if lang == "en" else id_words
    if kind == "CARD_EXPIRY":
        month, year = R.randint(1, 12), R.randint(25, 31)
        head = (
            ("oh " + EN_UNITS[month])
            if lang == "en" and month < 10 and R.random() < 0.5
            else words(month)
        )
        return f"{head} {words(year)}"
    if kind == "DATE_OF_BIRTH":
        d, m, y = R.randint(1, 20), R.randint(1, 12), R.randint(1950, 1999)
        if lang == "en":
            return f"{EN_ORD[d]} of {MONTH_EN[m - 1]} nineteen {en_words(y - 1900)}"
        return f"{id_words(d)} {MONTH_ID[m - 1]} sembilan belas {id_words(y - 1900)}"
    if kind == "ADDRESS":
        if lang == "en":
            house = en_words(R.randint(2, 99))
            return f"{house} {R.choice(EN_STREETS)} {R.choice(['Street', 'Road', 'Avenue'])}"
        return f"Jalan {R.choice(ID_STREETS)} nomor {id_words(R.randint(2, 99))}"
    raise KeyError(kind)


def digits(n: int) -> str:
    return "".join(R.choice("0123456789") for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


def card(form: str = "") -> str:
    kind = R.choice(["visa", "visa", "mc", "mc", "amex", "jcb", "gpn"])
    if kind == "amex":
        num = luhn_complete(R.choice(["34", "37"]), 15)
        return f"{num[:4]} {num[4:10]} {num[10:]}" if form != "plain" else num
    prefix = {
        "visa": "4",
        "mc": R.choice(["51", "52", "53", "54", "55", "2221"]),
        "jcb": "3528",
        "gpn": "6048",
    }[kind]
    num = luhn_complete(prefix, 16)
    if form == "plain":
        return num
    sep = R.choice([" ", " ", "-", ""])
    return sep.join(num[i : i + 4] for i in range(0, 16, 4))


def nik() -> str:
    regions = sorted(_nik_regions())
    while True:
        day = R.randint(1, 28) + R.choice([0, 40])
        value = (
            R.choice(regions)
            + f"{R.randint(1, 40):02d}"
            + f"{day:02d}"
            + f"{R.randint(1, 12):02d}"
            + f"{R.randint(60, 99):02d}"
            + f"{R.randint(1, 9999):04d}"
        )
        if nik_ok(value) and not (luhn_ok(value) and value[0] in "3456"):
            return value


def npwp(form: str = "") -> str:
    while True:
        head = "0" + str(R.randint(1, 9)) + digits(6)
        for d in "0123456789":
            if luhn_ok(head + d):
                num = head + d + digits(3) + "000"
                break
        if form == "plain":
            return num
        return f"{num[:2]}.{num[2:5]}.{num[5:8]}.{num[8]}-{num[9:12]}.{num[12:]}"


def nric() -> str:
    while True:
        value = R.choice("ST") + digits(7)
        for c in "ABCDEFGHIJZ":
            if nric_ok(value + c):
                return value + c


def iban() -> str:
    country, bban = R.choice(
        [("GB", "WEST" + digits(14)), ("DE", digits(18)), ("NL", "ABNA" + digits(10))]
    )
    for check in range(2, 99):
        value = f"{country}{check:02d}{bban}"
        if iban_ok(value):
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    raise AssertionError


def ssn() -> str:
    return f"{R.randint(101, 665):03d}-{R.randint(10, 99):02d}-{R.randint(1000, 9999):04d}"


def phone(form: str = "") -> str:
    while True:
        if form in ("sg",):
            raw = R.choice("89") + digits(7)
            value = f"+65 {raw[:4]} {raw[4:]}"
            region = None
        elif form == "us":
            raw = str(R.randint(201, 989)) + str(R.randint(201, 989)) + digits(4)
            value = R.choice(
                [
                    f"+1 ({raw[:3]}) {raw[3:6]}-{raw[6:]}",
                    f"({raw[:3]}) {raw[3:6]}-{raw[6:]}",
                    f"{raw[:3]}-{raw[3:6]}-{raw[6:]}",
                ]
            )
            region = "US"
        elif form == "uk":
            raw = "7" + R.choice(["4", "5", "7", "8", "9"]) + digits(8)
            value = R.choice([f"+44 {raw[:4]} {raw[4:]}", f"0{raw[:4]} {raw[4:]}"])
            region = "GB"
        else:
            raw = R.choice(ID_MOBILE) + digits(R.choice([7, 8]))
            style = R.choice(["dash", "space", "plain", "intl", "intl"])
            if style == "dash":
                value = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
            elif style == "space":
                value = f"{raw[:4]} {raw[4:8]} {raw[8:]}"
            elif style == "intl":
                value = f"+62 {raw[1:4]}-{raw[4:8]}-{raw[8:]}"
            else:
                value = raw
            region = "ID"
        if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
            return value


def spoken(value: str, lang: str) -> str:
    words = EN_DIG if lang == "en" else ID_DIG
    if lang == "id" and R.random() < 0.5:
        words = ["kosong", *ID_DIG[1:]]
    digs = [c for c in value if c.isdigit()]
    out, i = [], 0
    while i < len(digs):
        if lang == "en" and i + 1 < len(digs) and digs[i] == digs[i + 1] and R.random() < 0.5:
            out.append(f"double {words[int(digs[i])]}")
            i += 2
            continue
        out.append(words[int(digs[i])])
        i += 1
    prefix = "plus " if value.startswith("+") else ""
    # group in fours with commas sometimes, as an ASR transcript would
    if R.random() < 0.4 and len(out) > 6:
        grouped = [" ".join(out[k : k + 4]) for k in range(0, len(out), 4)]
        return prefix + ", ".join(grouped)
    return prefix + " ".join(out)


def person(lang: str, full: bool = True) -> str:
    first, last = (ID_FIRST, ID_LAST) if lang == "id" else (EN_FIRST, EN_LAST)
    return f"{R.choice(first)} {R.choice(last)}" if full else R.choice(first)


def email(lang: str) -> str:
    first, last = (ID_FIRST, ID_LAST) if lang == "id" else (EN_FIRST, EN_LAST)
    user = R.choice(
        [
            f"{R.choice(first).lower()}.{R.choice(last).lower()}",
            f"{R.choice(first).lower()}{R.randint(70, 99)}",
            f"{R.choice(last).lower()}_{R.choice(first).lower()}",
        ]
    )
    domain = R.choice(
        ["gmail.com", "yahoo.co.id", "outlook.com", "hotmail.com", "mail.co.uk", "ymail.com"]
    )
    return user.replace(" ", "") + "@" + domain


def address(lang: str) -> str:
    if lang == "id":
        parts = [
            f"{R.choice(['Jl.', 'Jalan', 'Jl'])} {R.choice(ID_STREETS)} No. {R.randint(1, 200)}"
        ]
        if R.random() < 0.7:
            parts.append(f"RT {R.randint(1, 15):02d}/RW {R.randint(1, 12):02d}")
        if R.random() < 0.6:
            parts.append(f"Kel. {R.choice(ID_KEL)}")
        if R.random() < 0.5:
            parts.append(f"Kec. {R.choice(ID_KEL)}")
        tail = R.choice(ID_CITY) + (f" {R.randint(10110, 65199)}" if R.random() < 0.5 else "")
        return ", ".join([*parts, tail]) if R.random() < 0.8 else ", ".join(parts)
    street = f"{R.randint(1, 999)} {R.choice(EN_STREETS)} {R.choice(EN_SUFFIX)}"
    if R.random() < 0.3:
        street += f", Apt {R.randint(1, 30)}{R.choice('ABC')}"
    if R.random() < 0.7:
        street += f", {R.choice(EN_CITY)}"
    return street


def dob(lang: str) -> str:
    d, m, y = R.randint(1, 28), R.randint(1, 12), R.randint(1955, 2004)
    forms = [f"{d:02d}/{m:02d}/{y}", f"{d:02d}-{m:02d}-{y}"]
    forms.append(f"{d} {MONTH_ID[m - 1]} {y}" if lang == "id" else f"{MONTH_EN[m - 1]} {d}, {y}")
    if lang == "en":
        forms.append(f"{d} {MONTH_EN[m - 1]} {y}")
    return R.choice(forms)


def value_for(kind: str, form: str, lang: str) -> str:
    if form in ("spoken_en", "spoken_id") and kind in ("CARD_EXPIRY", "DATE_OF_BIRTH", "ADDRESS"):
        return spoken_form(kind, form.split("_")[1])
    if kind == "PERSON" and form == "greet":
        return R.choice(GREET_FIRST)
    if kind == "PERSON" and form == "lower":
        return R.choice(LOWER_FIRST)
    if kind == "PERSON" and form == "surname":
        return R.choice(EN_LAST)
    if kind == "CREDIT_CARD" and form == "discover":
        num = luhn_complete(R.choice(["6011", "65", "644"]), 16)
        return R.choice([" ", "-", ""]).join(num[i : i + 4] for i in range(0, 16, 4))
    if kind == "CARD_CVV" and form == "amex":
        return digits(4)
    if kind == "CARD_EXPIRY" and form == "compact":
        month, year = R.randint(1, 12), R.randint(25, 31)
        return R.choice([f"{month:02d}{year}", f"{month:02d} {year}"])
    if kind == "SECRET" and form == "idpw":
        return R.choice(ID_PASSWORDS)
    if kind == "EMAIL_ADDRESS" and form == "spoken":
        first, last = R.choice(EN_FIRST).lower(), R.choice(EN_LAST).lower()
        domain = R.choice(["gmail dot com", "yahoo dot co dot id", "outlook dot com"])
        return f"{first.replace(' ', '')} dot {last} at {domain}"
    if kind == "CREDIT_CARD":
        v = card("plain" if form.startswith("spoken") else "")
    elif kind == "ID_NIK":
        v = nik()
    elif kind == "PHONE_NUMBER":
        v = phone(form if form in ("sg", "us", "uk") else "")
        if form.startswith("spoken"):
            v = re.sub(r"[^\d+]", "", v)
    elif kind == "EMAIL_ADDRESS":
        v = email(lang)
    elif kind == "SECRET":
        v = (
            R.choice(PASSWORDS)
            if form == "pw"
            else digits(6 if form != "pin" else R.choice([4, 6]))
        )
    elif kind == "CARD_CVV":
        v = digits(3)
    elif kind == "CARD_EXPIRY":
        v = f"{R.randint(1, 12):02d}/{R.randint(25, 31)}"
    elif kind == "BANK_ACCOUNT":
        v = digits(R.choice([10, 10, 13, 15]))
        v = str(R.randint(1, 9)) + v[1:]
    elif kind == "IBAN_CODE":
        v = iban()
    elif kind == "ID_NPWP":
        v = npwp(form)
    elif kind == "ID_NRIC":
        v = nric()
    elif kind == "US_SSN":
        v = ssn()
    elif kind == "PASSPORT":
        v = R.choice("ABCX") + digits(7) if lang == "id" or R.random() < 0.5 else digits(9)
    elif kind == "ADDRESS":
        v = address(lang)
    elif kind == "DATE_OF_BIRTH":
        v = dob(lang)
    elif kind == "IP_ADDRESS":
        octets = [R.choice([10, 172, 192, 103, 36]), R.randint(0, 255), R.randint(0, 255)]
        v = ".".join(map(str, [*octets, R.randint(1, 254)]))
    elif kind == "PERSON":
        v = person(lang, full=form != "first")
    else:
        raise KeyError(kind)
    if form.startswith("spoken"):
        v = spoken(v, form.split("_")[1] if "_" in form else lang)
    return v


def filler(kind: str) -> str:
    if kind == "ORDER":
        return R.choice(
            [
                f"ORD-{R.randint(2023, 2025)}-{digits(6)}",
                f"#{digits(9)}",
                f"INV/{R.randint(2023, 2025)}/{digits(5)}",
                digits(R.choice([10, 12, 16])),
            ]
        )
    if kind == "TICKET":
        return R.choice([f"TCK-{digits(7)}", digits(8), f"CS{digits(8)}"])
    if kind == "TRACK":
        return R.choice([f"JP{digits(10)}", f"JNE{digits(12)}", digits(12), f"1Z{digits(16)}"])
    if kind == "RP":
        return (
            f"Rp {R.randint(1, 999)}.{R.randint(0, 999):03d}.000"
            if R.random() < 0.6
            else f"Rp{R.randint(10, 999)}.{R.randint(0, 999):03d}"
        )
    if kind == "USD":
        return f"${R.randint(1, 9)},{R.randint(100, 999)}.{R.randint(10, 99)}"
    if kind == "EXT":
        return str(R.randint(200, 8999))
    if kind == "VER":
        return f"{R.randint(1, 12)}.{R.randint(0, 30)}.{R.randint(0, 9)}"
    if kind == "POSTAL":
        return str(R.randint(10110, 99999))
    if kind == "LAST4":
        return digits(4)
    if kind == "DATE":
        return R.choice(
            [
                f"{R.randint(1, 28):02d}/{R.randint(1, 12):02d}/2024",
                f"{R.randint(1, 28)} {R.choice(MONTH_EN)} 2024",
                f"{R.randint(1, 28)} {R.choice(MONTH_ID)} 2024",
            ]
        )
    if kind == "TIME":
        return f"{R.randint(8, 20):02d}.{R.choice(['00', '15', '30', '45'])}"
    if kind == "QTY":
        return str(R.randint(2, 48))
    if kind == "HOTLINE":
        return R.choice(["1500-888", "14045", "1500 123", "021-500-888"])
    if kind == "BRAND":
        return R.choice(["Amanah Bank", "Amanah Care", "BCA", "Mandiri", "Tokopedia"])
    raise KeyError(kind)


SLOT_RE = re.compile(r"\{(!?)([A-Z_0-9]+)(?::([a-z_]+))?\}")


def render(template: str, lang: str) -> tuple[str, list[dict[str, object]]]:
    out, spans, pos = [], [], 0
    length = 0
    for m in SLOT_RE.finditer(template):
        lit = template[pos : m.start()]
        out.append(lit)
        length += len(lit)
        neg, kind, form = m.group(1), m.group(2), m.group(3) or ""
        value = filler(kind) if neg else value_for(kind, form, lang)
        if not neg:
            spans.append({"type": kind, "start": length, "end": length + len(value)})
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


from templates import EN, EN2, ID, ID2, SPLIT  # noqa: E402


def main() -> None:
    rows = []
    for lang, templates in (("en", EN), ("id", ID)):
        for t_index, (kind, template) in enumerate(templates):
            for rep in range(3):
                text, spans = render(template, lang)
                rows.append(
                    {
                        "id": f"{lang}-{t_index:03d}-{rep}",
                        "lang": lang,
                        "kind": kind,
                        "text": text,
                        "entities": spans,
                    }
                )
    for s_index, (lang, turns) in enumerate(SPLIT):
        for rep in range(2):
            interaction = f"split-{lang}-{s_index:02d}-{rep}"
            # a number dictated over several turns: render it once, cut it into the turns
            full_kind, pieces = turns
            value = value_for(full_kind, "", lang)
            chunks = re.findall(r"\d+|\D+", value)
            dchunks = [c for c in chunks if c.strip() and c[0].isdigit()]
            if len(dchunks) >= 2:
                cut = len(dchunks) // 2
                first = value[: value.index(dchunks[cut])].rstrip(" -")
            else:
                first = value[: len(value) // 2]
            second = value[len(first) :].lstrip(" -")
            for t, piece in enumerate(pieces):
                text, spans = render(piece.replace("<A>", "\x00").replace("<B>", "\x01"), lang)
                for marker, part in (("\x00", first), ("\x01", second)):
                    if marker in text:
                        at = text.index(marker)
                        for s in spans:
                            if s["start"] > at:
                                s["start"] += len(part) - 1
                                s["end"] += len(part) - 1
                        text = text.replace(marker, part)
                        spans.append({"type": full_kind, "start": at, "end": at + len(part)})
                spans.sort(key=lambda s: s["start"])
                rows.append(
                    {
                        "id": f"{interaction}-t{t}",
                        "lang": lang,
                        "kind": "split",
                        "interaction": interaction,
                        "turn": t,
                        "text": text,
                        "entities": spans,
                    }
                )
    for lang, templates in (("en", EN2), ("id", ID2)):
        for t_index, (kind, template) in enumerate(templates):
            for rep in range(3):
                text, spans = render(template, lang)
                rows.append(
                    {
                        "id": f"{lang}2-{t_index:03d}-{rep}",
                        "lang": lang,
                        "kind": kind,
                        "text": text,
                        "entities": spans,
                    }
                )
    seen, unique = set(), []
    for row in rows:
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        unique.append(row)
    with OUT.open("w", encoding="utf-8") as fh:
        for row in unique:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    n_en = sum(r["lang"] == "en" for r in unique)
    print(f"{len(unique)} utterances ({n_en} en, {len(unique) - n_en} id) -> {OUT.name}")


if __name__ == "__main__":
    main()
