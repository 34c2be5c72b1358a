"""OpenTelemetry tracing (connectors/telemetry.py): off and not even imported by default; when on, one
span per view with the ids IKO already gives the request (so the processing record's span and the
caller's traceparent line up), one span per source call below it with source, operation, status and
duration, and nothing personal in either; exported over OTLP/HTTP to a configured endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import responses
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from connectors import telemetry
from profiles.processing_log.models import ProcessingRecord
from profiles.tests.search_fixtures import (  # noqa: F401 (fixtures)
    bag_source, brp_zoeken_connector, brp_zoeken_source, person_searches,
)

REPO = Path(__file__).resolve().parent.parent
PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
PERSOON = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}}
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    telemetry.tracing_start(exporter)
    yield exporter
    telemetry.tracing_stop()


def view(api, purpose="klantcontact", **headers):
    return api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN}, "purpose": purpose},
                    format="json", **headers)


def every_value(span) -> str:
    return " ".join([span.name, *map(str, span.attributes.keys()), *map(str, span.attributes.values())])


@responses.activate
def test_a_view_has_the_request_s_span_below_the_caller_s_and_a_span_per_source_call_below_it(authed_api, grant, spans):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api, HTTP_TRACEPARENT=f"00-{CALLER_TRACE}-{CALLER_SPAN}-01")

    assert response.status_code == 200
    [call, request] = spans.get_finished_spans()
    record = ProcessingRecord.objects.get()
    assert request.name == "iko.view" and request.kind is SpanKind.SERVER
    assert f"{request.context.trace_id:032x}" == CALLER_TRACE == response.json()["traceId"] == record.trace_id
    assert f"{request.context.span_id:016x}" == record.span_id  # the record names this very span
    assert f"{request.parent.span_id:016x}" == CALLER_SPAN and request.parent.is_remote
    assert dict(request.attributes) == {
        "iko.profile": "klantbeeld", "iko.purpose": "klantcontact", "iko.outcome": "complete",
        "http.response.status_code": 200, "iko.duration_ms": request.attributes["iko.duration_ms"],
    }
    assert call.name == "iko.source_call" and call.kind is SpanKind.CLIENT
    assert call.parent.span_id == request.context.span_id and call.context.trace_id == request.context.trace_id
    assert dict(call.attributes) == {"iko.source": "brp", "iko.operation": "RaadpleegMetBurgerservicenummer",
                                     "iko.status": "ok", "iko.duration_ms": call.attributes["iko.duration_ms"]}
    assert call.status.status_code is StatusCode.UNSET
    # The BRP continues the trace below the source call's span.
    sent = responses.calls[0].request.headers["traceparent"]
    assert sent == f"00-{CALLER_TRACE}-{call.context.span_id:016x}-01"
    for span in (call, request):
        text = every_value(span)
        assert BSN not in text and "example.org" not in text and "Suzanne" not in text


@responses.activate
def test_without_a_caller_s_traceparent_the_view_s_span_starts_the_trace_of_its_answer(authed_api, grant, spans):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api)

    request = next(span for span in spans.get_finished_spans() if span.name == "iko.view")
    assert request.parent is None
    assert f"{request.context.trace_id:032x}" == response.json()["traceId"]


@responses.activate
def test_a_failing_source_marks_its_span_as_an_error_and_the_view_as_failed(authed_api, grant, spans):
    responses.post(PERSONEN_URL, status=503, json={"title": f"Persoon {BSN} onbekend"})

    assert view(authed_api).status_code == 502

    spans_by_name = {span.name: span for span in spans.get_finished_spans()}
    call, request = spans_by_name["iko.source_call"], spans_by_name["iko.view"]
    assert call.attributes["iko.status"] == "error" and call.status.status_code is StatusCode.ERROR
    assert call.status.description == "error" and not call.events  # no message, no exception text
    assert request.attributes["iko.outcome"] == "failed" and request.attributes["http.response.status_code"] == 502
    assert BSN not in every_value(call) + every_value(request)


def test_a_denied_view_is_a_span_with_its_outcome_but_no_error(authed_api, grant, spans):
    assert view(authed_api, purpose=BSN).status_code == 403

    [request] = spans.get_finished_spans()
    assert request.attributes["iko.outcome"] == "denied" and request.attributes["iko.purpose"] == "unknown"
    assert request.attributes["http.response.status_code"] == 403
    assert request.attributes["error.type"] == "ViewDenied"
    assert request.status.status_code is StatusCode.UNSET and not request.events
    assert BSN not in every_value(request)


@responses.activate
def test_a_search_has_its_own_span_with_its_source_call_below_it(authed_api, grant, person_searches, spans):
    from profiles.tests.search_fixtures import SUZANNE

    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam", {
        "criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, "purpose": "klantcontact"},
        format="json")

    assert response.status_code == 200
    [call, request] = spans.get_finished_spans()
    assert request.name == "iko.search" and request.attributes["iko.profile"] == "klantbeeld"
    assert call.parent.span_id == request.context.span_id
    assert call.attributes["iko.operation"] == "ZoekMetGeslachtsnaamEnGeboortedatum"
    assert "Moulin" not in every_value(call) + every_value(request)


OFF = """
import sys
import redis  # redis-py 8 imports OpenTelemetry's metrics SDK by itself when it is installed


