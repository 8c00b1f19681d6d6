"""The vault's speed figures (issue 2), each against a baseline measured in the same run.

    .venv/bin/python benchmarks/bench_vault.py [--quick] [--rows N] [--only crypto,import,api]

1. Envelope: seal + open of 1 KiB values through ``DataKey.seal/open`` with a
   ``binding(...)`` AAD computed per call (as ``seal_field``/``open_field`` do),
   against raw ``AESGCM.encrypt/decrypt`` with a fixed key, a fresh random
   nonce per value and the same AAD bytes precomputed. Target: >= 0.5.
2. Bulk import: synthetic Indonesian customers (full name, +62812 mobile,
   email, valid NIK, address) from a CSV file into a fresh migrated SQLite
   database with a LocalKeyring, through ``amanah.vault.importer.import_file``,
   against a plain ``sqlite3`` ``executemany`` of the same rows unencrypted
   (same CSV read, same customers + customer_fields row shapes and schema, the
   plaintext value where the importer writes the sealed one and the plaintext
   lookup message where it writes the blind index; same pragmas, same batch
   size, one transaction per batch). Target: >= 0.25.
3. API: masked customer reads (``GET /api/v1/customers/{id}``) per second over
   HTTPS against a real server (``make_server`` in a subprocess, home from
   ``init_home``) with 16 concurrent keep-alive HTTP/1.1 clients, p50/p99
   latency, against ``/health`` on the same server with the same clients. No
   target; the ratio is printed.

Timings never run in tests; ``tests/test_benchmarks_smoke.py`` only checks
that ``--quick`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import random
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from amanah.crypto.envelope import DataKey, binding, new_data_key
from amanah.ids import new_id

TABLE = "customer_fields"
CSV_COLUMNS = (
    "external_id",
    "full_name",
    "phone",
    "email",
    "national_id",
    "national_id_kind",
    "address",
)
BATCH = 2000  # the importer's default batch size; the baseline commits as often


# --------------------------------------------------------------------------- output


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    baseline_name: str
    target: float | None  # minimum ratio, None when there is none

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "-"
        return "PASS" if self.ratio >= self.target else "MISS"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def report(fig: Figure) -> None:
    target = f"target >= {fig.target}" if fig.target is not None else "no target"
    print(
        f"  {fig.name}: {_fmt(fig.value)} {fig.unit}  |  {fig.baseline_name}: "
        f"{_fmt(fig.baseline)} {fig.unit}  |  ratio {fig.ratio:.3f}  ({target}) {fig.verdict}",
        flush=True,
    )


# --------------------------------------------------------------------------- synthetic data

FIRST = tuple(
    [
        "Budi",
        "Siti",
        "Agus",
        "Dewi",
        "Rizky",
        "Putri",
        "Andi",
        "Sri",
        "Joko",
        "Ayu",
        "Hendra",
        "Ratna",
        "Bayu",
        "Indah",
        "Fajar",
        "Wulan",
        "Dimas",
        "Nurul",
        "Eko",
        "Lestari",
        "Yusuf",
        "Fitri",
        "Arif",
        "Intan",
        "Reza",
        "Maya",
        "Teguh",
        "Sari",
        "Wahyu",
        "Citra",
    ]
)
LAST = tuple(
    [
        "Santoso",
        "Wijaya",
        "Pratama",
        "Saputra",
        "Hidayat",
        "Kusuma",
        "Nugroho",
        "Siregar",
        "Nasution",
        "Simanjuntak",
        "Halim",
        "Gunawan",
        "Setiawan",
        "Lubis",
        "Harahap",
        "Wibowo",
        "Susanto",
        "Rahman",
        "Hakim",
        "Purnomo",
        "Tanjung",
        "Sitompul",
    ]
)
STREETS = tuple(
    [
        "Merdeka",
        "Sudirman",
        "Thamrin",
        "Gatot Subroto",
        "Diponegoro",
        "Pahlawan",
        "Ahmad Yani",
        "Gajah Mada",
        "Hayam Wuruk",
        "Kebon Jeruk",
        "Cempaka Putih",
        "Raya Bogor",
        "Asia Afrika",
        "Malioboro",
        "Pemuda",
    ]
)
CITIES = tuple(
    [
        "Jakarta Pusat",
        "Jakarta Selatan",
        "Bandung",
        "Surabaya",
        "Medan",
        "Semarang",
        "Yogyakarta",
        "Makassar",
        "Denpasar",
        "Palembang",
        "Bekasi",
        "Tangerang",
        "Depok",
        "Bogor",
        "Malang",
    ]
)
# Province codes that exist (a subset of amanah.vault.validation's table).
PROVINCES = (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62,
             63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 94)  # fmt: skip


def nik(rng: random.Random, serial: int) -> str:
    """A structurally valid NIK: province, regency, district, DDMMYY (+40 for women), serial."""
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))  # 1950 .. 2004
    day = born.day + (40 if rng.random() < 0.5 else 0)
    return (
        f"{rng.choice(PROVINCES):02d}{rng.randrange(1, 80):02d}{rng.randrange(1, 50):02d}"
        f"{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 9999 + 1:04d}"
    )


def customers(n: int, seed: int = 2) -> Iterator[dict[str, str]]:
    """Deterministic rows, already in canonical form (E.164, lowercase email, compact NIK)."""
    rng = random.Random(seed)
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield {
            "external_id": f"crm-{i:07d}",
            "full_name": f"{first} {last}",
            "phone": f"+62812{(i * 7_919 + 10_000_019) % 100_000_000:08d}",  # distinct for i < 1e8
            "email": f"{first}.{last}.{i}@example.co.id".lower(),
            "national_id": nik(rng, i),
            "national_id_kind": "nik",
            "address": (
                f"Jl. {rng.choice(STREETS)} No. {rng.randrange(1, 300)}, {rng.choice(CITIES)}"
            ),
        }


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(customers(n))


# --------------------------------------------------------------------------- 1. envelope


def bench_crypto(n: int, rounds: int) -> Figure:
    values = [os.urandom(1024) for _ in range(256)]
    field_ids = [new_id("fld") for _ in range(n)]
    raw_key = new_data_key()
    key = DataKey(raw_key)
    aead = AESGCM(raw_key)
    aads = [binding(TABLE, fid, "note") for fid in field_ids]  # for the raw baseline only
    fixed_nonce = os.urandom(12)

    def envelope() -> None:
        seal, open_ = key.seal, key.open
        for i in range(n):
            fid = field_ids[i]
            sealed = seal(values[i & 255], binding(TABLE, fid, "note"))
            assert open_(sealed, binding(TABLE, fid, "note")) is not None

    def raw() -> None:
        encrypt, decrypt, urandom = aead.encrypt, aead.decrypt, os.urandom
        for i in range(n):
            nonce = urandom(12)
            aad = aads[i]
            assert decrypt(nonce, encrypt(nonce, values[i & 255], aad), aad) is not None

    def raw_bare() -> None:  # information only: no AAD, one fixed nonce (not a correct use)
        encrypt, decrypt = aead.encrypt, aead.decrypt
        for i in range(n):
            assert decrypt(fixed_nonce, encrypt(fixed_nonce, values[i & 255], None), None)

    best = {f: float("inf") for f in (envelope, raw, raw_bare)}
    for f in best:  # warm-up
        f()
    for _ in range(rounds):  # interleaved, best of: the least disturbed round of each
        for f in best:
            start = time.process_time()
            f()
            best[f] = min(best[f], time.process_time() - start)
    print(
        f"  [{n:,} values x {rounds} rounds, CPU time, best round] info: raw AESGCM without AAD"
        f" and with one fixed nonce: {n / best[raw_bare]:,.0f} values/s"
        f" (envelope at {best[raw_bare] / best[envelope]:.3f} of it)"
    )
    return Figure(
        "DataKey.seal+open, 1 KiB, binding() AAD",
        n / best[envelope],
        "values/s",
        n / best[raw],
        "raw AESGCM (same AAD, fresh nonce)",
        0.5,
    )


# --------------------------------------------------------------------------- 2. import

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
)


def _schema(db: Path) -> list[str]:
    """The DDL of customers and customer_fields (and their indexes) as migrated."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('customers', 'customer_fields')"
            " AND sql IS NOT NULL ORDER BY type DESC, name"
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _baseline_rows(
    reader: Iterator[list[str]], now: str
) -> Iterator[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    for external_id, name, phone, email, national_id, _kind, address in reader:
        customer_id = new_id("cus")
        fields = []
        for kind, value, meta, indexed in (
            ("full_name", name, "{}", False),
            ("phone", phone, "{}", True),
            ("email", email, "{}", True),
            ("national_id", national_id, '{"id_kind": "nik"}', True),
            ("address", address, "{}", False),
        ):
            lookup = (kind.encode() + b"\x00" + value.encode()) if indexed else None
            fields.append((new_id("fld"), customer_id, kind, meta, value.encode(), lookup, now))
        yield (customer_id, external_id, 0, now, now), fields


def plain_insert(db: Path, schema: list[str], csv_path: Path | None, prebuilt=None) -> float:
    """Seconds to load the CSV (or prebuilt rows) into a fresh plain sqlite3 database."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    for ddl in schema:
        conn.execute(ddl)
    insert_customer = "INSERT INTO customers VALUES (?, ?, ?, ?, ?)"
    insert_field = "INSERT INTO customer_fields VALUES (?, ?, ?, ?, ?, ?, ?)"

    def flush(batch_c: list, batch_f: list) -> None:
        conn.execute("BEGIN")
        conn.executemany(insert_customer, batch_c)
        conn.executemany(insert_field, batch_f)
        conn.execute("COMMIT")

    start = time.perf_counter()
    if prebuilt is not None:
        for batch_c, batch_f in prebuilt:
            flush(batch_c, batch_f)
    else:
        assert csv_path is not None
        with csv_path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            batch_c: list = []
            batch_f: list = []
            for row in _baseline_rows(reader, datetime.now(UTC).isoformat(" ")):
                batch_c.append(row[0])
                batch_f.extend(row[1])
                if len(batch_c) >= BATCH:
                    flush(batch_c, batch_f)
                    batch_c, batch_f = [], []
            if batch_c:
                flush(batch_c, batch_f)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _prebuilt(csv_path: Path) -> list[tuple[list, list]]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        out: list[tuple[list, list]] = []
        for row in _baseline_rows(reader, datetime.now(UTC).isoformat(" ")):
            if not out or len(out[-1][0]) >= BATCH:
                out.append(([], []))
            out[-1][0].append(row[0])
            out[-1][1].extend(row[1])
    return out


def bench_import(n: int, work: Path, profile: Path | None) -> tuple[Figure, Figure]:
    from sqlalchemy import func, select

    from amanah.access.gate import Gate, Principal
    from amanah.crypto.local_keyring import LocalKeyring
    from amanah.db import make_engine, make_session_factory
    from amanah.migrate import upgrade
    from amanah.vault.importer import import_file
    from amanah.vault.keys import DataKeys
    from amanah.vault.models import Customer, CustomerField, DataKeyRecord
    from amanah.vault.schemas import SearchIn
    from amanah.vault.service import Vault

    csv_path = work / "customers.csv"
    start = time.perf_counter()
    write_csv(csv_path, n)
    print(f"  [{n:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB CSV written in "
          f"{time.perf_counter() - start:.1f} s]", flush=True)  # fmt: skip

    engine = make_engine(f"sqlite:///{work / 'vault.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    keys = DataKeys(LocalKeyring.create(work / "keyring.json"))
    schema = _schema(work / "vault.db")

    plain_times = [plain_insert(work / "plain1.db", schema, csv_path)]

    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    cpu = time.process_time()
    summary = import_file(factory, keys, csv_path)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
        print(f"  [cProfile of the import written to {profile}]")

    plain_times.append(plain_insert(work / "plain2.db", schema, csv_path))
    prebuilt = _prebuilt(csv_path)
    insert_only = plain_insert(work / "plain3.db", schema, None, prebuilt)

    # The import must be complete and usable, or its speed means nothing.
    outcome = (summary.imported, summary.rejected)
    assert outcome == (n, 0), (outcome, summary.rejections[:5])
    with factory() as session:
        counts = [
            session.scalar(select(func.count()).select_from(t))
            for t in (Customer, DataKeyRecord, CustomerField)
        ]
    assert counts == [n, n, 5 * n], counts
    last = list(customers(n))[-1]
    vault = Vault(factory, keys, Gate())
    admin = Principal("bench", "service", "admin", frozenset({"*"}))
    found = vault.search(admin, SearchIn(phone=last["phone"]))
    assert [c.external_id for c in found] == [last["external_id"]], found
    engine.dispose()

    plain = n / min(plain_times)
    print(
        f"  [import: {elapsed:.1f} s wall, {cpu:.1f} s CPU of this process (CPU/wall "
        f"{cpu / elapsed:.2f}); plain: {', '.join(f'{t:.2f}' for t in plain_times)} s, best used;"
        f" plain executemany of prebuilt rows only: {insert_only:.2f} s]"
    )
    return (
        Figure("import_file CSV -> SQLite, sealed", n / elapsed, "rows/s", plain,
               "plain sqlite3 executemany (CSV read, unencrypted)", 0.25),
        Figure("import_file (info: vs insert only)", n / elapsed, "rows/s", n / insert_only,
               "executemany of prebuilt rows", None),
    )  # fmt: skip


# --------------------------------------------------------------------------- 3. API


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(home: Path, port: int) -> None:
    """Child process: the server exactly as ``amanah serve`` builds it."""
    from amanah.server import make_server
    from amanah.settings import Settings

    settings = Settings(home=home, port=port, database_url=None, log_level="WARNING")
    make_server(settings).run()


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


async def _load(
    base: str, ctx: ssl.SSLContext, token: str, paths: list[str], clients: int, seconds: float
) -> Load:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base,
        verify=ctx,
        http1=True,
        http2=False,
        limits=limits,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as client:

        async def worker(k: int, until: float | None, count: int, out: list[float]) -> int:
            done = 0
            i = k
            while done < count if until is None else time.perf_counter() < until:
                t0 = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                out.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {response.status_code}")
                done += 1
                i += clients
            return done

        # Warm-up: open every connection, touch every path once (data-key cache).
        warm = max(4, len(paths) // clients + 1)
        await asyncio.gather(*(worker(k, None, warm, []) for k in range(clients)))
        latencies: list[float] = []
        cpu = time.process_time()
        start = time.perf_counter()
        until = start + seconds
        done = await asyncio.gather(*(worker(k, until, 0, latencies) for k in range(clients)))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return Load(sum(done), elapsed, latencies, cpu / elapsed)


def bench_api(work: Path, n_customers: int, seconds: float, clients: int) -> Figure:
    from sqlalchemy import select

    from amanah.bootstrap import build
    from amanah.home import init_home
    from amanah.settings import Settings
    from amanah.vault.importer import import_file
    from amanah.vault.models import Customer

    home = work / "home"
    port = free_port()
    settings = Settings(home=home, port=port, database_url=None, log_level="WARNING")
    report_ = init_home(settings, demo=False)
    assert report_.admin_token is not None
    csv_path = work / "api.csv"
    write_csv(csv_path, n_customers)
    system = build(settings)
    try:
        imported = import_file(system.factory, system.keys, csv_path).imported
        assert imported == n_customers
        with system.factory() as session:
            ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    finally:
        system.close()
    rng = random.Random(7)
    rng.shuffle(ids)

    log = (work / "server.log").open("w")
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(home), str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "AMANAH_HOME": str(home)},
    )
    try:
        ctx = ssl.create_default_context(cafile=str(settings.cert_path))
        base = f"https://127.0.0.1:{port}"
        _wait_ready(base, ctx, child, work / "server.log")
        health = asyncio.run(_load(base, ctx, report_.admin_token, ["/health"], clients, seconds))
        reads = asyncio.run(
            _load(base, ctx, report_.admin_token, [f"/api/v1/customers/{i}" for i in ids],
                  clients, seconds)
        )  # fmt: skip
    finally:
        child.terminate()
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
        log.close()
    for label, load in (("/health", health), ("GET /api/v1/customers/{id}", reads)):
        print(
            f"  {label:30s} {load.rate:8,.0f} req/s  p50 {load.pct(0.50):6.1f} ms  "
            f"p99 {load.pct(0.99):6.1f} ms  ({load.requests:,} requests in {load.seconds:.1f} s; "
            f"client CPU {load.client_cpu:.0%} of a core)",
            flush=True,
        )
    bench_api.loads = (health, reads)  # type: ignore[attr-defined]
    return Figure("masked customer reads", reads.rate, "req/s", health.rate, "/health", None)


def _wait_ready(base: str, ctx: ssl.SSLContext, child: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the server exited during start-up:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/health", verify=ctx, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start in 60 s")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--rows", type=int, help="customers to import (default 100000)")
    parser.add_argument("--only", default="crypto,import,api", help="comma-separated parts")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here")
    parser.add_argument("--seconds", type=float, help="duration of each API load")
    parser.add_argument("--serve", nargs=2, metavar=("HOME", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return 0

    parts = set(args.only.split(","))
    # --quick still imports enough rows for the importer's worker pool to start.
    rows = args.rows or (5_000 if args.quick else 100_000)
    crypto_n, rounds = (2_000, 2) if args.quick else (20_000, 5)
    seconds = args.seconds or (1.0 if args.quick else 10.0)
    api_customers = 100 if args.quick else 2_000

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(
        f"bench_vault: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load:.2f}{' (busy machine: expect noise)' if load > 0.7 else ''}"
        f"{', QUICK sizes' if args.quick else ''}",
        flush=True,
    )
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="amanah-bench-") as tmp:
        work = Path(tmp)
        if "crypto" in parts:
            print("\n1. envelope: seal + open of 1 KiB values", flush=True)
            figures.append(bench_crypto(crypto_n, rounds))
            report(figures[-1])
        if "import" in parts:
            print(f"\n2. bulk import of {rows:,} customers (5 sensitive fields each)", flush=True)
            (work / "import").mkdir()
            main_fig, info = bench_import(rows, work / "import", args.profile)
            figures += [main_fig, info]
            report(main_fig)
            report(info)
        if "api" in parts:
            print(f"\n3. API over HTTPS, 16 concurrent keep-alive clients, {seconds:g} s each",
                  flush=True)  # fmt: skip
            (work / "api").mkdir()
            figures.append(bench_api(work / "api", api_customers, seconds, 16))
            report(figures[-1])

    print("\nsummary")
    width = max(len(f.name) for f in figures) if figures else 10
    head = f"  {'figure':{width}s} {'value':>12s} {'baseline':>12s} {'unit':9s} {'ratio':>6s}"
    print(head + "  target")
    for f in figures:
        target = f">= {f.target}" if f.target is not None else "-"
        print(
            f"  {f.name:{width}s} {_fmt(f.value):>12s} {_fmt(f.baseline):>12s} {f.unit:9s} "
            f"{f.ratio:6.3f}  {target:8s} {f.verdict}"
        )
    loads = getattr(bench_api, "loads", None)
    if loads:
        health, reads = loads
        print(
            f"  latency p50/p99: reads {reads.pct(0.5):.1f}/{reads.pct(0.99):.1f} ms, "
            f"/health {health.pct(0.5):.1f}/{health.pct(0.99):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
