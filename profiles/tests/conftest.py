"""Fixtures of the profiles tests: every test starts with an empty grant cache."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_grant_cache():
    """A rolled-back test's grants (and their reused ids) must not linger in the process cache."""
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    yield
    grant_cache_clear()
