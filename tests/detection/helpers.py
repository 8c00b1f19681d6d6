"""A detector that has learned ten days of an ordinary contact centre, and event builders."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from amanah.detection.config import DetectionConfig
from amanah.detection.engine import Detector
from amanah.detection.events import Event
from amanah.detection.scenarios import DAY, SITES, START, Generator

LEARN_DAYS = 10
VIPS = frozenset({"cust-000001", "cust-000002"})
_ids = itertools.count(1)


@functools.cache
def _history() -> tuple[list[Event], dict[str, str]]:
    gen = Generator(seed=11, days=LEARN_DAYS, agents_per_team=4)
    for day in range(LEARN_DAYS):
        for agent in gen.agents:
            if gen.works(agent, day):
                gen.workday(agent, day)
    gen.events.sort(key=lambda e: e.ts)
    return gen.events, {a.name: a.shift for a in gen.agents}


def trained(**overrides) -> Detector:
    config = DetectionConfig(
        vip_customers=VIPS,
        honeytoken_customers=frozenset({"cust-999001"}),
        home_countries=frozenset({"ID", "SG"}),
        **overrides,
    )
    detector = Detector(config)
    events, _ = _history()
    for ev in events:
        detector.process(_copy(ev))
    return detector


def _copy(ev: Event) -> Event:
    return Event(**{k: getattr(ev, k) for k in Event.__slots__})


def morning_agent() -> str:
    """agent-001 of team jkt-a (Jakarta) works mornings: 07:00-15:00 WIB = 00:00-08:00 UTC."""
    _, shifts = _history()
    assert shifts["agent-001"] == "morning"
    return "agent-001"


def at(day: float, hour_utc: float) -> float:
    """A time on a day after the learning period."""
    return START.timestamp() + (LEARN_DAYS + day) * DAY + hour_utc * 3600


def ev(ts: float, actor: str, action: str, site: str | None = "jakarta", **kw) -> Event:
    event = Event(f"t-{next(_ids)}", ts, actor, action, **kw)
    if site is not None and event.country is None:
        country, city, lat, lon, prefix, _ = SITES[site]
        event.ip = event.ip or f"{prefix}50"
        event.country, event.city, event.lat, event.lon = country, city, lat, lon
    return event


def feed(detector: Detector, *events: Event) -> list:
    out = []
    for event in events:
        out.extend(detector.process(event))
    return out


def rules_of(alerts) -> set[str]:
    return {a.rule for a in alerts}


def build_mmdb(path: Path) -> Path:
    """A small MaxMind City database: 203.0.113.0/24 in Jakarta, 100.64.0.0/10 in Moscow."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=4, database_type="GeoIP2-City", languages=["en"],
                        description="amanah test")  # fmt: skip
    writer.insert_network(
        IPSet(["203.0.113.0/24"]),
        {
            "country": {"iso_code": "ID"},
            "city": {"names": {"en": "Jakarta"}},
            "location": {"latitude": -6.2088, "longitude": 106.8456},
        },
    )
    writer.insert_network(
        IPSet(["100.64.0.0/10"]),
        {"country": {"iso_code": "RU"}, "city": {"names": {"en": "Moscow"}},
         "location": {"latitude": 55.75, "longitude": 37.61}},
    )  # fmt: skip
    writer.to_db_file(str(path))
    return path
