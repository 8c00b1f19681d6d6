"""Migration 0008 moves a log stored one row per entry and per node into bundles and
tiles (``amanah.audit.tiles``), and refuses a log with holes (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from amanah.audit import queries
from amanah.audit.entry import AuditEntry
from amanah.audit.index import batch_rows
from amanah.audit.log import AuditLog
from amanah.audit.merkle import CompactRange, MemoryTree, verify_inclusion
from amanah.crypto.local_keyring import LocalKeyring
from amanah.db import make_engine, make_session_factory
from amanah.migrate import alembic_config, upgrade

from .conftest import ORIGIN

N = 600  # two full bundles and a partial one; level-8 nodes exist


def old_log(url: str, n: int = N) -> tuple[object, list[bytes]]:
    """A database at revision 0005 holding ``n`` entries the way 0002 stored them."""
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
    entries = [
        AuditEntry(actor=f"usr_{i % 7}", action="customer.view", subject_ids=(f"cus_{i}",))
        for i in range(n)
    ]
    datas = [e.canonical_bytes(seq) for seq, e in enumerate(entries)]
    tree = CompactRange()
    leaves = [MemoryTree.from_entries([d]).leaf_hash(0) for d in datas]
    nodes, _ = tree.extend_nodes(leaves)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_entries (seq, data, leaf_hash) VALUES (:s, :d, :h)"),
            [{"s": i, "d": d, "h": h} for i, (d, h) in enumerate(zip(datas, leaves, strict=True))],
        )
        conn.execute(
            text("INSERT INTO audit_nodes (level, idx, hash) VALUES (:l, :i, :h)"),
            [{"l": lvl, "i": i, "h": h} for lvl, i, h in nodes],
        )
        conn.execute(
            text("INSERT INTO audit_index (kind, value, at, seq) VALUES (:k, :v, :a, :s)"),
            [{"k": k, "v": v, "a": a, "s": s} for k, v, a, s in batch_rows(0, entries)],
        )
        conn.execute(
            text("UPDATE audit_tree_head SET size = :n, compact_range = :c WHERE id = 1"),
            {"n": n, "c": tree.to_bytes()},
        )
    return engine, datas


def test_0008_moves_entries_and_hashes_to_bundles_and_tiles(database_url, tmp_path) -> None:
    engine, datas = old_log(database_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"audit_bundles", "audit_tiles"} <= tables
    assert not {"audit_entries", "audit_nodes"} & tables
    keyring = LocalKeyring.create(tmp_path / "keyring.json")
    log = AuditLog(make_session_factory(engine), keyring, ORIGIN, checkpoint_every=100)
    tree = MemoryTree.from_entries(datas)
    assert log.size() == N and log.root() == tree.root() and log.root(300) == tree.root(300)
    assert log.entry(513).data == datas[513]
    proof = log.inclusion_proof(300, N)
    assert verify_inclusion(proof.leaf_hash, 300, N, proof.hashes, tree.root())
    assert [f.seq for f in queries.who_accessed(log, "cus_42").entries] == [42]
    report = log.verify()
    assert report.ok, report.reason
    log.append_many([AuditEntry(actor="usr_x", action="customer.view")] * 5)
    assert log.verify().ok
    engine.dispose()


def test_0008_refuses_a_log_with_holes(database_url) -> None:
    engine, _ = old_log(database_url, 20)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    with pytest.raises(RuntimeError, match="refused"):
        upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert "audit_entries" in tables and "audit_bundles" not in tables
    engine.dispose()


def bundle_heads(engine) -> set[bytes]:
    with engine.begin() as conn:
        return {bytes(b)[:1] for (b,) in conn.execute(text("SELECT data FROM audit_bundles"))}


def test_0009_compresses_bundles_and_its_downgrade_restores_the_raw_form(
    database_url, tmp_path
) -> None:
    engine, datas = old_log(database_url)
    config = alembic_config(database_url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    assert bundle_heads(engine) == {b"\x00"}  # 0008 wrote raw bundles
    upgrade(engine)
    assert bundle_heads(engine) == {b"Z"}
    keyring = LocalKeyring.create(tmp_path / "keyring.json")
    log = AuditLog(make_session_factory(engine), keyring, ORIGIN, checkpoint_every=100)
    assert log.verify().ok and log.entry(513).data == datas[513]
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    assert bundle_heads(engine) == {b"\x00"}
    report = log.verify()  # the raw form is still read, every hash unchanged
    assert report.ok, report.reason
    engine.dispose()
