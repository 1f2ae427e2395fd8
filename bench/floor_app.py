"""The app as served in production, plus one trivial page used as the benchmark's floor:
a 50-row Jinja table with no database work. Serve with `uvicorn bench.floor_app:create --factory`."""

from jinja2 import Environment
from litestar import get
from litestar.response import Response

from tracker.access import signed_in
from tracker.app import create_app

FLOOR_TEMPLATE = Environment(autoescape=True).from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td>"
    "<td>{{ row.due }}</td></tr>{% endfor %}</table>"
)
ROWS = [{"id": i, "name": f"HMP Example {i}", "due": "3 March 2025"} for i in range(50)]


@get("/bench/floor", opt=signed_in())
async def floor() -> Response:
    return Response(FLOOR_TEMPLATE.render(rows=ROWS), media_type="text/html")


def create():
    app = create_app()
    app.register(floor)
    return app
