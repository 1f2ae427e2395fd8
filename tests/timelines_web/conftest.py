"""Fixtures of the timelines page tests."""

import pytest

from tests.timelines_web.helpers import TODAY


@pytest.fixture
def today(monkeypatch):
    """Fix the service's idea of today (handlers read tracker.clock.today_london)."""
    monkeypatch.setattr("tracker.clock.today_london", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_secret_in_logs_or_audit(database_url, no_secret_in_logs_or_audit):
    """The shared check, run before this test's database is dropped: the shared autouse fixture
    is set up before `database_url`, so on PostgreSQL its teardown would query a dropped database."""
    yield
