"""Sign-in latency (issue 4): how long a person waits, against the cost that must be there.

    .venv/bin/python benchmarks/bench_signin.py [--quick] [--runs N] [--no-audit]
                                                [--database-url URL]

Every flow runs through the ``Identity`` facade on a fresh migrated database (SQLite WAL
in a temporary home, or ``--database-url``), with the Argon2id parameters the settings
give (``AMANAH_ARGON2_*``; default RFC 9106's second recommendation, t=3, 64 MiB, p=4),
and each identity event written to the real audit trail (``TrailEvents`` -> ``AuditLog``
with signed checkpoints) as ``amanah serve`` wires it (``--no-audit``: events dropped).

1. password + TOTP: ``begin(username, password)``, then ``verify_totp(code)``: a session.
2. password + passkey: ``begin``, ``passkey_options``, ``verify_passkey``.
3. passkey alone (passwordless): ``begin_passkey_sign_in``, ``sign_in_with_passkey``.

Baseline, measured in the same rounds: one bare ``argon2.PasswordHasher.verify`` of the
same password with the same parameters, the one cost a password sign-in cannot avoid.
Server time only: the software authenticator's signature and the TOTP code are made
outside the timed spans. The rounds interleave the four, so load hits all alike; p50 and
p99 are nearest-rank over wall-clock times (Argon2id's lanes are threads: the wall clock
is what the person waits). The ratio is flow p50 / baseline p50. No target: the figures
say what the password costs and what the passkey saves. Tests never assert timings;
``tests/benchmarks/test_bench_signin_smoke.py`` only checks that ``--quick`` runs.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import argon2

from amanah.audit.log import AuditLog
from amanah.audit.trail import Trail
from amanah.crypto.local_keyring import LocalKeyring
from amanah.db import make_engine, make_session_factory
from amanah.events import InProcessBus
from amanah.identity.bus import BusEvents, TrailEvents
from amanah.identity.config import IdentityConfig
from amanah.identity.events import IdentityEvents, NullEvents
from amanah.identity.service import Identity
from amanah.identity.testing import (
    ORIGIN,
    PASSWORD,
    RP_ID,
    Clock,
    SoftAuthenticator,
    totp_now,
)
from amanah.migrate import upgrade
from amanah.settings import Settings

AUDIT_ORIGIN = "bench.amanah/signin"
T = TypeVar("T")


@dataclass
class Series:
    name: str
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds * 1000)

    def rank(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    @property
    def p50(self) -> float:
        return self.rank(0.50)

    @property
    def p99(self) -> float:
        return self.rank(0.99)


@dataclass
class Bench:
    identity: Identity
    clock: Clock
    username: str
    totp_secret: str
    device: str | None
    key: SoftAuthenticator  # a second account's passkey: discoverable, so it signs in alone
    key_username: str
    hasher: argon2.PasswordHasher
    stored: str


def events_for(folder: Path, factory: Any, audit: bool) -> IdentityEvents:
    if not audit:
        return NullEvents()
    keyring = LocalKeyring.create(folder / "keyring.json")
    log = AuditLog(factory, keyring, AUDIT_ORIGIN, checkpoint_every=1000)
    return TrailEvents(Trail(log), BusEvents(InProcessBus()))


def prepare(folder: Path, database_url: str | None, audit: bool) -> tuple[Bench, Any]:
    settings = Settings(home=folder / "home", database_url=database_url)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    config = IdentityConfig.from_settings(
        settings, webauthn_rp_id=RP_ID, webauthn_origins=(ORIGIN,)
    )
    clock = Clock()
    identity = Identity(factory, config, events=events_for(folder, factory, audit), clock=clock)
    suffix = os.urandom(3).hex()  # a shared PostgreSQL database may hold earlier runs

    # one account with TOTP
    username = f"bench.totp.{suffix}"
    invite = identity.invite(username, "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin(username, PASSWORD)
    enrolment = identity.enrol_totp(attempt.token)
    signed = identity.confirm_totp_enrolment(attempt.token, totp_now(enrolment.secret, clock))

    # one account whose first factor is a passkey (discoverable, so it also signs in alone)
    key = SoftAuthenticator()
    second = f"bench.passkey.{suffix}"
    invite = identity.invite(second, "agent")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin(second, PASSWORD)
    identity.confirm_passkey_enrolment(
        attempt.token, key.create(identity.enrol_passkey_options(attempt.token))
    )
    p = config.argon2
    hasher = argon2.PasswordHasher(
        time_cost=p.time_cost,
        memory_cost=p.memory_kib,
        parallelism=p.parallelism,
        hash_len=p.hash_len,
        salt_len=p.salt_len,
        type=argon2.Type.ID,
    )
    bench = Bench(
        identity, clock, username, enrolment.secret, signed.device_token, key, second,
        hasher, hasher.hash(PASSWORD),
    )  # fmt: skip
    return bench, engine


def timed(call: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def password_totp(b: Bench) -> float:
    b.clock.advance(seconds=31)  # a TOTP code is good once per 30-second step
    code = totp_now(b.totp_secret, b.clock)
    spent, attempt = timed(lambda: b.identity.begin(b.username, PASSWORD, device=b.device))
    more, signed = timed(lambda: b.identity.verify_totp(attempt.token, code))
    assert signed is not None and set(signed.factors) == {"password", "totp"}
    return spent + more


def password_passkey(b: Bench) -> float:
    identity = b.identity
    spent, attempt = timed(lambda: identity.begin(b.key_username, PASSWORD))
    more, options = timed(lambda: identity.passkey_options(attempt.token))
    answer = b.key.get(options)
    last, signed = timed(lambda: identity.verify_passkey(attempt.token, answer))
    assert signed is not None and set(signed.factors) == {"password", "passkey"}
    return spent + more + last


def passkey_alone(b: Bench) -> float:
    identity = b.identity
    spent, start = timed(identity.begin_passkey_sign_in)
    answer = b.key.get(start.options)
    more, signed = timed(lambda: identity.sign_in_with_passkey(start.token, answer))
    assert signed.factors == ("passkey",)
    return spent + more


def bare_verify(b: Bench) -> float:
    spent, _ = timed(lambda: b.hasher.verify(b.stored, PASSWORD))
    return spent


FLOWS: tuple[tuple[str, Callable[[Bench], float]], ...] = (
    ("argon2id verify (baseline)", bare_verify),
    ("password + TOTP", password_totp),
    ("password + passkey", password_passkey),
    ("passkey alone (passwordless)", passkey_alone),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds (smoke run)")
    parser.add_argument("--runs", type=int, help="timed rounds (default 200; 5 with --quick)")
    parser.add_argument("--no-audit", action="store_true", help="drop events, no audit trail")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://...; SQLite if unset")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 200)
    warmup = 1 if args.quick else 5

    with tempfile.TemporaryDirectory(prefix="amanah-bench-signin-") as tmp:
        bench, engine = prepare(Path(tmp), args.database_url, not args.no_audit)
        p = bench.identity.config.argon2
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
        audit = "off" if args.no_audit else "on (TrailEvents -> AuditLog)"
        print(f"sign-in benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"load {load:.2f}, {database}, audit {audit}")  # fmt: skip
        print(f"  Argon2id: t={p.time_cost}, m={p.memory_kib:,} KiB, p={p.parallelism}; "
              f"{runs} rounds after {warmup} warm-up, the four flows interleaved")  # fmt: skip
        series = [Series(name) for name, _ in FLOWS]
        for round_no in range(warmup + runs):
            for (_, flow), s in zip(FLOWS, series, strict=True):
                seconds = flow(bench)
                if round_no >= warmup:
                    s.add(seconds)
        engine.dispose()

    base = series[0]
    print("\nlatency, ms (server time; ratio = p50 / baseline p50)")
    print(f"  {'flow':<30} {'p50':>9} {'p99':>9} {'ratio':>7}")
    for s in series:
        print(f"  {s.name:<30} {s.p50:>9.2f} {s.p99:>9.2f} {s.p50 / base.p50:>7.2f}")
    totp, alone = series[1], series[3]
    print(f"\nsummary: password + TOTP p50 {totp.p50:.1f} ms = {totp.p50 / base.p50:.2f}x one "
          f"Argon2id verify; passkey alone p50 {alone.p50:.1f} ms = "
          f"{alone.p50 / totp.p50:.3f}x password + TOTP")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
