"""The auditor's export and its offline verification (no database involved in checking)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from amanah.audit.checkpoint import verifier_key
from amanah.audit.export import ExportFormatError, verify_offline
from amanah.audit.log import AuditLog, parse_checkpoint_size

from .conftest import ORIGIN


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, records: list[dict]) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


@pytest.fixture
def exported(audit_log: AuditLog, make_entries, tmp_path: Path):
    audit_log.append_many(make_entries(9))
    trusted = audit_log.checkpoint()  # the auditor's copy from an earlier visit (size 9)
    audit_log.append_many(make_entries(14))
    path = tmp_path / "audit.jsonl"
    summary = audit_log.export(path)
    return path, trusted, audit_log.verifier_key(), summary


def test_export_holds_entries_checkpoints_and_key(exported, audit_log: AuditLog) -> None:
    path, _trusted, vkey, summary = exported
    records = lines(path)
    header = records[0]
    assert header["type"] == "header" and header["format"] == "amanah-audit-export/1"
    assert header["origin"] == ORIGIN and header["size"] == 23 == summary.size
    assert header["verifier_key"] == vkey
    entries = [r for r in records if r["type"] == "entry"]
    assert [r["seq"] for r in entries] == list(range(23))
    assert entries[5]["data"].encode() == audit_log.entry(5).data
    sizes = [r["size"] for r in records if r["type"] == "checkpoint"]
    assert sizes == sorted(sizes) and sizes[-1] == 23
    assert parse_checkpoint_size(summary.checkpoint) == 23


def test_offline_verification_proves_the_log_only_grew(exported) -> None:
    path, trusted, vkey, _ = exported
    report = verify_offline(path, trusted, vkey)
    assert report.ok, report.reason
    assert report.entries == 23 and report.latest_checkpoint == 23
    assert report.trusted_size == 9 and report.consistent_with_trusted is True
    assert not report.warnings
    assert verify_offline(path, None, None).warnings  # header key used: said so


def test_tampered_export_entry(exported, tmp_path: Path) -> None:
    path, trusted, vkey, _ = exported
    records = lines(path)
    for r in records:
        if r["type"] == "entry" and r["seq"] == 12:
            r["data"] = r["data"].replace("customer.reveal", "customer.read")
    bad = tmp_path / "bad.jsonl"
    write(bad, records)
    report = verify_offline(bad, trusted, vkey)
    assert not report.ok
    assert report.problems[0].kind == "checkpoint-mismatch"
    assert "12..15" in report.reason  # between the checkpoints at 12 and 16


def test_tampered_export_swapped_and_deleted(exported, tmp_path: Path) -> None:
    path, trusted, vkey, _ = exported
    records = lines(path)
    entries = [r for r in records if r["type"] == "entry"]
    entries[2]["data"], entries[6]["data"] = entries[6]["data"], entries[2]["data"]
    swapped = tmp_path / "swapped.jsonl"
    write(swapped, records)
    report = verify_offline(swapped, trusted, vkey)
    assert report.problems[0].kind == "swapped" and "entries 2 and 6" in report.reason
    gap = tmp_path / "gap.jsonl"
    write(gap, [r for r in records if not (r["type"] == "entry" and r["seq"] == 4)])
    assert verify_offline(gap, trusted, vkey).problems[0].kind == "gap"


def test_export_cut_short_fails_against_the_trusted_checkpoint(
    exported, tmp_path: Path, audit_log: AuditLog
) -> None:
    path, _, vkey, _ = exported
    trusted_later = audit_log.checkpoint()  # size 23
    records = lines(path)
    # keep only the first 16 entries and checkpoints up to 16: self-consistent, but shorter
    short = [r for r in records if r["type"] == "header"]
    short[0]["size"] = 16
    short += [r for r in records if r["type"] == "checkpoint" and r["size"] <= 16]
    short += [r for r in records if r["type"] == "entry" and r["seq"] < 16]
    cut = tmp_path / "cut.jsonl"
    write(cut, short)
    assert verify_offline(cut, None, vkey).ok  # alone it looks fine...
    report = verify_offline(cut, trusted_later, vkey)
    assert not report.ok and report.problems[0].kind == "truncated"
    assert "the log shrank" in report.reason


def test_wrong_key_or_forged_checkpoint(exported, tmp_path: Path) -> None:
    path, trusted, _vkey, _ = exported
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    report = verify_offline(path, trusted, verifier_key(ORIGIN, other))
    assert not report.ok and report.problems[0].kind == "bad-signature"
    records = lines(path)
    last = next(r for r in reversed(records) if r["type"] == "checkpoint")
    last["note"] = last["note"].replace("\n23\n", "\n24\n")
    forged = tmp_path / "forged.jsonl"
    write(forged, records)
    report = verify_offline(forged, trusted, _vkey)
    assert not report.ok and "bad-signature" in report.kinds()


def test_not_an_export(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"type": "header", "format": "other"}\n')
    with pytest.raises(ExportFormatError):
        verify_offline(junk, None, None)
    junk.write_text("not json\n")
    with pytest.raises(ExportFormatError):
        verify_offline(junk, None, None)
