"""RFC 9162 (RFC 6962) Merkle tree hashing, proofs and their verification.

Pure and storage-independent: proofs are built from a ``NodeSource`` that
returns hashes of *perfect* subtrees, so a database table of stored subtree
hashes, an in-memory ``MemoryTree`` or a file can back them alike.

Addressing: ``node(level, index)`` is the hash of the perfect subtree over
leaves ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds leaf
hashes. A tree of ``size`` leaves that is not a power of two has "ephemeral"
right-edge nodes; they are folded here from at most log2(size) perfect ones,
so every proof or root costs O(log n) node lookups.

Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step and
returns ``False`` on any malformed input instead of raising, because its
inputs come from whoever hands us a proof.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from amanah.audit.errors import ProofRangeError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MemoryTree",
    "NodeSource",
    "compact_range",
    "consistency_proof",
    "consistency_ranges",
    "hash_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "parent_hashes",
    "perfect_cover",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_sha256 = hashlib.sha256
_LEAF = b"\x00"
_NODE = b"\x01"
MAX_SIZE = (1 << 64) - 1  # tree sizes are uint64 on the wire (RFC 9162, C2SP checkpoints)

EMPTY_ROOT: bytes = _sha256(b"").digest()
"""MTH({}) = SHA-256 of the empty string: the root of a tree with no leaves."""

Coord = tuple[int, int]
"""(level, index) of a perfect subtree."""

Range = tuple[int, int]
"""[start, end) leaf range of a (possibly ephemeral) subtree."""


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the 0x00 prefix keeps leaves apart from nodes."""
    return _sha256(_LEAF + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): an interior node."""
    return _sha256(_NODE + left + right).digest()


def parent_hashes(level: Sequence[bytes]) -> list[bytes]:
    """The node hashes of neighbouring pairs of ``level`` (an odd last hash has no parent
    here): one tree level up, in one comprehension."""
    sha, node = _sha256, _NODE
    pairs = iter(level)
    return [sha(node + a + b).digest() for a, b in zip(pairs, pairs, strict=False)]


@runtime_checkable
class NodeSource(Protocol):
    """Anything that can return the hash of a perfect subtree.

    A source may also offer ``nodes(coords) -> Sequence[bytes]`` to answer many
    lookups at once (one SQL query per proof instead of one per node); the
    proof functions use it when present.
    """

    def node(self, level: int, index: int) -> bytes: ...


# --- proof shapes (pure arithmetic on sizes) ---------------------------------------------


def perfect_cover(start: int, end: int) -> list[Coord]:
    """Perfect subtrees that tile [start, end), largest first.

    ``start`` must be aligned to a power of two at least ``end - start``, which
    holds for every subtree of an RFC 9162 tree (and for [0, size)).
    """
    out: list[Coord] = []
    width = end - start
    pos = start
    for level in range(width.bit_length() - 1, -1, -1):
        if (width >> level) & 1:
            out.append((level, pos >> level))
            pos += 1 << level
    return out


def _path_ranges(level: int, index: int, size: int) -> list[Range]:
    """Sibling ranges on the path from node (level, index) to the root of ``size`` leaves.

    Below the level where the node's path and the tree's last leaf diverge
    ("inner"), siblings may be ephemeral and are clipped at ``size``; above it
    only left siblings remain, all perfect.
    """
    last = (size - 1) >> level
    inner = (index ^ last).bit_length()
    out: list[Range] = []
    for i in range(inner):
        width = 1 << (level + i)
        start = ((index >> i) ^ 1) * width
        out.append((start, min(start + width, size)))
    node = index >> inner
    lvl = level + inner
    while node:
        if node & 1:
            width = 1 << lvl
            start = (node ^ 1) * width
            out.append((start, start + width))
        node >>= 1
        lvl += 1
    return out


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose hashes form the inclusion proof of ``index`` (RFC 9162 2.1.3.1)."""
    _check_inclusion_args(index, size)
    return _path_ranges(0, index, size)


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """Leaf ranges whose hashes form the consistency proof (RFC 9162 2.1.4.1).

    The proof is the path from the largest perfect subtree ending at
    ``old_size`` to the new root, preceded by that subtree itself unless
    ``old_size`` is a power of two (the verifier then already has it: the old root).
    """
    _check_consistency_args(old_size, new_size)
    if old_size == new_size:
        return []
    level = (old_size & -old_size).bit_length() - 1
    index = (old_size >> level) - 1
    ranges = _path_ranges(level, index, new_size)
    if index:
        ranges.insert(0, (index << level, old_size))
    return ranges


