"""What a domain adds to the shell, declared as one `Domain` value (its domain.py), and the
registries the shell's pages read. tracker.wiring fills the registries once, from every domain's
declaration; nothing registers itself when it is imported.

A home panel is an async callable (request, principal) -> dict | None: a dict with "title",
"template" and its context, or None when there is nothing for this person. A section is an async
callable (request, principal, row) -> dict | None with "template" and its context; the inspection
page passes the inspection row, the establishment page the establishment row. Each panel and
section applies its own access rules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from tracker.navigation import NavItem

Panel = Callable[..., Awaitable[dict | None]]


@dataclass(frozen=True)
class Domain:
    """Everything one domain adds: its pages, API, navigation, home panels (placed by
    `home_order`, lowest first), sections of the inspection and establishment pages, `tracker`
    subcommands, policy table (action -> grants, tracker.policy) and demo data loaders
    (`demo_places` before the demo users are made, `demo` after); the domain that owns the
    establishments gives `establishments`; `retained`: its rows `tracker retention` removes;
    `template_globals`: functions templates may call (e.g. a rule's wording from the rule table);
    `fact_writers`: the operation that records each fact the domain owns (fact key -> an async
    callable (actor, inspection_id, fact input, today)), reached by the generic fact operation
    and so by the API's events route; `jobs`: what the job runner starts every day (tracker.jobs)."""

    name: str
    routes: Sequence = ()
    api_routes: Sequence = ()
    navigation: Sequence[NavItem] = ()
    home_panels: Sequence[Panel] = ()
    home_order: int = 50
    inspection_sections: Sequence[Panel] = ()
    establishment_sections: Sequence[Panel] = ()
    commands: Sequence = ()
    policy: Mapping[str, Iterable[Any]] = field(default_factory=dict)
    demo_places: Callable[[], Awaitable[None]] | None = None
    demo: Callable[[], Awaitable[None]] | None = None
    establishments: Establishments | None = None
    retained: Sequence[Retained] = ()
    fact_writers: Mapping[str, Callable[..., Awaitable[Any]]] = field(default_factory=dict)
    template_globals: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    jobs: Sequence[Job] = ()
    audit_subjects: Mapping[str, AuditSubjects] = field(default_factory=dict)
    """object type (as audit rows name it) -> how the audit log names and finds those rows"""


@dataclass(frozen=True)
class Job:
    """A job the runner (tracker.jobs) starts once a day, from `at` o'clock in London, on one
    worker only. `run(today)` does the work and returns a line saying what it did."""

    name: str
    description: str
    at: time
    run: Callable[[date], Awaitable[str]]


@dataclass(frozen=True)
class Retained:
    """Rows of a domain's table kept `days` after the moment in `column`, then deleted by
    `tracker retention` in its one transaction, counted in its output and its audit row."""

    label: str  # as the output names them: "sent reminders"
    table: Any  # a Piccolo table
    column: str  # a timestamp column of it
    days: int


@dataclass(frozen=True)
class Establishments:
    """How the shell reaches the establishments people are scoped to; the domain that owns
    establishments gives these (sign-in, user administration, `tracker user`, the demo users)."""

    members_of: Callable[[int], Awaitable[set[int]]]  # a user's establishments
    of_prison_group: Callable[[str], Awaitable[set[int]]]  # every establishment of a prison group
    set_members: Callable[[int, list[int]], Awaitable[None]]  # a user belongs to these, no others
    choices: Callable[[], Awaitable[list[dict]]]  # active establishments for a form: value, text
    count: Callable[[list[int]], Awaitable[int]]  # how many of these ids are establishments
    id_for: Callable[[str], Awaitable[int | None]]  # an establishment's id by its full name


_establishments: list[Establishments] = []


def provide_establishments(given: Establishments) -> None:
    _establishments[:] = [given]


def establishments() -> Establishments:
    if not _establishments:
        raise RuntimeError("No domain gives the establishments: tracker.wiring.wire() has not run")
    return _establishments[0]


class Registry:
    """An ordered list that holds each entry once, however often it is added."""

    def __init__(self) -> None:
        self._entries: list[tuple[int, Any]] = []

    def add(self, entry: Any, order: int = 0) -> None:
        if all(existing is not entry for _, existing in self._entries):
            self._entries.append((order, entry))
            self._entries.sort(key=lambda pair: pair[0])  # stable: equal orders keep their sequence

    def __iter__(self):
        return (entry for _, entry in self._entries)

    def __len__(self) -> int:
        return len(self._entries)


HOME_PANELS = Registry()
INSPECTION_SECTIONS = Registry()
ESTABLISHMENT_SECTIONS = Registry()
DEMO_PLACES = Registry()
DEMO_LOADERS = Registry()
RETAINED = Registry()
JOBS = Registry()


async def gather(sections: Iterable[Panel], request, principal, *row) -> list[dict]:
    """What each panel or section has to show this person, in order; those with nothing left out."""
    shown = []
    for section in sections:
        result = await section(request, principal, *row)
        if result:
            shown.append(result)
    return shown


_fact_writers: dict[str, Callable[..., Awaitable[Any]]] = {}


def provide_fact_writers(writers: Mapping[str, Callable[..., Awaitable[Any]]]) -> None:
    """Each fact has exactly one writing operation: a second one for the same fact is an error."""
    for fact, writer in writers.items():
        if _fact_writers.get(fact, writer) is not writer:
            raise ValueError(f"fact {fact!r} has two writing operations")
        _fact_writers[fact] = writer


def fact_writer(fact: str) -> Callable[..., Awaitable[Any]] | None:
    """The domain operation that records this fact, or None when the generic one does."""
    return _fact_writers.get(fact)


TEMPLATE_GLOBALS: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class AuditSubjects:
    """How the audit log names the rows of one object type, with a link for a person who may open
    them, and finds them by name; the domain that owns the rows gives these."""

    # (principal, ids) -> {id: (name, a link if this person may open it, else "")}
    names: Callable[[Any, list[int]], Awaitable[dict[int, tuple[str, str]]]]
    # words -> a query (not run: a Select of one column, the id) of the rows whose name holds
    # these words; the audit log's search runs it as a subquery of its own
    matching: Callable[[str], Any]


AUDIT_SUBJECTS: dict[str, AuditSubjects] = {}
