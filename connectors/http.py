"""Outgoing HTTP for connectors: bounded in time and size, and pinned to the configured server.

Every call goes through `SourceHttp.request`, which
- uses a client built from the server (`zgw_consumers.Service`): API root, auth (API key, ZGW
  JWT, OAuth2 client credentials), mTLS certificates. Clients are kept per worker thread and per
  server configuration, so calls reuse kept-alive connections instead of paying a new session,
  TCP (and TLS) handshake and environment scan per call (see `_clients`);
- refuses any URL outside the server's API root and never follows redirects (SSRF);
- uses a connect and read timeout, and also stops reading a body that trickles in slowly once
  the call's own deadline has passed (a read timeout alone restarts at every byte);
- caps the body size, and turns transport failures into `ConnectorError`s whose detail names
  no payload;
- refuses a server that IKO cannot use as configured (connectors/servers.py), such as one with an
  NLX outway, which calls would silently bypass;
- sends the calls of a server that is reached through an FSC outway to that outway, with the
  path below the API root unchanged, the contract's `Fsc-Grant-Hash` and a new
  `Fsc-Transaction-Id` per request, and notes the transaction id the outway returns for the
  processing record and the logs (connectors/fsc.py). The URL is checked against the API root
  first, as for any call, so a path can never leave the service;
- keeps URLs out of the logs: urllib3 logs every request line at DEBUG (and a failing one at
  WARNING), with path and query, which hold KVK numbers, BAG ids and other identifiers. Its log
  records are rewritten here (`RedactOutgoingUrls`), so `IKO_LOG_LEVEL=DEBUG` shows that a call
  was made, to which host, and its status, but not what it was about;
- makes an identical GET (same server configuration, URL, parameters and headers) once within
  one view: while a view's calls run, `SharedGets` hands its answer (or failure) to every
  connector that asks for it again, also to one that asks while the first request is under way.
"""

from __future__ import annotations

import contextvars
import json
import logging
import operator
import re
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from dataclasses import dataclass, replace
from typing import Any, Mapping
from urllib.parse import unquote, urlencode, urlsplit

import orjson
import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri
from ape_pie import APIClient
from django.conf import settings
from zgw_consumers.client import build_client
from zgw_consumers.constants import AuthTypes

from . import telemetry
from .base import ConnectorError, SourceConfig, Status, answer_received
from .fsc import (
    GRANT_HASH_HEADER, TRANSACTION_ID_HEADER, fsc_transaction_note, fsc_url, transaction_id_clean, transaction_id_new,
)
from .fsc_models import fsc_route_of
from .transport import KeptClientAdapter, install_header_block_parse

logger = logging.getLogger("iko.sources")

CHUNK_SIZE = 16 * 1024

# --- no identifiers in the logs --------------------------------------------------------------
# A request line as urllib3 logs it ('"GET /adressen/0363200000123456?x=1 HTTP/1.1" 200 512'),
# and any other path or URL in its messages (retries, dropped connections).
_REQUEST_LINE = re.compile(r'"([A-Z]+) [^"\s]* (HTTP/[0-9.]+)"')
_URL = re.compile(r"(?:(?<=[\s'\"(])|^)(?:[a-z][a-z0-9+.-]*://[^/\s'\")]*)?/[^\s'\")]*", re.IGNORECASE)
REDACTED_LOGGERS = ("urllib3", "urllib3.connectionpool", "urllib3.util.retry", "urllib3.poolmanager", "requests")


class RedactOutgoingUrls(logging.Filter):
    """Rewrites the log records of the HTTP libraries so that no path or query remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is dropped rather than shown raw
            return False
        redacted = _REQUEST_LINE.sub(r'"\1 [path redacted] \2"', message)
        redacted = _URL.sub("[url redacted]", redacted)
        if redacted != message or record.args:
            record.msg, record.args = redacted, ()
        return True


def install_log_redaction() -> None:
    """Put the filter on the loggers of the HTTP libraries (idempotent). A filter on a logger sees
    every record created there, whatever levels and handlers the logging settings choose."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactOutgoingUrls) for f in logger.filters):
            logger.addFilter(RedactOutgoingUrls())


