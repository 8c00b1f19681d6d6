"""Alerts to a SIEM as RFC 5424 syslog messages, over UDP or TCP (RFC 6587 octet counting).

    <PRI>1 TIMESTAMP HOSTNAME amanah PROCID MSGID [amanah@32473 alert="..." ...] MSG

PRI is ``facility * 8 + severity``; the alert's severity maps to the syslog severity
(critical -> 2 crit, high -> 3 err, medium -> 4 warning, low -> 5 notice, info -> 6).
Header fields are printable US-ASCII without spaces, cut to RFC 5424's lengths, or ``-``.
SD-PARAM values escape ``"``, ``\\`` and ``]`` with a backslash (RFC 5424 6.3.3); SD and
PARAM names are restricted to printable ASCII without ``=``, space, ``]`` and ``"``.
MSG is UTF-8 with a BOM, as the RFC asks of UTF-8 text. ``32473`` is the private
enterprise number the RFC reserves for examples: configure your own (``enterprise_id``).

Messages carry ids, rule names and scores, never personal data.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from amanah.notify.errors import DeliveryFailed

FACILITY_AUTHPRIV = 10
FACILITY_LOCAL0 = 16
SEVERITY = {
    "emergency": 0,
    "alert": 1,
    "critical": 2,
    "high": 3,
    "error": 3,
    "medium": 4,
    "warning": 4,
    "low": 5,
    "notice": 5,
    "info": 6,
    "debug": 7,
}
NILVALUE = "-"
BOM = "\ufeff"
_NAME_BAD = re.compile(r'[^\x21-\x7e]|[= \]"]')
_HEADER_BAD = re.compile(r"[^\x21-\x7e]")


def escape_param_value(value: str) -> str:
    """RFC 5424 6.3.3: inside PARAM-VALUE, ``"``, ``\\`` and ``]`` are escaped with ``\\``."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def unescape_param_value(value: str) -> str:
    return re.sub(r'\\(["\\\]])', r"\1", value)


def sd_name(name: str) -> str:
    """An SD-NAME: 1-32 printable ASCII characters except ``=``, space, ``]`` and ``"``."""
    cleaned = _NAME_BAD.sub("_", name)[:32]
    return cleaned or "_"


def _header(value: str | None, limit: int) -> str:
    if not value:
        return NILVALUE
    return _HEADER_BAD.sub("_", value)[:limit] or NILVALUE


def _timestamp(ts: datetime) -> str:
    ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def structured_data(sd_id: str, params: Mapping[str, Any]) -> str:
    if not params:
        return NILVALUE
    parts = [sd_name(sd_id)]
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            value = ",".join(str(v) for v in value)
        parts.append(f'{sd_name(key)}="{escape_param_value(str(value))}"')
    return "[" + " ".join(parts) + "]"


def format_message(
    msg: str,
    *,
    severity: str | int = "info",
    facility: int = FACILITY_AUTHPRIV,
    msgid: str | None = "alert",
    params: Mapping[str, Any] | None = None,
    sd_id: str = "amanah@32473",
    hostname: str | None = None,
    app_name: str = "amanah",
    procid: str | None = None,
    timestamp: datetime | None = None,
) -> str:
    """One RFC 5424 SYSLOG-MSG (without transport framing)."""
    level = severity if isinstance(severity, int) else SEVERITY.get(severity, 6)
    if not 0 <= facility <= 23 or not 0 <= level <= 7:
        raise ValueError("facility must be 0-23 and severity 0-7")
    header = " ".join(
        (
            f"<{facility * 8 + level}>1",
            _timestamp(timestamp or datetime.now(UTC)),
            _header(hostname or socket.gethostname(), 255),
            _header(app_name, 48),
            _header(procid or str(os.getpid()), 128),
            _header(msgid, 32),
            structured_data(sd_id, params or {}),
        )
    )
    return f"{header} {BOM}{msg}" if msg else header


