"""A stolen database reveals nothing: scan the raw storage for known values."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from amanah.access.gate import Principal
from amanah.bootstrap import System
from amanah.testing import require
from amanah.vault.schemas import CustomerIn, TranscriptIn

TRANSCRIPT_SECRET = "my card is 4111 1111 1111 1111 and my NIK 3174051703900001"


def _store_everything(system: System, admin: Principal, budi: CustomerIn) -> None:
    customer = system.vault.create_customer(admin, budi)
    from amanah.vault.schemas import InteractionIn

    interaction = system.interactions.start(
        admin, InteractionIn(customer_id=customer.id, channel="chat")
    )
    system.interactions.add_transcript(
        admin,
        interaction.id,
        TranscriptIn(segments=[{"speaker": "customer", "text": TRANSCRIPT_SECRET}]),
    )


def _raw_storage(system: System) -> bytes:
    url = make_url(system.settings.effective_database_url)
    if url.get_backend_name() == "sqlite":
        system.engine.dispose()
        database = Path(url.database or "")
        parts = [database, database.with_name(database.name + "-wal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    require(shutil.which("pg_dump") is not None, "pg_dump is not installed")
    schema = url.query["options"].split("=", 1)[1]
    plain = url.set(query={}).set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--schema", schema, plain.render_as_string(False)],
        check=True,
        capture_output=True,
    )
    return dump.stdout


def test_no_sensitive_value_is_stored_in_clear(
    system: System, admin: Principal, budi: CustomerIn, budi_plaintexts: list[str]
) -> None:
    _store_everything(system, admin, budi)
    raw = _raw_storage(system)
    assert len(raw) > 1000
    found = [value for value in budi_plaintexts if value.encode() in raw]
    assert found == []
    assert b"4111 1111 1111 1111" not in raw
    with system.engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
    assert "customer_fields" in tables
