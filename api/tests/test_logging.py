"""Structured logs: one JSON object per line with time, level, logger, message and the
request's trace id; never a BSN, a token, a secret or a body; gunicorn logs the same way, keeps
its access log off and exits cleanly."""

from __future__ import annotations

import io
import contextvars
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from iko_project.logging import JsonFormatter, TextFormatter, redact, span_id_var, trace_id_var

REPO = Path(__file__).resolve().parents[2]
BSN = "999993653"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def record(message="hello %s", args=("world",), level=logging.INFO, exc_info=None, name="iko.test"):
    return logging.LogRecord(name, level, __file__, 1, message, args, exc_info)


def test_a_json_line_has_time_level_logger_and_message():
    # A fresh context: "outside a request", whatever request an earlier test left in this thread.
    line = contextvars.Context().run(JsonFormatter().format, record())

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO" and entry["logger"] == "iko.test" and entry["message"] == "hello world"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert "traceId" not in entry  # outside a request


def test_inside_a_request_the_line_carries_the_trace_and_span_id():
    trace_token, span_token = trace_id_var.set(TRACE_ID), span_id_var.set("00f067aa0ba902b7")
    try:
        entry = json.loads(JsonFormatter().format(record()))
        text = TextFormatter().format(record())
    finally:
        trace_id_var.reset(trace_token)
        span_id_var.reset(span_token)
    assert entry["traceId"] == TRACE_ID and entry["spanId"] == "00f067aa0ba902b7"
    assert text.endswith(f"hello world [trace {TRACE_ID}]")


def test_an_exception_is_logged_as_type_and_stack_without_its_message():
    name = "".join(["Mou", "lin"])  # not a literal: the stack shows source lines
    try:
        raise ValueError(f"no person {BSN} with name {name}")
    except ValueError:
        entry = json.loads(JsonFormatter().format(record("failed", (), logging.ERROR, sys.exc_info())))

    assert entry["exception"].endswith("builtins.ValueError")
    assert "test_logging.py" in entry["exception"]
    assert "Moulin" not in entry["exception"] and BSN not in json.dumps(entry)


@pytest.mark.parametrize(
    "leak",
    [
        f"looked up {BSN}",
        "Authorization: Token iko_AbCdEf0123456789-_xyz",
        "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
        "basic auth Basic dXNlcjpwYXNzd29yZA==",
    ],
)
def test_bsns_and_credentials_are_redacted_as_a_last_line_of_defence(leak):
    entry = json.loads(JsonFormatter().format(record("%s", (leak,))))
    assert "[redacted]" in entry["message"]
    for secret in (BSN, "iko_AbCdEf", "eyJhbGci", "dXNlcjpwYXNz"):
        assert secret not in entry["message"]


def test_longer_numbers_are_not_redacted():
    assert redact("OIN 00000001234567890000 took 1234567890 ns") == "OIN 00000001234567890000 took 1234567890 ns"


def test_the_settings_pick_json_in_production_and_text_elsewhere(tmp_path):
    script = (
        "import iko_project.settings.base as s; "
        "print(s.LOGGING['handlers']['console']['formatter'], s.IKO_LOG_FORMAT)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
               IKO_SECRETS_KEY="dGVzdC1vbmx5LWtleS1mb3ItdGhlLXNldHRpbmdzLTE=")

    def formatter(**extra):
        result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**env, **extra},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[0]

    assert formatter() == "json"
    assert formatter(IKO_ENV="development") == "text"
    assert formatter(IKO_LOG_FORMAT="text") == "text"


