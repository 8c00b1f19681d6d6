"""The quality targets on the labelled corpus (tests/data/redaction/corpus.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amanah.redaction.evaluate import DEFAULT_CORPUS, Report, evaluate, format_report, main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "redaction" / "corpus.jsonl"


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(CORPUS)


def test_corpus_shape() -> None:
    assert CORPUS == DEFAULT_CORPUS
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 400
    en = sum(r["lang"] == "en" for r in rows)
    assert abs(en - (len(rows) - en)) <= len(rows) * 0.1
    kinds = {r["kind"] for r in rows}
    assert {"pos", "neg", "spoken", "split"} <= kinds
    for row in rows:
        for ent in row["entities"]:
            assert 0 <= ent["start"] < ent["end"] <= len(row["text"])


def test_targets(report: Report) -> None:
    assert report.micro.f1 >= 0.95, format_report(report)
    for kind in ("CREDIT_CARD", "ID_NIK", "PHONE_NUMBER", "EMAIL_ADDRESS", "SECRET"):
        assert report.by_type[kind].recall >= 0.99, (kind, format_report(report))
    assert report.leak_rate <= 0.01, format_report(report)


def test_cli_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "micro" in out and "leak rate" in out and "lang=id" in out
