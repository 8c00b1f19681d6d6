"""Audit entries: ids only, canonical bytes, strict parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.audit.entry import AuditEntry, EntryFormatError, canonical_json, entry_seq

AT = datetime(2026, 11, 29, 3, 4, 5, 678901, tzinfo=UTC)


def entry(**kw) -> AuditEntry:
    base = dict(
        actor="usr_1",
        action="customer.reveal",
        outcome="allow",
        subject_ids=("cus_1",),
        fields=("phone",),
        purpose="support",
        interaction_id="int_9",
        request_id="req_7",
        at=AT,
        extra={"export_id": "exp_1", "key_version": 3},
    )
    base.update(kw)
    return AuditEntry(**base)


def test_canonical_bytes_are_sorted_compact_utf8_with_version_and_seq() -> None:
    data = entry(purpose="pemeriksaan identitas é").canonical_bytes(42)
    assert (
        data
        == (
            '{"action":"customer.reveal","actor":"usr_1","at":"2026-11-29T03:04:05.678901Z",'
            '"extra":{"export_id":"exp_1","key_version":3},"fields":["phone"],'
            '"interaction":"int_9","outcome":"allow","purpose":"pemeriksaan identitas é",'
            '"request":"req_7","seq":42,"subjects":["cus_1"],"v":1}'
        ).encode()
    )
    assert entry_seq(data) == 42


def test_round_trip_and_time_normalised_to_utc() -> None:
    jakarta = timezone(timedelta(hours=7))
    e = entry(at=AT.astimezone(jakarta))
    seq, back = AuditEntry.from_bytes(e.canonical_bytes(5))
    assert seq == 5 and back == e and back.at == AT
    minimal = AuditEntry(actor="system", action="key.rotate", at=AT)
    assert AuditEntry.from_bytes(minimal.canonical_bytes(0)) == (0, minimal)
    assert b"subjects" not in minimal.canonical_bytes(0)


@pytest.mark.parametrize(
    "bad",
    [
        {"actor": ""},
        {"action": "a\nb"},
        {"subject_ids": "cus_1"},
        {"fields": ("x" * 201,)},
        {"at": datetime(2026, 1, 1)},
        {"extra": {"nested": {"a": 1}}},
        {"extra": {"Bad Key": "x"}},
        {"extra": {"amount": 1.5}},
        {"purpose": ""},
    ],
)
def test_shape_is_enforced(bad: dict) -> None:
    with pytest.raises(EntryFormatError):
        entry(**bad)


def test_non_canonical_bytes_are_refused() -> None:
    data = entry().canonical_bytes(1)
    pretty = json.dumps(json.loads(data), indent=1).encode()
    for bad in (pretty, b"\xff", b"[]", data.replace(b'"v":1', b'"v":2')):
        with pytest.raises(EntryFormatError):
            AuditEntry.from_bytes(bad)


_zones = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5))])
_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
) | st.sampled_from(['a"b', "a\\b", "é", "\u2028", "日本", "\U0001f600"])


@given(
    actor=_text,
    action=_text,
    outcome=_text,
    subjects=st.lists(_text, max_size=3),
    fields=st.lists(_text, max_size=3),
    purpose=st.none() | _text,
    interaction=st.none() | _text,
    request=st.none() | _text,
    extra=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
        _text | st.integers(-(2**63), 2**63 - 1) | st.booleans(),
        max_size=4,
    ),
    seq=st.integers(0, 2**63),
    at=st.just(AT)
    | st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999), timezones=_zones),
)
@settings(max_examples=300, deadline=None)
def test_fast_encoding_equals_generic_canonical_json(
    actor, action, outcome, subjects, fields, purpose, interaction, request, extra, seq, at
) -> None:
    e = AuditEntry(
        actor=actor,
        action=action,
        outcome=outcome,
        subject_ids=tuple(subjects),
        fields=tuple(fields),
        purpose=purpose,
        interaction_id=interaction,
        request_id=request,
        at=at,
        extra=extra,
    )
    data = e.canonical_bytes(seq)
    assert data == canonical_json(e.to_dict(seq))
    assert AuditEntry.from_bytes(data) == (seq, e)


def test_times_in_the_same_second_and_across_seconds_format_exactly() -> None:
    """The encoder reuses the formatted second of the previous entry: neighbours in
    the same second, the next second, one microsecond apart, and a step back in time
    must each still be written exactly."""
    base = datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)
    times = [
        base,
        base + timedelta(microseconds=999999),
        base + timedelta(seconds=1),  # the next day
        base + timedelta(microseconds=999998),  # back into the previous second
        base - timedelta(microseconds=1),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        base.astimezone(timezone(timedelta(hours=7))),
    ]
    for at in times:
        e = entry(at=at)
        data = e.canonical_bytes(3)
        assert data == canonical_json(e.to_dict(3))
        u = at.astimezone(UTC)
        stamp = (
            f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
            f".{u.microsecond:06d}Z"
        )
        assert f'"at":"{stamp}"'.encode() in data
        assert AuditEntry.from_bytes(data) == (3, e)


def _valid_text(value: str) -> bool:
    """The rule, written out: 1..200 chars, no control characters, encodable as UTF-8."""
    if not 1 <= len(value) <= 200 or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


TEXTS = st.one_of(
    st.text(max_size=5),
    st.text(alphabet=st.characters(), min_size=195, max_size=205),
    st.sampled_from(["usr_1", "a\x00b", "tab\there", "del\x7f", "lone\ud800", "ü€😀", ""]),
)


@settings(max_examples=300)
@given(actor=TEXTS, subject=TEXTS, purpose=st.one_of(st.none(), TEXTS))
def test_the_one_match_fast_check_accepts_exactly_the_valid_texts(
    actor: str, subject: str, purpose: str | None
) -> None:
    ok = _valid_text(actor) and _valid_text(subject) and (purpose is None or _valid_text(purpose))
    try:
        made = entry(actor=actor, subject_ids=(subject,), purpose=purpose)
    except EntryFormatError:
        assert not ok
    else:
        assert ok, (actor, subject, purpose)
        assert made.actor == actor and made.subject_ids == (subject,)
