"""C2SP checkpoints and signed notes: format, strict parsing, signatures, interop."""

from __future__ import annotations

import base64
import contextlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.audit.checkpoint import (
    Checkpoint,
    format_checkpoint,
    key_id,
    parse_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    split_note,
    verifier_key,
    verify_note,
    verify_signed_checkpoint,
)
from amanah.audit.errors import CheckpointError, CheckpointSignatureError
from amanah.audit.merkle import MemoryTree
from amanah.errors import AmanahError

# golang.org/x/mod/sumdb/note's documented example (note.go, note_test.go): an
# independent implementation's key, verifier key and exact signed note.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SEED_B64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"  # 0x01 || seed, from its skey
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

ORIGIN = "amanah.example/audit"


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def checkpoint() -> Checkpoint:
    tree = MemoryTree.from_entries(f"entry {i}".encode() for i in range(13))
    return Checkpoint(ORIGIN, tree.size, tree.root())


def signed(cp: Checkpoint, key: Ed25519PrivateKey, name: str = ORIGIN) -> str:
    return sign_checkpoint(cp, name, key.sign, raw_public(key))


def corrupt(signature_line: str) -> str:
    """Flip one bit of the signature itself, keeping name and key ID."""
    head, encoded = signature_line.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[-1] ^= 1
    return f"{head} {base64.b64encode(bytes(raw)).decode()}\n"


# --- interop with golang.org/x/mod/sumdb/note --------------------------------------------


def go_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SEED_B64)
    assert seed[0] == 0x01
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


def test_reproduces_the_go_note_byte_for_byte() -> None:
    key = go_key()
    assert verifier_key("PeterNeumann", raw_public(key)) == GO_VKEY
    assert sign_note(GO_TEXT, "PeterNeumann", key.sign, raw_public(key)) == GO_NOTE


def test_verifies_the_go_note_from_its_verifier_key() -> None:
    name, public_key = parse_verifier_key(GO_VKEY)
    assert name == "PeterNeumann"
    assert key_id(name, public_key).hex() == "c74f20a3"
    assert verify_note(GO_NOTE, name, public_key) == GO_TEXT
    with pytest.raises(CheckpointSignatureError):
        verify_note(GO_NOTE.replace("cryptography", "cryptographY"), name, public_key)


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        GO_VKEY.replace("c74f20a3", "C74F20A3"),
        GO_VKEY.replace("PeterNeumann", "PeterNeuman"),
        GO_VKEY.replace("+AR", "+Ah"),
        GO_VKEY[:-4],
        "PeterNeumann",
    ],
)
def test_parse_verifier_key_refuses_mangled_keys(vkey: str) -> None:
    with pytest.raises(CheckpointError):
        parse_verifier_key(vkey)


# --- body format -----------------------------------------------------------------------


def test_format_is_the_c2sp_layout(checkpoint: Checkpoint) -> None:
    body = format_checkpoint(checkpoint)
    root_b64 = base64.b64encode(checkpoint.root_hash).decode()
    assert body == f"{ORIGIN}\n13\n{root_b64}\n"
    assert parse_checkpoint(body) == checkpoint


def test_extension_lines_round_trip(checkpoint: Checkpoint) -> None:
    cp = Checkpoint(ORIGIN, 13, checkpoint.root_hash, ("ext one", "ext two"))
    assert format_checkpoint(cp).endswith("ext one\next two\n")
    assert parse_checkpoint(format_checkpoint(cp)) == cp


def test_empty_tree_checkpoint_round_trips() -> None:
    cp = Checkpoint(ORIGIN, 0, bytes(32))
    assert format_checkpoint(cp).split("\n")[1] == "0"
    assert parse_checkpoint(format_checkpoint(cp)) == cp


@pytest.mark.parametrize(
    "bad",
    [
        Checkpoint("", 1, bytes(32)),
        Checkpoint("two\nlines", 1, bytes(32)),
        Checkpoint(ORIGIN, -1, bytes(32)),
        Checkpoint(ORIGIN, 2**64, bytes(32)),
        Checkpoint(ORIGIN, 1, bytes(31)),
        Checkpoint(ORIGIN, 1, bytes(32), ("",)),
        Checkpoint(ORIGIN, 1, bytes(32), ("tab\there",)),
    ],
)
def test_format_refuses_what_cannot_be_parsed_back(bad: Checkpoint) -> None:
    with pytest.raises(CheckpointError):
        format_checkpoint(bad)