def _check_inclusion_args(index: int, size: int) -> None:
    if not (0 <= index < size <= MAX_SIZE):
        raise ProofRangeError("the leaf index is not in a tree of that size")


def _check_consistency_args(old_size: int, new_size: int) -> None:
    if not (0 < old_size <= new_size <= MAX_SIZE):
        raise ProofRangeError("no consistency proof between those sizes (need 0 < old <= new)")


# --- proof generation over a NodeSource --------------------------------------------------


def _fetch(source: NodeSource, coords: list[Coord]) -> Sequence[bytes]:
    batch = getattr(source, "nodes", None)
    if batch is not None:
        return batch(coords)
    node = source.node
    return [node(level, index) for level, index in coords]


def _fold_right(hashes: Sequence[bytes], start: int, stop: int) -> bytes:
    """MTH of consecutive perfect subtrees, largest first: combine from the right edge."""
    acc = hashes[stop - 1]
    for i in range(stop - 2, start - 1, -1):
        acc = _sha256(_NODE + hashes[i] + acc).digest()
    return acc


def hash_ranges(ranges: Sequence[Range], source: NodeSource) -> list[bytes]:
    """MTH of each range, fetching all perfect subtrees in one batch."""
    covers = [perfect_cover(start, end) for start, end in ranges]
    hashes = _fetch(source, [c for cover in covers for c in cover])
    out: list[bytes] = []
    pos = 0
    for cover in covers:
        out.append(_fold_right(hashes, pos, pos + len(cover)))
        pos += len(cover)
    return out


def root(size: int, source: NodeSource) -> bytes:
    """MTH of the first ``size`` leaves."""
    if not 0 <= size <= MAX_SIZE:
        raise ProofRangeError("no tree of that size")
    if size == 0:
        return EMPTY_ROOT
    return hash_ranges([(0, size)], source)[0]


