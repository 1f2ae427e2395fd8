"""Operations: the one way anything changes (ARCHITECTURE.md, "A request, end to end").

An operation checks who may (tracker.policy), checks the change against the workflow, writes,
refreshes the stored milestones and writes its audit row, all in ONE transaction (`change`).
It returns a result or raises one of three answers every adapter maps the same way:

- `Refused(errors)`: the input cannot be accepted; field → GOV.UK message (a page shows them all
  in its error summary, the API answers 422). `state=True` when the history or the state of the
  record is what refuses it, not the input alone (the API answers 409).
- `Conflict(current)`: someone else changed the record first; `current` is what is there now
  (the page shows the conflict, the API answers 409).
- `Denied`: this person may not do this to this record (403, audited).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from tracker import audit
from tracker.db import write_transaction
from tracker.principal import Principal


class Refused(ValueError):
    """The change cannot be made as asked. `errors` maps each field to a message for a person."""

    def __init__(self, errors: dict[str, str] | str, field: str = "", *, state: bool = False) -> None:
        if isinstance(errors, str):
            errors = {field: errors}
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)
        self.state = state

    @property
    def field(self) -> str:
        return next(iter(self.errors), "")

    @property
    def message(self) -> str:
        return next(iter(self.errors.values()), "")


class Conflict(Exception):
    """Someone else changed the record first (optimistic locking): carries the current values."""

    def __init__(self, current: dict | None = None, message: str = "changed by someone else") -> None:
        super().__init__(message)
        self.current = current or {}


class Denied(Exception):
    """This person may not do this to this record."""

    def __init__(self, action: str, message: str = "You cannot do this") -> None:
        super().__init__(message)
        self.action = action


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, and the request it came in (for the audit row), if any.
    A command or the demo data acts as the system: `principal` None, `name` says which."""

    principal: Principal | None
    request: object | None = None
    name: str = ""
    for_user: int | None = None
    """A command or the demo data recording in a user's name (no policy check: it is the system)."""

    @classmethod
    def system(cls, name: str, for_user: int | None = None) -> Actor:
        return cls(None, None, name, for_user)

    @property
    def user_id(self) -> int | None:
        return self.principal.user_id if self.principal else self.for_user


@dataclass
class AuditEntry:
    """What the audit row of a change says; the operation fills in what it learns on the way."""

    action: str
    object_type: str = ""
    object_id: object = ""
    detail: str = ""
    extra: list[str] = field(default_factory=list)


@asynccontextmanager
async def change(
    actor: Actor, action: str, *, object_type: str = "", object_id: object = "", detail: str = ""
) -> AsyncIterator[AuditEntry]:
    """One transaction around an operation's writes, its milestone refresh and its audit row.
    A denial raised inside rolls everything back and is audited on its own."""
    import piccolo_conf

    entry = AuditEntry(action, object_type, object_id, detail)
    if _came_through_api(actor):
        entry.extra.append("api")
    try:
        async with write_transaction(piccolo_conf.DB):
            yield entry
            await _audit(actor, entry)
    except Denied:
        await audit.record(
            "denied",
            request=actor.request,
            principal=actor.principal,
            object_type=entry.object_type,
            object_id=entry.object_id,
            outcome="denied",
            detail=action,
        )
        raise


def _came_through_api(actor: Actor) -> bool:
    scope = getattr(actor.request, "scope", None) or {}
    return str(scope.get("path", "")).startswith("/api/")


async def _audit(actor: Actor, entry: AuditEntry) -> None:
    await audit.record(
        entry.action,
        request=actor.request,
        principal=actor.principal,
        object_type=entry.object_type,
        object_id=entry.object_id,
        detail=" ".join(filter(None, [entry.detail, *entry.extra])),
        actor=actor.name,
    )
