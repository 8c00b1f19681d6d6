"""The whole system on an HSM: ``amanah init`` and the vault with a SoftHSM2 token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from amanah.access.gate import Principal
from amanah.bootstrap import build
from amanah.home import init_home
from amanah.settings import Settings
from amanah.vault.keys import rewrap
from amanah.vault.schemas import RevealIn, SearchIn

ADMIN = Principal(id="t", kind="service", role="admin", scopes=frozenset({"*"}))


def test_init_and_vault_on_a_pkcs11_token(tmp_path: Path, pkcs11_token: Any) -> None:
    settings = Settings(
        home=tmp_path / "home",
        keyring="pkcs11",
        pkcs11_library=pkcs11_token.library,
        pkcs11_token_label=pkcs11_token.token_label,
        pkcs11_pin=pkcs11_token.pin,
        pkcs11_key_label=pkcs11_token.key_label,
    )
    report = init_home(settings)
    assert report.admin_token and report.demo_customers == 4
    assert not (settings.home / "keyring.json").exists()

    system = build(settings)
    try:
        assert system.keyring.kind == "pkcs11"
        (budi,) = system.vault.search(ADMIN, SearchIn(phone="0812-3456-7890"))
        revealed = system.vault.reveal(
            ADMIN, budi.id, RevealIn(fields=["national_id"], purpose="verify caller")
        )
        assert revealed.fields[0].value == "3174051703900001"
        assert system.keyring.rotate() == 2
        assert rewrap(system.factory, system.keys) == 4
        system.keys.forget(budi.id)
        assert system.vault.get_customer(ADMIN, budi.id).fields
    finally:
        system.keyring.close()  # type: ignore[attr-defined]
        system.close()