# --- a real view, logged at DEBUG ---------------------------------------------------------------
@pytest.fixture
def captured_logs():
    """Every logger at DEBUG into one JSON stream; also the raw messages, before any redaction."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    raw: list[str] = []

    class Raw(logging.Handler):
        def emit(self, rec):
            raw.append(rec.getMessage() + (repr(rec.exc_info[1]) if rec.exc_info else ""))

    root = logging.getLogger()
    loggers = [root] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
    levels = {lg: lg.level for lg in loggers}
    raw_handler = Raw()
    root.addHandler(handler)
    root.addHandler(raw_handler)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield stream, raw
    finally:
        root.removeHandler(handler)
        root.removeHandler(raw_handler)
        for lg, level in levels.items():
            lg.setLevel(level)


@pytest.fixture
def loopback_brp(brp_source, brp_service):
    from demo.servers.brp import BrpServer

    server = BrpServer(required_api_key="brp-secret").start()
    brp_service.api_root = f"{server.base_url}/haalcentraal/api/brp/"
    brp_service.save()
    yield server
    server.stop()


@pytest.mark.integration
def test_a_view_for_a_bsn_logged_at_debug_holds_no_bsn_token_secret_or_body(
    authed_api, grant, loopback_brp, captured_logs
):
    from profiles.models import ProcessingRecord

    stream, raw = captured_logs
    grant.is_default = True
    grant.save()
    token = "iko_test_token_for_the_suite"
    body = {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact", "onBehalfOf": "medewerker-7"}

    ok = authed_api.post("/api/v1/profiles/klantbeeld/view", body, format="json",
                         HTTP_TRACEPARENT=f"00-{TRACE_ID}-00f067aa0ba902b7-01")
    valtimo = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")
    by_path = authed_api.get(f"/aggregated-data-profiles/klantbeeld/{BSN}")
    authed_api.get(f"/api/v1/profiles/{BSN}/schema")  # a 404 with the BSN in the path
    authed_api.post("/api/v1/profiles/klantbeeld/view", {**body, "purpose": "unknown"}, format="json")  # denied
    authed_api.post("/api/v1/profiles/klantbeeld/view", f'{{"subject": "{BSN}"', content_type="application/json")
    loopback_brp.set_faults(fail_mode="500")
    failed = authed_api.post("/api/v1/profiles/klantbeeld/view", body, format="json")

    assert ok.status_code == 200 and ok.json()["data"]["persoon"]["naam"]["volledigeNaam"] == "Suzanne Moulin"
    assert valtimo.status_code == 200 and by_path.status_code == 200
    assert failed.status_code == 502
    output = stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert lines, "DEBUG logging produced no lines at all"
    assert any(line["logger"].startswith("urllib3") for line in lines)  # the outgoing calls were logged
    everything = output + "\n".join(raw)
    for secret in (BSN, token, "brp-secret", "Suzanne", "Moulin", "medewerker-7", "burgerservicenummer"):
        assert secret not in everything, f"{secret!r} reached the logs"
    # Lines logged during the first view carry its trace id, the one in its processing record.
    assert ProcessingRecord.objects.filter(trace_id=TRACE_ID).exists()
    assert any(line.get("traceId") == TRACE_ID for line in lines)


def test_without_a_traceparent_the_log_lines_the_answer_and_the_record_share_one_trace_id(
    authed_api, grant, captured_logs
):
    import responses

    from profiles.models import ProcessingRecord

    stream, _ = captured_logs
    with responses.RequestsMock() as mocked:
        mocked.post("https://brp.example.org/haalcentraal/api/brp/personen", status=503)
        response = authed_api.post("/api/v1/profiles/klantbeeld/view",
                                   {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")

    # A 502 (the only source failed): Django logs it, and the problem carries the trace id.
    assert response.status_code == 502
    trace_id = response.json()["traceId"]
    record = ProcessingRecord.objects.get()
    assert record.trace_id == trace_id
    assert record.parent_span_id == ""  # nobody called IKO within a trace: no parent span
    traced = {json.loads(line).get("traceId") for line in stream.getvalue().splitlines()} - {None}
    assert traced == {trace_id}


# --- gunicorn -----------------------------------------------------------------------------------
def test_the_gunicorn_config_keeps_the_access_log_off_by_default(monkeypatch):
    import importlib

    monkeypatch.delenv("IKO_ACCESS_LOG", raising=False)
    monkeypatch.delenv("IKO_GRACEFUL_TIMEOUT", raising=False)
    monkeypatch.setenv("IKO_VIEW_DEADLINE_SECONDS", "30")
    import iko_project.gunicorn_conf as conf

    conf = importlib.reload(conf)
    assert conf.accesslog is None
    # A view in flight at SIGTERM still gets its whole deadline.
    assert conf.graceful_timeout == 35 > conf.keepalive


def test_worker_exit_drops_queued_source_calls_and_never_makes_a_pool(monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from connectors import runner
    from iko_project import gunicorn_conf

    monkeypatch.setattr(runner, "_pool", None)
    gunicorn_conf.worker_exit(None, None)
    assert runner._pool is None

    pool = ThreadPoolExecutor(max_workers=1)
    release = threading.Event()
    running = pool.submit(release.wait, 5)
    queued = pool.submit(lambda: "never")
    monkeypatch.setattr(runner, "_pool", pool)

    gunicorn_conf.worker_exit(None, None)

    assert queued.cancelled()
    release.set()
    assert running.result(timeout=5) is True


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.integration
def test_gunicorn_logs_json_lines_writes_no_access_log_and_stops_gracefully_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="iko_project.settings.test", IKO_VAR_DIR=str(tmp_path), IKO_LOG_FORMAT="json",
        IKO_BIND=f"127.0.0.1:{port}", IKO_WORKERS="1", IKO_THREADS="2", PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:iko_project.gunicorn_conf", "iko_project.wsgi"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/_healthz/livez?id={BSN}", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        assert response.json() == {"status": "ok"}

        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    lines = log_path.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    messages = [entry["message"] for entry in entries]
    assert any("Booting worker" in m for m in messages)
    assert any("Shutting down" in m for m in messages)
    assert all(entry["logger"].startswith("gunicorn") for entry in entries)
    assert not any("Control socket" in m for m in messages)  # off: instances would share its path
    assert not any("_healthz" in m or BSN in m for m in messages)  # no access log