def inclusion_proof(index: int, size: int, source: NodeSource) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree of ``size`` leaves (RFC 9162 2.1.3.1)."""
    return hash_ranges(inclusion_ranges(index, size), source)


def consistency_proof(old_size: int, new_size: int, source: NodeSource) -> list[bytes]:
    """Proof that the tree of ``new_size`` leaves extends the one of ``old_size`` (2.1.4.1)."""
    return hash_ranges(consistency_ranges(old_size, new_size), source)


def compact_range(size: int, source: NodeSource) -> CompactRange:
    """Rebuild the right edge at ``size`` from stored perfect subtrees (e.g. on restart)."""
    if not 0 <= size <= MAX_SIZE:
        raise ProofRangeError("no tree of that size")
    return CompactRange(size, list(_fetch(source, perfect_cover(0, size))))


# --- verification (RFC 9162 2.1.3.2 and 2.1.4.2) -----------------------------------------


def _is_size(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_SIZE


def _is_blob(value: object) -> bool:
    return isinstance(value, bytes | bytearray)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_path(proof: object) -> bool:
    return isinstance(proof, list | tuple) and all(_is_hash(p) for p in proof)


def _same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True iff ``proof`` shows leaf ``leaf_hash`` at ``index`` in the tree ``root`` of ``size``."""
    if not (_is_size(index) and _is_size(size) and index < size):
        return False
    if not (_is_hash(leaf_hash) and _is_path(proof) and _is_blob(root)):
        return False
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _sha256(_NODE + p + r).digest()
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = _sha256(_NODE + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and _same(r, bytes(root))


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff ``proof`` shows the tree ``new_root`` of ``new_size`` extends ``old_root``.

    A size-0 old tree is refused: RFC 9162 defines proofs for 0 < old only, and
    any tree trivially extends the empty one, so such a "proof" proves nothing.
    """
    if not (_is_size(old_size) and _is_size(new_size) and 0 < old_size <= new_size):
        return False
    if not (_is_blob(old_root) and _is_blob(new_root) and _is_path(proof)):
        return False
    if old_size == new_size:
        return len(proof) == 0 and _same(bytes(old_root), bytes(new_root))
    if not proof or len(old_root) != HASH_SIZE or len(new_root) != HASH_SIZE:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = bytes(path[0])
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _sha256(_NODE + c + fr).digest()
            sr = _sha256(_NODE + c + sr).digest()
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = _sha256(_NODE + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and _same(fr, bytes(old_root)) and _same(sr, bytes(new_root))


# --- the right edge ------------------------------------------------------------------------


class CompactRange:
    """The right edge of a log: one perfect-subtree hash per set bit of ``size``.

    Enough to append and to give the root, in O(log n) memory; persist
    ``to_bytes()`` (or ``size`` and ``hashes``) with each batch so a log
    resumes after a restart without rereading its entries.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        hashes = [bytes(h) for h in hashes]
        if not 0 <= size <= MAX_SIZE or len(hashes) != size.bit_count():
            raise ProofRangeError(f"a range of size {size} has {size.bit_count()} hashes")
        if not all(len(h) == HASH_SIZE for h in hashes):
            raise ProofRangeError("compact range hashes must be 32 bytes")
        self._size = size
        self._hashes = hashes

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """Perfect subtree hashes, largest (leftmost) first."""
        return tuple(self._hashes)

    def append(self, entry: bytes) -> bytes:
        """Append an entry; return its leaf hash (to store beside it)."""
        h = _sha256(_LEAF + entry).digest()
        self.append_hash(h)
        return h

    def append_hash(self, leaf: bytes) -> None:
        """Append a leaf hash: amortized one node hash per append."""
        if len(leaf) != HASH_SIZE:
            raise ProofRangeError("leaf hashes must be 32 bytes")
        size = self._size
        hashes = self._hashes
        while size & 1:
            leaf = _sha256(_NODE + hashes.pop() + leaf).digest()
            size >>= 1
        hashes.append(bytes(leaf))
        self._size += 1

    def append_hash_nodes(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Append a leaf hash; return the perfect subtrees it completed above level 0.

        Each is ``(level, index, hash)``: what a storage layer records so that a
        ``NodeSource`` can serve proofs later.
        """
        if len(leaf) != HASH_SIZE:
            raise ProofRangeError("leaf hashes must be 32 bytes")
        size = self._size
        hashes = self._hashes
        made: list[tuple[int, int, bytes]] = []
        index, level = size, 0
        while size & 1:
            leaf = _sha256(_NODE + hashes.pop() + leaf).digest()
            size >>= 1
            index >>= 1
            level += 1
            made.append((level, index, leaf))
        hashes.append(bytes(leaf))
        self._size += 1
        return made

    def extend_nodes(
        self, leaves: Sequence[bytes], every: int = 0
    ) -> tuple[list[tuple[int, int, bytes]], list[tuple[int, bytes]]]:
        """Append many leaf hashes in one pass (what a batch append does).

        Returns the perfect subtrees completed above level 0, as ``append_hash_nodes``
        does for one leaf, and ``(size, root)`` at each size that is a multiple of
        ``every`` (0: none), the sizes due a checkpoint. Same result as calling
        ``append_hash_nodes`` per leaf; one loop with local names is what makes a
        batch cheap.
        """
        if not all(len(leaf) == HASH_SIZE for leaf in leaves):
            raise ProofRangeError("leaf hashes must be 32 bytes")
        sha, prefix = _sha256, _NODE
        hashes = self._hashes
        pop, push = hashes.pop, hashes.append
        made: list[tuple[int, int, bytes]] = []
        note = made.append
        roots: list[tuple[int, bytes]] = []
        size = self._size
        for leaf in leaves:
            bits = size
            level = 0
            while bits & 1:
                leaf = sha(prefix + pop() + leaf).digest()
                bits >>= 1
                level += 1
                note((level, bits, leaf))
            push(leaf)
            size += 1
            if every and not size % every:
                roots.append((size, _fold_right(hashes, 0, len(hashes))))
        self._size = size
        return made, roots

    def extend_entries(
        self, entries: Sequence[bytes], every: int = 0, stride: int = 8
    ) -> tuple[list[bytes], list[tuple[int, int, bytes]], list[tuple[int, bytes]]]:
        """Hash and append many entries (the tile-storage append path).

        Returns their leaf hashes, the perfect subtrees completed at levels that are
        positive multiples of ``stride`` (what ``amanah.audit.tiles`` stores) and the
        checkpoint roots as ``extend_nodes`` does. The leaves are hashed in one
        comprehension and the tree is built a level at a time (``_fold_in``): a few
        list comprehensions per batch instead of a Python loop per entry.
        """
        leaf = _LEAF
        sha = _sha256
        leaves = [sha(leaf + e).digest() for e in entries]
        made: list[tuple[int, int, bytes]] = []
        roots: list[tuple[int, bytes]] = []
        pos, n = 0, len(leaves)
        while pos < n:
            take = n - pos
            if every:
                take = min(take, every - self._size % every)
            self._fold_in(leaves[pos : pos + take] if take < n else leaves, made, stride)
            pos += take
            if every and not self._size % every:
                roots.append((self._size, self.root()))
        return leaves, made, roots

    def _fold_in(self, new: list[bytes], made: list[tuple[int, int, bytes]], stride: int) -> None:
        """Append leaf hashes ``new`` a tree level at a time.

        At level ``k`` the new nodes start at index ``size >> k``; when that index is
        odd, the compact range's last hash is their left sibling. Neighbours pair up
        into level ``k + 1``; an unpaired last node is a perfect subtree of the new
        compact range. Nodes made at positive multiples of ``stride`` go to ``made``.
        """
        hashes = self._hashes
        size = self._size
        tails: list[bytes] = []  # the unpaired last node of each level, lowest first
        cur, level = new, 0
        while cur:
            if (size >> level) & 1:
                cur = [hashes.pop(), *cur]
            tails.append(cur[-1] if len(cur) & 1 else b"")
            cur = parent_hashes(cur)
            level += 1
            if cur and not level % stride:
                first = size >> level
                made.extend((level, first + i, h) for i, h in enumerate(cur))
        hashes.extend(t for t in reversed(tails) if t)
        self._size = size + len(new)

    def extend(self, entries: Iterable[bytes]) -> list[bytes]:
        """Append many entries; return their leaf hashes in order."""
        return [self.append(e) for e in entries]

    def root(self) -> bytes:
        """MTH of all leaves so far."""
        if not self._hashes:
            return EMPTY_ROOT
        return _fold_right(self._hashes, 0, len(self._hashes))

    def copy(self) -> CompactRange:
        clone = CompactRange.__new__(CompactRange)
        clone._size = self._size
        clone._hashes = list(self._hashes)
        return clone

    def to_bytes(self) -> bytes:
        """Big-endian uint64 size, then the hashes: a compact blob for a database column."""
        return struct.pack(">Q", self._size) + b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, blob: bytes) -> CompactRange:
        if len(blob) < 8 or (len(blob) - 8) % HASH_SIZE:
            raise ProofRangeError("not a serialized compact range")
        (size,) = struct.unpack_from(">Q", blob)
        hashes = [blob[i : i + HASH_SIZE] for i in range(8, len(blob), HASH_SIZE)]
        return cls(size, hashes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}...)"


# --- an in-memory tree ---------------------------------------------------------------------


class MemoryTree:
    """Every perfect subtree of a log, in memory: a ``NodeSource`` for tests and the
    offline verifier.

    Each level is one ``bytearray`` of concatenated 32-byte hashes (64 MB for a
    million leaves, all levels together), so appends allocate almost nothing
    and a node lookup is one slice.
    """

    __slots__ = ("_levels", "_size")

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        self.extend_hashes(leaf_hashes)

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        return cls(_sha256(_LEAF + e).digest() for e in entries)

    @property
    def size(self) -> int:
        return self._size

    def append(self, entry: bytes) -> bytes:
        """Append an entry; return its leaf hash."""
        h = _sha256(_LEAF + entry).digest()
        self.append_hash(h)
        return h

    def append_hash(self, leaf: bytes) -> None:
        if len(leaf) != HASH_SIZE:
            raise ProofRangeError("leaf hashes must be 32 bytes")
        levels = self._levels
        layer = levels[0]
        layer += leaf
        self._size += 1
        count = self._size
        level = 0
        while not count & 1:
            parent = _sha256(_NODE + layer[-64:]).digest()
            level += 1
            if level == len(levels):
                levels.append(bytearray())
            layer = levels[level]
            layer += parent
            count >>= 1

    def extend_hashes(self, leaf_hashes: Iterable[bytes]) -> None:
        append = self.append_hash
        for h in leaf_hashes:
            append(h)

    def node(self, level: int, index: int) -> bytes:
        if level < 0 or index < 0 or (index + 1) << level > self._size:
            raise ProofRangeError(f"no perfect subtree ({level}, {index}) in size {self._size}")
        start = index * HASH_SIZE
        return bytes(self._levels[level][start : start + HASH_SIZE])

    def nodes(self, coords: Iterable[Coord]) -> list[bytes]:
        node = self.node
        return [node(level, index) for level, index in coords]

    def leaf_hash(self, index: int) -> bytes:
        return self.node(0, index)

    def _size_or_current(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ProofRangeError(f"size {size} is beyond the tree (size {self._size})")
        return size

    def root(self, size: int | None = None) -> bytes:
        return root(self._size_or_current(size), self)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size_or_current(size), self)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof(old_size, self._size_or_current(new_size), self)

    def compact_range(self, size: int | None = None) -> CompactRange:
        return compact_range(self._size_or_current(size), self)