def loaded():
    return {name for name in sys.modules if name.startswith(("opentelemetry", "google.protobuf"))}


before = loaded()
import django
django.setup()
from django.conf import settings
import api.urls, profiles.services.view, profiles.services.search, connectors.runner, connectors.http  # noqa
from connectors import telemetry
from connectors.base import ConnectorResult, Status
from types import SimpleNamespace
assert settings.IKO_OTLP_TRACES_ENDPOINT == ""
with telemetry.request_span("iko.view", trace=SimpleNamespace(trace_id="1" * 32, span_id="2" * 16, parent_span_id="")):
    telemetry.request_outcome(outcome="complete", http_status=200)
    telemetry.source_call_traced(source="brp", operation="x", traceparent="", run=lambda: ConnectorResult(Status.OK))
    assert telemetry.traceparent_for_source({"traceparent": "00-1-2-01"}) == {"traceparent": "00-1-2-01"}
print(sorted(loaded() - before))
print(sorted(name for name in loaded() if name.startswith(("opentelemetry.sdk.trace", "opentelemetry.exporter"))))
"""


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKO_", "OTEL_"))}
    env.update(DJANGO_SETTINGS_MODULE="iko_project.settings.test", **extra)
    return env


def test_tracing_is_off_by_default_and_iko_imports_nothing_of_opentelemetry(tmp_path):
    done = subprocess.run([sys.executable, "-c", OFF], cwd=REPO, env=clean_env(IKO_VAR_DIR=str(tmp_path)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "[]"]


SETTING = "import django; django.setup(); from django.conf import settings; print(settings.IKO_OTLP_TRACES_ENDPOINT)"


@pytest.mark.parametrize(("env", "endpoint"), [
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318"}, "http://otel-collector:4318/v1/traces"),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318/"}, "http://otel-collector:4318/v1/traces"),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b/otlp/traces"},
     "https://b/otlp/traces"),
])
def test_the_endpoint_is_opentelemetry_s_own_variable(tmp_path, env, endpoint):
    done = subprocess.run([sys.executable, "-c", SETTING], cwd=REPO, env=clean_env(IKO_VAR_DIR=str(tmp_path), **env),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == endpoint


def test_an_endpoint_that_is_no_http_url_is_refused_at_start(tmp_path):
    done = subprocess.run([sys.executable, "-c", SETTING], cwd=REPO,
                          env=clean_env(IKO_VAR_DIR=str(tmp_path), OTEL_EXPORTER_OTLP_ENDPOINT="otel-collector:4317"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "is no http:// or https:// URL" in done.stderr


class OtlpReceiver(BaseHTTPRequestHandler):
    """A collector's OTLP/HTTP receiver, reduced to remembering what was posted."""

    received: list[tuple[str, str, bytes]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    OtlpReceiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtlpReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", OtlpReceiver.received
    server.shutdown()
    server.server_close()


@pytest.mark.integration
@responses.activate
def test_with_an_endpoint_the_spans_are_posted_over_otlp_http(authed_api, grant, settings, receiver):
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    base, received = receiver
    responses.add_passthru(base)  # the exporter's POST goes to the real loopback receiver
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    settings.IKO_OTLP_TRACES_ENDPOINT = f"{base}/v1/traces"
    try:
        response = view(authed_api)
        telemetry.tracing_flush()
    finally:
        telemetry.tracing_stop()

    assert response.status_code == 200
    assert [(path, kind) for path, kind, _ in received] == [("/v1/traces", "application/x-protobuf")]
    body = received[0][2]
    assert BSN.encode() not in body and b"example.org" not in body
    export = ExportTraceServiceRequest.FromString(body)
    [resource_spans] = export.resource_spans
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    names = {span.name: span for scope in resource_spans.scope_spans for span in scope.spans}
    assert service == "iko" and set(names) == {"iko.view", "iko.source_call"}
    assert names["iko.view"].trace_id.hex() == response.json()["traceId"]
    assert names["iko.source_call"].parent_span_id == names["iko.view"].span_id
