"""HTTP handlers of the factcheck domain: pages (ROUTES) and the JSON API (API_ROUTES)."""

ROUTES: list = []
API_ROUTES: list = []
