"""Merkle hashing, proofs and verification against public vectors and a naive model."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.audit.errors import ProofRangeError
from amanah.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    compact_range,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# The reference tree of the vectors' README (folders 1..4) and its roots by size.
REFERENCE_LEAVES = [
    bytes.fromhex(x)
    for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
REFERENCE_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


# --- a naive model straight from RFC 9162 section 2.1 -------------------------------------


def naive_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) by the recursive definition, over leaf *hashes*."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(naive_mth(leaves[:k]), naive_mth(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if complete else [naive_mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], complete), naive_mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_mth(leaves[:k])]


def hashes_for(size: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]


def flip(blob: bytes, bit: int) -> bytes:
    bit %= len(blob) * 8
    out = bytearray(blob)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- public vectors ---------------------------------------------------------------------


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


VectorsFinder = Callable[[str], Path]


def _cases(shared_vectors: VectorsFinder, kind: str) -> list[Path]:
    folder = shared_vectors("rfc6962-merkle") / kind
    cases = sorted(folder.rglob("*.json"))
    assert cases, f"no vectors under {folder}"
    return cases


def test_inclusion_vectors(shared_vectors: VectorsFinder) -> None:
    checked = happy = 0
    for path in _cases(shared_vectors, "inclusion"):
        case = json.loads(path.read_text())
        ok = verify_inclusion(
            _b64(case["leafHash"]),
            case["leafIdx"],
            case["treeSize"],
            [_b64(p) for p in case["proof"] or []],
            _b64(case["root"]),
        )
        assert ok is not case["wantErr"], f"{path.relative_to(path.parents[2])}: {case['desc']}"
        checked += 1
        happy += not case["wantErr"]
    assert checked > 50 and happy >= 5


def test_consistency_vectors(shared_vectors: VectorsFinder) -> None:
    checked = happy = 0
    for path in _cases(shared_vectors, "consistency"):
        case = json.loads(path.read_text())
        ok = verify_consistency(
            case["size1"],
            case["size2"],
            _b64(case["root1"]),
            _b64(case["root2"]),
            [_b64(p) for p in case["proof"] or []],
        )
        assert ok is not case["wantErr"], f"{path.relative_to(path.parents[2])}: {case['desc']}"
        checked += 1
        happy += not case["wantErr"]
    assert checked > 50 and happy >= 5


def test_generated_proofs_equal_the_vectors_happy_paths(shared_vectors: VectorsFinder) -> None:
    """Our generator, not only our verifier, agrees with the independent implementation."""
    tree = MemoryTree.from_entries(REFERENCE_LEAVES)
    for folder in ("1", "2", "3", "4"):
        base = shared_vectors("rfc6962-merkle")
        inc = json.loads((base / "inclusion" / folder / "happy-path.json").read_text())
        got = tree.inclusion_proof(inc["leafIdx"], inc["treeSize"])
        assert got == [_b64(p) for p in inc["proof"]]
        con = json.loads((base / "consistency" / folder / "happy-path.json").read_text())
        got = tree.consistency_proof(con["size1"], con["size2"])
        assert got == [_b64(p) for p in con["proof"] or []]


def test_reference_tree_roots() -> None:
    tree = MemoryTree.from_entries(REFERENCE_LEAVES)
    compact = CompactRange()
    for size, want in enumerate(REFERENCE_ROOTS):
        assert tree.root(size).hex() == want
        assert compact.root().hex() == want
        if size < len(REFERENCE_LEAVES):
            compact.append(REFERENCE_LEAVES[size])


# --- exhaustive small trees against the naive model ----------------------------------------


def test_small_trees_match_the_rfc_definitions_exactly() -> None:
    leaves = hashes_for(40)
    tree = MemoryTree(leaves)
    for size in range(1, 41):
        prefix = leaves[:size]
        assert tree.root(size) == naive_mth(prefix)
        for index in range(size):
            assert tree.inclusion_proof(index, size) == naive_path(index, prefix)
        for old in range(1, size + 1):
            assert tree.consistency_proof(old, size) == naive_subproof(old, prefix, True)


# --- properties ----------------------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_inclusion_proofs_verify_and_any_bit_flip_fails(data: st.DataObject, size: int) -> None:
    leaves = hashes_for(size)
    tree = MemoryTree(leaves)
    want_root = naive_mth(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(index, size, tree)
    assert verify_inclusion(leaves[index], index, size, proof, want_root)

    bit = data.draw(st.integers(0, 255), label="bit")
    assert not verify_inclusion(leaves[index], index, size, proof, flip(want_root, bit))
    assert not verify_inclusion(flip(leaves[index], bit), index, size, proof, want_root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="element")
        bad = [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]]
        assert not verify_inclusion(leaves[index], index, size, bad, want_root)
        assert not verify_inclusion(leaves[index], index, size, proof[:-1], want_root)
    assert not verify_inclusion(leaves[index], index, size, [*proof, want_root], want_root)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_consistency_proofs_verify_and_any_bit_flip_fails(data: st.DataObject, size: int) -> None:
    leaves = hashes_for(size)
    tree = MemoryTree(leaves)
    old = data.draw(st.integers(1, size), label="old")
    old_root, new_root = naive_mth(leaves[:old]), naive_mth(leaves)
    proof = consistency_proof(old, size, tree)
    assert verify_consistency(old, size, old_root, new_root, proof)

    bit = data.draw(st.integers(0, 255), label="bit")
    assert not verify_consistency(old, size, flip(old_root, bit), new_root, proof)
    assert not verify_consistency(old, size, old_root, flip(new_root, bit), proof)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="element")
        bad = [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]]
        assert not verify_consistency(old, size, old_root, new_root, bad)
    if old < size:
        assert not verify_consistency(old, size, new_root, old_root, proof)


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 300))
def test_compact_range_root_equals_naive_root(size: int) -> None:
    leaves = hashes_for(size)
    compact = CompactRange()
    for h in leaves:
        compact.append_hash(h)
    assert compact.size == size
    assert compact.root() == naive_mth(leaves)
    assert len(compact.hashes) == size.bit_count()


# --- the compact range: persistence and storage hooks ------------------------------------


def test_compact_range_resumes_from_bytes_and_from_a_source() -> None:
    leaves = hashes_for(77)
    tree = MemoryTree(leaves)
    compact = CompactRange()
    for h in leaves[:50]:
        compact.append_hash(h)
    resumed = CompactRange.from_bytes(compact.to_bytes())
    assert resumed == compact
    assert compact_range(50, tree) == compact
    assert tree.compact_range(50) == CompactRange(50, compact.hashes)
    for h in leaves[50:]:
        resumed.append_hash(h)
    assert resumed.root() == tree.root()


def test_append_hash_nodes_reports_every_completed_perfect_subtree() -> None:
    leaves = hashes_for(37)
    tree = MemoryTree(leaves)
    compact = CompactRange()
    seen: dict[tuple[int, int], bytes] = {}
    for h in leaves:
        for level, index, digest in compact.append_hash_nodes(h):
            seen[(level, index)] = digest
    want = {
        (level, index)
        for level in range(1, 6)
        for index in range(37 >> level)  # every complete subtree above the leaves
    }
    assert set(seen) == want
    assert all(tree.node(level, index) == digest for (level, index), digest in seen.items())


@pytest.mark.parametrize("cuts", [(0, 37), (0, 1, 2, 3, 37), (0, 5, 16, 17, 33, 37), (0, 64, 70)])
def test_extend_nodes_equals_one_leaf_at_a_time_and_gives_the_roots_due(
    cuts: tuple[int, ...],
) -> None:
    """A batch append reports the same subtrees as appending leaf by leaf, in the same
    order, and the root at every multiple of ``every`` inside the batch."""
    leaves = hashes_for(cuts[-1])
    tree = MemoryTree(leaves)
    one, batched = CompactRange(), CompactRange()
    for start, end in pairwise(cuts):
        want = [n for h in leaves[start:end] for n in one.append_hash_nodes(h)]
        nodes, roots = batched.extend_nodes(leaves[start:end], every=4)
        assert nodes == want
        assert roots == [(s, tree.root(s)) for s in range(start + 1, end + 1) if s % 4 == 0]
        assert batched == one
    assert batched.extend_nodes([]) == ([], [])
    with pytest.raises(ProofRangeError):
        batched.extend_nodes([leaves[0], b"short"])


@pytest.mark.parametrize("cuts", [(0, 600), (0, 1, 255, 256, 257, 600), (0, 300, 512, 513)])
def test_extend_entries_hashes_and_keeps_every_eighth_level(cuts: tuple[int, ...]) -> None:
    """The tile append path: same leaves, tree and roots as ``extend_nodes``, keeping
    only the subtrees at levels 8, 16, ... (what the tiles store)."""
    entries = [f"entry {i}".encode() for i in range(cuts[-1])]
    tree = MemoryTree.from_entries(entries)
    plain, tiled = CompactRange(), CompactRange()
    for start, end in pairwise(cuts):
        leaves, nodes, roots = tiled.extend_entries(entries[start:end], every=100, stride=8)
        assert leaves == [tree.leaf_hash(i) for i in range(start, end)]
        want, want_roots = plain.extend_nodes(leaves, every=100)
        assert nodes == [n for n in want if n[0] % 8 == 0] and roots == want_roots
        assert tiled == plain
    assert tiled.root() == tree.root()


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 700), min_size=1, max_size=5),
    every=st.sampled_from([0, 1, 7, 100, 256, 1000]),
    stride=st.sampled_from([1, 2, 3, 8]),
)
def test_extend_entries_level_at_a_time_matches_leaf_at_a_time(
    sizes: list[int], every: int, stride: int
) -> None:
    """The level-at-a-time fold gives the same compact range, kept nodes and checkpoint
    roots as folding one leaf at a time, for any batch cuts, interval and stride."""
    tiled, plain = CompactRange(), CompactRange()
    start = 0
    for n in sizes:
        entries = [f"e{start + i}".encode() for i in range(n)]
        leaves, nodes, roots = tiled.extend_entries(entries, every=every, stride=stride)
        want, want_roots = plain.extend_nodes(leaves, every=every)
        assert sorted(nodes) == sorted(x for x in want if x[0] % stride == 0)
        assert roots == want_roots and tiled == plain
        start += n


def test_compact_range_rejects_bad_state() -> None:
    with pytest.raises(ProofRangeError):
        CompactRange(3, [EMPTY_ROOT])  # size 3 needs two hashes
    with pytest.raises(ProofRangeError):
        CompactRange(1, [b"short"])
    with pytest.raises(ProofRangeError):
        CompactRange.from_bytes(b"\x00" * 9)
    with pytest.raises(ProofRangeError):
        CompactRange().append_hash(b"short")


def test_empty_tree() -> None:
    tree = MemoryTree()
    assert tree.root() == EMPTY_ROOT == CompactRange().root()
    assert root(0, tree) == EMPTY_ROOT


# --- generation refuses what has no proof ---------------------------------------------------


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("inclusion", (5, 5)),
        ("inclusion", (-1, 5)),
        ("inclusion", (0, 0)),
        ("consistency", (0, 5)),
        ("consistency", (6, 5)),
    ],
)
def test_generation_refuses_out_of_range(call: str, args: tuple[int, int]) -> None:
    tree = MemoryTree(hashes_for(8))
    fn = inclusion_proof if call == "inclusion" else consistency_proof
    with pytest.raises(ProofRangeError):
        fn(*args, tree)


def test_memory_tree_refuses_sizes_beyond_itself() -> None:
    tree = MemoryTree(hashes_for(8))
    with pytest.raises(ProofRangeError):
        tree.inclusion_proof(0, 9)
    with pytest.raises(ProofRangeError):
        tree.node(3, 1)


def test_equal_sizes_give_an_empty_consistency_proof() -> None:
    tree = MemoryTree(hashes_for(8))
    assert tree.consistency_proof(5, 5) == []
    assert verify_consistency(5, 5, tree.root(5), tree.root(5), [])


# --- verification never raises --------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.integers(-(2**70), 2**70),
    st.binary(max_size=40),
    st.text(max_size=5),
    st.lists(st.binary(min_size=31, max_size=33), max_size=5),
    st.lists(st.none(), max_size=2),
    st.booleans(),
    st.floats(allow_nan=True),
)


@settings(max_examples=300, deadline=None)
@given(a=junk, b=junk, c=junk, d=junk, e=junk)
def test_verifiers_never_raise(a: object, b: object, c: object, d: object, e: object) -> None:
    assert verify_inclusion(a, b, c, d, e) in (True, False)  # type: ignore[arg-type]
    assert verify_consistency(a, b, c, d, e) in (True, False)  # type: ignore[arg-type]


def test_verifiers_refuse_wrong_types_for_good_values() -> None:
    leaves = hashes_for(5)
    tree = MemoryTree(leaves)
    proof = tree.inclusion_proof(2)
    assert verify_inclusion(leaves[2], 2, 5, proof, tree.root())
    assert verify_inclusion(leaves[2], 2, 5, tuple(proof), tree.root())
    assert not verify_inclusion(leaves[2], 2, 5, iter(proof), tree.root())  # type: ignore[arg-type]
    assert not verify_inclusion(leaves[2], 2.0, 5, proof, tree.root())  # type: ignore[arg-type]
    assert not verify_inclusion(leaves[2], True, 5, proof, tree.root())
    assert not verify_inclusion(leaves[2], 2, 2**64, proof, tree.root())
    assert not verify_inclusion(leaves[2].hex(), 2, 5, proof, tree.root())  # type: ignore[arg-type]
