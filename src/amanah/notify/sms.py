"""SMS providers: a file outbox for development and tests, and a generic HTTP webhook.

A provider only delivers text to a number; the code, its lifetime and its attempts
belong to ``amanah.identity.sms``.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from amanah.notify.errors import DeliveryFailed


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> None: ...


class FileOutboxSms:
    """Appends one JSON line per message to ``path`` (``AMANAH_HOME/outbox/sms.jsonl``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        line = json.dumps({"to": to, "text": text, "at": datetime.now(UTC).isoformat()})
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)

    def messages(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]


class WebhookSms:
    """POSTs ``{"to": ..., "text": ...}`` as JSON to a gateway URL, with an optional bearer token.

    Any 2xx is success; anything else, or a network error, raises ``DeliveryFailed``.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        extra_fields: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout
        self._client = client
        self.extra_fields = dict(extra_fields or {})

    def send(self, to: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {**self.extra_fields, "to": to, "text": text}
        try:
            if self._client is not None:
                response = self._client.post(self.url, json=payload, headers=headers)
            else:
                response = httpx.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise DeliveryFailed("the SMS gateway could not be reached") from exc
        if not response.is_success:
            raise DeliveryFailed(f"the SMS gateway answered {response.status_code}")


def sms_provider_from_settings(settings: Any) -> SmsProvider:
    """``sms_provider``: "outbox" (default) or "webhook" (``sms_webhook_url``, ``_token``)."""
    kind = getattr(settings, "sms_provider", None) or "outbox"
    if kind == "webhook":
        url = getattr(settings, "sms_webhook_url", None)
        if not url:
            raise DeliveryFailed("sms_webhook_url is not set")
        token = getattr(settings, "sms_webhook_token", None)
        if token is not None and hasattr(token, "get_secret_value"):
            token = token.get_secret_value()
        return WebhookSms(url, token)
    return FileOutboxSms(Path(getattr(settings, "home", "var")) / "outbox" / "sms.jsonl")
