"""What stands in an inspection's history: events are never edited, a correction supersedes the
event it corrects. The one place that says which events still stand."""

from __future__ import annotations

from collections.abc import Iterable


def standing(events: Iterable[dict]) -> list[dict]:
    """The events no later correction superseded, in the order they were recorded."""
    events = list(events)
    superseded = {e["supersedes"] for e in events if e.get("supersedes")}
    return sorted((e for e in events if e["id"] not in superseded), key=lambda e: e["id"])
