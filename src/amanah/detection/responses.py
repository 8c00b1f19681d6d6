"""Automatic responses to alerts: a playbook per severity, every step audited and reversible.

    responder = install_responses(system)          # registers RevealBlock with the gate
    responses = responder.respond(alert)           # one Response per playbook action
    responder.undo(responses[0].id, officer)       # a security officer reverses one

Actions (``ACTIONS``):

``notify``        email (the notify mailer) to ``Playbook.notify_emails``, the signed webhook
                  and syslog (RFC 5424), whichever are configured. Nothing to undo.
``step_up``       ``identity.raise_requirement``: the agent must prove a fresh second factor,
                  used after the alert, before the gated actions. Undo lifts it (the
                  requirement's expiry is set to now).
``end_sessions``  ``identity.end_all_sessions``: the agent signs in again. Cannot be
                  undone (a session is not brought back); undo only records the verdict.
``lock``          ``identity.disable``: no sign-in, every session ended. Undo enables the
                  account again, unless it was disabled before the response.
``block_reveals`` ``RevealBlock``, a gate input, denies that principal's reveals while the
                  block is active. Undo lifts the block.

Every response and every undo is written to the audit trail (actor ``detection`` or the
officer; action ``detection.response.<action>`` or ``detection.response.undo``; the agent's
account id as subject; alert id, rule and severity as extras). A failing action (no such
account, mail server down) is recorded with outcome ``failed`` and never stops the others.

Storage: ``install_responses`` keeps the response register and the reveal blocks in the
database (``SqlResponseStore``: tables ``detection_responses`` and
``detection_reveal_blocks``), so an active block survives a restart and binds every
replica, and a response can be undone from any of them, once. ``RevealBlock`` costs one
indexed query per reveal. Step-up and lock live in identity's tables. ``MemoryResponseStore``
(this process only) is for unit tests.

Undo is a human verdict: only a signed-in security officer (``UNDO_ROLES``, staff, not a
service token) may undo, and never a response to an alert about their own account.

The alert is duck-typed (``AlertLike``): the detection engine defines the real class.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from amanah.access.gate import AccessRequest, Decision, Outcome, Principal
from amanah.audit.trail import Trail
from amanah.db import transaction, utcnow
from amanah.errors import AmanahError, Conflict, Forbidden, InvalidInput, NotFound
from amanah.ids import new_id

log = logging.getLogger(__name__)

ACTIONS = ("notify", "step_up", "end_sessions", "lock", "block_reveals")
SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")
REVERSIBLE = frozenset({"step_up", "lock", "block_reveals"})
SYSTEM_ACTOR = "detection"
UNDO_ROLES = frozenset({"security_officer"})


class AlertLike(Protocol):
    """What a response needs of an alert (the detection engine's class has more)."""

    @property
    def id(self) -> str: ...
    @property
    def actor(self) -> str: ...  # the staff account id the alert is about
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...  # low | medium | high | critical
    @property
    def score(self) -> float: ...
    @property
    def explanation(self) -> str: ...
    @property
    def event_ids(self) -> Sequence[str]: ...


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class AlertChannel(Protocol):
    """The webhook and syslog notifiers both offer this."""

    def send_alert(self, alert: Any, **extra: Any) -> Any: ...


# ---- the playbook ----------------------------------------------------------------------------


DEFAULT_ACTIONS: dict[str, tuple[str, ...]] = {
    "low": ("notify",),
    "medium": ("notify", "step_up"),
    "high": ("step_up", "end_sessions", "notify"),
    "critical": ("lock", "block_reveals", "notify"),
}


@dataclass(frozen=True)
class Playbook:
    """Which actions each severity triggers, and their parameters."""

    actions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    stepup_within_minutes: int = 0  # 0: a factor used after the alert
    stepup_duration: timedelta | None = timedelta(hours=12)
    stepup_actions: tuple[str, ...] | None = None  # None: every gated action
    block_duration: timedelta | None = None  # None: until an officer lifts it
    block_actions: frozenset[str] = frozenset({"reveal"})
    notify_emails: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for severity, actions in self.actions.items():
            if severity not in SEVERITY_ORDER:
                raise InvalidInput(f"unknown severity {severity!r} in the response playbook")
            unknown = set(actions) - set(ACTIONS)
            if unknown:
                raise InvalidInput(f"unknown response action(s): {', '.join(sorted(unknown))}")

    def for_severity(self, severity: str) -> tuple[str, ...]:
        actions = self.actions.get(severity, ())
        # a fixed order: contain first (lock, block), then step-up and sessions, notify last
        return tuple(a for a in ("lock", "block_reveals", "step_up", "end_sessions", "notify")
                     if a in actions)  # fmt: skip

    @classmethod
    def parse(cls, spec: str | Mapping[str, Iterable[str]], **kwargs: Any) -> Playbook:
        """``"low=notify; medium=notify,step_up; critical=lock,block_reveals,notify"`` or a
        mapping; severities not named keep no actions."""
        if isinstance(spec, str):
            mapping: dict[str, tuple[str, ...]] = {}
            for part in filter(None, (p.strip() for p in spec.split(";"))):
                severity, _, names = part.partition("=")
                mapping[severity.strip()] = tuple(
                    n.strip().replace("-", "_") for n in names.split(",") if n.strip()
                )
        else:
            mapping = {k: tuple(v) for k, v in spec.items()}
        return cls(actions=mapping, **kwargs)

    @classmethod
    def from_settings(cls, settings: Any) -> Playbook:
        """``response_playbook`` (the ``parse`` syntax) and ``alert_emails``, when the
        settings have them; the defaults otherwise."""
        spec = getattr(settings, "response_playbook", None)
        emails = tuple(getattr(settings, "alert_emails", None) or ())
        if spec:
            return cls.parse(spec, notify_emails=emails)
        return cls(notify_emails=emails)


# ---- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    id: str
    alert_id: str
    account_id: str
    action: str
    outcome: str  # done | failed | skipped
    at: datetime
    detail: Mapping[str, str] = field(default_factory=dict)
    undone_at: datetime | None = None
    undone_by: str | None = None

    @property
    def reversible(self) -> bool:
        return self.action in REVERSIBLE and self.outcome == "done" and self.undone_at is None


@dataclass(frozen=True)
class Block:
    account_id: str
    response_id: str
    reason: str
    at: datetime
    expires_at: datetime | None = None


class ResponseStore(Protocol):
    def add(self, response: Response) -> None: ...
    def get(self, response_id: str) -> Response | None: ...
    def replace(self, response: Response) -> None: ...
    def mark_undone(self, response_id: str, at: datetime, by: str) -> Response:
        """Atomically: NotFound, Conflict if already undone, else the undone response."""
        ...

    def for_alert(self, alert_id: str) -> list[Response]: ...
    def find(
        self, *, alert_id: str | None = None, account_id: str | None = None, limit: int = 100
    ) -> list[Response]:
        """Newest first."""
        ...

    def all(self) -> list[Response]: ...
    def add_block(self, block: Block) -> None: ...
    def remove_block(self, response_id: str) -> Block | None: ...
    def blocks_for(self, account_id: str) -> list[Block]: ...


class MemoryResponseStore:
    """In this process only: see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._responses: dict[str, Response] = {}
        self._blocks: dict[str, Block] = {}

    def add(self, response: Response) -> None:
        with self._lock:
            self._responses[response.id] = response

    def replace(self, response: Response) -> None:
        self.add(response)

    def get(self, response_id: str) -> Response | None:
        with self._lock:
            return self._responses.get(response_id)

    def mark_undone(self, response_id: str, at: datetime, by: str) -> Response:
        with self._lock:
            response = self._responses.get(response_id)
            if response is None:
                raise NotFound("no such response")
            if response.undone_at is not None:
                raise Conflict("the response was already undone")
            undone = self._responses[response_id] = replace(response, undone_at=at, undone_by=by)
            return undone

    def for_alert(self, alert_id: str) -> list[Response]:
        with self._lock:
            return sorted(
                (r for r in self._responses.values() if r.alert_id == alert_id), key=lambda r: r.id
            )

    def find(
        self, *, alert_id: str | None = None, account_id: str | None = None, limit: int = 100
    ) -> list[Response]:
        with self._lock:
            rows = [
                r
                for r in self._responses.values()
                if (alert_id is None or r.alert_id == alert_id)
                and (account_id is None or r.account_id == account_id)
            ]
        return sorted(rows, key=lambda r: r.id, reverse=True)[:limit]

    def all(self) -> list[Response]:
        with self._lock:
            return list(self._responses.values())

    def add_block(self, block: Block) -> None:
        with self._lock:
            self._blocks[block.response_id] = block

    def remove_block(self, response_id: str) -> Block | None:
        with self._lock:
            return self._blocks.pop(response_id, None)

    def blocks_for(self, account_id: str) -> list[Block]:
        with self._lock:
            return [b for b in self._blocks.values() if b.account_id == account_id]


# ---- the gate input ----------------------------------------------------------------------------


class RevealBlock:
    """Gate input (``DecisionInput``): DENY a blocked principal's reveals, abstain otherwise."""

    name = "detection.block"

    def __init__(
        self,
        store: ResponseStore | None = None,
        *,
        actions: frozenset[str] = frozenset({"reveal"}),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store: ResponseStore = store or MemoryResponseStore()
        self.actions = actions
        self.clock = clock

    def active(self, account_id: str) -> list[Block]:
        now = self.clock()
        return [
            b
            for b in self.store.blocks_for(account_id)
            if b.expires_at is None or b.expires_at > now
        ]

    def evaluate(self, request: AccessRequest) -> Decision | None:
        if request.action not in self.actions:
            return None
        blocks = self.active(request.principal.id)
        if not blocks:
            return None
        return Decision(
            Outcome.DENY,
            f"reveals are blocked by a security response ({blocks[0].reason})",
        )


# ---- the responder -----------------------------------------------------------------------------


class Responder:
    def __init__(
        self,
        identity: Any,
        trail: Trail,
        *,
        playbook: Playbook | None = None,
        blocks: RevealBlock | None = None,
        mailer: Mailer | None = None,
        webhook: AlertChannel | None = None,
        syslog: AlertChannel | None = None,
        undo_roles: frozenset[str] = UNDO_ROLES,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.identity = identity
        self.trail = trail
        self.playbook = playbook or Playbook()
        self.blocks = blocks or RevealBlock(actions=self.playbook.block_actions, clock=clock)
        self.store = self.blocks.store
        self.mailer = mailer
        self.webhook = webhook
        self.syslog = syslog
        self.undo_roles = undo_roles
        self.clock = clock
        self._lock = threading.Lock()
        self._handled: dict[str, set[str]] = {}  # alert id -> actions already taken

    # ---- respond --------------------------------------------------------------------------

    def respond(self, alert: AlertLike) -> list[Response]:
        """Run the playbook for the alert's severity. Each action runs once per alert id:
        an alert answered again (grouped evidence, a raised severity) gets only the actions
        its severity adds; returns the responses taken now."""
        with self._lock:
            taken = self._handled.get(str(alert.id))
            if taken is None:  # after a restart, the register knows what was done
                taken = {r.action for r in self.store.for_alert(str(alert.id))}
                self._handled[str(alert.id)] = taken
            todo = [a for a in self.playbook.for_severity(str(alert.severity)) if a not in taken]
            taken.update(todo)
        done: list[Response] = []
        for action in todo:
            done.append(self._run(action, alert, done))
        return done

    def _run(self, action: str, alert: AlertLike, so_far: list[Response]) -> Response:
        response_id = new_id("rsp")
        try:
            outcome, detail = getattr(self, f"_do_{action}")(response_id, alert, so_far)
        except AmanahError as exc:
            outcome, detail = "failed", {"error": exc.code}
        except Exception as exc:  # a response must never stop the next one
            log.exception("response action failed", extra={"action": action})
            outcome, detail = "failed", {"error": type(exc).__name__}
        response = Response(
            id=response_id,
            alert_id=str(alert.id),
            account_id=str(alert.actor),
            action=action,
            outcome=outcome,
            at=self.clock(),
            detail=detail,
        )
        self.store.add(response)
        self.trail.record(
            SYSTEM_ACTOR,
            f"detection.response.{action}",
            outcome,
            subject_ids=(response.account_id,),
            response_id=response.id,
            alert_id=response.alert_id,
            rule=str(alert.rule),
            severity=str(alert.severity),
            **{k: v for k, v in detail.items() if k not in {"response_id", "alert_id", "rule"}},
        )
        return response

    def _reason(self, alert: AlertLike) -> str:
        return f"alert {alert.id}: {alert.rule}"[:200]

    def _do_step_up(
        self, rid: str, alert: AlertLike, so_far: list[Response]
    ) -> tuple[str, dict[str, str]]:
        p = self.playbook
        requirement = self.identity.raise_requirement(
            alert.actor,
            within_minutes=p.stepup_within_minutes,
            actions=p.stepup_actions,
            reason=self._reason(alert),
            duration=p.stepup_duration,
        )
        return "done", {"requirement_id": requirement}

    def _do_end_sessions(
        self, rid: str, alert: AlertLike, so_far: list[Response]
    ) -> tuple[str, dict[str, str]]:
        if any(r.action == "lock" and r.outcome == "done" for r in so_far):
            return "skipped", {"why": "lock-ended-sessions"}
        ended = self.identity.end_all_sessions(alert.actor, reason="detection-response")
        return "done", {"sessions_ended": str(ended)}

    def _do_lock(
        self, rid: str, alert: AlertLike, so_far: list[Response]
    ) -> tuple[str, dict[str, str]]:
        if self.identity.account(alert.actor).status == "disabled":
            return "skipped", {"why": "already-disabled"}
        ended = self.identity.disable(alert.actor, actor_id=SYSTEM_ACTOR)
        return "done", {"sessions_ended": str(ended)}

    def _do_block_reveals(
        self, rid: str, alert: AlertLike, so_far: list[Response]
    ) -> tuple[str, dict[str, str]]:
        now = self.clock()
        duration = self.playbook.block_duration
        block = Block(
            account_id=str(alert.actor),
            response_id=rid,
            reason=self._reason(alert),
            at=now,
            expires_at=now + duration if duration is not None else None,
        )
        self.store.add_block(block)
        detail = {"expires_at": block.expires_at.isoformat()} if block.expires_at else {}
        return "done", detail

    def _do_notify(
        self, rid: str, alert: AlertLike, so_far: list[Response]
    ) -> tuple[str, dict[str, str]]:
        taken = ",".join(f"{r.action}:{r.outcome}" for r in so_far) or "none"
        channels: dict[str, str] = {}
        if self.mailer is not None and self.playbook.notify_emails:
            subject, body = self._email(alert, so_far)
            channels["email"] = self._try(
                lambda: [self.mailer.send(to, subject, body) for to in self.playbook.notify_emails]  # type: ignore[union-attr]
            )
        for name, channel in (("webhook", self.webhook), ("syslog", self.syslog)):
            if channel is not None:
                send = channel.send_alert
                channels[name] = self._try(lambda send=send: send(alert, responses=taken))
        if not channels:
            return "skipped", {"why": "no-channel-configured"}
        outcome = "done" if all(v == "sent" for v in channels.values()) else "failed"
        return outcome, {f"via_{k}": v for k, v in channels.items()}

    @staticmethod
    def _try(send: Callable[[], object]) -> str:
        try:
            send()
        except AmanahError as exc:
            return exc.code
        except Exception as exc:
            log.warning("notification failed", exc_info=True)
            return type(exc).__name__
        return "sent"

    def _email(self, alert: AlertLike, so_far: list[Response]) -> tuple[str, str]:
        subject = f"[Amanah] {str(alert.severity).upper()} alert: {alert.rule} ({alert.actor})"
        lines = [
            f"Alert {alert.id}",
            f"Agent account: {alert.actor}",
            f"Rule: {alert.rule}",
            f"Severity: {alert.severity}  score: {float(alert.score):.2f}",
            "",
            str(alert.explanation),
            "",
            "Evidence events: " + (", ".join(list(alert.event_ids)[:20]) or "none"),
            "Automatic responses: "
            + (", ".join(f"{r.action} ({r.outcome}, {r.id})" for r in so_far) or "none"),
            "",
            "A security officer can review and undo each response in the Amanah console.",
        ]
        return subject, "\n".join(lines)

    # ---- undo -----------------------------------------------------------------------------

    def _check_officer(self, officer: Principal) -> None:
        if officer.kind != "staff" or officer.role not in self.undo_roles:
            raise Forbidden("only a security officer can undo an automatic response")

    def undo(self, response_id: str, officer: Principal) -> Response:
        """Reverse one response; the officer and the outcome are audited."""
        self._check_officer(officer)
        response = self.store.get(response_id)
        if response is None:
            raise NotFound("no such response")
        if response.account_id == officer.id:
            raise Forbidden("a response to an alert about yourself is for another officer")
        undone = self.store.mark_undone(response_id, self.clock(), officer.id)
        try:
            outcome = self._reverse(response, officer)
        except Exception:
            self.store.replace(response)  # not undone: it can be tried again
            self.trail.record(
                officer.id, "detection.response.undo", "failed",
                subject_ids=(response.account_id,), response_id=response.id,
                alert_id=response.alert_id, response_action=response.action,
            )  # fmt: skip
            raise
        self.trail.record(
            officer.id,
            "detection.response.undo",
            outcome,
            subject_ids=(response.account_id,),
            response_id=response.id,
            alert_id=response.alert_id,
            response_action=response.action,
        )
        return undone

    def undo_alert(self, alert_id: str, officer: Principal) -> list[Response]:
        """Undo every response to one alert not undone yet (a false-positive verdict).

        One that fails (identity unreachable...) is audited as failed, stays undoable and
        does not stop the others; one undone meanwhile by someone else is passed over.
        Returns the responses undone now."""
        self._check_officer(officer)
        undone: list[Response] = []
        for response in self.store.for_alert(alert_id):
            if response.undone_at is not None:
                continue
            try:
                undone.append(self.undo(response.id, officer))
            except Conflict:
                continue
            except Forbidden:
                raise
            except Exception:
                log.warning("undoing a response failed", extra={"action": response.action})
        return undone

    def _reverse(self, response: Response, officer: Principal) -> str:
        if response.outcome != "done":
            return "nothing-to-undo"
        if response.action == "step_up":
            self._lift_requirement(response.detail["requirement_id"])
            return "ok"
        if response.action == "lock":
            if self.identity.account(response.account_id).status == "disabled":
                self.identity.enable(response.account_id, actor_id=officer.id)
            return "ok"
        if response.action == "block_reveals":
            self.store.remove_block(response.id)
            return "ok"
        return "not-reversible"  # notify, end_sessions: the verdict is recorded

    def _lift_requirement(self, requirement_id: str) -> None:
        # identity has no "lift" call yet: end the requirement by expiring it now
        from amanah.identity.models import StepUpRequirement

        now = self.identity.clock()
        with transaction(self.identity.factory) as s:
            row = s.get(StepUpRequirement, requirement_id)
            if row is not None and (row.expires_at is None or row.expires_at > now):
                row.expires_at = now

    # ---- queries --------------------------------------------------------------------------

    def responses(
        self, *, alert_id: str | None = None, account_id: str | None = None
    ) -> list[Response]:
        rows = self.store.for_alert(alert_id) if alert_id else self.store.all()
        if account_id is not None:
            rows = [r for r in rows if r.account_id == account_id]
        return sorted(rows, key=lambda r: r.id)


def install_responses(system: Any, playbook: Playbook | None = None, **kwargs: Any) -> Responder:
    """Build the responder from the system's settings, its register in the system's database
    (unless ``blocks`` brings another store), register ``RevealBlock`` with the gate and keep
    the responder in ``system.extras["responder"]``."""
    from amanah.detection.response_store import SqlResponseStore
    from amanah.notify.email import mailer_from_settings
    from amanah.notify.syslog import syslog_from_settings
    from amanah.notify.webhook import webhook_from_settings

    settings = system.settings
    playbook = playbook or Playbook.from_settings(settings)
    if "blocks" not in kwargs:
        store = SqlResponseStore(system.factory)
        kwargs["blocks"] = RevealBlock(
            store, actions=playbook.block_actions, clock=kwargs.get("clock", utcnow)
        )
    kwargs.setdefault("mailer", mailer_from_settings(settings))
    kwargs.setdefault("webhook", webhook_from_settings(settings))
    kwargs.setdefault("syslog", syslog_from_settings(settings))
    responder = Responder(system.identity, system.trail, playbook=playbook, **kwargs)
    system.gate.register(responder.blocks)
    system.extras["responder"] = responder
    return responder


class ResponseQueue:
    """An alert sink that answers alerts on its own thread.

    Responses call identity, which publishes events that the detector consumes:
    answering inline would re-enter the detector while it holds its lock, and
    would make the request that raised the alert wait for emails and webhooks.
    """

    def __init__(self, respond: Callable[[Any], object]) -> None:
        self._respond = respond
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="amanah-responses", daemon=True)
        self._thread.start()

    def on_alert(self, alert: Any) -> None:
        self._queue.put(alert)

    def _run(self) -> None:
        while True:
            alert = self._queue.get()
            try:
                self._respond(alert)
            except Exception:
                log.exception("responding to an alert failed")
