"""Tests of the circuit breaker shared through Redis (the real one on loopback): two breakers
stand for two instances of IKO behind a load balancer."""

import logging

import pytest

from connectors.breaker import CLOSED, HALF_OPEN, OPEN, SharedCircuitBreaker


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def own_keys(client):
    from django.conf import settings

    return [key.decode()[len(settings.IKO_REDIS_PREFIX):] for key in client.scan_iter(match=settings.IKO_REDIS_PREFIX + "*")]


def instance(clock, threshold=3, reset=30):
    return SharedCircuitBreaker(failure_threshold=threshold, reset_seconds=reset, wall_clock=clock)


def test_a_source_that_failed_on_one_instance_is_skipped_by_every_instance(shared_redis):
    clock = Clock()
    first, second = instance(clock), instance(clock)

    for _ in range(3):
        assert first.allow("brp")
        first.record("brp", success=False)

    assert second.state("brp") == OPEN and not second.allow("brp")
    assert own_keys(shared_redis) == ["breaker:brp"]


def test_after_the_reset_time_one_instance_makes_the_single_trial_call(shared_redis):
    clock = Clock()
    first, second = instance(clock, threshold=1), instance(clock, threshold=1)
    first.record("zaken", success=False)

    clock.now += 30
    assert second.state("zaken") == HALF_OPEN
    assert second.allow("zaken")
    assert not first.allow("zaken")  # the trial is in flight elsewhere
    second.record("zaken", success=True)

    assert first.state("zaken") == CLOSED and first.allow("zaken")


def test_a_failed_trial_opens_the_circuit_again_for_everyone(shared_redis):
    clock = Clock()
    first, second = instance(clock, threshold=2), instance(clock, threshold=2)
    first.record("kvk", success=False)
    second.record("kvk", success=False)
    assert first.state("kvk") == OPEN  # failures counted over both instances

    clock.now += 31
    assert first.allow("kvk")
    first.record("kvk", success=False)

    assert second.state("kvk") == OPEN and not second.allow("kvk")


def test_a_success_clears_the_failures_counted_by_all_instances(shared_redis):
    clock = Clock()
    first, second = instance(clock), instance(clock)
    first.record("bag", success=False)
    first.record("bag", success=False)
    second.record("bag", success=True)
    first.record("bag", success=False)

    assert second.state("bag") == CLOSED


def test_a_circuits_record_expires_on_its_own(shared_redis):
    breaker = instance(Clock(), reset=30)
    breaker.record("brp", success=False)

    from django.conf import settings

    (key,) = own_keys(shared_redis)
    assert 0 < shared_redis.pttl(settings.IKO_REDIS_PREFIX + key) <= 3_600_000


def test_reset_forgets_every_circuit_in_redis(shared_redis):
    breaker = instance(Clock(), threshold=1)
    breaker.record("brp", success=False)

    breaker.reset()

    assert own_keys(shared_redis) == []
    assert breaker.state("brp") == CLOSED


def test_when_redis_fails_the_breaker_keeps_working_in_this_process_and_warns_once(settings, caplog):
    from iko_project.shared_store import redis_reset

    settings.IKO_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    redis_reset()
    breaker = instance(Clock(), threshold=2)
    try:
        with caplog.at_level(logging.WARNING, logger="iko_project.shared_store"):
            breaker.record("brp", success=False)
            breaker.record("brp", success=False)
            assert not breaker.allow("brp")
        assert breaker.state("brp") == OPEN
        warnings = [r.getMessage() for r in caplog.records if r.name == "iko_project.shared_store"]
        assert warnings == [
            "Redis cannot be used for the circuit breaker (ConnectionError); counting in this process's "
            "memory until it is back."
        ]
    finally:
        redis_reset()


def test_without_redis_the_state_is_this_processs_own(settings):
    settings.IKO_REDIS_URL = ""
    first, second = instance(Clock(), threshold=1), instance(Clock(), threshold=1)

    first.record("brp", success=False)

    assert first.state("brp") == OPEN and second.state("brp") == CLOSED


@pytest.mark.parametrize("name", ["get_breaker"])
def test_the_process_wide_breaker_is_the_shared_one(name):
    from connectors import breaker

    assert isinstance(getattr(breaker, name)(), SharedCircuitBreaker)


def test_shared_circuits_report_opening_and_closing_once_as_the_in_process_breaker_does(shared_redis, caplog):
    clock = Clock()
    first, second = instance(clock, threshold=2), instance(clock, threshold=2)

    with caplog.at_level(logging.WARNING, logger="iko.sources"):
        first.record("brp", success=False)
        second.record("brp", success=False)  # the second failure, counted across instances: opens
        first.record("brp", success=False)  # a straggler while open: no change
        clock.now += 30
        assert second.allow("brp")
        second.record("brp", success=True)

    events = [(r.log_fields["event"], r.log_fields["consecutiveFailures"]) for r in caplog.records if r.name == "iko.sources"]
    assert events == [("circuit_opened", 2), ("circuit_closed", 0)]