ROOT = base64.b64encode(bytes(range(32))).decode()


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n13\n{ROOT}",  # no final newline
        f"{ORIGIN}\n13\n",  # no root
        f"\n13\n{ROOT}\n",  # empty origin
        f"{ORIGIN}\n013\n{ROOT}\n",  # leading zero
        f"{ORIGIN}\n+13\n{ROOT}\n",
        f"{ORIGIN}\n 13\n{ROOT}\n",
        f"{ORIGIN}\n1_3\n{ROOT}\n",
        f"{ORIGIN}\n\u0661\u0663\n{ROOT}\n",  # Arabic-Indic digits, which int() accepts
        f"{ORIGIN}\n{2**64}\n{ROOT}\n",
        f"{ORIGIN}\n13\n{ROOT[:-1]}\n",
        f"{ORIGIN}\n13\n{ROOT[:-2]}B=\n",  # non-canonical padding bits
        f"{ORIGIN}\n13\n{base64.b64encode(bytes(33)).decode()}\n",
        f"{ORIGIN}\n13\n{ROOT}\n\n",  # empty extension line
        f"{ORIGIN}\r\n13\n{ROOT}\n",
        f"{ORIGIN}\n13\n{ROOT}\n\n— {ORIGIN} AAAA\n",  # a signed note is not a body
    ],
)
def test_parser_is_strict(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200) | st.from_regex(r"[a-z./]{1,9}\n[0-9]{1,3}\n[A-Za-z0-9+/=]{40,48}\n"))
def test_parser_raises_only_checkpoint_error(text: str) -> None:
    try:
        cp = parse_checkpoint(text)
    except CheckpointError:
        return
    assert format_checkpoint(cp) == text  # anything accepted is in canonical form


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_note_functions_raise_only_checkpoint_error(body: str, tail: str) -> None:
    public = raw_public(go_key())
    for note in (body, f"{body}\n\n— PeterNeumann {tail}\n", GO_TEXT + "\n" + tail):
        with contextlib.suppress(CheckpointError):
            split_note(note)
        with contextlib.suppress(CheckpointError):
            verify_signed_checkpoint(note, "PeterNeumann", public)


def test_checkpoint_error_is_an_amanah_error() -> None:
    assert issubclass(CheckpointError, AmanahError)
    assert issubclass(CheckpointSignatureError, CheckpointError)


# --- signatures ------------------------------------------------------------------------


def test_sign_and_verify_round_trip(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> None:
    note = signed(checkpoint, key)
    body, signatures = split_note(note)
    assert body == format_checkpoint(checkpoint)
    assert note.startswith(body + "\n\u2014 " + ORIGIN + " ")
    assert [s.name for s in signatures] == [ORIGIN]
    assert signatures[0].key_id == key_id(ORIGIN, raw_public(key))
    assert verify_signed_checkpoint(note, ORIGIN, raw_public(key), origin=ORIGIN) == checkpoint


def test_tampered_size_root_or_signature_is_detected(
    checkpoint: Checkpoint, key: Ed25519PrivateKey
) -> None:
    note = signed(checkpoint, key)
    public = raw_public(key)
    root_b64 = base64.b64encode(checkpoint.root_hash).decode()
    other_root = base64.b64encode(bytes(32)).decode()
    body, _, sig_line = note.partition("\n\n")
    for forged in (
        note.replace("\n13\n", "\n12\n", 1),
        note.replace("\n13\n", "\n14\n", 1),
        note.replace(root_b64, other_root, 1),
        body + "\n\n" + corrupt(sig_line),
        note.replace(ORIGIN + "\n", "evil.example/log\n", 1),
    ):
        assert forged != note
        with pytest.raises(CheckpointSignatureError):
            verify_signed_checkpoint(forged, ORIGIN, public)


def test_wrong_key_is_refused(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> None:
    note = signed(checkpoint, key)
    other = raw_public(Ed25519PrivateKey.generate())
    with pytest.raises(CheckpointSignatureError):
        verify_signed_checkpoint(note, ORIGIN, other)
    with pytest.raises(CheckpointSignatureError):
        verify_signed_checkpoint(note, "another.example/audit", raw_public(key))


def test_key_id_collision_with_wrong_key_is_refused(
    checkpoint: Checkpoint, key: Ed25519PrivateKey
) -> None:
    """A signature line claiming the trusted name and key ID but made by another key."""
    attacker = Ed25519PrivateKey.generate()
    body = format_checkpoint(checkpoint)
    kid = key_id(ORIGIN, raw_public(key))
    sig = base64.b64encode(kid + attacker.sign(body.encode())).decode()
    forged = f"{body}\n— {ORIGIN} {sig}\n"
    with pytest.raises(CheckpointSignatureError):
        verify_signed_checkpoint(forged, ORIGIN, raw_public(key))


def test_unknown_cosignatures_are_ignored_but_a_bad_trusted_one_rejects(
    checkpoint: Checkpoint, key: Ed25519PrivateKey
) -> None:
    note = signed(checkpoint, key)
    witness = Ed25519PrivateKey.generate()
    cosigned = sign_note(format_checkpoint(checkpoint), "witness.example", witness.sign,
                         raw_public(witness))  # fmt: skip
    witness_line = cosigned.rsplit("\n\n", 1)[1]
    both = note + witness_line
    assert verify_signed_checkpoint(both, ORIGIN, raw_public(key)) == checkpoint
    assert verify_signed_checkpoint(both, "witness.example", raw_public(witness)) == checkpoint
    own_line = note.rsplit("\n\n", 1)[1]
    with pytest.raises(CheckpointSignatureError):
        verify_signed_checkpoint(both + corrupt(own_line), ORIGIN, raw_public(key))


def test_origin_pinning(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> None:
    note = signed(checkpoint, key)
    with pytest.raises(CheckpointSignatureError):
        verify_signed_checkpoint(note, ORIGIN, raw_public(key), origin="other.example/log")


def test_signer_with_another_key_than_reported_fails_at_signing(checkpoint: Checkpoint) -> None:
    reported, actual = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(CheckpointSignatureError):
        sign_checkpoint(checkpoint, ORIGIN, actual.sign, raw_public(reported))


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\tname", "nbsp\u00a0name"])
def test_bad_key_names_are_refused(
    checkpoint: Checkpoint, key: Ed25519PrivateKey, name: str
) -> None:
    with pytest.raises(CheckpointError):
        signed(checkpoint, key, name)
