"""Wires the system once, for both ``app.py`` and ``cli.py``: settings, database,
keyring, the gate and its inputs, and the domain services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import Gate, Outcome, Principal
from amanah.access.policy import FieldPolicy, FieldRoleInput
from amanah.access.record import decision_recorder
from amanah.audit.log import log_for_system
from amanah.audit.trail import NullTrail, Trail
from amanah.crypto.keyring import Keyring
from amanah.db import make_engine, make_session_factory
from amanah.detection.responses import install_responses
from amanah.events import EventBus, InProcessBus
from amanah.forensics.honeytokens import install_honeytokens
from amanah.identity.bus import BusEvents, TrailEvents
from amanah.identity.service import Identity
from amanah.settings import Settings
from amanah.vault.interactions import Interactions
from amanah.vault.keys import DataKeys
from amanah.vault.live import LiveInteractionInput
from amanah.vault.sealed_redaction import SealedRedaction
from amanah.vault.service import Vault


def open_keyring(settings: Settings) -> Keyring:
    if settings.keyring == "pkcs11":
        from amanah.crypto.pkcs11_keyring import Pkcs11Keyring

        pin = settings.pkcs11_pin.get_secret_value() if settings.pkcs11_pin else None
        return Pkcs11Keyring(
            settings.pkcs11_library, settings.pkcs11_token_label, pin, settings.pkcs11_key_label
        )
    from amanah.crypto.local_keyring import LocalKeyring

    passphrase = settings.keyring_passphrase
    return LocalKeyring(
        settings.keyring_path, passphrase.get_secret_value() if passphrase else None
    )


@dataclass
class System:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    keyring: Keyring
    gate: Gate
    keys: DataKeys
    vault: Vault
    interactions: Interactions
    bus: EventBus = field(default_factory=InProcessBus)
    trail: Trail = field(default_factory=NullTrail)
    extras: dict[str, object] = field(default_factory=dict)
    identity: Identity | None = None
    sealed_redaction: SealedRedaction | None = None

    def close(self) -> None:
        close_bus = getattr(self.bus, "close", None)
        if close_bus is not None:
            close_bus()
        self.engine.dispose()


def build(settings: Settings, keyring: Keyring | None = None) -> System:
    engine = make_engine(settings.effective_database_url)
    factory = make_session_factory(engine)
    keyring = keyring or open_keyring(settings)
    gate = Gate()
    keys = DataKeys(keyring, cache_seconds=settings.data_key_cache_seconds)
    vault = Vault(factory, keys, gate, settings.default_region)
    interactions = Interactions(factory, vault)
    system = System(settings, engine, factory, keyring, gate, keys, vault, interactions)
    system.sealed_redaction = SealedRedaction(vault)
    if settings.nats_url:
        from amanah.events_nats import nats_bus_from_settings

        system.bus = nats_bus_from_settings(settings)
    system.trail = Trail(log_for_system(system))
    vault.trail = interactions.trail = system.trail
    publish = lambda event: system.bus.publish(event)  # noqa: E731 - whatever bus is current
    gate.observe(decision_recorder(system.trail, publish))
    interactions.publish = publish
    install_field_policy(system)
    events = TrailEvents(system.trail, BusEvents(system.bus))
    system.identity = Identity.from_settings(factory, settings, events=events)
    gate.register(system.identity.gate_input(unbound=Outcome.ALLOW_MASKED))
    install_honeytokens(system)
    install_detection(system)
    return system


def install_field_policy(system: System) -> None:
    """The configurable part of the gate: roles per field kind, and the field kinds that
    need a live interaction of the agent with that customer (cards and national ids)."""
    settings = system.settings
    policy = FieldPolicy.parse(
        settings.access_fields,
        interaction_exempt_roles=frozenset(settings.interaction_exempt_roles),
    )
    grace = timedelta(minutes=settings.interaction_grace_minutes)
    system.gate.register(FieldRoleInput(policy))
    system.gate.register(LiveInteractionInput(system.factory, policy, grace=grace))
    system.extras["field_policy"] = policy


def _identity_teams(system: System) -> dict[str, str]:
    """Agent id -> team name from identity, so team baselines follow the real teams."""
    if system.identity is None:
        return {}
    try:
        names = dict(system.identity.teams())
        accounts = system.identity.accounts()
    except DBAPIError:  # a database not migrated yet (``amanah init`` builds before it migrates)
        return {}
    return {a.id: names[a.team_id] for a in accounts if a.team_id in names}


def _officer_step_up(system: System) -> Callable[[Principal], None] | None:
    """Identity's fresh-factor check for the officer desk, looked up on each call (the
    system's identity service can be replaced after detection is installed)."""
    if system.identity is None:
        return None

    def check(who: Principal) -> None:
        if system.identity is not None:
            system.identity.require_fresh_factor_of(who)

    return check


def install_detection(system: System) -> None:
    """Live detection on this process's bus: alerts stored, the agent's risk weighed by the
    gate, new or escalated alerts answered by the response playbook, and the security
    officers' desk (``extras["officer"]``) for the alerts API and console."""
    from contextlib import suppress

    from amanah.detection.config import config_from_settings
    from amanah.detection.engine import Detector
    from amanah.detection.events import GeoResolver
    from amanah.detection.officer import Officer
    from amanah.detection.responses import ResponseQueue
    from amanah.detection.risk import RiskInput
    from amanah.detection.store import AlertStore, StoreSink

    responder = install_responses(system)

    respond = ResponseQueue(responder.respond)
    store = AlertStore(system.factory)
    settings = system.settings
    geo = GeoResolver(settings.geoip_database) if settings.geoip_database else None
    config = config_from_settings(settings, _identity_teams(system))
    detector = Detector(config, sinks=[StoreSink(store), respond], geo=geo)
    system.gate.register(RiskInput(detector.book))
    system.bus.subscribe(lambda event: detector.on_activity(event))
    system.extras["detector"] = detector
    store.suppress_days = config.suppress_days
    with suppress(DBAPIError):  # a database not migrated yet
        store.load_suppressions(detector.book)  # false-positive verdicts outlive a restart
    system.extras["officer"] = Officer(
        store, responder, system.trail, book=detector.book, step_up=_officer_step_up(system)
    )
