"""A separate writer process for the concurrency and crash tests.

usage: python _writer.py DATABASE_URL KEYRING_PATH ORIGIN BATCHES BATCH_SIZE TAG

Appends BATCHES batches (0 = forever) and prints every acknowledged seq on its
own line, flushing, only after ``append_many`` returned (i.e. committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from amanah.audit.entry import AuditEntry
from amanah.audit.log import AuditLog
from amanah.crypto.local_keyring import LocalKeyring
from amanah.db import make_engine, make_session_factory


def main() -> None:
    url, keyring_path, origin, batches, batch_size, tag = sys.argv[1:7]
    engine = make_engine(url)
    log = AuditLog(
        make_session_factory(engine),
        LocalKeyring(Path(keyring_path), None),
        origin,
        checkpoint_every=50,
        checkpoint_seconds=0.2,
    )
    n = int(batches)
    i = 0
    while n == 0 or i < n:
        entries = [
            AuditEntry(actor=f"usr_{tag}", action="customer.read", subject_ids=(f"cus_{i}_{j}",))
            for j in range(int(batch_size))
        ]
        for seq in log.append_many(entries):
            sys.stdout.write(f"{seq}\n")
        sys.stdout.flush()
        i += 1
    engine.dispose()


if __name__ == "__main__":
    main()
