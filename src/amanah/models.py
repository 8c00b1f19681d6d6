"""Imports every package's tables so that Alembic and tests see the whole schema."""

from amanah.audit import models as audit_models
from amanah.detection import models as detection_models
from amanah.forensics import models as forensics_models
from amanah.identity import models as identity_models
from amanah.vault import models as vault_models

__all__ = [
    "audit_models",
    "detection_models",
    "forensics_models",
    "identity_models",
    "vault_models",
]
