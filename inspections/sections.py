"""Extension points: other domains add sections to the inspection and establishment pages.

A section is an async callable (request, principal, row) -> dict | None. The dict has
"template" (a template to include) and any context it needs; None means nothing to show to
this person. The inspection page passes the inspection row; the establishment page the
establishment row. Each section applies its own access rules.
"""

from __future__ import annotations

INSPECTION_SECTIONS: list = []
ESTABLISHMENT_SECTIONS: list = []


async def gather(sections: list, request, principal, row) -> list[dict]:
    shown = []
    for section in sections:
        result = await section(request, principal, row)
        if result:
            shown.append(result)
    return shown
