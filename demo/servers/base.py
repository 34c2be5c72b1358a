"""Reusable loopback HTTP server for the demo sources, with fault injection.

`DemoServer` runs a `http.server.ThreadingHTTPServer` on 127.0.0.1 in a daemon thread, so
integration tests and benchmarks can talk to a real socket. Per server it can add latency and
fail a share of the requests (503 or 500 problem+json, or "hang": no answer until the server
stops), set in code or through the environment (demo/servers/faults.py):

* ``IKO_DEMO_<NAME>_LATENCY_MS``: sleep this long before answering (float, >= 0);
* ``IKO_DEMO_<NAME>_JITTER_MS``: vary that sleep per request, uniformly by up to this much either
  way (float, >= 0; never below zero);
* ``IKO_DEMO_<NAME>_FAILURE_RATE``: share of requests that fail (0..1);
* ``IKO_DEMO_<NAME>_FAIL_MODE``: how they fail: ``503`` (default), ``500`` or ``hang``.

A fail mode without a failure rate fails every request that way. ``IKO_DEMO_BIND_HOST`` (``0.0.0.0``
in a container) and ``IKO_DEMO_PUBLIC_HOST`` (the host name in the URLs a server hands out) serve
demo sources in a container of their own (docker-compose.yml). Each server counts the requests it
received (`DemoServer.requests_received`), so a test or benchmark can tell how often a source
was asked.

`DemoRequestHandler` gives handlers helpers for JSON bodies and for
``application/problem+json`` answers (RFC 9457 fields type/title/status/detail/instance/code)
and stays quiet: no request log, and never a body or a BSN in any output.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .faults import FaultSettings, fault_settings_from_env  # noqa: F401  (the servers import them from here)

logger = logging.getLogger(__name__)

# A hanging request waits this long at most; stop() wakes it earlier.
HANG_SECONDS = 3600.0
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
PROBLEM_CONTENT_TYPE = "application/problem+json"

_RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110#section-"
PROBLEM_TYPES = {
    400: _RFC9110 + "15.5.1",
    401: _RFC9110 + "15.5.2",
    403: _RFC9110 + "15.5.4",
    404: _RFC9110 + "15.5.5",
    405: _RFC9110 + "15.5.6",
    406: _RFC9110 + "15.5.7",
    411: _RFC9110 + "15.5.12",
    413: _RFC9110 + "15.5.14",
    415: _RFC9110 + "15.5.16",
    429: "https://www.rfc-editor.org/rfc/rfc6585#section-4",
    500: _RFC9110 + "15.6.1",
    501: _RFC9110 + "15.6.2",
    503: _RFC9110 + "15.6.4",
}


class ProblemError(Exception):
    """Raised inside a handler to answer with application/problem+json."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        *,
        detail: str | None = None,
        code: str | None = None,
        type_: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(title or HTTPStatus(status).phrase)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.type_ = type_
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler_class: type, demo: DemoServer) -> None:
        self.demo = demo
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler_class)

    def process_request(self, request, client_address) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        # Idle keep-alive connections would otherwise keep their threads and sockets alive.
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class DemoServer:
    """A `ThreadingHTTPServer` on 127.0.0.1 in a daemon thread, with fault injection.

    The socket is bound on construction, so `port` and `base_url` are known before `start()`.
    Use it as a context manager, or call `start()` and `stop()`.
    """

    def __init__(
        self,
        handler_class: type[BaseHTTPRequestHandler],
        port: int = 0,
        *,
        name: str = "demo",
        faults: FaultSettings | None = None,
        latency_ms: float | None = None,
        failure_rate: float | None = None,
        fail_mode: str | None = None,
        host: str | None = None,
        seed: int | None = None,
    ) -> None:
        self.name = name
        self._faults = faults or FaultSettings.build(latency_ms, failure_rate, fail_mode)
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()
        self.requests_received = 0
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        bind = host or os.environ.get("IKO_DEMO_BIND_HOST") or "127.0.0.1"  # loopback unless told
        self._public_host = os.environ.get("IKO_DEMO_PUBLIC_HOST", "")
        self._httpd = _HTTPServer((bind, port), handler_class, self)

    # -- addresses -------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return self._public_host or self._httpd.server_address[0]

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- faults ----------------------------------------------------------------------------
    @property
    def faults(self) -> FaultSettings:
        return self._faults

    @faults.setter
    def faults(self, value: FaultSettings) -> None:
        self._faults = value

    def set_faults(
        self,
        latency_ms: float | None = None,
        failure_rate: float | None = None,
        fail_mode: str | None = None,
        jitter_ms: float | None = None,
    ) -> FaultSettings:
        """Replace the fault settings while running (same rules as `FaultSettings.build`)."""
        self._faults = FaultSettings.build(latency_ms, failure_rate, fail_mode, jitter_ms)
        return self._faults

    def latency_seconds(self) -> float:
        """This request's delay: the latency, varied by the jitter (never below zero)."""
        faults = self._faults
        if not faults.jitter_ms:
            return faults.latency_ms / 1000.0
        with self._random_lock:
            offset = self._random.uniform(-faults.jitter_ms, faults.jitter_ms)
        return max(0.0, faults.latency_ms + offset) / 1000.0

    def count_request(self) -> None:
        with self._random_lock:
            self.requests_received += 1

    def should_fail(self) -> bool:
        rate = self._faults.failure_rate
        if rate <= 0.0:
            return False
        if rate >= 1.0:
            return True
        with self._random_lock:
            return self._random.random() < rate

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> DemoServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"demo-server-{self.name}-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            # shutdown() blocks until serve_forever() returns, so only call it when it runs.
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.close_connections()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread (for ``python -m``); returns after `stop()` or Ctrl+C."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stopping.set()
            self._httpd.close_connections()
            self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.base_url}>"


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Base handler: fault injection, JSON / problem+json helpers, no logging.

    Subclasses implement `handle_demo_request()` and may raise `ProblemError`.
    """

    protocol_version = "HTTP/1.1"
    server_version = "IKO-demo/1.0"
    sys_version = ""
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 60
    max_body_bytes = 1_000_000
    invalid_json_title = "Request body is not valid JSON."
    unavailable_title = "Service temporarily unavailable."
    unavailable_code = "notAvailable"
    server_error_title = "Internal server error."
    server_error_code = "serverError"

    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def demo(self) -> DemoServer:
        return self.server.demo

    @property
    def request_path(self) -> str:
        return urlsplit(getattr(self, "path", "") or "").path

    # -- dispatch --------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def handle_demo_request(self) -> None:  # pragma: no cover - subclasses implement it
        raise ProblemError(404)

    def _dispatch(self) -> None:
        self._body_consumed = False
        try:
            if self._inject_fault():
                return
            self.handle_demo_request()
        except ProblemError as problem:
            self.send_problem(
                problem.status,
                problem.title,
                detail=problem.detail,
                code=problem.code,
                type_=problem.type_,
                extra=problem.extra,
                headers=problem.headers,
            )
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:
            # Only the exception type: messages and tracebacks may carry personal data.
            logger.error("%s: unhandled %s", type(self).__name__, type(exc).__name__)
            self.send_problem(500, self.server_error_title, code=self.server_error_code)

    def _inject_fault(self) -> bool:
        """Apply latency and maybe fail; True when the request has been dealt with."""
        self.demo.count_request()
        faults = self.demo.faults
        if faults.latency_ms or faults.jitter_ms:
            self.demo.stopping.wait(self.demo.latency_seconds())
        if not self.demo.should_fail():
            return False
        if faults.fail_mode == "hang":
            self.demo.stopping.wait(HANG_SECONDS)
            self.close_connection = True
            return True
        if faults.fail_mode == "500":
            self.send_problem(500, self.server_error_title, code=self.server_error_code)
        else:
            self.send_problem(
                503, self.unavailable_title, code=self.unavailable_code, headers={"Retry-After": "1"}
            )
        return True

    # -- request bodies --------------------------------------------------------------------
    def read_body(self, max_bytes: int | None = None) -> bytes:
        limit = self.max_body_bytes if max_bytes is None else max_bytes
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise ProblemError(411, detail="Send the body with a Content-Length header.")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise ProblemError(400, detail="Invalid Content-Length header.") from None
        if length < 0:
            self.close_connection = True
            raise ProblemError(400, detail="Invalid Content-Length header.")
        if length > limit:
            self.close_connection = True
            raise ProblemError(413, detail=f"The body may be at most {limit} bytes.")
        body = self.rfile.read(length) if length else b""
        self._body_consumed = True
        return body

    def read_json_body(self, max_bytes: int | None = None) -> Any:
        """The parsed JSON body; `ProblemError` 400 when it is empty or not valid JSON."""
        body = self.read_body(max_bytes)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ProblemError(400, self.invalid_json_title, code="invalidJson") from None

    # -- responses -------------------------------------------------------------------------
    def problem_type(self, status: int) -> str:
        return PROBLEM_TYPES.get(status, "about:blank")

    def send_json(
        self,
        status: int,
        payload: Any,
        *,
        content_type: str = JSON_CONTENT_TYPE,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, content_type, headers)

    def send_problem(
        self,
        status: int,
        title: str | None = None,
        *,
        detail: str | None = None,
        code: str | None = None,
        type_: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        problem: dict[str, Any] = {
            "type": type_ or self.problem_type(status),
            "title": title or HTTPStatus(status).phrase,
            "status": status,
        }
        if detail:
            problem["detail"] = detail
        problem["instance"] = self.request_path
        if code:
            problem["code"] = code
        problem.update(extra or {})
        self.send_json(status, problem, content_type=PROBLEM_CONTENT_TYPE, headers=headers)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Used by http.server itself (bad request line, unsupported method): answer in kind.
        self.close_connection = True
        try:
            self.send_problem(code, message if message and "\n" not in message else None)
        except OSError:
            pass

    def _send(
        self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None
    ) -> None:
        unread_body = not getattr(self, "_body_consumed", True) and self._has_request_body()
        if unread_body:
            # The request body is still in the socket: the next request would be garbage.
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        # Headers and body in one write: two small writes on a keep-alive connection meet
        # Nagle's algorithm and delayed ACKs and cost about 40 ms per answer.
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _has_request_body(self) -> bool:
        headers = getattr(self, "headers", None)
        if headers is None:
            return False
        if headers.get("Transfer-Encoding"):
            return True
        try:
            return int(headers.get("Content-Length") or 0) > 0
        except ValueError:
            return True

    def version_string(self) -> str:
        return self.server_version

    # -- logging ---------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet on purpose: a request log line would carry paths and, elsewhere, identifiers."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet on purpose, see `log_message`."""
