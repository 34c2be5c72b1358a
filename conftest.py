"""Fixtures shared by the test suites of all apps: a configured BRP source, profile, purpose,
API client with token, and grant, built the way an admin would build them."""

from __future__ import annotations

import pytest

BRP_ROOT = "https://brp.example.org/haalcentraal/api/brp/"
TOKEN = "iko_test_token_for_the_suite"


@pytest.fixture(autouse=True, scope="session")
def _threads_close_their_database_connections():
    """Every thread a test starts closes its database connections when it ends.

    Django opens one connection per thread and keeps it (CONN_MAX_AGE); a test that makes views
    from its own threads would leave those sessions open on PostgreSQL, and the test database
    could not be dropped at the end of the run. Threads whose class overrides `run` (Django's
    live server thread) close their own."""
    import threading

    from django.db import connections

    run = threading.Thread.run

    def run_then_close(self):
        try:
            run(self)
        finally:
            connections.close_all()

    threading.Thread.run = run_then_close
    yield
    threading.Thread.run = run


@pytest.fixture(autouse=True)
def _closed_circuits():
    """Each test starts with every source's circuit closed (the breaker is process-wide)."""
    from connectors.breaker import get_breaker

    get_breaker().reset()
    yield
    get_breaker().reset()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Each test starts in the default language. A request to the Dutch admin activates Dutch in
    the thread that served it (iko_project/i18n.py, as Django's LocaleMiddleware does) and leaves
    it active; in the suite that thread is the test's own, so a later test that calls a service
    directly would otherwise get Dutch messages."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    """Each test reads its own configuration: a rolled-back test's profiles must not linger."""
    from profiles.access.config_cache import config_cache_clear
    from profiles.access.grants import grant_cache_clear
    from profiles.organisations.cache import organisation_cache_clear

    config_cache_clear()
    grant_cache_clear()
    organisation_cache_clear()
    yield
    config_cache_clear()
    grant_cache_clear()
    organisation_cache_clear()


@pytest.fixture
def brp_service(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label="BRP", slug="brp", api_type=APITypes.orc, api_root=BRP_ROOT,
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="brp-secret", timeout=5,
    )


@pytest.fixture
def brp_source(brp_service):
    from connectors.models import Source

    return Source.objects.create(name="brp", connector="brp", service=brp_service, timeout=2.0)


@pytest.fixture
def purpose(db):
    from profiles.models import Purpose

    return Purpose.objects.create(
        code="klantcontact", name="KCC", processing_activity_id="https://register.example.org/va/1"
    )


@pytest.fixture
def profile(brp_source):
    from profiles.models import Profile, Relation

    profile = Profile.objects.create(
        name="klantbeeld", title="Klantbeeld", subject_types=["bsn"], status=Profile.Status.ACTIVE
    )
    Relation.objects.create(
        profile=profile, name="persoon", source=brp_source,
        operation="RaadpleegMetBurgerservicenummer",
        fields=["naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres"],
    )
    return profile


@pytest.fixture
def api_client_with_token(db):
    from profiles.access.api_clients import ApiClient

    client = ApiClient(name="Case system")
    client.set_new_token(TOKEN)
    client.save()
    return client


@pytest.fixture
def grant(api_client_with_token, profile, purpose):
    from profiles.models import Grant

    return Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose)


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def authed_api(api, api_client_with_token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {TOKEN}")
    return api
