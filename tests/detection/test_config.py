"""Detection settings reach the live detector: VIPs, honeytokens, teams, home countries, GeoIP."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.detection.helpers import build_mmdb

from amanah.bootstrap import build
from amanah.detection.config import config_from_settings, read_ids
from amanah.errors import InvalidInput
from amanah.events import ActivityEvent
from amanah.settings import Settings


def test_settings_lists_and_files_make_the_config(tmp_path: Path) -> None:
    vip_file = tmp_path / "vips.txt"
    vip_file.write_text("# VIPs\ncus_ceo\n\n cus_minister \n", encoding="utf-8")
    settings = Settings(
        home=tmp_path,
        detection_vip_customers=["cus_star"],
        detection_vip_file=vip_file,
        detection_honeytoken_customers=["cus_trap"],
        detection_home_countries=["id", "sg"],
        detection_teams={"acc_1": "fraud"},
        detection_warmup_days=3,
    )
    config = config_from_settings(settings, {"acc_1": "collections", "acc_2": "cards"})
    assert config.vip_customers == {"cus_star", "cus_ceo", "cus_minister"}
    assert config.honeytoken_customers == {"cus_trap"}
    assert config.home_countries == {"ID", "SG"}
    assert config.teams == {"acc_1": "fraud", "acc_2": "cards"}  # the settings win
    assert config.warmup_days == 3


def test_an_unreadable_id_list_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"cannot read the id list missing\.txt"):
        read_ids(tmp_path / "missing.txt")


def test_the_live_detector_uses_identity_teams_and_the_geoip_database(
    system, keyring, tmp_path: Path
) -> None:
    team = system.identity.create_team("Fraud desk")
    invite = system.identity.invite("rina", "agent", display_name="Rina", email="rina@t.test")
    system.identity.set_team(invite.account_id, team)

    configured = system.settings.model_copy(
        update={"geoip_database": build_mmdb(tmp_path / "city.mmdb")}
    )
    restarted = build(configured, keyring)
    try:
        detector = restarted.extras["detector"]
        assert detector.config.teams[invite.account_id] == "Fraud desk"
        event = ActivityEvent("login.success", invite.account_id, ip="203.0.113.9")
        detector.on_activity(event)
        agent = detector.agents[invite.account_id]
        assert agent.team.name == "Fraud desk"
        assert set(agent.cities.last) == {"ID/Jakarta"}
    finally:
        restarted.close()
