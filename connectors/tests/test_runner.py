"""Tests of the parallel runner with a fresh registry of fake connectors (no HTTP needed)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from connectors.base import Connector, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status
from connectors.registry import Registry
from connectors.runner import SourceCall, get_pool, run_calls


def make_registry(log=None):
    registry = Registry()

    @registry("sleepy")
    class Sleepy(Connector):
        title = "Sleepy"
        operations = {"get": Operation("get", "", ("bsn",), ("x",))}

        def fetch(self, request):
            if log is not None:
                log.append((self.source.name, threading.current_thread().name))
            time.sleep(request.params["sleep"])
            return ConnectorResult(Status.OK, data={"x": self.source.name})

    return registry


def call(name, sleep, timeout=1.0, key=None):
    source = SourceConfig(name=name, connector_id="sleepy", service=None, options={}, timeout=timeout)
    return SourceCall(key=key or name, source=source, request=ConnectorRequest("get", {"sleep": sleep}, ("x",)))


def test_a_slow_source_is_cut_off_at_its_timeout_while_the_others_answer():
    started = time.monotonic()
    results = run_calls(
        [call("fast", 0.05), call("slow", 2.0, timeout=0.3), call("quick", 0.01)],
        registry=make_registry(),
        deadline=time.monotonic() + 5,
    )
    elapsed = time.monotonic() - started

    assert results["fast"].status is Status.OK and results["fast"].data == {"x": "fast"}
    assert results["quick"].status is Status.OK
    assert results["slow"].status is Status.TIMEOUT
    assert "within 0.3" in results["slow"].detail
    assert 0.3 <= elapsed < 0.45


def test_nothing_waits_for_a_straggler_after_the_deadline():
    started = time.monotonic()
    results = run_calls(
        [call("a", 3.0, timeout=5), call("b", 3.0, timeout=5), call("c", 0.01)],
        registry=make_registry(),
        deadline=started + 0.2,
    )
    elapsed = time.monotonic() - started

    assert elapsed < 0.3
    assert results["a"].status is Status.TIMEOUT and results["b"].status is Status.TIMEOUT
    assert results["c"].status is Status.OK


def test_calls_run_in_parallel_not_one_after_the_other():
    started = time.monotonic()
    results = run_calls(
        [call(f"s{i}", 0.2) for i in range(6)], registry=make_registry(), deadline=time.monotonic() + 5
    )
    assert all(r.status is Status.OK for r in results.values())
    assert time.monotonic() - started < 0.45  # sequential would be 1.2 s


def test_the_pool_is_one_per_process_and_bounded_by_the_setting(settings):
    pool = get_pool()
    assert get_pool() is pool
    assert pool._max_workers == settings.IKO_SOURCE_POOL_SIZE


def test_a_full_pool_queues_calls_instead_of_starting_threads_and_cancels_what_never_started():
    log = []
    tiny = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tiny")
    try:
        results = run_calls(
            [call(f"s{i}", 0.3) for i in range(4)],
            registry=make_registry(log),
            deadline=time.monotonic() + 0.2,
            pool=tiny,
        )
    finally:
        tiny.shutdown(wait=True)
    assert {thread for _, thread in log} <= {"tiny_0", "tiny_1"}
    assert len(log) == 2  # the two queued calls were cancelled at the deadline, never run
    assert all(r.status is Status.TIMEOUT for r in results.values())


def test_identical_calls_in_one_batch_run_once():
    log = []
    results = run_calls(
        [call("brp", 0.01, key="first"), call("brp", 0.01, key="second")],
        registry=make_registry(log),
        deadline=time.monotonic() + 1,
    )
    assert len(log) == 1
    assert results["first"] is results["second"]


def test_an_unknown_connector_is_an_error_result_not_an_exception():
    source = SourceConfig(name="x", connector_id="gone", service=None, options={}, timeout=1)
    results = run_calls(
        [SourceCall("x", source, ConnectorRequest("get", {}, ()))], registry=Registry(), deadline=time.monotonic() + 1
    )
    assert results["x"].status is Status.ERROR


def test_a_plugin_that_raises_gives_an_error_result():
    registry = Registry()

    @registry("broken")
    class Broken(Connector):
        title = "Broken"
        operations = {}

        def fetch(self, request):
            raise KeyError("bug")

    source = SourceConfig(name="b", connector_id="broken", service=None, options={}, timeout=1)
    results = run_calls([SourceCall("b", source, ConnectorRequest("get", {}, ()))], registry=registry, deadline=time.monotonic() + 1)
    assert results["b"].status is Status.ERROR
    assert "KeyError" in results["b"].detail


def test_registering_the_same_id_twice_is_refused():
    registry = make_registry()
    with pytest.raises(ValueError):
        registry("sleepy")(type("Again", (Connector,), {"title": "x", "operations": {}}))
