"""Operators' log lines with fields (iko_project/logging.py, `log_fields`): a failed source call and
a circuit that opens, as JSON with the request's trace id and as text; nothing else gets in."""

from __future__ import annotations

import contextvars
import json
import logging
import time

from connectors.base import Connector, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status
from connectors.breaker import CircuitBreaker
from connectors.registry import Registry
from connectors.runner import SourceCall, run_calls
from iko_project.logging import JsonFormatter, TextFormatter, trace_id_var

BSN = "999993653"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def iko_sources_records(action) -> list[logging.LogRecord]:
    handler, logger = Capture(), logging.getLogger("iko.sources")
    logger.addHandler(handler)
    try:
        action()
    finally:
        logger.removeHandler(handler)
    return handler.records


def timing_out_call() -> None:
    registry = Registry()

    @registry("hanging")
    class Hanging(Connector):
        title = "Hanging"
        operations = {"RaadpleegMetBurgerservicenummer": Operation("RaadpleegMetBurgerservicenummer", "", ("bsn",), ("x",))}

        def fetch(self, request):
            time.sleep(0.3)
            return ConnectorResult(Status.OK, data={})

    source = SourceConfig(name="brp", connector_id="hanging", service=None, options={}, timeout=0.1)
    call = SourceCall(key="persoon", source=source,
                      request=ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": BSN}, ("x",)))
    run_calls([call], registry=registry, deadline=time.monotonic() + 5)


def test_a_timed_out_source_call_is_one_json_line_with_source_operation_status_duration_and_trace_id():
    token = trace_id_var.set(TRACE_ID)
    try:
        [record] = iko_sources_records(timing_out_call)
        entry = json.loads(JsonFormatter().format(record))
    finally:
        trace_id_var.reset(token)

    assert entry["level"] == "WARNING" and entry["logger"] == "iko.sources"
    assert entry["event"] == "source_call_failed"
    assert (entry["source"], entry["operation"], entry["status"]) == ("brp", "RaadpleegMetBurgerservicenummer", "timeout")
    assert 90 <= entry["durationMs"] < 300
    assert entry["traceId"] == TRACE_ID
    assert BSN not in json.dumps(entry)


def test_a_circuit_that_opens_is_one_line_and_the_text_format_shows_its_fields():
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=30)
    [record] = iko_sources_records(lambda: breaker.record("zaken", success=False))
    text = contextvars.Context().run(TextFormatter().format, record)

    assert "iko.sources Circuit of zaken opened after 1 consecutive failures" in text
    assert text.endswith("event=circuit_opened source=zaken consecutiveFailures=1")


def test_fields_never_replace_the_standard_keys_and_are_redacted_and_plain():
    record = logging.LogRecord("iko.test", logging.WARNING, __file__, 1, "hello", (), None)
    record.log_fields = {"message": "replaced", "level": "DEBUG", "note": f"bsn {BSN}", "count": 3,
                         "payload": {"bsn": BSN}, "flag": True}
    entry = json.loads(contextvars.Context().run(JsonFormatter().format, record))

    assert entry["message"] == "hello" and entry["level"] == "WARNING"
    assert entry["note"] == "bsn [redacted]" and entry["count"] == 3 and entry["flag"] is True
    assert "payload" not in entry  # only plain values: a dict could carry anything
