"""How late a deadline was met, in the words every page uses."""

from __future__ import annotations

from collections.abc import Mapping


def late_by(milestone: Mapping) -> str:
    """How late a milestone done late was: "3 working days"; or "1 day" for a deadline counted in
    calendar days met on a day that is not a working day just after it (the urgent notification
    letter sent on the Saturday after its Friday), never "0 working days"."""
    working = milestone["working_days"] or 0
    if working:
        return f"{working} working {'day' if working == 1 else 'days'}"
    days = (milestone["done_on"] - milestone["due"]).days
    return f"{days} {'day' if days == 1 else 'days'}"
