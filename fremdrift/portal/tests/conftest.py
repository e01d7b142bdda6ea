import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def no_wrong_links_counted_yet():
    """The count of wrong links per address lives in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()
