"""HTTP handlers of the inspections domain: pages (ROUTES) and the JSON API (API_ROUTES)."""

from inspections import api, web_debrief, web_establishments, web_inspections

ROUTES: list = [*web_inspections.ROUTES, *web_debrief.ROUTES, *web_establishments.ROUTES]
API_ROUTES: list = list(api.API_ROUTES)
