"""The benchmark's floor: a bare Litestar app (no middleware, no session, no database) rendering a
50-row Jinja table, served by its own uvicorn process beside the service in the same run. Every page
of the service is reported as a share of it. Serve with `uvicorn bench.floor_app:create --factory`."""

from jinja2 import Environment
from litestar import Litestar, get
from litestar.response import Response

FLOOR_TEMPLATE = Environment(autoescape=True).from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td>"
    "<td>{{ row.due }}</td></tr>{% endfor %}</table>"
)
ROWS = [{"id": i, "name": f"HMP Example {i}", "due": "3 March 2025"} for i in range(50)]


@get("/bench/floor")
async def floor() -> Response:
    return Response(FLOOR_TEMPLATE.render(rows=ROWS), media_type="text/html")


@get("/health")
async def health() -> str:
    return "ok"


def create() -> Litestar:
    return Litestar([floor, health])
