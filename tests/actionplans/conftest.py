"""Uploads here are scanned by the real clamscan with the locally made test signatures."""

import pytest

from tests.fixtures.scanning import scanned_settings


@pytest.fixture
def settings(database_url):
    return scanned_settings(database_url)
