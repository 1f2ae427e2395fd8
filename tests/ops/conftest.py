"""Fixtures of the operations tests."""

import pytest

from tests.timelines_web.helpers import TODAY


@pytest.fixture
def today(monkeypatch):
    """Fix the service's idea of today (handlers read tracker.clock.today_london)."""
    monkeypatch.setattr("tracker.clock.today_london", lambda: TODAY)
    return TODAY