install_log_redaction()
install_header_block_parse()  # answers' header blocks without the email parser (connectors/transport.py)


@dataclass(frozen=True)
class HttpResponse:
    status_code: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            pass  # orjson takes strict UTF-8 JSON only; the standard library also takes NaN, UTF-16, ...
        try:
            return json.loads(self.body)
        except ValueError:
            kind = self.content_type
            if kind and kind != "application/json" and not kind.endswith("+json"):
                # An HTML page from a gateway or proxy, most likely: say so, it is the clue.
                raise ConnectorError(f"The source answered with invalid JSON ({kind[:60]}).") from None
            raise ConnectorError("The source answered with invalid JSON.") from None


def _has_dot_segments(url: str) -> bool:
    segments = unquote(urlsplit(url).path).split("/")
    return ".." in segments or "." in segments


OUTSIDE = "Refused a URL outside the configured server of this source."


def _refuse_escape(path: str) -> None:
    """Refuse dot segments: `../` would leave the API root on the same host."""
    if _has_dot_segments(path):
        raise ConnectorError(OUTSIDE)


def _absolute_url(api_root: str, path: str) -> str:
    """`path` relative to the API root, or an absolute URL that lies under it; nothing else."""
    root = api_root if api_root.endswith("/") else api_root + "/"
    if "://" in path or path.startswith("//"):
        url = path
    elif path.startswith("/") or "\\" in path:
        raise ConnectorError(OUTSIDE)
    else:
        url = root + path
    scheme, netloc, url_path, _, _ = urlsplit(url)
    root_scheme, root_netloc, root_path, _, _ = urlsplit(root)
    # Compare the parts, not the strings: "https://host.evil" starts with "https://host" too.
    if (scheme.lower(), netloc.lower()) != (root_scheme.lower(), root_netloc.lower()):
        raise ConnectorError(OUTSIDE)
    if not (url_path + "/").startswith(root_path):
        raise ConnectorError(OUTSIDE)
    return url


# --- kept clients --------------------------------------------------------------------------
# A client is a configured requests session. Each worker thread keeps its own (sessions are not
# promised to be thread-safe) per server configuration: a changed server in the admin gives a
# new fingerprint and so a new client. Clients are renewed after a while, so that a ZGW JWT
# (made once per client) never expires in use and DNS changes are picked up.
_clients = threading.local()
_NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])


_field_getters: dict[type, Any] = {}


def _fingerprint(service) -> tuple:
    """Every stored value of the server (a tuple): one C call per request instead of a getattr
    per field, with the getter made once per model."""
    getter = _field_getters.get(type(service))
    if getter is None:
        names = [f.attname for f in service._meta.concrete_fields]
        # attrgetter of one name gives the value itself, not a tuple of one.
        getter = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, name=names[0]: (getattr(obj, name),))
        getter = _field_getters[type(service)] = getter
    return getter(service)


def _max_age(service) -> float:
    age = settings.IKO_HTTP_CLIENT_MAX_AGE_SECONDS
    if service.auth_type == AuthTypes.zgw and service.jwt_valid_for:
        age = min(age, service.jwt_valid_for / 2)
    return age


def _new_client(service) -> APIClient:
    client = build_client(service, client_factory=APIClient)
    # Read proxy and CA settings from the environment once, not on every call (requests scans
    # the whole environment per request while trust_env is on); a server certificate set in
    # the admin still wins.
    if client.trust_env:
        env = client.merge_environment_settings(service.api_root, {}, None, client.verify, None)
        client.proxies.update(env["proxies"])
        client.verify = env["verify"]
        client.trust_env = False
    # A kept client serves the views of many users: a cookie set by a source during one view
    # must never be sent along with another's, so no cookie is ever stored.
    client.cookies.set_policy(_NO_COOKIES)
    # requests' adapter without the per-call pool lookup, proxy URL work and response copies
    # that a kept client repeats for nothing (connectors/transport.py).
    adapter = KeptClientAdapter()
    client.mount("https://", adapter)
    client.mount("http://", adapter)
    client.__enter__()  # keep the connection pool open between calls
    return client


