"""Rate limits per API client and per user: 429 problem+json with Retry-After, counted in memory or,
shared between instances, in Redis; a failing Redis falls back to memory."""

from __future__ import annotations

import logging
import threading

import pytest
from django.test import override_settings

from profiles.access.principals import OidcPrincipal
from api.rates import Rate, rate_parse
from iko_project.shared_store import redis_reset
from api.tests.redis_fixtures import redis_url, shared_redis  # noqa: F401 (fixtures)
from api.throttling import MemoryCounter, memory_counter, principal_scope, rate_hit, sliding_window

PROFILES = "/api/v1/profiles"
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture(autouse=True)
def _fresh_counts():
    memory_counter.clear()
    redis_reset()
    yield
    memory_counter.clear()
    redis_reset()


# --- rates and the sliding window ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, rate",
    [("600/minute", Rate(600, 60)), ("20/second", Rate(20, 1)), ("100/10s", Rate(100, 10)),
     ("5000/h", Rate(5000, 3600)), (" 7 / day ", Rate(7, 86400)), ("", None), ("off", None)],
)
def test_rates_read_like_drfs_with_an_optional_multiple(text, rate):
    assert rate_parse(text) == rate


@pytest.mark.parametrize("text", ["600", "0/minute", "10/fortnight", "ten/minute", "5/0s"])
def test_a_rate_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        rate_parse(text)


def test_the_window_allows_up_to_the_limit_and_then_refuses():
    counter, rate = MemoryCounter(), Rate(5, 60)
    results = [counter.hit("k", rate, 120.0 + i)[0] for i in range(7)]
    assert results == [True] * 5 + [False] * 2


@pytest.mark.parametrize(
    "previous, current, elapsed",
    [(0, 5, 0.0), (0, 5, 59.0), (5, 0, 1.0), (5, 2, 30.0), (3, 3, 10.0), (10, 10, 5.0), (100, 1, 0.5), (4, 5, 59.9)],
)
def test_retry_after_is_exactly_when_the_next_request_would_pass(previous, current, elapsed):
    rate = Rate(5, 60)
    allowed, wait = sliding_window(previous=previous, current=current, elapsed=elapsed, rate=rate)
    assert not allowed and wait > 0

    def allowed_at(later: float) -> bool:
        moment = elapsed + later
        if moment < rate.period:
            return sliding_window(previous=previous, current=current, elapsed=moment, rate=rate)[0]
        if moment < 2 * rate.period:
            return sliding_window(previous=current, current=0, elapsed=moment - rate.period, rate=rate)[0]
        return True

    assert allowed_at(wait + 0.001)
    assert not allowed_at(max(0.0, wait - 0.01))


def test_a_refused_request_is_not_counted():
    counter, rate = MemoryCounter(), Rate(2, 10)
    for moment in (0.0, 0.1, 0.2, 0.3, 0.4):  # 2 allowed, 3 refused
        counter.hit("k", rate, moment)
    # Next window, 5 s in: half of the previous window's 2 requests still count, so one passes.
    assert counter.hit("k", rate, 15.0)[0] is True
    assert counter.hit("k", rate, 15.1)[0] is False


def test_principals_are_told_apart_by_kind_and_never_by_name():
    from profiles.access.api_clients import ApiClient

    client = ApiClient(pk=7, name="Valtimo", organisation_id=1)
    person = OidcPrincipal(subject="999993653", username="jan", issuer="https://idp.example.org/realms/g")

    assert principal_scope(client) == ("client", "api-client:7")
    assert principal_scope(person) == ("user", "oidc:https://idp.example.org/realms/g:999993653")
    assert principal_scope(None) is None


# --- through the API ------------------------------------------------------------------------------
def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 429 and problem["code"] == "throttled" and problem["title"] == "Too many requests"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 2 * 60  # the weighted window can ask for more than one period
    return retry_after


@override_settings(IKO_RATE_LIMIT_CLIENT="3/minute", IKO_RATE_LIMIT_USER="")
def test_an_api_client_over_its_rate_gets_429_problem_json_with_retry_after(authed_api, grant):
    assert [authed_api.get(PROFILES).status_code for _ in range(3)] == [200, 200, 200]
    assert_throttled(authed_api.get(PROFILES))
    # Every API operation counts against the same budget.
    assert authed_api.post("/api/v1/profiles/klantbeeld/view", {}, format="json").status_code == 429


