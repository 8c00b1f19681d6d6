"""Honeytokens: synthetic people that no legitimate work touches.

Two uses share one generator of realistic, invented Indonesian customers:

* honeytoken customers, planted in the vault (``plant_honeytoken``) and listed
  in ``honeytoken_customers``; any read of one raises a critical
  ``honeytoken.read`` activity event through ``HoneytokenWatch``, a gate
  decision input that never changes a decision (it abstains);
* per-export decoy records (``amanah.forensics.exports``), generated from the
  export's secret so that they look like the real rows around them.

Values are valid by format (the vault's validators accept them: live mobile
prefixes, NIKs whose region, birth date and serial are well formed, Luhn card
numbers) and drawn from varied name lists so they do not stand out.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from amanah.events import ActivityEvent
from amanah.forensics.models import HoneytokenCustomer

if TYPE_CHECKING:
    from amanah.access.gate import AccessRequest, Decision

log = logging.getLogger(__name__)

# ---- name lists: several naming traditions, so invented people look like a real customer base
# fmt: off

_MALE_GIVEN = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Iwan", "Joko", "Rudi", "Slamet",
    "Bambang", "Dimas", "Yusuf", "Ahmad", "Muhammad", "Rizky", "Arif", "Taufik", "Hadi",
    "Wahyu", "Asep", "Ujang", "Dadang", "Cecep", "Andreas", "Stevanus", "Yohanes", "Ricardo",
    "Kevin", "Michael", "Ilham", "Fikri", "Reza", "Gilang", "Bayu", "Aditya", "Yoga", "Irfan",
)
_FEMALE_GIVEN = (
    "Siti", "Dewi", "Sri", "Rina", "Wulan", "Ayu", "Putri", "Lestari", "Nur", "Fitri",
    "Indah", "Maya", "Ratna", "Yuni", "Euis", "Neng", "Imas", "Fatimah", "Aisyah", "Nabila",
    "Anisa", "Citra", "Dian", "Lina", "Melati", "Kartika", "Novita", "Yohana", "Maria",
    "Theresia", "Grace", "Clara", "Intan", "Rahma", "Salsabila", "Tiara", "Vina", "Wati",
)
_SECOND_GIVEN = (
    "Dwi", "Tri", "Adi", "Eka", "Nur", "Budi", "Sari", "Putra", "Putri", "Indra", "Wira",
    "Surya", "Ayu", "Rahmat", "Fitria", "Kurnia", "Dewi", "Aji", "Nugroho", "Ratna",
)
_FAMILY = (
    "Santoso", "Wijaya", "Setiawan", "Saputra", "Hidayat", "Kurniawan", "Pratama", "Nugraha",
    "Susanto", "Gunawan", "Halim", "Tanoto", "Salim", "Lim", "Tanjung", "Siregar", "Simanjuntak",
    "Nasution", "Harahap", "Lubis", "Sitompul", "Panjaitan", "Hutapea", "Sinaga", "Manurung",
    "Lumowa", "Rumondor", "Pangemanan", "Sumampouw", "Kusuma", "Permana", "Suryadi", "Ramadhan",
    "Hasibuan", "Wibowo", "Purnomo", "Maulana", "Firmansyah", "Syahputra", "Rahayu", "Handoko",
    "Sembiring", "Ginting", "Tarigan", "Effendi", "Rachman", "Sutanto", "Lesmana", "Siswanto",
)
_BALINESE_MALE = ("I Made", "I Wayan", "I Nyoman", "I Ketut", "I Putu", "I Gede", "I Komang")
_BALINESE_FEMALE = ("Ni Made", "Ni Wayan", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Luh", "Ni Kadek")
_BALINESE_NAMES = ("Suarta", "Sudarma", "Arsana", "Wirawan", "Astuti", "Sukadana", "Ariani")
_EMAIL_DOMAINS = (
    ("gmail.com", 45),
    ("yahoo.com", 12),
    ("yahoo.co.id", 10),
    ("outlook.com", 6),
    ("hotmail.com", 5),
    ("ymail.com", 3),
    ("icloud.com", 3),
    ("rocketmail.com", 1),
)
# (NIK province+regency code, city) for places whose codes the vault's NIK check accepts
_PLACES = (
    ("3171", "Jakarta Selatan"), ("3172", "Jakarta Timur"), ("3173", "Jakarta Pusat"),
    ("3174", "Jakarta Barat"), ("3175", "Jakarta Utara"), ("3273", "Bandung"),
    ("3275", "Bekasi"), ("3276", "Depok"), ("3271", "Bogor"), ("3578", "Surabaya"),
    ("3573", "Malang"), ("3374", "Semarang"), ("3372", "Surakarta"), ("3471", "Yogyakarta"),
    ("3671", "Tangerang"), ("1271", "Medan"), ("1671", "Palembang"), ("5171", "Denpasar"),
    ("7371", "Makassar"), ("7171", "Manado"), ("6471", "Balikpapan"), ("2171", "Batam"),
)
_STREETS = (
    "Jl. Merdeka", "Jl. Sudirman", "Jl. Gatot Subroto", "Jl. Diponegoro", "Jl. Pahlawan",
    "Jl. Ahmad Yani", "Jl. Imam Bonjol", "Jl. Gajah Mada", "Jl. Hayam Wuruk", "Jl. Veteran",
    "Jl. Kartini", "Jl. Pemuda", "Jl. Cendrawasih", "Jl. Melati", "Jl. Mawar", "Jl. Kenanga",
    "Gg. Masjid", "Jl. Raya Bogor", "Jl. Cempaka Putih", "Jl. Kebon Jeruk", "Jl. Teuku Umar",
)
# mobile prefixes in use (Telkomsel, Indosat, XL, Axis, Tri, Smartfren) and subscriber lengths
_MOBILE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816",
    "855", "856", "857", "858", "817", "818", "819", "859", "877", "878", "831", "832",
    "833", "838", "895", "896", "897", "898", "899", "881", "882", "883", "887", "888",
)
_BANK_NAMES = ("BCA", "BRI", "BNI", "Mandiri", "CIMB Niaga", "BSI", "Permata", "Danamon")
# fmt: on


@dataclass(frozen=True)
class SyntheticPerson:
    """An invented customer. Never a real person: kept out of logs all the same."""

    full_name: str
    phone: str  # E.164
    email: str
    nik: str
    date_of_birth: date
    address: str
    card: str  # a Luhn-valid PAN
    bank_account: str
    bank_name: str

    def __repr__(self) -> str:
        return "SyntheticPerson(...)"

    def values(self) -> dict[str, str]:
        """Canonical values by field kind, as the vault would store them."""
        return {
            "full_name": self.full_name,
            "phone": self.phone,
            "email": self.email,
            "national_id": self.nik,
            "date_of_birth": self.date_of_birth.isoformat(),
            "address": self.address,
            "card": self.card,
            "bank_account": self.bank_account,
        }


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _name(rng: random.Random, female: bool) -> str:
    roll = rng.random()
    if roll < 0.08:  # Balinese birth-order names
        first = rng.choice(_BALINESE_FEMALE if female else _BALINESE_MALE)
        return f"{first} {rng.choice(_BALINESE_NAMES)}"
    given = rng.choice(_FEMALE_GIVEN if female else _MALE_GIVEN)
    if roll < 0.18:  # one name only, common in Java
        return given
    if roll < 0.35:
        return f"{given} {rng.choice(_SECOND_GIVEN)} {rng.choice(_FAMILY)}"
    if roll < 0.45:
        return f"{given} {rng.choice(_SECOND_GIVEN)}"
    return f"{given} {rng.choice(_FAMILY)}"


def _phone(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_MOBILE_PREFIXES)
        rest = "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 8, 8, 8, 9))))
        number = phonenumbers.parse(f"+628{prefix[1:]}{rest}", None)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(rng: random.Random, name: str, born: date) -> str:
    words = [w.lower() for w in name.split() if w not in ("I", "Ni")]
    first, last = words[0], words[-1]
    digits = rng.choice(
        (str(born.year), f"{born.year % 100:02d}", str(rng.randint(1, 999)), f"{born.day:02d}")
    )
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first}{last}",
            f"{first}_{last}",
            f"{first}{digits}",
            f"{first}.{last}{digits}",
            f"{first[0]}{last}{digits}",
            f"{first}{last[0]}{digits}",
        )
    )
    return f"{local}@{_weighted(rng, _EMAIL_DOMAINS)}"


def _birth_date(rng: random.Random) -> date:
    today = date.today()
    return today - timedelta(days=rng.randint(18 * 365, 75 * 365))


def _nik(rng: random.Random, region: str, born: date, female: bool) -> str:
    district = f"{rng.randint(1, 12):02d}"
    day = born.day + (40 if female else 0)
    serial = f"{rng.randint(1, 2500):04d}"
    return f"{region}{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def _luhn_complete(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return partial + str((10 - total % 10) % 10)


def _card(rng: random.Random) -> str:
    start = rng.choice(("4", "4", "51", "52", "53", "54", "55", "3528"))
    body = start + "".join(rng.choice("0123456789") for _ in range(15 - len(start)))
    return _luhn_complete(body)


def synthetic_person(rng: random.Random) -> SyntheticPerson:
    """One invented, internally consistent customer (NIK agrees with sex and birth date)."""
    female = rng.random() < 0.5
    name = _name(rng, female)
    born = _birth_date(rng)
    region, city = rng.choice(_PLACES)
    address = f"{rng.choice(_STREETS)} No. {rng.randint(1, 180)}, {city}"
    if rng.random() < 0.3:
        address = (
            f"{rng.choice(_STREETS)} No. {rng.randint(1, 180)} "
            f"RT {rng.randint(1, 15):02d}/RW {rng.randint(1, 12):02d}, {city}"
        )
    account_length = rng.choice((10, 10, 13, 15))
    account = str(rng.randint(1, 9)) + "".join(
        rng.choice("0123456789") for _ in range(account_length - 1)
    )
    return SyntheticPerson(
        full_name=name,
        phone=_phone(rng),
        email=_email(rng, name, born),
        nik=_nik(rng, region, born, female),
        date_of_birth=born,
        address=address,
        card=_card(rng),
        bank_account=account,
        bank_name=rng.choice(_BANK_NAMES),
    )


# ---- honeytoken customers ----------------------------------------------------------------


class HoneytokenWatch:
    """A gate decision input that abstains, but raises the alarm on honeytoken reads.

    It keeps the honeytoken ids in memory: refreshed at once when this process
    plants one, and every ``refresh_seconds`` so that a token planted by another
    replica is known here too.
    """

    name = "honeytoken"

    def __init__(
        self,
        factory: sessionmaker[Session],
        publish: Callable[[ActivityEvent], None],
        refresh_seconds: float = 60.0,
    ) -> None:
        self._factory = factory
        self._publish = publish
        self._ttl = refresh_seconds
        self._ids: frozenset[str] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def refresh(self) -> frozenset[str]:
        try:
            with self._factory() as session:
                ids = frozenset(session.scalars(select(HoneytokenCustomer.customer_id)))
        except SQLAlchemyError:
            log.error("cannot read the honeytoken list; keeping the last one known")
            ids = self._ids or frozenset()
        with self._lock:
            self._ids, self._loaded_at = ids, time.monotonic()
        return ids

    def ids(self) -> frozenset[str]:
        with self._lock:
            ids, stale = self._ids, time.monotonic() - self._loaded_at > self._ttl
        if ids is None or stale:
            ids = self.refresh()
        return ids

    def evaluate(self, request: AccessRequest) -> Decision | None:
        if request.customer_id in self.ids():
            principal = request.principal
            self._publish(
                ActivityEvent(
                    action="honeytoken.read",
                    actor=principal.id,
                    severity="critical",
                    customer_id=request.customer_id,
                    interaction_id=request.interaction_id,
                    fields=tuple(request.fields),
                    extra={
                        "access": request.action,
                        "principal_kind": principal.kind,
                        "role": principal.role,
                    },
                )
            )
        return None


def install_honeytokens(system: Any) -> HoneytokenWatch:
    """Register the watch with the system's gate (called once, from ``bootstrap.build``).

    Events go to whatever ``system.bus`` is at the time of the read.
    """
    watch = HoneytokenWatch(system.factory, lambda event: system.bus.publish(event))
    system.gate.register(watch)
    system.extras["honeytokens"] = watch
    return watch


def honeytoken_ids(session: Session) -> set[str]:
    return set(session.scalars(select(HoneytokenCustomer.customer_id)))


def plant_honeytoken(system: Any, label: str | None = None, actor: str = "system") -> str:
    """Create a realistic synthetic customer through the vault and register it as a honeytoken.

    Returns the new customer id. The customer looks like any other: no flag on
    the customer row, only its id in ``honeytoken_customers``.
    """
    from amanah.access.gate import Principal
    from amanah.vault.schemas import CustomerIn

    rng = random.Random(os.urandom(32))
    person = synthetic_person(rng)
    data: dict[str, Any] = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "phones": [person.phone],
        "emails": [person.email],
        "national_ids": [{"kind": "nik", "number": person.nik}],
        "addresses": [person.address],
    }
    if rng.random() < 0.5:
        data["cards"] = [{"number": person.card}]
    if rng.random() < 0.5:
        data["bank_accounts"] = [{"number": person.bank_account, "bank": person.bank_name}]
    planter = Principal(id=actor, kind="service", role="admin", scopes=frozenset({"*"}))
    customer = system.vault.create_customer(planter, CustomerIn.model_validate(data))
    with system.factory() as session, session.begin():
        session.add(HoneytokenCustomer(customer_id=customer.id, created_by=actor, label=label))
    watch = system.extras.get("honeytokens")
    if isinstance(watch, HoneytokenWatch):
        watch.refresh()
    return customer.id