def _client_for(service) -> APIClient:
    """This thread's client for the server; ConnectorError when the server is not usable."""
    cache = getattr(_clients, "by_fingerprint", None)
    if cache is None:
        cache = _clients.by_fingerprint = {}
    key = _fingerprint(service)
    now = time.monotonic()
    entry = cache.get(key)
    if entry is not None and now - entry[1] < _max_age(service):
        return entry[0]
    if entry is not None:
        entry[0].close()
    # Forget clients of servers whose configuration changed, so the dict does not grow.
    for stale_key in [k for k in cache if k[0] == key[0] and k != key]:
        cache.pop(stale_key)[0].close()
    from .servers import server_problems

    problems = server_problems(service)
    if problems:
        raise ConnectorError(f"The server {service.slug!r} is not usable: " + " ".join(problems))
    client = _new_client(service)
    cache[key] = (client, now)
    return client


def clients_close() -> None:
    """Close this thread's kept clients (tests; a worker shutting down)."""
    for client, _ in getattr(_clients, "by_fingerprint", {}).values():
        client.close()
    _clients.by_fingerprint = {}


# --- one answer per identical GET within a view ---------------------------------------------------
class _SharedAnswer:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.response: HttpResponse | None = None
        self.error: BaseException | None = None


class SharedGets:
    """The GET answers of one view, by request. Lives as long as the view; never shared between
    views, so no answer outlives the request that needed it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple, _SharedAnswer] = {}

    def get(self, key: tuple, send, wait_seconds: float) -> HttpResponse:
        with self._lock:
            answer = self._answers.get(key)
            first = answer is None
            if first:
                answer = self._answers[key] = _SharedAnswer()
        if first:
            try:
                answer.response = send()
            except BaseException as exc:
                answer.error = exc
                raise
            finally:
                answer.done.set()
            return answer.response
        if not answer.done.wait(wait_seconds):
            raise ConnectorError(f"The source did not answer within {wait_seconds:g} s.", Status.TIMEOUT)
        if answer.error is not None:
            raise answer.error
        return answer.response


_shared_gets: contextvars.ContextVar[SharedGets | None] = contextvars.ContextVar("iko_shared_gets", default=None)


def share_gets(shared: SharedGets | None) -> None:
    """From now on in this context, identical GETs go through `shared` (None: not shared)."""
    _shared_gets.set(shared)


def _share_key(service, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None,
               max_bytes: int) -> tuple:
    query = json.dumps(params, sort_keys=True, default=str) if params else ""
    return (_fingerprint(service), url, query, tuple(sorted((headers or {}).items())), max_bytes)


def _query(params: Mapping[str, Any] | None) -> str:
    """The query string of `params` as requests writes it (a list value repeats the key, None is
    left out), without its per-call type checks."""
    pairs = []
    for key, values in (params or {}).items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        pairs.extend((key, value) for value in values if value is not None)
    return urlencode(pairs, doseq=True)


def _prepared(method: str, url: str, params, json_body, headers, auth, cookies) -> requests.PreparedRequest:
    """A prepared request as requests.Request(...).prepare() makes it, but with the URL (already
    checked against the API root) quoted and given its query directly: requests' own URL step
    costs more than the rest of the preparation together (runtime protocol checks)."""
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method)
    query = _query(params)
    if query:
        url = f"{url}{'&' if urlsplit(url).query else '?'}{query}"
    prepared.url = requote_uri(url)
    prepared.prepare_headers({name: value for name, value in headers.items() if value is not None})
    if len(cookies):  # the client's jar never keeps a cookie: an empty jar adds no header
        prepared.prepare_cookies(cookies)
    prepared.prepare_body(None, None, json_body)
    prepared.prepare_auth(auth)
    return prepared


class SourceHttp:
    """HTTP client of one source for one call."""

    def __init__(self, source: SourceConfig, *, service=None, max_bytes: int | None = None):
        """`service` is one of the source's linked servers; by default its main server."""
        self.source = source
        self.service = service or source.service
        self.max_bytes = max_bytes or settings.IKO_MAX_SOURCE_RESPONSE_BYTES

    @property
    def api_root(self) -> str:
        return self.service.api_root

    def within(self, deadline: float, *, min_seconds: float = 0.0, title: str = "The source",
               clock=time.monotonic) -> "SourceHttp":
        """This client with the time left until `deadline` (a `clock()` value, by default
        `time.monotonic()`) as its timeout, so that several calls of one fetch share the source's
        timeout; a TIMEOUT ConnectorError when no more than `min_seconds` is left."""
        remaining = deadline - clock()
        if remaining <= min_seconds:
            raise ConnectorError(
                f"{title} did not deliver all pages within {self.source.timeout:g} s.", Status.TIMEOUT
            )
        return SourceHttp(replace(self.source, timeout=remaining), service=self.service, max_bytes=self.max_bytes)

    def is_own_url(self, url: str) -> bool:
        """True if an absolute URL found in data lies under this server's API root."""
        return isinstance(url, str) and url.startswith(self.api_root) and not _has_dot_segments(url)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        _refuse_escape(path)
        url = _absolute_url(self.api_root, path)
        shared = _shared_gets.get()
        if shared is not None and method == "GET" and json_body is None:
            key = _share_key(self.service, url, params, headers, self.max_bytes)
            return shared.get(key, lambda: self._request(method, url, params, json_body, headers), self.source.timeout)
        response = self._request(method, url, params, json_body, headers)
        answer_received(response.status_code)
        return response

    def _request(self, method: str, url: str, params, json_body, headers) -> HttpResponse:
        timeout = self.source.timeout
        deadline = time.monotonic() + timeout
        try:
            try:
                response = self._send(method, url, params, json_body, headers, timeout)
            except requests.ConnectionError as exc:
                # A kept-alive connection that the server closed while idle fails at once; a
                # read-only call is safe to make once more, on a fresh connection.
                if isinstance(exc, requests.Timeout) or method not in ("GET", "HEAD"):
                    raise
                if time.monotonic() > deadline - timeout / 2:
                    raise
                _client_for(self.service).close()
                response = self._send(method, url, params, json_body, headers, deadline - time.monotonic())
            with response:
                body = self._read_body(response, deadline)
        except requests.Timeout:
            raise ConnectorError(
                f"The source did not answer within {timeout:g} s.", Status.TIMEOUT
            ) from None
        except requests.exceptions.SSLError:
            raise ConnectorError("TLS handshake with the source failed.") from None
        except requests.ConnectionError:
            raise ConnectorError("Could not connect to the source.") from None
        except requests.RequestException as exc:
            raise ConnectorError(f"HTTP error talking to the source ({type(exc).__name__}).") from None
        if 300 <= response.status_code < 400:
            raise ConnectorError(
                f"The source answered with a redirect (HTTP {response.status_code}); "
                "IKO does not follow redirects."
            )
        return HttpResponse(response.status_code, response.headers, body)

    def _send(self, method, url, params, json_body, headers, timeout: float) -> requests.Response:
        client = _client_for(self.service)
        route = fsc_route_of(self.service)
        if route is not None:
            return self._send_through_outway(client, route, method, url, params, json_body, headers, timeout)
        return self._send_with(client, method, url, params, json_body, headers, timeout)

    def _send_through_outway(self, client, route, method, url, params, json_body, headers,
                             timeout: float) -> requests.Response:
        """One request through the server's FSC outway (connectors/fsc.py): each request is its own
        FSC transaction, so a retry on a fresh connection gets a new transaction id too."""
        sent = transaction_id_new()
        headers = {**(headers or {}), GRANT_HASH_HEADER: route.grant_hash, TRANSACTION_ID_HEADER: sent}
        transaction_id, status = sent, None
        try:
            response = self._send_with(client, method, fsc_url(route, self.api_root, url), params, json_body,
                                       headers, timeout)
            # The outway returns the transaction's id; it may have set its own.
            transaction_id = transaction_id_clean(response.headers.get(TRANSACTION_ID_HEADER)) or sent
            status = response.status_code
            return response
        finally:
            # Also when the outway did not answer: it may have logged the transaction all the same.
            fsc_transaction_note(transaction_id)
            logger.info(
                "Called a server through its FSC outway.",
                extra={"log_fields": {"event": "fsc_outway_call", "server": self.service.slug,
                                      "fscOutwayTransactionId": transaction_id, "status": status}},
            )

    def _send_with(self, client, method, url, params, json_body, headers, timeout: float) -> requests.Response:
        # The request is prepared here and sent by the client's transport adapter, instead of
        # going through Session.request: the URL is already absolute and checked above, the environment was
        # read when the client was made and cookies are never kept (see `_new_client`), so what
        # Session.request adds per call (merging session settings and an empty cookie jar) does
        # nothing here but cost time. The client's headers, auth (API key, ZGW JWT, OAuth2),
        # server certificate, client certificate and proxies are applied as Session.request would.
        merged = CaseInsensitiveDict(client.headers)
        merged.update(telemetry.traceparent_for_source(dict(headers or {})))
        prepared = _prepared(method, url, params, json_body, merged, client.auth, client.cookies)
        # Straight to the transport adapter, past Session.send: it would only time the answer,
        # run response hooks (none: the request is not made through Session.request), store
        # cookies (the client's jar keeps none) and look for a redirect it is told not to follow.
        return client.get_adapter(prepared.url).send(
            prepared, stream=True, timeout=(min(timeout, 5.0), timeout),
            verify=client.verify, cert=client.cert, proxies=client.proxies,
        )

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length")
        expected = int(declared) if declared and declared.isdigit() else None
        if expected is not None and expected > self.max_bytes:
            raise ConnectorError(f"The source's answer is larger than {self.max_bytes} bytes.")
        chunks: list[bytes] = []
        size = 0
        raw = response.raw
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConnectorError(
                    f"The source did not finish its answer within {self.source.timeout:g} s.",
                    Status.TIMEOUT,
                )
            _bound_next_read(raw, left)
            try:
                # read1: whatever has arrived, at most a chunk. A plain read (as iter_content does)
                # waits until the whole chunk is there, so a body trickling in byte by byte would
                # hold the thread far past the deadline checked here.
                chunk = raw.read1(CHUNK_SIZE)
            except urllib3.exceptions.ReadTimeoutError:
                raise ConnectorError(
                    f"The source did not finish its answer within {self.source.timeout:g} s.",
                    Status.TIMEOUT,
                ) from None
            except urllib3.exceptions.HTTPError as exc:
                raise ConnectorError(f"The source broke off its answer ({type(exc).__name__}).") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise ConnectorError(f"The source's answer is larger than {self.max_bytes} bytes.")
            chunks.append(chunk)
            if size == expected:
                # All that was announced has arrived, and the connection is back in its pool
                # (urllib3 returns it when http.client has read the whole body): no read to
                # learn that nothing follows.
                return b"".join(chunks)


def _bound_next_read(raw, seconds: float) -> None:
    """Let the next socket read wait no longer than the call has left (the read timeout restarts
    at every byte that arrives). urllib3 sets the read timeout again for the connection's next
    request, so a kept-alive connection does not keep this shorter one."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        current = sock.gettimeout()
        sock.settimeout(seconds if current is None else min(current, seconds))
