"""The health probes: /_healthz/livez (no I/O) and /_healthz/readyz (database and, when configured,
Redis; never the sources), JSON, without authentication, host check or rate limit."""

import pytest
import responses
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from iko_project.shared_store import redis_reset
from api.tests.redis_fixtures import redis_url  # noqa: F401 (fixture)

# Nothing listens on the discard port: a Redis that cannot be reached, at once.
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture(autouse=True)
def _fresh_redis_state():
    redis_reset()
    yield
    redis_reset()


@pytest.fixture
def probe(client):
    def get(path, **headers):
        return client.get(path, **headers)

    return get


@pytest.mark.django_db
def test_livez_answers_ok_without_touching_the_database(probe):
    with CaptureQueriesContext(connection) as queries:
        response = probe("/_healthz/livez")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 0


@pytest.mark.django_db
def test_readyz_checks_the_database(probe):
    with CaptureQueriesContext(connection) as queries:
        response = probe("/_healthz/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"] == {"database": "ok"}
    assert [q["sql"] for q in queries] == ["SELECT 1"]


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_fails(probe, monkeypatch, caplog):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password authentication failed for user "iko"')

    monkeypatch.setattr(connection, "cursor", broken)

    response = probe("/_healthz/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert response.json()["status"] == "unavailable"
    # The driver's message names the host and user: only the error type is logged.
    assert "OperationalError" in caplog.text and "db.internal" not in caplog.text


@pytest.mark.django_db
@responses.activate
def test_readyz_never_calls_a_source(probe, profile):
    assert probe("/_healthz/readyz").status_code == 200
    assert len(responses.calls) == 0


@pytest.mark.django_db
def test_readyz_pings_redis_when_configured(probe, redis_url):
    with override_settings(IKO_REDIS_URL=redis_url):
        response = probe("/_healthz/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_a_failing_redis_is_reported_but_does_not_fail_readiness_by_default(probe):
    with override_settings(IKO_REDIS_URL=DEAD_REDIS):
        response = probe("/_healthz/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "error"}


@pytest.mark.django_db
def test_a_failing_redis_fails_readiness_when_required(probe):
    with override_settings(IKO_REDIS_URL=DEAD_REDIS, IKO_READYZ_REQUIRE_REDIS=True):
        response = probe("/_healthz/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "error"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/_healthz/livez", "/_healthz/readyz"])
def test_probes_answer_a_kubelet_that_uses_the_pod_ip_as_host(probe, path):
    # 10.1.2.3 is not in ALLOWED_HOSTS: any other path would be refused with 400.
    assert probe(path, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert probe("/api/v1/openapi.yaml", HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.django_db
def test_probes_set_no_cookie_and_need_no_token(probe):
    response = probe("/_healthz/readyz")
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
@override_settings(IKO_RATE_LIMIT_USER="1/minute", IKO_RATE_LIMIT_CLIENT="1/minute")
def test_probes_are_not_rate_limited(probe):
    assert all(probe("/_healthz/livez").status_code == 200 for _ in range(5))
    assert all(probe("/_healthz/readyz").status_code == 200 for _ in range(5))


def test_the_routes_serve_the_same_views_without_the_middleware():
    from django.urls import resolve

    from iko_project import health

    assert resolve("/_healthz/livez").func is health.livez
    assert resolve("/_healthz/readyz").func is health.readyz
