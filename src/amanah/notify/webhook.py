"""Signed JSON webhooks for alerts and responses (to a SOAR, a chat bridge, a ticket system).

Each delivery is a POST of a JSON body with these headers:

    Content-Type: application/json
    X-Amanah-Event: alert.raised            (the kind of notice)
    X-Amanah-Delivery: whk_...              (one id per notice, the same on every retry)
    X-Amanah-Timestamp: 1793415600          (Unix seconds of this attempt)
    X-Amanah-Signature: sha256=<hex>        HMAC-SHA256(secret, f"{timestamp}.{body}")

The receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in
constant time (``verify_signature``) and rejects timestamps older than a few minutes, so a
captured request cannot be replayed later. Network errors, 5xx, 408 and 429 are retried
with exponential backoff (bounded attempts, bounded timeouts); other answers are final.
Bodies carry ids, rule names and scores, never personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from amanah.ids import new_id
from amanah.notify.errors import DeliveryFailed

SIGNATURE_HEADER = "X-Amanah-Signature"
TIMESTAMP_HEADER = "X-Amanah-Timestamp"
DELIVERY_HEADER = "X-Amanah-Delivery"
EVENT_HEADER = "X-Amanah-Event"
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: bytes,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
) -> bool:
    """For receivers (and tests): the signature matches and the timestamp is recent."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


class WebhookNotifier:
    def __init__(
        self,
        url: str,
        secret: str | bytes,
        *,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.5,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a signing secret")
        self.url = url
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.timeout = httpx.Timeout(timeout)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._client = client
        self._sleep = sleep

    def send(self, event: str, payload: Mapping[str, Any]) -> str:
        """POST ``payload`` as JSON; returns the delivery id. Raises ``DeliveryFailed``."""
        delivery = new_id("whk")
        body = json.dumps(
            {"event": event, "delivery": delivery, "data": payload},
            separators=(",", ":"),
            sort_keys=True,
            default=str,
        ).encode()
        last = "no attempt"
        for attempt in range(1, self.attempts + 1):
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                EVENT_HEADER: event,
                DELIVERY_HEADER: delivery,
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(self.secret, timestamp, body),
                "User-Agent": "amanah-webhook/1",
            }
            try:
                response = self._post(body, headers)
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            else:
                if response.is_success:
                    return delivery
                last = f"HTTP {response.status_code}"
                if response.status_code not in RETRYABLE:
                    break
            if attempt < self.attempts:
                self._sleep(self.backoff * 2 ** (attempt - 1))
        raise DeliveryFailed(f"the webhook was not accepted ({last})")

    def _post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        if self._client is not None:
            return self._client.post(self.url, content=body, headers=headers, timeout=self.timeout)
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            return client.post(self.url, content=body, headers=headers)

    def send_alert(self, alert: Any, **extra: Any) -> str:
        return self.send(
            "alert.raised",
            {
                "id": getattr(alert, "id", None),
                "actor": getattr(alert, "actor", None),
                "rule": getattr(alert, "rule", None),
                "severity": getattr(alert, "severity", None),
                "score": getattr(alert, "score", None),
                "explanation": getattr(alert, "explanation", None),
                "event_ids": list(getattr(alert, "event_ids", ()) or ()),
                **extra,
            },
        )


def webhook_from_settings(settings: Any) -> WebhookNotifier | None:
    """``alert_webhook_url`` + ``alert_webhook_secret``, or None when unset."""
    url = getattr(settings, "alert_webhook_url", None)
    secret = getattr(settings, "alert_webhook_secret", None)
    if not url or not secret:
        return None
    if hasattr(secret, "get_secret_value"):
        secret = secret.get_secret_value()
    return WebhookNotifier(url, secret)
