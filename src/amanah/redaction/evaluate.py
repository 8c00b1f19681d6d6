"""Evaluate the recognizers on the labelled corpora: ``python -m amanah.redaction.evaluate``.

With no argument it scores each corpus of tests/data/redaction that exists, separately:
``corpus.jsonl`` (generated from templates alongside the recognizers), ``dev2.jsonl``
and ``dev3.jsonl`` (hand-written development sets; dev3 was written blind, scored once,
then tuned on) and the held-out sets ``heldout.jsonl`` to ``heldout13.jsonl``, each written
blind, apart from the recognizers (``LABELLING.md`` there says how), and scored once before
it was tuned on, if ever: heldout2 and heldout13 have not been (``NEVER_TUNED``). A newer
blind set stays out of this list until a round needs a fresh measure. Per-utterance misses
of a ``heldout*`` file are never listed, ``--errors`` or not.

Prints precision, recall and F1 per entity type and per language, micro F1
(overlap match: same type and overlapping span; exact-boundary figures are
shown too) and the leak rate: the share of labelled personal-data characters
that no predicted entity covers. Utterances with an ``interaction`` field are
fed, in turn order, through one :class:`StreamRedactor` per interaction and
scored on their final (revised) redaction. With several sets it also pools the
hand-written ones (all but ``corpus.jsonl``) and checks issue 5's targets on
``corpus.jsonl``, and on the pooled sets for information.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Redactor
from .model import Entity
from .streaming import StreamRedactor

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "redaction"
DEFAULT_CORPUS = DATA / "corpus.jsonl"
DEV2 = DATA / "dev2.jsonl"
DEV3 = DATA / "dev3.jsonl"
HELDOUT = DATA / "heldout.jsonl"
CORPORA = (
    DEFAULT_CORPUS, DEV2, DEV3, HELDOUT,
    *(DATA / f"heldout{n}.jsonl" for n in range(2, 14)),
)  # fmt: skip
NEVER_TUNED = frozenset({"heldout2", "heldout13"})  # scored in aggregate only, ever


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_lang: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    micro: Counts = field(default_factory=Counts)
    exact: Counts = field(default_factory=Counts)
    pii_chars: int = 0
    leaked_chars: int = 0
    utterances: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (id, kind, type) only

    @property
    def leak_rate(self) -> float:
        return self.leaked_chars / self.pii_chars if self.pii_chars else 0.0


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(rows: list[dict], redactor: Redactor) -> dict[str, list[Entity]]:
    """Predicted entities per row id (stream-redacted for rows of an interaction)."""
    out: dict[str, list[Entity]] = {}
    streams: dict[str, tuple[StreamRedactor, dict[int, str]]] = {}
    for row in sorted(rows, key=lambda r: (r.get("interaction") or "", r.get("turn", 0))):
        inter = row.get("interaction")
        if not inter:
            out[row["id"]] = redactor.analyze(row["text"])
            continue
        stream, ids = streams.setdefault(inter, (StreamRedactor(redactor), {}))
        update = stream.feed(row["text"])
        ids[update.index] = row["id"]
        out[row["id"]] = update.entities
        for index, (_, ents) in update.revisions.items():
            out[ids[index]] = ents
    return out


def score(rows: Iterable[dict], predicted: dict[str, list[Entity]]) -> Report:
    report = Report()
    for row in rows:
        report.utterances += 1
        gold = [(g["type"], g["start"], g["end"]) for g in row["entities"]]
        pred = [(p.type, p.start, p.end) for p in predicted.get(row["id"], [])]
        covered = [False] * len(row["text"])
        for _, s, e in pred:
            for i in range(s, min(e, len(covered))):
                covered[i] = True
        for _, s, e in gold:
            report.pii_chars += e - s
            report.leaked_chars += sum(1 for i in range(s, e) if not covered[i])
        matched_pred: set[int] = set()
        for g in gold:
            hit = next(
                (
                    i
                    for i, p in enumerate(pred)
                    if i not in matched_pred and p[0] == g[0] and p[1] < g[2] and g[1] < p[2]
                ),
                None,
            )
            for bucket in (report.by_type[g[0]], report.by_lang[row["lang"]], report.micro):
                if hit is None:
                    bucket.fn += 1
                else:
                    bucket.tp += 1
            if hit is None:
                report.errors.append((row["id"], "FN", g[0]))
            else:
                matched_pred.add(hit)
            if hit is not None and pred[hit][1:] == g[1:]:
                report.exact.tp += 1
            else:
                report.exact.fn += 1
        for i, p in enumerate(pred):
            if i in matched_pred:
                if not any(p == g for g in gold):
                    report.exact.fp += 1
                continue
            for bucket in (report.by_type[p[0]], report.by_lang[row["lang"]], report.micro):
                bucket.fp += 1
            report.exact.fp += 1
            report.errors.append((row["id"], "FP", p[0]))
    return report


def evaluate(path: Path = DEFAULT_CORPUS, redactor: Redactor | None = None) -> Report:
    rows = load(path)
    return score(rows, predict(rows, redactor or Redactor()))


def merged(reports: Iterable[Report]) -> Report:
    """Several sets' reports pooled into one (errors are not carried: pooled sets mix held-out)."""
    out = Report()
    for report in reports:
        for mine, theirs in ((out.by_type, report.by_type), (out.by_lang, report.by_lang)):
            for key, counts in theirs.items():
                _add(mine[key], counts)
        _add(out.micro, report.micro)
        _add(out.exact, report.exact)
        out.pii_chars += report.pii_chars
        out.leaked_chars += report.leaked_chars
        out.utterances += report.utterances
    return out


