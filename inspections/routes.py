"""HTTP handlers of the inspections domain: pages (ROUTES) and the JSON API (API_ROUTES)."""

ROUTES: list = []
API_ROUTES: list = []
