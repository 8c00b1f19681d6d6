"""The persistent log: appends, checkpoints, proofs from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from amanah.audit.checkpoint import parse_verifier_key, verify_signed_checkpoint
from amanah.audit.entry import AuditEntry
from amanah.audit.errors import ProofRangeError
from amanah.audit.log import AuditLog, EntryNotFound, parse_checkpoint_size
from amanah.audit.merkle import MemoryTree, verify_consistency, verify_inclusion

from .conftest import ORIGIN


def test_append_assigns_contiguous_seqs_and_stores_canonical_bytes(
    audit_log: AuditLog, make_entries
) -> None:
    entries = make_entries(7)
    assert audit_log.append(entries[0]) == 0
    assert audit_log.append_many(entries[1:]) == [1, 2, 3, 4, 5, 6]
    assert audit_log.append_many([]) == []
    assert audit_log.size() == 7
    stored = audit_log.entry(3)
    assert stored.data == entries[3].canonical_bytes(3)
    assert stored.entry == entries[3]
    with pytest.raises(EntryNotFound):
        audit_log.entry(7)


def test_checkpoints_every_n_and_signed_in_c2sp_format(
    audit_log: AuditLog, make_entries, system
) -> None:
    audit_log.append_many(make_entries(10))  # checkpoint_every=4: sizes 4, 8, and 10 (first)
    note = audit_log.latest_checkpoint()
    assert note is not None
    name, key = parse_verifier_key(audit_log.verifier_key())
    cp = verify_signed_checkpoint(note, name, key, origin=ORIGIN)
    assert cp.size == 10 and cp.root_hash == audit_log.root(10) == audit_log.root()
    assert note.startswith(f"{ORIGIN}\n10\n")
    assert parse_checkpoint_size(audit_log.checkpoint_at(4)) == 4
    assert audit_log.checkpoint_at(8) is not None
    assert audit_log.checkpoint() == note  # nothing new: the same checkpoint
    audit_log.append(make_entries(1)[0])
    assert parse_checkpoint_size(audit_log.checkpoint()) == 11


def test_roots_and_proofs_match_an_in_memory_tree_and_verify(
    audit_log: AuditLog, make_entries
) -> None:
    entries = make_entries(37)
    for start in range(0, 37, 10):
        audit_log.append_many(entries[start : start + 10])
    tree = MemoryTree.from_entries(audit_log.entry(i).data for i in range(37))
    for size in (1, 2, 5, 16, 17, 36, 37):
        assert audit_log.root(size) == tree.root(size)
        for seq in {0, size // 2, size - 1}:
            p = audit_log.inclusion_proof(seq, size)
            assert p.hashes == tree.inclusion_proof(seq, size)
            assert verify_inclusion(p.leaf_hash, seq, size, p.hashes, tree.root(size))
            assert not verify_inclusion(p.leaf_hash, seq, size, p.hashes, tree.root(size - 1 or 2))
    for old, new in [(1, 37), (4, 8), (5, 37), (16, 33), (37, 37)]:
        c = audit_log.consistency_proof(old, new)
        assert c.hashes == tree.consistency_proof(old, new)
        assert verify_consistency(old, new, c.old_root, c.new_root, c.hashes)
        assert (c.old_root, c.new_root) == (tree.root(old), tree.root(new))
    with pytest.raises(ProofRangeError):
        audit_log.inclusion_proof(37, 37)
    with pytest.raises(ProofRangeError):
        audit_log.consistency_proof(3, 38)


def test_inclusion_proof_defaults_to_a_signed_checkpoint(audit_log: AuditLog, make_entries) -> None:
    audit_log.append_many(make_entries(6))  # checkpoints at 4 and 6
    audit_log.append_many(make_entries(1))  # 7: not yet checkpointed (interval is an hour)
    p = audit_log.inclusion_proof(6)
    assert p.size == 7 and p.checkpoint is not None
    name, key = parse_verifier_key(audit_log.verifier_key())
    cp = verify_signed_checkpoint(p.checkpoint, name, key)
    assert verify_inclusion(p.leaf_hash, 6, cp.size, p.hashes, cp.root_hash)
    assert audit_log.inclusion_proof(1).size == 7  # the latest checkpoint covers seq 1


def test_log_resumes_after_restart_from_the_tree_head(
    audit_log: AuditLog, make_entries, system
) -> None:
    audit_log.append_many(make_entries(5))
    again = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=4)
    assert again.append(make_entries(1)[0]) == 5
    assert again.verify().ok


def test_time_based_checkpoints(system, make_entries) -> None:
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=1000,
                   checkpoint_seconds=0)  # fmt: skip
    log.append_many(make_entries(3))
    assert parse_checkpoint_size(log.latest_checkpoint()) == 3
    log.append(make_entries(1)[0])
    assert parse_checkpoint_size(log.latest_checkpoint()) == 4
    assert log.maybe_checkpoint() is None  # nothing new since


def test_sealed_keyring_postpones_checkpoints_but_not_appends(system, make_entries) -> None:
    class Sealed:
        def __init__(self, real) -> None:
            self.real = real
            self.sealed = True

        def signing_public_key(self) -> bytes:
            return self.real.signing_public_key()

        def sign(self, message: bytes) -> bytes:
            from amanah.crypto.errors import KeyringSealed

            if self.sealed:
                raise KeyringSealed("sealed")
            return self.real.sign(message)

    keyring = Sealed(system.keyring)
    log = AuditLog(system.factory, keyring, ORIGIN, checkpoint_every=2)
    assert log.append_many(make_entries(5)) == [0, 1, 2, 3, 4]
    assert log.latest_checkpoint() is None
    keyring.sealed = False
    assert parse_checkpoint_size(log.checkpoint()) == 5
    report = log.verify()
    assert report.ok and report.warnings  # periodic checkpoints 2 and 4 were never signed


def test_entries_carry_ids_only(audit_log: AuditLog) -> None:
    seq = audit_log.append(
        AuditEntry(
            actor="usr_1",
            action="customer.reveal",
            subject_ids=("cus_1",),
            fields=("national_id",),
            purpose="kyc",
        )
    )
    assert b"national_id" in audit_log.entry(seq).data  # the field's name, not its value
