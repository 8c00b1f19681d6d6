"""Shared test helpers.

The ``shared_vectors`` fixture finds the public test vectors that sit beside the repo in the
team checkout (``../shared/vectors``). A user's clone has no such folder, so the
tests skip there; in CI (``CI=true``) a missing folder is a failure, so the
vectors can never silently stop being checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from amanah.testing import require
from amanah.vault.schemas import CustomerIn

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_VECTORS = REPO_ROOT / ".." / "shared" / "vectors"


def find_shared_vectors(name: str) -> Path:
    """Return ``../shared/vectors/<name>``; skip (or fail when CI=true) if absent."""
    folder = SHARED_VECTORS / name
    if folder.is_dir():
        return folder
    message = f"../shared/vectors/{name} not present (a user's clone)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def shared_vectors() -> Callable[[str], Path]:
    """``shared_vectors("rfc6962-merkle")`` -> the folder, or skip/fail as above."""
    return find_shared_vectors


# ---- environment: skip with a reason, or fail under CI ---------------------------------


# ---- databases: every storage test runs on SQLite and on PostgreSQL -------------------

POSTGRES_URL = os.environ.get(
    "AMANAH_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)


def _postgres_reachable() -> bool:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    return _postgres_reachable()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'amanah.db'}"
        return
    require(
        request.getfixturevalue("postgres_available"),
        f"PostgreSQL not reachable at {POSTGRES_URL}",
    )
    import secrets

    import sqlalchemy as sa

    schema = f"t_{secrets.token_hex(6)}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str):
    from amanah.settings import Settings

    return Settings(home=tmp_path / "home", database_url=database_url, data_key_cache_seconds=0)


@pytest.fixture
def keyring(settings):
    from amanah.crypto.local_keyring import LocalKeyring

    return LocalKeyring.create(settings.keyring_path)


@pytest.fixture
def system(settings, keyring) -> Iterator[object]:
    """A wired System on a migrated, empty database with a fresh local keyring."""
    from amanah.bootstrap import build
    from amanah.migrate import upgrade

    built = build(settings, keyring)
    upgrade(built.engine)
    yield built
    built.close()


@pytest.fixture
def admin():
    from amanah.access.gate import Principal

    return Principal(id="tok_test", kind="service", role="admin", scopes=frozenset({"*"}))


@pytest.fixture
def admin_token(system) -> str:
    from amanah.identity.tokens import issue_token

    with system.factory() as session, session.begin():
        token, _ = issue_token(session, "test admin", "admin", ["*"])
    return token


@pytest.fixture
def client(system, admin_token: str):
    """An in-process HTTP client for the API, authenticated as an admin."""
    from fastapi.testclient import TestClient

    from amanah.app import create_app

    app = create_app(system.settings, system)
    with TestClient(app, base_url="https://testserver") as test_client:
        test_client.headers["Authorization"] = f"Bearer {admin_token}"
        yield test_client


# ---- a customer: synthetic, valid-by-format values (Luhn cards, structured NIKs) ---------

BUDI = {
    "external_id": "crm-1",
    "full_name": "Budi Santoso",
    "date_of_birth": "1990-03-17",
    "phones": ["+62 812-3456-7890"],
    "emails": ["Budi.Santoso@Example.co.id"],
    "national_ids": [{"kind": "nik", "number": "3174051703900001"}],
    "addresses": ["Jl. Merdeka No. 10, Jakarta Pusat"],
    "cards": [{"number": "4111 1111 1111 1111"}],
    "bank_accounts": [{"number": "1234567890", "bank": "BCA"}],
    "notes": ["prefers WhatsApp"],
}
PLAINTEXTS = [
    "Budi Santoso",
    "6281234567890",
    "budi.santoso@example.co.id",
    "3174051703900001",
    "Jl. Merdeka No. 10",
    "4111111111111111",
    "1234567890",
    "prefers WhatsApp",
]


@pytest.fixture
def budi() -> CustomerIn:
    return CustomerIn.model_validate(BUDI)


@pytest.fixture
def budi_plaintexts() -> list[str]:
    """Budi's values as normalised for storage: none may appear in raw storage."""
    return PLAINTEXTS
