"""Chart labels are readable: at least 16px, and the chart is drawn at its natural size (it
scrolls in a narrow column rather than shrinking its text)."""

import re
from datetime import date

from timelines.charts import bar_chart, stage_chart


def _font_sizes(svg: str) -> set[int]:
    return {int(size) for size in re.findall(r'font-size="(\d+)"', svg)}


def test_every_chart_label_is_at_least_16px_and_the_chart_keeps_its_size():
    bars = bar_chart("c", "Draft reports", [("2024-25 Q3", 50.0, "1 of 2 (50.0%)")])
    stages = stage_chart(
        "s",
        "Planned against actual",
        date(2025, 1, 24),
        [{"label": "Draft report sent to HMPPS", "due": date(2025, 3, 12), "done_on": date(2025, 3, 4)}],
    )
    for svg in (str(bars), str(stages)):
        assert _font_sizes(svg) and min(_font_sizes(svg)) >= 16, svg
        assert 'width="100%"' not in svg
