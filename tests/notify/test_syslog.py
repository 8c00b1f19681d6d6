"""RFC 5424 syslog over real UDP and TCP sockets on 127.0.0.1, parsed back strictly."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amanah.notify.errors import DeliveryFailed
from amanah.notify.syslog import (
    SyslogSender,
    escape_param_value,
    format_message,
    frame_octet_counting,
    structured_data,
    unescape_param_value,
)
from amanah.testing import free_port

# RFC 5424 section 6, strictly: header fields, one or more SD-ELEMENTs (escaped values), MSG
PARAM_VALUE = r'(?:[^"\\\]]|\\["\\\]])*'
SD_NAME = r"[!#-<>-\\^-~]{1,32}"  # printable US-ASCII except '=', ' ', ']', '"'
SD_PARAM = rf'{SD_NAME}="{PARAM_VALUE}"'
SD_ELEMENT = rf"\[{SD_NAME}(?: {SD_PARAM})*\]"
SYSLOG = re.compile(
    r"^<(?P<pri>\d{1,3})>1 "
    r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) "
    r"(?P<host>[!-~]{1,255}) (?P<app>[!-~]{1,48}) (?P<proc>[!-~]{1,128}) (?P<msgid>[!-~]{1,32}) "
    rf"(?P<sd>-|(?:{SD_ELEMENT})+)"
    r"(?: \ufeff(?P<msg>.*))?$",
    re.DOTALL,
)
PARAMS = re.compile(rf'({SD_NAME})="({PARAM_VALUE})"')


@dataclass
class Alert:
    id: str = "alr_1"
    actor: str = "agent-014"
    rule: str = "impossible_travel"
    severity: str = "high"
    score: float = 0.93
    explanation: str = 'Jakarta -> "Lagos" in 10 min [speed 9000 km/h] \\ far'
    event_ids: list[str] = field(default_factory=lambda: ["ev-1", "ev-2"])


def parse(text: str) -> dict:
    match = SYSLOG.match(text)
    assert match, f"not RFC 5424: {text!r}"
    params = {k: unescape_param_value(v) for k, v in PARAMS.findall(match["sd"])}
    return {**match.groupdict(), "params": params}


@pytest.fixture
def udp_server() -> Iterator[tuple[socket.socket, int]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    try:
        yield sock, sock.getsockname()[1]
    finally:
        sock.close()


class TcpCollector:
    """Reads RFC 6587 octet-counted frames: MSG-LEN SP SYSLOG-MSG, back to back."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.frames: list[bytes] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        buffer = b""
        with conn:
            conn.settimeout(5)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                while b" " in buffer:
                    length, _, rest = buffer.partition(b" ")
                    assert length.isdigit() and not length.startswith(b"0")
                    if len(rest) < int(length):
                        break
                    self.frames.append(rest[: int(length)])
                    buffer = rest[int(length) :]
        self.done.set()

    def close(self) -> None:
        self.server.close()


def test_udp_alert_parses_back_with_escaped_sd_params(udp_server) -> None:
    sock, port = udp_server
    sender = SyslogSender("127.0.0.1", port, transport="udp", hostname="amanah-1")
    alert = Alert()
    sender.send_alert(alert)
    data, _ = sock.recvfrom(65536)
    parsed = parse(data.decode("utf-8"))
    assert int(parsed["pri"]) == 10 * 8 + 3  # authpriv, err (high)
    assert parsed["host"] == "amanah-1" and parsed["app"] == "amanah"
    assert parsed["msgid"] == "alert" and parsed["proc"].isdigit()
    assert parsed["params"] == {
        "alert": "alr_1",
        "actor": "agent-014",
        "rule": "impossible_travel",
        "severity": "high",
        "score": "0.93",
        "events": "ev-1,ev-2",
    }
    assert parsed["sd"].startswith("[amanah@32473 ")
    assert parsed["msg"] == alert.explanation


def test_tcp_uses_octet_counting_and_keeps_one_connection() -> None:
    collector = TcpCollector()
    sender = SyslogSender("127.0.0.1", collector.port, transport="tcp", hostname="h")
    try:
        sender.send_alert(Alert(severity="critical"))
        sender.send("second\nline", severity="low", msgid="response", params={"x": "a]b"})
    finally:
        sender.close()
    assert collector.done.wait(5)
    collector.close()
    first, second = (parse(f.decode("utf-8")) for f in collector.frames)
    assert int(first["pri"]) == 82  # authpriv(10) * 8 + crit(2)
    assert int(second["pri"]) == 85 and second["msgid"] == "response"
    assert second["params"] == {"x": "a]b"} and second["msg"] == "second\nline"


def test_header_fields_and_timestamp() -> None:
    text = format_message(
        "",
        severity="info",
        facility=16,
        msgid="a very long message id that exceeds thirty-two chars",
        hostname="host with space",
        procid="42",
        timestamp=datetime(2026, 9, 1, 0, 5, 12, 3000, tzinfo=UTC),
        params={},
    )
    parsed = parse(text)
    assert parsed["pri"] == "134" and parsed["ts"] == "2026-09-01T00:05:12.003000Z"
    assert parsed["host"] == "host_with_space" and len(parsed["msgid"]) == 32
    assert parsed["sd"] == "-" and parsed["msg"] is None


def test_unreachable_tcp_collector_is_a_delivery_failure() -> None:
    sender = SyslogSender("127.0.0.1", free_port(), transport="tcp", timeout=1)
    with pytest.raises(DeliveryFailed):
        sender.send("x")


def test_octet_counting_counts_bytes_not_characters() -> None:
    assert frame_octet_counting("é".encode()) == b"2 \xc3\xa9"


@given(st.text())
def test_sd_param_escaping_round_trips_and_stays_inside_its_element(value: str) -> None:
    escaped = escape_param_value(value)
    assert unescape_param_value(escaped) == value
    element = structured_data("amanah@32473", {"v": value, "after": "ok"})
    match = re.fullmatch(SD_ELEMENT, element, re.DOTALL)
    assert match, element
    assert dict(PARAMS.findall(element)) == {"v": escaped, "after": "ok"}


@given(st.text(), st.text(min_size=1))
def test_any_param_name_and_value_make_a_valid_message(name: str, value: str) -> None:
    text = format_message("m", params={name: value}, hostname="h", procid="1")
    parsed = parse(text)
    assert list(parsed["params"].values()) == [value]