def frame_octet_counting(message: bytes) -> bytes:
    """RFC 6587 3.4.1: ``MSG-LEN SP SYSLOG-MSG``."""
    return str(len(message)).encode() + b" " + message


class SyslogSender:
    """Sends RFC 5424 messages to one collector. TCP keeps one connection, reconnecting
    once on failure; UDP sends one datagram per message. Thread-safe; every wait bounded."""

    def __init__(
        self,
        host: str,
        port: int = 514,
        *,
        transport: str = "udp",
        facility: int = FACILITY_AUTHPRIV,
        sd_id: str = "amanah@32473",
        hostname: str | None = None,
        app_name: str = "amanah",
        timeout: float = 5.0,
        max_udp_bytes: int = 2048,
    ) -> None:
        if transport not in ("udp", "tcp"):
            raise ValueError("transport must be udp or tcp")
        self.host, self.port, self.transport = host, port, transport
        self.facility, self.sd_id, self.app_name = facility, sd_id, app_name
        self.hostname = hostname or socket.gethostname()
        self.timeout = timeout
        self.max_udp_bytes = max_udp_bytes
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def format(self, msg: str, **kwargs: Any) -> bytes:
        kwargs.setdefault("facility", self.facility)
        kwargs.setdefault("sd_id", self.sd_id)
        kwargs.setdefault("hostname", self.hostname)
        kwargs.setdefault("app_name", self.app_name)
        return format_message(msg, **kwargs).encode("utf-8")

    def send(self, msg: str, **kwargs: Any) -> None:
        """``send(text, severity=..., msgid=..., params={...})``; raises ``DeliveryFailed``."""
        data = self.format(msg, **kwargs)
        try:
            if self.transport == "udp":
                self._send_udp(data)
            else:
                self._send_tcp(frame_octet_counting(data))
        except OSError as exc:
            raise DeliveryFailed("the syslog collector could not be reached") from exc

    def send_alert(self, alert: Any, *, text: str | None = None, **extra: Any) -> None:
        """An alert (``id``, ``actor``, ``rule``, ``severity``, ``score``, ``event_ids``...)
        as one message whose SD-PARAMs carry its fields."""
        params = {
            "alert": getattr(alert, "id", None),
            "actor": getattr(alert, "actor", None),
            "rule": getattr(alert, "rule", None),
            "severity": getattr(alert, "severity", None),
            "score": getattr(alert, "score", None),
            "events": list(getattr(alert, "event_ids", ()) or ())[:20],
            **extra,
        }
        explanation = getattr(alert, "explanation", "") or ""
        self.send(
            text or explanation or f"alert {params['rule']}",
            severity=str(params["severity"] or "info"),
            msgid="alert",
            params=params,
        )

    def _send_udp(self, data: bytes) -> None:
        if len(data) > self.max_udp_bytes:  # RFC 5426 3.2: truncate rather than fragment
            data = data[: self.max_udp_bytes]
        with socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET,
                           socket.SOCK_DGRAM) as sock:  # fmt: skip
            sock.settimeout(self.timeout)
            sock.sendto(data, (self.host, self.port))

    def _send_tcp(self, framed: bytes) -> None:
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._sock is None:
                        self._sock = socket.create_connection(
                            (self.host, self.port), timeout=self.timeout
                        )
                    self._sock.sendall(framed)
                    return
                except OSError:
                    self.close_locked()
                    if attempt == 2:
                        raise

    def close_locked(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def close(self) -> None:
        with self._lock:
            self.close_locked()


def syslog_from_settings(settings: Any) -> SyslogSender | None:
    """``syslog_host`` (+ ``syslog_port``, ``syslog_transport``), or None when unset."""
    host = getattr(settings, "syslog_host", None)
    if not host:
        return None
    return SyslogSender(
        host,
        getattr(settings, "syslog_port", None) or 514,
        transport=getattr(settings, "syslog_transport", None) or "udp",
    )
