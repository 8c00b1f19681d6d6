"""Detection settings, with calibrated defaults (see ``amanah.detection.evaluate``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from amanah.errors import InvalidInput

if TYPE_CHECKING:
    from amanah.settings import Settings


@dataclass
class DetectionConfig:
    vip_customers: frozenset[str] = frozenset()
    honeytoken_customers: frozenset[str] = frozenset()
    teams: dict[str, str] = field(default_factory=dict)  # actor -> team; else extra["team"]
    home_countries: frozenset[str] = frozenset()  # countries where the organisation works
    warmup_days: float = 7.0  # learn an agent this long before baseline rules speak
    # locations and travel
    location_ttl_days: float = 90.0
    travel_speed_kmh: float = 900.0
    travel_min_km: float = 300.0
    # hours of work
    usual_hour_share: float = 0.01
    # credential attacks
    spray_window: float = 600.0
    spray_accounts: int = 5
    spray_followup: float = 3600.0
    # customers opened with no live interaction
    interaction_grace: float = 900.0  # after interaction.end, follow-up work is expected
    recent_customer_days: float = 14.0  # a customer the agent handled lately is no stranger
    unrelated_window: float = 8 * 3600.0
    unrelated_threshold: int = 3
    # volumes
    volume_window: float = 3600.0
    volume_k: float = 6.0
    volume_floor: dict[str, float] = field(
        default_factory=lambda: {"views": 40, "reveals": 15, "searches": 40, "exports": 3}
    )
    # exports
    export_size_factor: float = 5.0
    export_min_records: int = 200
    # the hourly model
    model_z: float = 6.0
    model_min_features: int = 2
    model_alerts: bool = True
    # alerts
    group_window: float = 24 * 3600.0
    suppress_days: float = 14.0


def read_ids(path: Path | None) -> frozenset[str]:
    """Customer ids from a file, one a line; blank lines and ``#`` comments ignored."""
    if path is None:
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read the id list {path.name}: {exc.strerror}") from None
    return frozenset(x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#"))


def config_from_settings(
    settings: Settings, teams: Mapping[str, str] | None = None
) -> DetectionConfig:
    """The live detector's configuration: the settings' lists, plus teams known elsewhere
    (identity's) under the settings' own ``detection_teams``, which win."""
    return DetectionConfig(
        vip_customers=frozenset(settings.detection_vip_customers)
        | read_ids(settings.detection_vip_file),
        honeytoken_customers=frozenset(settings.detection_honeytoken_customers),
        teams={**(teams or {}), **settings.detection_teams},
        home_countries=frozenset(settings.detection_home_countries),
        warmup_days=settings.detection_warmup_days,
    )
