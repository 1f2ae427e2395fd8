"""Action plan pages, one module per part of the journey. Every page works without JavaScript;
htmx swaps a recommendation's block in place when it is there (inline editing). Handlers parse
the request, call an operation (actionplans.operations) and render."""

from actionplans.web import actions, files, plan, responses, spreadsheet, workflow

ROUTES = [
    *plan.ROUTES,
    *responses.ROUTES,
    *actions.ROUTES,
    *spreadsheet.ROUTES,
    *files.ROUTES,
    *workflow.ROUTES,
]
