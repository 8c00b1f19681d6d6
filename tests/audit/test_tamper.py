"""``verify`` catches an insider editing the audit tables (SQLite and PostgreSQL).

Each test tampers the way someone with database access would (rewriting entry
bundles and hash tiles, ``amanah.audit.tiles``), then checks the report names what
happened and where.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from amanah.audit.checkpoint import Checkpoint, parse_checkpoint, sign_checkpoint
from amanah.audit.index import data_rows
from amanah.audit.log import AuditLog, parse_checkpoint_size
from amanah.audit.merkle import CompactRange, MemoryTree

from ._layout import sql, store_entries, store_tiles, stored_entries, stored_leaves
from .conftest import ORIGIN


def data_of(system, seq: int) -> bytes:
    return stored_entries(system)[seq]


def replace_entry(system, seq: int, data: bytes) -> None:
    datas = stored_entries(system)
    datas[seq] = data
    store_entries(system, datas)


def delete_entries(system, seqs: set[int]) -> None:
    """Cut entries out of their bundles (the rest of each bundle is kept)."""
    store_entries(system, [d for i, d in enumerate(stored_entries(system)) if i not in seqs])


def fill(log: AuditLog, make_entries, n: int = 20) -> None:
    for _ in range(0, n, 5):
        log.append_many(make_entries(5))


def rebuild_everything_but_signatures(system) -> None:
    """A careful attacker: after editing entries, recompute every leaf hash, node and
    the tree head so that all unsigned data is self-consistent."""
    rows = list(enumerate(stored_entries(system)))
    tree = MemoryTree.from_entries(data for _, data in rows)
    sql(system, "DELETE FROM audit_tiles")
    store_tiles(system, 0, [tree.leaf_hash(i) for i in range(tree.size)])
    for level in range(8, tree.size.bit_length(), 8):
        store_tiles(system, level // 8, [tree.node(level, i) for i in range(tree.size >> level)])
    sql(system, "DELETE FROM audit_index")  # the query index, derived from the entries
    for seq, data in rows:
        for kind, value, at, s in data_rows(seq, bytes(data)):
            sql(system, "INSERT INTO audit_index (kind, value, at, seq) VALUES (:k, :v, :a, :s)",
                k=kind, v=value, a=at, s=s)  # fmt: skip
    cr = tree.compact_range()
    sql(system, "UPDATE audit_tree_head SET size = :n, compact_range = :c, checkpoint_size = 0, "
        "indexed_size = :n", n=cr.size, c=cr.to_bytes())  # fmt: skip


def test_untouched_log_verifies(audit_log: AuditLog, make_entries) -> None:
    fill(audit_log, make_entries)
    report = audit_log.verify()
    assert report.ok, report.reason
    assert report.entries == 20 and report.checkpoints >= 5 and report.latest_checkpoint == 20
    assert report.reason == "ok"


def test_content_changed_is_pinned_to_the_entry(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    forged = data_of(system, 7).replace(b'"outcome":"allow"', b'"outcome":"deny"')
    replace_entry(system, 7, forged)
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "changed" and report.problems[0].seq == 7
    assert "entry 7 changed" in report.reason
    assert "checkpoint-mismatch" in report.kinds()


def test_content_and_hashes_rewritten_is_caught_by_the_signed_checkpoints(
    audit_log, make_entries, system
) -> None:
    fill(audit_log, make_entries)
    forged = data_of(system, 13).replace(b"usr_agent1", b"usr_agent2")
    replace_entry(system, 13, forged)
    rebuild_everything_but_signatures(system)
    report = audit_log.verify()
    assert not report.ok
    kinds = report.kinds()
    assert "changed" not in kinds and "node-mismatch" not in kinds  # all unsigned data agrees
    first = report.problems[0]
    assert first.kind == "checkpoint-mismatch"
    assert "size 16" in first.message and "12..15" in first.message  # bounded by checkpoints


def test_deleted_in_the_middle(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    delete_entries(system, {9, 10})
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "gap" and report.problems[0].seq == 9
    assert "entries 9..10 are missing" in report.reason
    assert "checkpoint-mismatch" in report.kinds()


def test_a_whole_bundle_deleted(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries, 600)
    sql(system, "DELETE FROM audit_bundles WHERE idx = 1")
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "gap" and report.problems[0].seq == 256
    assert "entries 256..511 are missing" in report.reason


def test_deleted_in_the_middle_and_renumbered(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    delete_entries(system, {4})  # the later entries move down a place
    rebuild_everything_but_signatures(system)
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "gap" and report.problems[0].seq == 4
    assert report.reason.startswith("entry 4 is missing")
    assert "checkpoint-mismatch" in report.kinds() or "truncated" in report.kinds()


def test_two_entries_swapped(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    datas, leaves = stored_entries(system), stored_leaves(system)
    datas[3], datas[11] = datas[11], datas[3]
    leaves[3], leaves[11] = leaves[11], leaves[3]
    store_entries(system, datas)
    store_tiles(system, 0, leaves)
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "swapped"
    assert report.reason.startswith("entries 3 and 11 were swapped")
    assert "head-mismatch" in report.kinds() and "checkpoint-mismatch" in report.kinds()


def test_newest_deleted_is_caught_against_an_exported_checkpoint(
    audit_log, make_entries, system
) -> None:
    fill(audit_log, make_entries)
    trusted = audit_log.checkpoint()  # an auditor kept this (size 20)
    assert parse_checkpoint_size(trusted) == 20
    # a careful attacker removes the last 6 entries and every trace of them
    delete_entries(system, set(range(14, 20)))
    sql(system, "DELETE FROM audit_checkpoints WHERE size > 14")
    rebuild_everything_but_signatures(system)
    assert audit_log.verify().ok  # nothing inside the database contradicts it...
    report = audit_log.verify(trusted_checkpoint=trusted)
    assert not report.ok  # ...but the checkpoint kept outside does
    assert report.problems[0].kind == "truncated" and report.problems[0].seq == 14
    assert "the log shrank" in report.reason and "14..19" in report.reason
    assert report.consistent_with_trusted is False


def test_newest_deleted_carelessly_is_caught_without_a_trusted_checkpoint(
    audit_log, make_entries, system
) -> None:
    fill(audit_log, make_entries)
    delete_entries(system, set(range(17, 20)))
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "gap" and "newest entries deleted" in report.reason
    assert "truncated" in report.kinds()  # the checkpoint at 20 covers missing entries


def test_log_that_only_grew_is_consistent_with_a_trusted_checkpoint(
    audit_log, make_entries
) -> None:
    fill(audit_log, make_entries, 10)
    trusted = audit_log.checkpoint()
    fill(audit_log, make_entries, 15)
    audit_log.checkpoint()
    report = audit_log.verify(trusted)
    assert report.ok, report.reason
    assert report.trusted_size == 10 and report.consistent_with_trusted is True


def test_forged_checkpoint(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    # the insider rewrites an entry, recomputes everything, and re-signs the checkpoints
    # with a key of their own
    forged = data_of(system, 2).replace(b"support", b"billing")
    replace_entry(system, 2, forged)
    rebuild_everything_but_signatures(system)
    tree = MemoryTree.from_entries(data_of(system, i) for i in range(20))
    own = Ed25519PrivateKey.generate()
    public = own.public_key().public_bytes_raw()
    for (size,) in sql(system, "SELECT size FROM audit_checkpoints"):
        note = sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), ORIGIN, own.sign, public)
        sql(system, "UPDATE audit_checkpoints SET note = :n, root_hash = :r WHERE size = :s",
            n=note, r=tree.root(size), s=size)  # fmt: skip
    report = audit_log.verify()
    assert not report.ok
    assert report.problems[0].kind == "bad-signature"
    assert "signature does not verify" in report.reason
    assert report.checkpoints == 0  # not one checkpoint is accepted


def test_altered_checkpoint_text(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    note = sql(system, "SELECT note FROM audit_checkpoints WHERE size = 8")[0][0]
    cp = parse_checkpoint(note[: note.rfind("\n\n") + 1])
    other = base64.b64encode(bytes(32)).decode()
    altered = note.replace(base64.b64encode(cp.root_hash).decode(), other)
    sql(system, "UPDATE audit_checkpoints SET note = :n WHERE size = 8", n=altered)
    report = audit_log.verify()
    assert report.kinds() == {"bad-signature"}
    assert "checkpoint at size 8" in report.reason


def test_forged_trusted_checkpoint_is_refused(audit_log, make_entries) -> None:
    fill(audit_log, make_entries)
    own = Ed25519PrivateKey.generate()
    public = own.public_key().public_bytes_raw()
    fake = sign_checkpoint(Checkpoint(ORIGIN, 30, bytes(32)), ORIGIN, own.sign, public)
    report = audit_log.verify(trusted_checkpoint=fake)
    assert not report.ok and report.problems[0].kind == "bad-signature"


def test_tampered_tree_head_is_reported(audit_log, make_entries, system) -> None:
    fill(audit_log, make_entries)
    cr = CompactRange(20, [bytes(32), bytes(32)])
    sql(system, "UPDATE audit_tree_head SET compact_range = :c", c=cr.to_bytes())
    report = audit_log.verify()
    assert report.kinds() == {"head-mismatch"}
