"""Bundles (``amanah.audit.tiles``): packed entries, compressed, and the raw form still read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amanah.audit.errors import AuditError
from amanah.audit.log import AuditLog
from amanah.audit.merkle import MemoryTree, verify_consistency, verify_inclusion
from amanah.audit.tiles import WIDTH, FoldCache, TileNodes, pack, unpack

from .conftest import ORIGIN

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


def test_a_bundle_is_compressed_once_it_is_complete(system, make_entries) -> None:
    """The rightmost bundle is rewritten by every batch: it stays raw until it is full."""
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=100)
    entries = make_entries(300)
    log.append_many(entries[:300])
    log.append_many(entries[:100])  # 400 entries: bundle 0 complete, bundle 1 partial
    with log._read() as conn:
        heads = dict(
            conn.exec_driver_sql("SELECT idx, substr(data, 1, 1) FROM audit_bundles").all()
        )
    assert {i: bytes(h) for i, h in heads.items()} == {0: b"Z", 1: b"\x00"}
    log.append_many(entries[:112])  # 512: both complete
    with log._read() as conn:
        heads = dict(
            conn.exec_driver_sql("SELECT idx, substr(data, 1, 1) FROM audit_bundles").all()
        )
    assert {i: bytes(h) for i, h in heads.items()} == {0: b"Z", 1: b"Z"}
    assert log.verify().ok


def test_a_damaged_or_cut_bundle_is_an_audit_error() -> None:
    blob = pack([b"entry one", b"entry two"])
    with pytest.raises(AuditError, match="damaged"):
        unpack(blob[:-3])
    with pytest.raises(AuditError, match="truncated"):
        unpack(pack([b"entry one"], compress=False)[:-2])


def test_the_fold_cache_holds_every_level_of_a_complete_tile() -> None:
    tree = MemoryTree.from_entries(f"e{i}".encode() for i in range(WIDTH * WIDTH))
    blob = b"".join(tree.node(8, i) for i in range(WIDTH))  # tile (1, 0): level-8 nodes
    levels = FoldCache().add((1, 0), blob)
    assert [len(level) for level in levels] == [WIDTH >> r for r in range(9)]
    assert all(levels[r][j] == tree.node(8 + r, j) for r in range(9) for j in range(WIDTH >> r))


def test_proofs_through_the_fold_cache_match_proofs_without_it(system, make_entries) -> None:
    """A log past one complete level-1 tile (65,536 entries): cached folds give the same
    nodes, and the proofs verify against the log's root."""
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=10_000)
    entries = make_entries(1000)
    n = WIDTH * WIDTH + 700
    for k in range(0, n, 1000):
        log.append_many(entries[: min(1000, n - k)])
    coords = [(level, (n >> level) // 3) for level in range(1, 17)]
    with log._read() as conn:
        plain = TileNodes(conn).nodes(coords)
        cache = FoldCache()
        assert TileNodes(conn, cache).nodes(coords) == plain
        assert TileNodes(conn, cache).nodes(coords) == plain  # now from the cache
        assert cache.get((1, 0)) is not None and cache.get((0, 0)) is None
    top = log.root()
    for seq in (0, 12_345, n - 1):
        proof = log.inclusion_proof(seq, n)
        assert verify_inclusion(proof.leaf_hash, seq, n, proof.hashes, top)
    proof = log.consistency_proof(WIDTH * WIDTH - 5, n)
    assert verify_consistency(WIDTH * WIDTH - 5, n, proof.old_root, proof.new_root, proof.hashes)