@override_settings(IKO_RATE_LIMIT_CLIENT="", IKO_RATE_LIMIT_USER="2/minute")
def test_each_staff_user_has_a_limit_of_its_own(api, db, django_user_model):
    from rest_framework.test import APIClient

    alice, bob = (django_user_model.objects.create_user(name, is_staff=True) for name in ("alice", "bob"))
    api.force_login(alice)
    other = APIClient()
    other.force_login(bob)

    assert [api.get(PROFILES).status_code for _ in range(2)] == [200, 200]
    assert_throttled(api.get(PROFILES))
    assert other.get(PROFILES).status_code == 200


@override_settings(IKO_RATE_LIMIT_CLIENT="100/minute", IKO_RATE_LIMIT_USER="2/minute")
def test_an_oidc_subject_is_limited_as_a_user_whatever_token_it_shows(api, db):
    from rest_framework.test import APIClient

    issuer = "https://idp.example.org/realms/gemeente"
    first = OidcPrincipal(subject="u-1", username="jan", issuer=issuer, client_id="valtimo")
    again = OidcPrincipal(subject="u-1", username="jan", issuer=issuer, client_id="other-app")
    colleague = OidcPrincipal(subject="u-2", username="piet", issuer=issuer, client_id="valtimo")
    api.force_authenticate(user=first)
    second_token, colleague_api = APIClient(), APIClient()
    second_token.force_authenticate(user=again)
    colleague_api.force_authenticate(user=colleague)

    assert api.get(PROFILES).status_code == 200
    assert second_token.get(PROFILES).status_code == 200
    assert_throttled(api.get(PROFILES))
    assert colleague_api.get(PROFILES).status_code == 200


@override_settings(IKO_RATE_LIMIT_CLIENT="1/minute", IKO_RATE_LIMIT_USER="1/minute")
def test_the_public_schema_and_the_probes_have_no_principal_and_no_limit(api, db):
    assert all(api.get("/api/v1/openapi.yaml").status_code == 200 for _ in range(3))


@override_settings(IKO_RATE_LIMIT_CLIENT="", IKO_RATE_LIMIT_USER="")
def test_empty_rates_switch_the_limits_off(authed_api, grant):
    assert all(authed_api.get(PROFILES).status_code == 200 for _ in range(20))


def test_production_defaults_are_on_and_the_test_suite_runs_without(settings):
    assert settings.IKO_RATE_LIMIT_CLIENT == "" and settings.IKO_RATE_LIMIT_USER == ""
    assert "api.throttling.PrincipalRateThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


# --- shared through Redis -----------------------------------------------------------------------
@override_settings(IKO_RATE_LIMIT_CLIENT="3/minute")
def test_with_redis_the_count_is_shared_between_instances(authed_api, grant, shared_redis, settings):
    assert [authed_api.get(PROFILES).status_code for _ in range(2)] == [200, 200]
    memory_counter.clear()  # as if the next requests went to another instance
    assert authed_api.get(PROFILES).status_code == 200
    memory_counter.clear()
    assert_throttled(authed_api.get(PROFILES))

    keys = [key.decode() for key in shared_redis.scan_iter(match=settings.IKO_REDIS_PREFIX + "*")]
    assert keys and all(key.startswith(settings.IKO_REDIS_PREFIX + "rate:client:") for key in keys)
    assert not any("Case system" in key or key.endswith(f":{grant.api_client_id}") for key in keys)
    assert all(0 < shared_redis.ttl(key) <= 2 * 60 + 5 for key in keys)


def test_redis_counts_are_atomic_under_concurrency(shared_redis):
    rate = Rate(50, 60)
    allowed = []
    lock = threading.Lock()

    def hammer():
        for _ in range(10):
            ok, _ = rate_hit("client:concurrency", rate, now=6000.0)
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 50 and len(allowed) == 80


@override_settings(IKO_RATE_LIMIT_CLIENT="2/minute", IKO_REDIS_URL=DEAD_REDIS, IKO_REDIS_RETRY_SECONDS=60)
def test_a_failing_redis_falls_back_to_memory_and_warns_once(authed_api, grant, caplog):
    caplog.set_level(logging.WARNING, logger="iko_project.shared_store")

    statuses = [authed_api.get(PROFILES).status_code for _ in range(4)]

    assert statuses == [200, 200, 429, 429]  # still limited, now per process
    warnings = [r for r in caplog.records if r.name == "iko_project.shared_store"]
    assert len(warnings) == 1
    assert "memory" in warnings[0].getMessage() and "127.0.0.1:9" not in warnings[0].getMessage()