def _add(into: Counts, counts: Counts) -> None:
    into.tp, into.fp, into.fn = into.tp + counts.tp, into.fp + counts.fp, into.fn + counts.fn


KEY_TYPES = ("CREDIT_CARD", "ID_NIK", "PHONE_NUMBER", "EMAIL_ADDRESS", "SECRET")


def target_checks(report: Report) -> list[tuple[str, float, bool]]:
    """Issue 5's quality targets on one report: (target, measured, held)."""
    checks = [("micro F1 >= 0.95", report.micro.f1, report.micro.f1 >= 0.95)]
    for kind in KEY_TYPES:
        recall = report.by_type[kind].recall
        checks.append((f"recall {kind} >= 0.99", recall, recall >= 0.99))
    checks.append(("leak rate <= 0.01", report.leak_rate, report.leak_rate <= 0.01))
    return checks


def format_targets(report: Report) -> str:
    return "\n".join(
        f"  {name:32} {value:6.3f}   {'PASS' if held else 'MISS'}"
        for name, value, held in target_checks(report)
    )


def format_report(report: Report, show_errors: bool = False) -> str:
    lines = [f"{'':16} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>4} {'FN':>4}"]

    def row(name: str, c: Counts) -> str:
        figures = f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
        return f"{name:16} {figures} {c.tp:5d} {c.fp:4d} {c.fn:4d}"

    lines += [row(t, report.by_type[t]) for t in sorted(report.by_type)]
    lines.append("-" * 52)
    lines += [row(f"lang={lang}", report.by_lang[lang]) for lang in sorted(report.by_lang)]
    lines.append("-" * 52)
    lines.append(row("micro", report.micro))
    lines.append(row("micro (exact)", report.exact))
    lines.append(
        f"leak rate {report.leak_rate:.4f} ({report.leaked_chars}/{report.pii_chars} PII chars "
        f"unredacted), {report.utterances} utterances"
    )
    if show_errors:
        lines += [f"  {kind} {typ:14} {rid}" for rid, kind, typ in report.errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="*", type=Path, help="labelled JSONL (default: all)")
    parser.add_argument(
        "--errors", action="store_true", help="list misses by utterance id (not for held-out)"
    )
    args = parser.parse_args(argv)
    paths = args.corpus or [p for p in CORPORA if p.exists()]
    redactor = Redactor()
    reports: dict[str, Report] = {}
    for i, path in enumerate(paths):
        if len(paths) > 1:
            print(("\n" if i else "") + f"== {path.name}")
        held_out = path.name.startswith("heldout")
        reports[path.name] = report = evaluate(path, redactor)
        print(format_report(report, args.errors and not held_out))
        if args.errors and held_out:
            print("  (misses on the held-out corpus are not listed: it measures generalisation)")
    written = [r for name, r in reports.items() if name != DEFAULT_CORPUS.name]
    if len(written) > 1:
        pooled = merged(written)
        print(f"\n== pooled: the {len(written)} hand-written sets (all but {DEFAULT_CORPUS.name})")
        print(format_report(pooled))
    if DEFAULT_CORPUS.name in reports and len(reports) > 1:
        print(f"\nTargets (issue 5) on {DEFAULT_CORPUS.name}")
        print(format_targets(reports[DEFAULT_CORPUS.name]))
        if len(written) > 1:
            print("(info) the same on the pooled hand-written sets")
            print(format_targets(pooled))
    return 0


if __name__ == "__main__":
    sys.exit(main())
