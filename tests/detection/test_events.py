"""JSON Lines parsing, MaxMind geo resolution, and the bus's ActivityEvent as a detector event."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.detection.helpers import build_mmdb

from amanah.detection.events import (
    GeoResolver,
    JsonlReader,
    MalformedEvent,
    from_activity,
    parse_line,
    to_json,
)
from amanah.events import ActivityEvent

LINE = (
    '{"id": "ev-1", "ts": "2026-09-01T07:05:12+07:00", "actor": "agent-014",'
    ' "action": "customer.view", "ip": "203.0.113.11", "geo": {"country": "ID",'
    ' "city": "Jakarta", "lat": -6.2088, "lon": 106.8456}, "customer_id": "cust-000123",'
    ' "interaction_id": "int-0000042"}'
)


def test_the_issue_example_parses() -> None:
    ev = parse_line(LINE)
    assert (ev.id, ev.actor, ev.action) == ("ev-1", "agent-014", "customer.view")
    assert ev.when == datetime(2026, 9, 1, 0, 5, 12, tzinfo=UTC)
    assert (ev.country, ev.city, ev.lat, ev.lon) == ("ID", "Jakarta", -6.2088, 106.8456)
    assert (ev.customer_id, ev.interaction_id) == ("cust-000123", "int-0000042")
    assert ev.extra == {}


def test_optional_and_unknown_fields_are_kept() -> None:
    data = orjson.loads(LINE)
    data.update(
        fields=["card", "nik"], records=12, results=3, query="phone", mfa="totp",
        reason="x", channel="chat", purpose="billing", device="dev-1", shift={"n": 2},
    )  # fmt: skip
    ev = parse_line(orjson.dumps(data))
    assert ev.fields == ("card", "nik") and ev.records == 12 and ev.results == 3
    assert (ev.query, ev.mfa, ev.reason, ev.channel, ev.purpose) == (
        "phone", "totp", "x", "chat", "billing"
    )  # fmt: skip
    assert ev.extra == {"device": "dev-1", "shift": {"n": 2}}
    again = parse_line(orjson.dumps(to_json(ev)))
    assert again == ev


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"ts": "2026-09-01T00:00:00Z", "actor": "a", "action": "x"}', "id"),
        ('{"id": "e", "ts": "2026-09-01T00:00:00", "actor": "a", "action": "x"}', "zone"),
        ('{"id": "e", "ts": "yesterday", "actor": "a", "action": "x"}', "ISO"),
        ('{"id": "e", "ts": "2026-09-01T00:00:00Z", "actor": "a", "action": "x", "geo": 5}', "geo"),
        ('{"id": "e", "ts": "2026-09-01T00:00:00Z", "actor": "a", "action": "x", "records": "9"}',
         "records"),
        ('{"id": "e", "ts": "2026-09-01T00:00:00Z", "actor": "a", "action": "x", '
         '"geo": {"lat": 91, "lon": 0}}', "range"),
    ],
)  # fmt: skip
def test_malformed_lines_say_why(line: str, error: str) -> None:
    with pytest.raises(MalformedEvent, match=error):
        parse_line(line)


def test_malformed_lines_are_reported_with_their_number_and_skipped() -> None:
    reported = []
    reader = JsonlReader(on_error=reported.append)
    lines = [LINE, "{broken", "", LINE.replace("ev-1", "ev-2"), '{"id": 1}']
    events = list(reader.read(lines))
    assert [e.id for e in events] == ["ev-1", "ev-2"]
    assert [(m.line, m.error) for m in reader.errors] == [
        (2, "not valid JSON"),
        (5, "id must be a non-empty string"),
    ]
    assert reported == reader.errors


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80) | st.binary(max_size=80), max_size=8))
def test_arbitrary_lines_never_crash(lines) -> None:
    reader = JsonlReader()
    events = list(reader.read(lines))
    assert len(events) + len(reader.errors) <= len(lines)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            k: _json
            for k in ("id", "ts", "actor", "action", "geo", "fields", "records", "ip", "mfa")
        },
    )
)
def test_arbitrary_objects_are_events_or_reported(data) -> None:
    reader = JsonlReader()
    try:
        line = orjson.dumps(data)
    except orjson.JSONEncodeError:
        return
    events = list(reader.read([line]))
    assert len(events) + len(reader.errors) == 1


def test_geo_from_a_maxmind_database_when_absent(tmp_path: Path) -> None:
    geo = GeoResolver(build_mmdb(tmp_path / "city.mmdb"))
    line = '{"id": "e", "ts": "2026-09-01T00:00:00Z", "actor": "a", "action": "login.success"'
    reader = JsonlReader(geo=geo)
    events = list(
        reader.read(
            [
                line + ', "ip": "203.0.113.7"}',
                line + ', "ip": "100.70.1.2"}',
                line + ', "ip": "198.18.0.1"}',  # not in the database
                line + ', "ip": "not-an-ip"}',
                line + ', "ip": "100.70.1.2", "geo": {"country": "SG", "city": "Singapore"}}',
            ]
        )
    )
    assert [(e.country, e.city) for e in events] == [
        ("ID", "Jakarta"), ("RU", "Moscow"), (None, None), (None, None), ("SG", "Singapore")
    ]  # fmt: skip
    assert events[1].lat == pytest.approx(55.75)
    geo.close()


def test_activity_events_from_the_bus() -> None:
    act = ActivityEvent(
        action="identity.signin.failed", actor="acc_1", outcome="bad_password",
        ip="203.0.113.9", extra={"geo": {"country": "ID", "city": "Jakarta", "lat": -6.2,
                                         "lon": 106.8}, "records": 4, "device": "d1"},
    )  # fmt: skip
    ev = from_activity(act)
    assert ev.action == "login.failure" and ev.actor == "acc_1" and ev.id == act.id
    assert ev.ts == act.ts.timestamp() and ev.ip == "203.0.113.9"
    assert (ev.country, ev.city, ev.lat) == ("ID", "Jakarta", -6.2)
    assert ev.records == 4 and ev.extra["device"] == "d1" and ev.reason == "bad_password"
    view = from_activity(
        ActivityEvent(action="field.reveal", actor="a", customer_id="c", fields=("card",),
                      extra={"purpose": "billing"})
    )  # fmt: skip
    assert view.fields == ("card",) and view.purpose == "billing" and view.customer_id == "c"
