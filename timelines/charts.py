"""Server-side SVG charts: accessible (role="img", a title and a description), no script, no
style attribute (the CSP forbids inline styles; SVG presentation attributes are fine). Each chart
is shown with a table of the same figures beside it. Every text and attribute is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

BLUE = "#1d70b8"
GREEN = "#00703c"
RED = "#d4351c"
GREY = "#b1b4b6"
DARK = "#0b0c0c"
TEXT_SIZE = 16
"""Every label at least GOV.UK's smallest body text (16px), so it stays readable when the chart
is shown at its natural width."""


def _number(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def el(tag: str, text: str | None = None, **attrs) -> str:
    """One SVG element; attribute names use _ for - (stroke_width -> stroke-width)."""
    rendered = " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(_number(value))}"' for name, value in attrs.items()
    )
    if text is None:
        return f"<{tag} {rendered}/>"
    return f"<{tag} {rendered}>{escape(text)}</{tag}>"


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    chart_id = str(escape(chart_id))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    # nosemgrep: markup-on-data
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every part escaped above  # nosec B704


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, float | None, str]]) -> Markup:
    """Horizontal bars of percentages: (label, value 0-100 or None, text shown at the bar's end)."""
    # 630 px wide: the two-thirds column of a desktop page, with the table beside it
    label_width, bar_width, row = 170, 330, 30
    width, height = label_width + bar_width + 130, max(row * len(bars) + 30, 60)
    described = "; ".join(f"{label}: {text}" for label, _v, text in bars) or "No figures"
    body = [el("line", x1=label_width, y1=0, x2=label_width, y2=height - 20, stroke=DARK, stroke_width=1)]
    for tick in (0, 50, 100):
        x = label_width + bar_width * tick / 100
        centred = {"text_anchor": "middle", "fill": DARK, "font_size": TEXT_SIZE}
        body.append(el("text", f"{tick}%", x=x, y=height - 3, **centred))
    for index, (label, value, text) in enumerate(bars):
        y = index * row + 4
        length = bar_width * (value or 0) / 100
        colour = GREEN if (value or 0) >= 80 else (BLUE if (value or 0) >= 50 else RED)
        body += [
            el("text", label, x=label_width - 8, y=y + 16, font_size=TEXT_SIZE, text_anchor="end", fill=DARK),
            el("rect", x=label_width, y=y, width=length, height=20, fill=colour),
            el("text", text, x=label_width + length + 6, y=y + 16, font_size=TEXT_SIZE, fill=DARK),
        ]
    return _svg(chart_id, title, described, width, height, body)


def stage_chart(chart_id: str, title: str, start: date, stages: Sequence[dict]) -> Markup:
    """Planned against actual: per stage a pale bar to the due date and a dark one to the day it
    was done (red when late), on a shared date axis from the inspection's last day."""
    dated = [s for s in stages if s.get("due") or s.get("done_on")]
    label_width, plot_width, row = 300, 420, 36
    width, height = label_width + plot_width + 20, max(row * len(dated) + 40, 70)
    ends = [d for s in dated for d in (s.get("due"), s.get("done_on")) if d] + [start]
    first, last = min(ends), max(ends)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return label_width + plot_width * (day - first).days / span

    described = []
    body = [
        el("text", _short(first), x=label_width, y=height - 6, font_size=TEXT_SIZE, fill=DARK),
        el(
            "text",
            _short(last),
            x=label_width + plot_width,
            y=height - 6,
            font_size=TEXT_SIZE,
            text_anchor="end",
            fill=DARK,
        ),
    ]
    for index, stage in enumerate(dated):
        y = index * row + 4
        due, done = stage.get("due"), stage.get("done_on")
        body.append(
            el(
                "text",
                _clip(stage["label"]),
                x=label_width - 8,
                y=y + 17,
                font_size=TEXT_SIZE,
                text_anchor="end",
                fill=DARK,
            )
        )
        if due:
            body.append(el("rect", x=x(first), y=y, width=max(x(due) - x(first), 2), height=12, fill=GREY))
            body.append(el("line", x1=x(due), y1=y - 2, x2=x(due), y2=y + 26, stroke=DARK, stroke_width=2))
        late = bool(due and done and done > due)
        if done:
            body.append(
                el(
                    "rect",
                    x=x(first),
                    y=y + 13,
                    width=max(x(done) - x(first), 2),
                    height=12,
                    fill=RED if late else GREEN,
                )
            )
        planned = _short(due) if due else "not yet known"
        actual = f"done {_short(done)}{' (late)' if late else ''}" if done else "not done"
        described.append(f"{stage['label']}: planned {planned}, {actual}")
    return _svg(chart_id, title, "; ".join(described) or "No dated stages yet", width, height, body)


def _short(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def _clip(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
