"""Vault errors: what a caller did wrong with customer data, never the data itself."""

from __future__ import annotations

from amanah.errors import AmanahError, Conflict, InvalidInput, NotFound, Unavailable


class VaultError(AmanahError):
    code = "vault-error"


class InvalidField(InvalidInput):
    """A sensitive value failed validation. ``field`` names it; the value is never echoed."""

    code = "invalid-field"
    title = "Invalid field value"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.field = field
        self.reason = reason


class SecurityCodeRefused(InvalidField):
    """Card security codes (CVV/CVC) are never accepted or stored (PCI DSS 3.3.1)."""

    code = "security-code-refused"
    title = "Card security codes are not accepted"


class CustomerNotFound(NotFound):
    code = "customer-not-found"
    title = "Customer not found"


class DuplicateCustomer(Conflict):
    code = "duplicate-customer"
    title = "A customer with this external id exists"


class VaultSealed(Unavailable):
    code = "vault-sealed"
    title = "The keyring is sealed"


class CustomerErased(NotFound):
    code = "customer-erased"
    title = "The customer's data has been erased"
