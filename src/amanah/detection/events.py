"""The detector's event: parsed from JSON Lines or converted from an ``ActivityEvent``.

One line, one JSON object::

    {"id": "ev-1", "ts": "2026-09-01T07:05:12+07:00", "actor": "agent-014",
     "action": "customer.view", "ip": "203.0.113.11",
     "geo": {"country": "ID", "city": "Jakarta", "lat": -6.2088, "lon": 106.8456},
     "customer_id": "cust-000123", "interaction_id": "int-0000042"}

Optional fields ``fields`` (list), ``records``, ``results``, ``query``, ``mfa``,
``reason``, ``channel``, ``purpose``; unknown fields are kept in ``extra``. A
malformed line is reported with its line number (never its content: it may hold
personal data) and skipped. Without ``geo`` the IP is resolved through a MaxMind
database when one is configured.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from amanah.events import ActivityEvent

KNOWN = frozenset(
    {
        "id",
        "ts",
        "actor",
        "action",
        "ip",
        "geo",
        "customer_id",
        "interaction_id",
        "fields",
        "records",
        "results",
        "query",
        "mfa",
        "reason",
        "channel",
        "purpose",
    }
)
_STR_OPTIONAL = ("ip", "customer_id", "interaction_id", "query", "reason", "channel", "purpose")

# identity's event names -> the detector's vocabulary
ACTION_ALIASES = {
    "identity.signin.succeeded": "login.success",
    "identity.signin.failed": "login.failure",
    "identity.signout": "logout",
    "identity.session.ended": "logout",
}


@dataclass(slots=True)
class Event:
    id: str
    ts: float  # seconds since the epoch, UTC
    actor: str
    action: str
    ip: str | None = None
    country: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    customer_id: str | None = None
    interaction_id: str | None = None
    fields: tuple[str, ...] = ()
    records: int | None = None
    results: int | None = None
    query: str | None = None
    mfa: Any = None
    reason: str | None = None
    channel: str | None = None
    purpose: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.ts, UTC)

    @property
    def has_geo(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class Malformed:
    line: int
    error: str


class MalformedEvent(ValueError):
    pass


class GeoResolver:
    """IP -> (country, city, lat, lon) through a MaxMind DB (GeoIP2/GeoLite2 City layout)."""

    def __init__(self, path: str | Path) -> None:
        import maxminddb

        self._reader = maxminddb.open_database(str(path))
        self._cache: dict[str, tuple[str | None, str | None, float | None, float | None]] = {}

    def lookup(self, ip: str) -> tuple[str | None, str | None, float | None, float | None]:
        hit = self._cache.get(ip)
        if hit is not None:
            return hit
        result: tuple[str | None, str | None, float | None, float | None] = (None,) * 4
        try:
            ipaddress.ip_address(ip)
            record = self._reader.get(ip)
        except ValueError:
            record = None
        if isinstance(record, dict):
            country = (record.get("country") or {}).get("iso_code")
            city = ((record.get("city") or {}).get("names") or {}).get("en")
            loc = record.get("location") or {}
            result = (country, city, loc.get("latitude"), loc.get("longitude"))
        if len(self._cache) < 100_000:
            self._cache[ip] = result
        return result

    def fill(self, event: Event) -> Event:
        if event.ip and event.country is None and event.lat is None:
            event.country, event.city, event.lat, event.lon = self.lookup(event.ip)
        return event

    def close(self) -> None:
        self._reader.close()


def _ts(value: Any) -> float:
    if not isinstance(value, str):
        raise MalformedEvent("ts must be an ISO 8601 string")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedEvent("ts is not ISO 8601") from None
    if when.tzinfo is None:
        raise MalformedEvent("ts has no time zone")
    return when.timestamp()


def _num(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedEvent(f"geo.{name} must be a number")
    return float(value)


def _int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedEvent(f"{name} must be an integer")
    return value


def from_dict(data: Any) -> Event:
    """Validate one decoded line; raises ``MalformedEvent`` with a reason."""
    if not isinstance(data, dict):
        raise MalformedEvent("not a JSON object")
    for key in ("id", "actor", "action"):
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise MalformedEvent(f"{key} must be a non-empty string")
    event = Event(data["id"], _ts(data.get("ts")), data["actor"], data["action"])
    for key in _STR_OPTIONAL:
        value = data.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise MalformedEvent(f"{key} must be a string")
            setattr(event, key, value)
    geo = data.get("geo")
    if geo is not None:
        if not isinstance(geo, dict):
            raise MalformedEvent("geo must be an object")
        country, city = geo.get("country"), geo.get("city")
        if country is not None and not isinstance(country, str):
            raise MalformedEvent("geo.country must be a string")
        if city is not None and not isinstance(city, str):
            raise MalformedEvent("geo.city must be a string")
        event.country, event.city = country, city
        if geo.get("lat") is not None or geo.get("lon") is not None:
            event.lat, event.lon = _num(geo.get("lat"), "lat"), _num(geo.get("lon"), "lon")
            if not (-90 <= event.lat <= 90 and -180 <= event.lon <= 180):
                raise MalformedEvent("geo.lat/lon out of range")
    fields = data.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise MalformedEvent("fields must be a list of strings")
        event.fields = tuple(fields)
    event.records = _int(data.get("records"), "records")
    event.results = _int(data.get("results"), "results")
    event.mfa = data.get("mfa")
    if len(data) > len(KNOWN.intersection(data)):
        event.extra = {k: v for k, v in data.items() if k not in KNOWN}
    return event


def parse_line(line: str | bytes) -> Event:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise MalformedEvent("not valid JSON") from None
    return from_dict(data)


@dataclass
class JsonlReader:
    """Iterates the valid events of a JSON Lines stream; ``errors`` lists the rest."""

    geo: GeoResolver | None = None
    on_error: Callable[[Malformed], None] | None = None
    errors: list[Malformed] = field(default_factory=list)
    lines: int = 0

    def read(self, lines: Iterable[str | bytes]) -> Iterator[Event]:
        for number, line in enumerate(lines, start=1):
            self.lines = number
            if not line.strip():
                continue
            try:
                event = parse_line(line)
            except MalformedEvent as exc:
                problem = Malformed(number, str(exc))
                self.errors.append(problem)
                if self.on_error is not None:
                    self.on_error(problem)
                continue
            except (RecursionError, OverflowError):
                problem = Malformed(number, "unreadable value")
                self.errors.append(problem)
                continue
            if self.geo is not None:
                self.geo.fill(event)
            yield event

    def read_path(self, path: str | Path) -> Iterator[Event]:
        with open(path, "rb") as handle:
            yield from self.read(handle)


def from_activity(event: ActivityEvent) -> Event:
    """Amanah's own bus event as the detector's event (ids only, never values)."""
    extra = dict(event.extra)
    geo = extra.pop("geo", None)
    out = Event(
        id=event.id,
        ts=event.ts.timestamp(),
        actor=event.actor,
        action=ACTION_ALIASES.get(event.action, event.action),
        ip=event.ip or (extra.get("ip") if isinstance(extra.get("ip"), str) else None),
        customer_id=event.customer_id,
        interaction_id=event.interaction_id,
        fields=tuple(event.fields),
        reason=event.outcome if event.action.endswith("failed") else None,
        purpose=extra.get("purpose") if isinstance(extra.get("purpose"), str) else None,
    )
    if isinstance(geo, dict):
        out.country, out.city = geo.get("country"), geo.get("city")
        lat, lon = geo.get("lat"), geo.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            out.lat, out.lon = float(lat), float(lon)
    for key in ("records", "results"):
        if isinstance(extra.get(key), int):
            setattr(out, key, extra[key])
    if event.outcome:
        extra.setdefault("outcome", event.outcome)
    out.extra = extra
    return out


def to_json(event: Event) -> dict[str, Any]:
    """The JSON Lines form of an event (for the scenario generator and tests)."""
    data: dict[str, Any] = {
        "id": event.id,
        "ts": datetime.fromtimestamp(event.ts, UTC).isoformat(),
        "actor": event.actor,
        "action": event.action,
    }
    if event.ip:
        data["ip"] = event.ip
    if event.country is not None or event.lat is not None:
        data["geo"] = {"country": event.country, "city": event.city}
        if event.lat is not None:
            data["geo"].update(lat=event.lat, lon=event.lon)
    for key in ("customer_id", "interaction_id", "records", "results", "query", "mfa"):
        value = getattr(event, key)
        if value is not None:
            data[key] = value
    for key in ("reason", "channel", "purpose"):
        value = getattr(event, key)
        if value is not None:
            data[key] = value
    if event.fields:
        data["fields"] = list(event.fields)
    data.update(event.extra)
    return data
