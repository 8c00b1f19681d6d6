"""Fixtures for crypto tests: a real SoftHSM2 token the tests initialise themselves.

SoftHSM2 reads ``SOFTHSM2_CONF`` and scans its token directory only in
``C_Initialize``, and python-pkcs11 loads (and initialises) each library once
per process. So one session-wide config and token directory is set up, every
token is created *before* the library is (re)initialised, and tests share the
token but get their own key lineage (a unique ``key_label``), which is what
isolates keyrings on a token anyway. A second token that no test keeps logged
in serves the real wrong-PIN path of ``C_Login``.

Without SoftHSM2 the tests skip with the reason; under ``CI=true`` they fail,
so the HSM path can never silently stop being tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from amanah.testing import require

SOFTHSM_LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
)
SHARED_TOKEN = "amanah-test"
PIN_TOKEN = "amanah-pin"  # never left logged in: wrong-PIN tests reach C_Login
USER_PIN = "1234"
SO_PIN = "5678"
_SPEC_PIN: Any = object()  # "use the spec's PIN" (None means: open sealed)


def _unavailable(reason: str) -> None:
    require(False, reason)


def _find_library() -> str | None:
    explicit = os.environ.get("AMANAH_TEST_PKCS11_LIB")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return next((p for p in SOFTHSM_LIBRARIES if Path(p).is_file()), None)


@dataclass(frozen=True)
class SoftHsm:
    """A SoftHSM2 installation with a private token directory for this test run."""

    library: str
    conf: Path
    pin: str = USER_PIN
    so_pin: str = SO_PIN
    shared_token: str = SHARED_TOKEN
    pin_token: str = PIN_TOKEN


@dataclass(frozen=True)
class TokenSpec:
    """Everything needed to construct a ``Pkcs11Keyring`` for one test."""

    library: str
    token_label: str
    pin: str
    key_label: str


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    library = _find_library()
    util = shutil.which("softhsm2-util")
    if library is None or util is None:
        _unavailable("SoftHSM2 is not installed (libsofthsm2.so and softhsm2-util)")
    try:
        import pkcs11
    except ImportError:
        _unavailable("python-pkcs11 is not installed")
    assert library is not None and util is not None

    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n"
        "slots.removable = false\n"
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("SOFTHSM2_CONF", str(conf))
    try:
        for label in (SHARED_TOKEN, PIN_TOKEN):
            pins = ["--pin", USER_PIN, "--so-pin", SO_PIN]
            subprocess.run(
                [util, "--init-token", "--free", "--label", label, *pins],
                check=True,
                capture_output=True,
                env=os.environ.copy(),
            )
        # Load, or reload if some earlier test already loaded it with another config,
        # so the module sees this config and these tokens. Same path normalisation
        # as the keyring, so both share python-pkcs11's cached library object.
        lib = pkcs11.lib(os.path.realpath(library))
        lib.reinitialize()
        yield SoftHsm(library=library, conf=conf)
    finally:
        patch.undo()


@pytest.fixture
def pkcs11_token(softhsm: SoftHsm) -> TokenSpec:
    """The shared token with a key lineage of this test's own."""
    return TokenSpec(
        library=softhsm.library,
        token_label=softhsm.shared_token,
        pin=softhsm.pin,
        key_label=f"t-{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture
def pkcs11_keyrings() -> Iterator[Callable[..., Any]]:
    """Build ``Pkcs11Keyring`` objects that are closed (logged out) after the test."""
    from amanah.crypto.pkcs11_keyring import Pkcs11Keyring

    made: list[Pkcs11Keyring] = []

    def make(spec: TokenSpec, *, pin: Any = _SPEC_PIN, initialise: bool = False) -> Any:
        use_pin: str | None = spec.pin if pin is _SPEC_PIN else pin
        if initialise:
            assert use_pin is not None
            keyring = Pkcs11Keyring.initialise(
                spec.library, spec.token_label, use_pin, spec.key_label
            )
        else:
            keyring = Pkcs11Keyring(spec.library, spec.token_label, use_pin, spec.key_label)
        made.append(keyring)
        return keyring

    yield make
    for keyring in reversed(made):
        keyring.close()
