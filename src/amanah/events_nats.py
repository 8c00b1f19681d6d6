"""The activity bus over NATS JetStream: several server replicas publish, one detector reads.

``NatsBus`` implements the ``EventBus`` protocol of ``amanah.events`` for a system that runs
more than one ``amanah serve`` replica:

- ``publish(event)`` sends the event as JSON to ``<prefix>.<action>`` (for example
  ``amanah.activity.field.reveal``) and waits, bounded by ``publish_timeout``, for the
  stream's acknowledgement: when it returns, the event is stored on the server. The event
  id is the ``Nats-Msg-Id``, so a retried publish is stored once (JetStream's duplicate
  window). A publish that cannot be stored raises ``BusUnavailable``.
- ``subscribe(handler)`` reads through a *durable* pull consumer (``durable``, the same
  name on every replica): the consumer keeps its position on the server, so events
  published while the detector is down are delivered when it comes back, and replicas
  sharing the durable name share the work instead of each seeing everything. Each
  message is acknowledged only after the handler returned; a handler that raises gets
  the message again (after ``retry_delay``) up to ``max_deliver`` times, then it is
  logged and dropped.
- The stream (``stream``, subjects ``<prefix>.>``) is created if absent.

The rest of Amanah is synchronous, so the asyncio client runs on one background thread
with its own event loop; every public method is thread-safe and every wait is bounded.
Handlers run on one worker thread per subscription (in order), never on the loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from amanah.errors import Unavailable
from amanah.events import ActivityEvent, Handler

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_SERVERS = "nats://127.0.0.1:4222"
DEFAULT_STREAM = "AMANAH_ACTIVITY"
DEFAULT_PREFIX = "amanah.activity"
DEFAULT_DURABLE = "amanah-detector"

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class BusUnavailable(Unavailable):
    code = "event-bus-unavailable"
    title = "The event bus could not store the event"


def subject_for(prefix: str, action: str) -> str:
    """``amanah.activity.customer.view``: the action's dots become subject tokens; any
    character NATS forbids in a token (space, ``*``, ``>``...) becomes ``_``."""
    tokens = [_UNSAFE.sub("_", t) or "_" for t in action.split(".")]
    return f"{prefix}.{'.'.join(tokens) or '_'}"


def encode_event(event: ActivityEvent) -> bytes:
    data = event.to_json()
    data["v"] = 1
    return json.dumps(data, separators=(",", ":"), default=str).encode()


def decode_event(payload: bytes) -> ActivityEvent:
    data = json.loads(payload)
    data.pop("v", None)
    ts = data.pop("ts", None)
    fields = data.pop("fields", ())
    known = {
        "action", "actor", "id", "severity", "customer_id", "interaction_id",
        "outcome", "request_id", "ip", "extra",
    }  # fmt: skip
    kwargs = {k: v for k, v in data.items() if k in known}
    unknown = {k: v for k, v in data.items() if k not in known}
    if unknown:  # a newer publisher's field: keep it rather than lose it
        kwargs["extra"] = {**unknown, **kwargs.get("extra", {})}
    if ts is not None:
        kwargs["ts"] = datetime.fromisoformat(ts)
    return ActivityEvent(fields=tuple(fields), **kwargs)


@dataclass
class _Subscription:
    handler: Handler
    durable: str
    task: asyncio.Future[None] | None = None
    worker: ThreadPoolExecutor | None = None


class NatsBus:
    """``EventBus`` over NATS JetStream. ``start()`` connects (``connect=True`` does it in the
    constructor); ``close()`` stops consumers after their current event and disconnects."""

    def __init__(
        self,
        servers: str | list[str] = DEFAULT_SERVERS,
        *,
        stream: str = DEFAULT_STREAM,
        subject_prefix: str = DEFAULT_PREFIX,
        durable: str = DEFAULT_DURABLE,
        name: str = "amanah",
        connect_timeout: float = 5.0,
        publish_timeout: float = 5.0,
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        retry_delay: float = 1.0,
        batch: int = 100,
        fetch_timeout: float = 1.0,
        max_age: timedelta | None = timedelta(days=7),
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        tls: Any = None,
        connect: bool = True,
    ) -> None:
        self.servers = [servers] if isinstance(servers, str) else list(servers)
        self.stream = stream
        self.subject_prefix = subject_prefix.rstrip(".")
        self.durable = durable
        self.name = name
        self.connect_timeout = connect_timeout
        self.publish_timeout = publish_timeout
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay
        self.batch = batch
        self.fetch_timeout = fetch_timeout
        self.max_age = max_age
        self._auth = {"user": user, "password": password, "token": token, "tls": tls}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._nc: Any = None
        self._js: Any = None
        self._subs: list[_Subscription] = []
        self._lock = threading.Lock()
        self._closing = False
        self._stop: asyncio.Event | None = None
        if connect:
            self.start()

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._nc is not None and bool(self._nc.is_connected)

    def start(self) -> None:
        with self._lock:
            if self._loop is not None:
                return
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=self._run_loop, args=(loop,), name="amanah-nats", daemon=True
            )
            thread.start()
            self._loop, self._thread = loop, thread
        try:
            self._call(self._connect(), self.connect_timeout * 2 + 5)
        except BaseException:
            self._stop_loop()
            with self._lock:
                self._loop = self._thread = None
            raise

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()
        loop.close()

    async def _connect(self) -> None:
        import nats

        options: dict[str, Any] = {
            "servers": self.servers,
            "name": self.name,
            "connect_timeout": self.connect_timeout,
            "allow_reconnect": True,
            "max_reconnect_attempts": -1,
            "reconnect_time_wait": 1,
        }
        options.update({k: v for k, v in self._auth.items() if v is not None})
        try:
            # the client retries an unreachable server forever (by our reconnect options):
            # bound the first connection here
            self._nc = await asyncio.wait_for(
                nats.connect(**options, error_cb=self._on_error), self.connect_timeout
            )
        except Exception as exc:
            raise BusUnavailable("the NATS server could not be reached") from exc
        self._js = self._nc.jetstream(timeout=self.publish_timeout)
        self._stop = asyncio.Event()
        try:
            await self._ensure_stream()
        except Exception as exc:
            with contextlib.suppress(Exception):
                await self._nc.close()
            raise BusUnavailable("the event stream could not be found or created") from exc

    @staticmethod
    async def _on_error(exc: Exception) -> None:
        log.warning("NATS connection error: %s", type(exc).__name__)

    async def _ensure_stream(self) -> None:
        from nats.js.api import StorageType, StreamConfig
        from nats.js.errors import NotFoundError

        try:
            await self._js.stream_info(self.stream)
            return
        except NotFoundError:
            pass
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.subject_prefix}.>"],
            storage=StorageType.FILE,
            max_age=self.max_age.total_seconds() if self.max_age else None,
        )
        try:
            await self._js.add_stream(config)
        except Exception:  # another replica created it at the same moment
            await self._js.stream_info(self.stream)

    def close(self, timeout: float = 10.0) -> None:
        """Stop consuming (after the event in hand, which is acknowledged), then disconnect."""
        with self._lock:
            if self._loop is None or self._closing:
                return
            self._closing = True
        try:
            self._call(self._shutdown(timeout - 1.0), timeout, closing=True)
        except Exception:
            log.warning("NATS bus did not shut down cleanly", exc_info=True)
        finally:
            for sub in self._subs:
                if sub.worker is not None:
                    sub.worker.shutdown(wait=False, cancel_futures=True)
            self._stop_loop()

    async def _shutdown(self, budget: float) -> None:
        if self._stop is not None:
            self._stop.set()
        tasks = [s.task for s in self._subs if s.task is not None]
        if tasks:  # each loop ends after its current fetch and event (fetch_timeout bounds it)
            _, late = await asyncio.wait(tasks, timeout=max(budget / 2, self.fetch_timeout + 1))
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._nc.drain(), self.publish_timeout)
            with contextlib.suppress(Exception):
                await self._nc.close()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5.0)

    def __enter__(self) -> NatsBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float, *, closing: bool = False) -> T:
        loop = self._loop
        if loop is None or (self._closing and not closing):
            coro.close()
            raise BusUnavailable("the event bus is not running")
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("NatsBus methods must not be called from its own event loop")
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout)
        except TimeoutError as exc:
            future.cancel()
            raise BusUnavailable("the event bus did not answer in time") from exc

    # ---- EventBus -------------------------------------------------------------------------

    def publish(self, event: ActivityEvent) -> None:
        """Store the event in the stream; returns once JetStream acknowledged it."""
        self._call(self._publish(event), self.publish_timeout + 1.0)

    async def _publish(self, event: ActivityEvent) -> None:
        try:
            await self._js.publish(
                subject_for(self.subject_prefix, event.action),
                encode_event(event),
                timeout=self.publish_timeout,
                stream=self.stream,
                headers={"Nats-Msg-Id": event.id},
            )
        except Exception as exc:
            raise BusUnavailable("the event could not be stored in the stream") from exc

    def subscribe(self, handler: Handler, *, durable: str | None = None) -> None:
        """Deliver every event of the stream to ``handler`` through the durable consumer
        ``durable`` (the bus's default name if None). Every replica that subscribes with
        the same name shares one position: each event is handled once across them."""
        name = durable or self.durable
        if any(s.durable == name for s in self._subs):
            raise ValueError(f"this bus already consumes through the durable {name!r}")
        sub = _Subscription(handler, name)
        sub.worker = ThreadPoolExecutor(1, thread_name_prefix=f"amanah-nats-{name}")
        self._call(self._subscribe(sub), self.connect_timeout + self.publish_timeout)
        self._subs.append(sub)

    async def _subscribe(self, sub: _Subscription) -> None:
        from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

        config = ConsumerConfig(
            durable_name=sub.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
        )
        try:
            psub = await self._js.pull_subscribe(
                f"{self.subject_prefix}.>", durable=sub.durable, stream=self.stream, config=config
            )
        except Exception as exc:
            raise BusUnavailable("the durable consumer could not be bound") from exc
        sub.task = asyncio.ensure_future(self._consume(sub, psub))

    async def _consume(self, sub: _Subscription, psub: Any) -> None:
        from nats.errors import TimeoutError as NatsTimeout

        loop = asyncio.get_running_loop()
        stop = self._stop
        assert stop is not None
        while not stop.is_set():
            try:
                messages = await psub.fetch(self.batch, timeout=self.fetch_timeout)
            except NatsTimeout:
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("fetch from the durable consumer failed; retrying", exc_info=True)
                await asyncio.sleep(1.0)
                continue
            for index, msg in enumerate(messages):
                if stop.is_set():
                    # stopping: hand back what was fetched but not handled, for redelivery now
                    for rest in messages[index:]:
                        with contextlib.suppress(Exception):
                            await rest.nak()
                    return
                await self._handle(loop, sub, msg)
        with contextlib.suppress(Exception):
            await psub.unsubscribe()

    async def _handle(self, loop: asyncio.AbstractEventLoop, sub: _Subscription, msg: Any) -> None:
        try:
            event = decode_event(msg.data)
        except Exception:
            log.error("undecodable activity event dropped", extra={"subject": msg.subject})
            await msg.term()
            return
        # the handler runs to completion even if we are cancelled meanwhile, then is acked
        work = loop.run_in_executor(sub.worker, sub.handler, event)
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(work), self.ack_wait)
                await msg.ack()
            raise
        except Exception:
            delivered = msg.metadata.num_delivered if msg.metadata else 0
            if delivered >= self.max_deliver:
                log.exception(
                    "event consumer failed; giving up on the event",
                    extra={"action": event.action, "event_id": event.id},
                )
                await msg.term()
            else:
                log.exception(
                    "event consumer failed; the event will be delivered again",
                    extra={"action": event.action, "event_id": event.id},
                )
                await msg.nak(delay=self.retry_delay)
            return
        await msg.ack()

    # ---- administration (tests, `amanah` tooling) -------------------------------------

    def delete_consumer(self, durable: str | None = None) -> None:
        self._call(self._js.delete_consumer(self.stream, durable or self.durable), 10.0)

    def delete_stream(self) -> None:
        self._call(self._js.delete_stream(self.stream), 10.0)

    def pending(self, durable: str | None = None) -> int:
        """Events stored but not yet acknowledged by the durable consumer."""
        info = self._call(self._js.consumer_info(self.stream, durable or self.durable), 10.0)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)


def nats_bus_from_settings(settings: Any, **kwargs: Any) -> NatsBus:
    """A connected ``NatsBus`` from ``settings.nats_url`` (and optional ``nats_stream``,
    ``nats_subject_prefix``, ``nats_durable``, ``nats_token``)."""
    token = getattr(settings, "nats_token", None)
    if token is not None and hasattr(token, "get_secret_value"):
        token = token.get_secret_value()
    servers = [s.strip() for s in str(settings.nats_url).split(",") if s.strip()]
    return NatsBus(
        servers,
        stream=getattr(settings, "nats_stream", None) or DEFAULT_STREAM,
        subject_prefix=getattr(settings, "nats_subject_prefix", None) or DEFAULT_PREFIX,
        durable=getattr(settings, "nats_durable", None) or DEFAULT_DURABLE,
        token=token,
        **kwargs,
    )
