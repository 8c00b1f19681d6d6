"""Notification errors."""

from __future__ import annotations

from amanah.errors import Unavailable


class DeliveryFailed(Unavailable):
    code = "delivery-failed"
    title = "The message could not be delivered"
