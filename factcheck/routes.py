"""The factcheck domain's pages (ROUTES, from factcheck.web); its JSON API is factcheck.api.

Every page that takes an inspection id loads it through factcheck.web.common.load, which asks
the policy (factcheck.policy): 404 for what is not yours to see, 403 for what is not yours to do.
The domain is wired in by factcheck/domain.py.
"""

from __future__ import annotations

from factcheck.web import answers, data, draft, photographs, points, publication, returns
from factcheck.web import queue as queue_pages

ROUTES = [
    *queue_pages.ROUTES,
    *draft.ROUTES,
    *points.ROUTES,
    *returns.ROUTES,
    *answers.ROUTES,
    *data.ROUTES,
    *photographs.ROUTES,
    *publication.ROUTES,
]
