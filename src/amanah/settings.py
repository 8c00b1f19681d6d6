"""One Settings object for the whole system.

Sources, highest first: constructor arguments, ``AMANAH_*`` environment
variables, then ``amanah.toml`` in ``AMANAH_HOME`` (or the file named by
``AMANAH_CONFIG``). Every setting has a safe default so ``amanah init`` works
with no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _config_file() -> Path:
    explicit = os.environ.get("AMANAH_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("AMANAH_HOME", "var")) / "amanah.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AMANAH_", extra="ignore")

    home: Path = Field(Path("var"), description="Directory holding all local state.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite in home if unset.")

    host: str = "127.0.0.1"
    port: int = Field(8443, ge=1, le=65535)
    insecure_http: bool = Field(False, description="Serve plain HTTP behind a TLS proxy.")
    tls_cert: Path | None = None
    tls_key: Path | None = None
    hsts_max_age: int = 31_536_000

    keyring: Literal["local", "pkcs11"] = "local"
    keyring_passphrase: SecretStr | None = None
    pkcs11_library: str = "/usr/lib/softhsm/libsofthsm2.so"
    pkcs11_token_label: str = "amanah"
    pkcs11_pin: SecretStr | None = None
    pkcs11_key_label: str = "amanah-root"

    default_region: str = Field("ID", min_length=2, max_length=2)
    timezone: str = "Asia/Jakarta"
    max_body_bytes: int = Field(1_048_576, ge=1024)
    page_size_max: int = Field(500, ge=1)
    data_key_cache_seconds: float = Field(60.0, ge=0)
    log_level: str = "INFO"

    # identity: sessions, step-up, passwords, passkeys
    identity_secret: SecretStr | None = Field(
        None, description="HMAC key for OTP and recovery codes; same on every replica."
    )
    session_idle_minutes: int = Field(15, ge=1)
    session_absolute_hours: int = Field(12, ge=1)
    stepup_minutes: int = Field(10, ge=1)
    factor_change_minutes: int = Field(10, ge=1)
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_kib: int = Field(65_536, ge=8192)
    argon2_parallelism: int = Field(4, ge=1)
    organisation: str = "Amanah"
    webauthn_rp_id: str = "localhost"
    webauthn_rp_name: str = "Amanah"
    webauthn_origins: list[str] = Field(default_factory=lambda: ["https://localhost:8443"])

    # notices: SMS for one-time codes, email (SMTP) for notices only
    sms_provider: Literal["outbox", "webhook"] = "outbox"
    sms_webhook_url: str | None = None
    sms_webhook_token: SecretStr | None = None
    sms_code_minutes: int = Field(5, ge=1, le=10)
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "amanah@localhost"

    # activity events and responses to alerts
    nats_url: str | None = Field(
        None, description="NATS JetStream URL(s), comma-separated; in-process bus if unset."
    )
    nats_stream: str = "AMANAH_ACTIVITY"
    nats_durable: str = "amanah-detector"
    nats_token: SecretStr | None = None
    syslog_host: str | None = None
    syslog_port: int = Field(514, ge=1, le=65535)
    syslog_transport: Literal["udp", "tcp"] = "udp"
    alert_webhook_url: str | None = None
    alert_webhook_secret: SecretStr | None = None
    alert_emails: list[str] = Field(default_factory=list)
    response_playbook: str | None = None

    # the audit trail: a signed checkpoint every N entries or T seconds, whichever first
    audit_checkpoint_every: int = Field(1000, ge=1)
    audit_checkpoint_seconds: float = Field(60.0, gt=0)
    audit_origin: str | None = Field(
        None, description="Checkpoint origin line; default amanah/<root key id>."
    )

    # the gate: which field kinds need what (see amanah.access.policy)
    access_fields: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per field kind: live_interaction, roles."
    )
    interaction_exempt_roles: list[str] = Field(default_factory=lambda: ["privacy_officer"])
    interaction_grace_minutes: float = Field(15.0, ge=0)

    # detection: who is special, where people work, how to place an IP
    detection_vip_customers: list[str] = Field(default_factory=list)
    detection_vip_file: Path | None = Field(None, description="VIP customer ids, one a line.")
    detection_honeytoken_customers: list[str] = Field(default_factory=list)
    detection_home_countries: list[str] = Field(default_factory=list)
    detection_teams: dict[str, str] = Field(
        default_factory=dict, description="Agent id -> team, beyond identity's teams."
    )
    detection_warmup_days: float = Field(7.0, ge=0)
    geoip_database: Path | None = Field(None, description="MaxMind City database (.mmdb).")

    @field_validator("access_fields")
    @classmethod
    def _valid_field_rules(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from amanah.access.policy import FieldPolicy

        FieldPolicy.parse(value)  # raises ValueError naming the bad key or role
        return value

    @field_validator("detection_home_countries")
    @classmethod
    def _upper_countries(cls, value: list[str]) -> list[str]:
        return [c.upper() for c in value]

    @field_validator("default_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        return value.upper()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'amanah.db').resolve()}"

    @property
    def keyring_path(self) -> Path:
        return self.home / "keyring.json"

    @property
    def cert_path(self) -> Path:
        return self.tls_cert or self.home / "tls" / "cert.pem"

    @property
    def key_path(self) -> Path:
        return self.tls_key or self.home / "tls" / "key.pem"
