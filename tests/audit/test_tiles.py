"""Bundles (``amanah.audit.tiles``): packed entries, compressed, and the raw form still read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amanah.audit.errors import AuditError
from amanah.audit.tiles import pack, unpack

ENTRIES = st.lists(st.binary(max_size=300), max_size=40)


@given(ENTRIES)
def test_a_bundle_round_trips_compressed_and_raw(datas: list[bytes]) -> None:
    assert unpack(pack(datas)) == datas
    assert unpack(pack(datas, compress=False)) == datas


def test_a_compressed_bundle_is_smaller_for_log_like_entries() -> None:
    datas = [
        f'{{"action":"customer.view","actor":"usr_{i % 9}","seq":{i},"v":1}}'.encode()
        for i in range(256)
    ]
    compressed, raw = pack(datas), pack(datas, compress=False)
    assert compressed[:1] == b"Z" and raw[:1] == b"\x00"
    assert len(compressed) * 4 < len(raw)


def test_a_damaged_or_cut_bundle_is_an_audit_error() -> None:
    blob = pack([b"entry one", b"entry two"])
    with pytest.raises(AuditError, match="damaged"):
        unpack(blob[:-3])
    with pytest.raises(AuditError, match="truncated"):
        unpack(pack([b"entry one"], compress=False)[:-2])
