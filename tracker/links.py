"""The one rule for a link a person gives (a published report, a response): http(s) only."""

from __future__ import annotations

from tracker.templating import safe_href

LINK_LIMIT = 500
EXAMPLE = "https://hmiprisons.justiceinspectorates.gov.uk/..."


def link_problem(link: str) -> str | None:
    if len(link) > LINK_LIMIT:
        return f"The link must be {LINK_LIMIT} characters or fewer"
    if not (safe_href(link) and link.lower().startswith(("https://", "http://"))):
        return f"Enter the link in the correct format, like {EXAMPLE}"
    return None
