"""Tests of the parallel runner with a fresh registry of fake connectors (HTTP only where a view's
identical GETs are shared, with `responses`)."""

import dataclasses
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import responses

from connectors.base import (
    Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status,
)
from connectors.http import SourceHttp
from connectors.registry import Registry
from connectors.runner import CallSet, SourceCall, get_pool, run_calls, run_together


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


# --- one view's calls: identical GETs once, requests of one call side by side ----------------------
def http_registry(log):
    """A connector whose calls each GET the same path of their source's server."""
    registry = Registry()

    @registry("getter")
    class Getter(Connector):
        title = "Getter"
        operations = {op: Operation(op, "", ("bsn",), ("x",)) for op in ("a", "b")}

        def fetch(self, request):
            log.append(request.operation)
            started = request.params.get("started")
            if started:
                WAITING[started].set()
            response = SourceHttp(self.source).request("GET", "ping", params={"q": "1"})
            return ConnectorResult(Status.OK, data={"x": response.json()["n"]})

    return registry


WAITING: dict[str, threading.Event] = {}


@responses.activate
def test_identical_gets_of_different_calls_in_one_view_are_made_once_and_again_in_the_next(brp_source):
    responses.get("https://brp.example.org/haalcentraal/api/brp/ping", json={"n": 1})
    log = []
    registry = http_registry(log)
    config = dataclasses.replace(brp_source.to_config(), connector_id="getter")
    calls = [SourceCall(op, config, ConnectorRequest(op, {"bsn": "999993653"}, ("x",))) for op in ("a", "b")]

    first = run_calls(calls, registry=registry, deadline=time.monotonic() + 5)
    assert sorted(log) == ["a", "b"] and len(responses.calls) == 1
    assert first["a"].data == first["b"].data == {"x": 1}

    run_calls(calls, registry=registry, deadline=time.monotonic() + 5)  # another view asks again
    assert len(responses.calls) == 2


@responses.activate
def test_an_identical_get_asked_while_the_first_is_under_way_waits_for_its_answer(brp_source):
    WAITING["b"] = threading.Event()

    def answer_once_b_asks_too(request):
        assert WAITING["b"].wait(5)
        time.sleep(0.05)  # let b's request reach the shared answer before this one is in
        return 200, {"Content-Type": "application/json"}, json.dumps({"n": 7})

    responses.add_callback(responses.GET, "https://brp.example.org/haalcentraal/api/brp/ping",
                           callback=answer_once_b_asks_too)
    log = []
    config = dataclasses.replace(brp_source.to_config(), connector_id="getter")
    calls = [SourceCall("a", config, ConnectorRequest("a", {"bsn": "999993653"}, ("x",))),
             SourceCall("b", config, ConnectorRequest("b", {"bsn": "999993653", "started": "b"}, ("x",)))]

    results = run_calls(calls, registry=http_registry(log), deadline=time.monotonic() + 5)

    assert len(responses.calls) == 1
    assert results["a"].data == results["b"].data == {"x": 7}


def test_run_together_runs_independent_requests_at_the_same_moment():
    first, second = threading.Event(), threading.Event()

    def meet(own, other):
        own.set()
        return other.wait(5)

    assert run_together(lambda: meet(first, second), lambda: meet(second, first)) == [True, True]


def test_run_together_does_not_wait_for_threads_when_the_pool_is_full():
    busy = ThreadPoolExecutor(max_workers=1, thread_name_prefix="busy")
    release = threading.Event()
    try:
        busy.submit(release.wait, 5)  # the only worker is taken
        started = time.monotonic()
        assert run_together(lambda: 1, lambda: 2, lambda: 3, pool=busy) == [1, 2, 3]
        assert time.monotonic() - started < 1  # ran in the calling thread, not after the release
    finally:
        release.set()
        busy.shutdown(wait=True)


def test_run_together_raises_the_first_failure_once_all_have_ended():
    ended = []

    def fails(name):
        def run():
            ended.append(name)
            raise ConnectorError(f"{name} failed")
        return run

    with pytest.raises(ConnectorError, match="a failed"):
        run_together(fails("a"), lambda: ended.append("ok"), fails("b"))
    assert sorted(ended) == ["a", "b", "ok"]


def test_run_together_inside_a_call_waits_no_longer_than_the_calls_cutoff():
    registry = Registry()
    never, returned = threading.Event(), threading.Event()
    outcome = {}

    @registry("split")
    class Split(Connector):
        title = "Split"
        operations = {"get": Operation("get", "", ("bsn",), ("x",))}

        def fetch(self, request):
            started = time.monotonic()
            hanging = threading.Event()
            try:
                # The first waits until a worker has taken the second, which then hangs.
                run_together(lambda: hanging.wait(5), lambda: (hanging.set(), never.wait(5)))
            except ConnectorError as exc:
                outcome.update(status=exc.status, seconds=time.monotonic() - started)
            returned.set()
            return ConnectorResult(Status.OK, data={"x": 1})

    source = SourceConfig(name="s", connector_id="split", service=None, options={}, timeout=1.0)
    calls = CallSet(registry=registry, deadline=time.monotonic() + 5)
    signature = calls.start(SourceCall("s", source, ConnectorRequest("get", {}, ("x",))))
    while calls.running:
        calls.wait()

    assert calls.result(signature) is not None
    assert returned.wait(2)  # the call stopped waiting at its cutoff, freeing its thread
    never.set()
    assert outcome["status"] is Status.TIMEOUT and 1.0 <= outcome["seconds"] < 1.0 + 0.5
