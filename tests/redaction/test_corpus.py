"""The quality targets on the labelled corpora (tests/data/redaction/corpus.jsonl, dev2.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amanah.redaction.evaluate import (
    DEFAULT_CORPUS,
    DEV2,
    Report,
    evaluate,
    format_report,
    format_targets,
    main,
    merged,
    target_checks,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "redaction"
CORPUS = DATA / "corpus.jsonl"
DEV2_CORPUS = DATA / "dev2.jsonl"


@pytest.fixture(scope="module", params=[CORPUS, DEV2_CORPUS], ids=["corpus", "dev2"])
def report(request: pytest.FixtureRequest) -> Report:
    return evaluate(request.param)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("path", "size"), [(CORPUS, 400), (DEV2_CORPUS, 200)])
def test_corpus_shape(path: Path, size: int) -> None:
    assert (CORPUS, DEV2_CORPUS) == (DEFAULT_CORPUS, DEV2)
    rows = _rows(path)
    assert len(rows) >= size
    en = sum(r["lang"] == "en" for r in rows)
    assert abs(en - (len(rows) - en)) <= len(rows) * 0.1
    kinds = {r["kind"] for r in rows}
    assert {"pos", "neg", "spoken", "split"} <= kinds
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        for ent in row["entities"]:
            assert 0 <= ent["start"] < ent["end"] <= len(row["text"])
            value = row["text"][ent["start"] : ent["end"]]
            assert value == value.strip(" ,.") and value, (row["id"], ent)


def test_dev2_is_hand_written_not_templated() -> None:
    """dev2 is varied: almost no two utterances share their text outside the labelled values."""
    rows = _rows(DEV2_CORPUS)
    shapes = set()
    for row in rows:
        text, spans = row["text"], sorted(row["entities"], key=lambda e: e["start"])
        pieces, pos = [], 0
        for ent in spans:
            pieces.append(text[pos : ent["start"]])
            pos = ent["end"]
        pieces.append(text[pos:])
        shapes.add("<>".join(pieces))
    assert len(shapes) >= 0.97 * len(rows)


def test_targets(report: Report) -> None:
    assert report.micro.f1 >= 0.95, format_report(report)
    assert report.micro.precision >= 0.97, format_report(report)
    for kind in ("CREDIT_CARD", "ID_NIK", "PHONE_NUMBER", "EMAIL_ADDRESS", "SECRET"):
        assert report.by_type[kind].recall >= 0.99, (kind, format_report(report))
    assert report.leak_rate <= 0.01, format_report(report)


def test_cli_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "micro" in out and "leak rate" in out and "lang=id" in out


def test_cli_reports_each_corpus_separately(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), str(DEV2_CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "== corpus.jsonl" in out and "== dev2.jsonl" in out
    assert out.count("PII chars unredacted") == 2


def test_cli_never_lists_held_out_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = {
        "id": "secret-row-id",
        "lang": "en",
        "kind": "pos",
        "text": "zzz",
        "entities": [{"type": "PERSON", "start": 0, "end": 3}],
    }
    held_out = tmp_path / "heldout.jsonl"
    held_out.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main([str(held_out), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "leak rate" in out and "secret-row-id" not in out
    dev = tmp_path / "dev.jsonl"
    dev.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main([str(dev), "--errors"]) == 0
    assert "secret-row-id" in capsys.readouterr().out


def test_pooled_report_sums_the_sets() -> None:
    one, two = evaluate(CORPUS), evaluate(DEV2_CORPUS)
    pooled = merged([one, two])
    assert pooled.utterances == one.utterances + two.utterances
    assert pooled.micro.tp == one.micro.tp + two.micro.tp
    assert pooled.pii_chars == one.pii_chars + two.pii_chars
    assert pooled.by_type["PERSON"].fn == one.by_type["PERSON"].fn + two.by_type["PERSON"].fn
    assert pooled.by_lang["id"].tp == one.by_lang["id"].tp + two.by_lang["id"].tp


def test_target_checks_name_each_target_and_verdict() -> None:
    report = Report(pii_chars=100, leaked_chars=2)
    report.micro.tp, report.micro.fn = 99, 1
    report.by_type["SECRET"].tp, report.by_type["SECRET"].fn = 9, 1
    checks = {name: held for name, _, held in target_checks(report)}
    assert checks["micro F1 >= 0.95"] and not checks["leak rate <= 0.01"]
    assert not checks["recall SECRET >= 0.99"] and checks["recall ID_NIK >= 0.99"]
    assert "MISS" in format_targets(report) and "PASS" in format_targets(report)


def test_cli_prints_targets_and_pooled_sets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), str(DEV2_CORPUS), str(DATA / "dev3.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "== pooled: the 2 hand-written sets" in out
    assert "Targets (issue 5) on corpus.jsonl" in out and "PASS" in out
