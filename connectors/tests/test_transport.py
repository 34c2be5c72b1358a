"""The kept clients' transport adapter (connectors/transport.py) against real servers on 127.0.0.1:
it must pick the pool, the request line and the answer exactly as requests' own adapter does,
only without repeating the work, and closing it must forget the pools it kept."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from requests.adapters import HTTPAdapter

from connectors.http import SourceHttp, clients_close
from connectors.transport import KeptClientAdapter


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server API
        self.server.seen.append((self.path, self.headers.get("Cookie")))
        body = b'{"ok": true}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Mixed-Case", "one")
        self.send_header("X-Mixed-Case", "two")
        self.send_header("Set-Cookie", "session=secret; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def servers():
    started = [_serve(), _serve()]
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


def _prepared(url: str) -> requests.PreparedRequest:
    return requests.Request("GET", url).prepare()


def test_the_pool_is_the_one_requests_would_pick_and_is_kept(servers):
    adapter = KeptClientAdapter()
    first, second = (f"http://127.0.0.1:{s.server_address[1]}/api/x?q=1" for s in servers)
    pool = adapter.get_connection_with_tls_context(_prepared(first), True)
    assert pool is HTTPAdapter.get_connection_with_tls_context(adapter, _prepared(first), True)
    assert adapter.get_connection_with_tls_context(_prepared(first.replace("/x", "/y")), True) is pool
    other = adapter.get_connection_with_tls_context(_prepared(second), True)
    assert other is not pool and other.port == servers[1].server_address[1]
    # Other TLS settings are another pool, as requests' own lookup gives.
    unverified = adapter.get_connection_with_tls_context(_prepared(first), False)
    assert unverified is HTTPAdapter.get_connection_with_tls_context(adapter, _prepared(first), False)


def test_closing_the_adapter_forgets_the_kept_pools(servers):
    adapter = KeptClientAdapter()
    url = f"http://127.0.0.1:{servers[0].server_address[1]}/api/x"
    pool = adapter.get_connection_with_tls_context(_prepared(url), True)
    adapter.close()  # as closing the client does: the manager forgets its pools
    fresh = adapter.get_connection_with_tls_context(_prepared(url), True)
    assert fresh is not pool and fresh is HTTPAdapter.get_connection_with_tls_context(adapter, _prepared(url), True)
    response = adapter.send(_prepared(url), timeout=5)
    assert response.status_code == 201


def test_request_line_without_and_with_a_proxy():
    adapter = KeptClientAdapter()
    request = _prepared("http://example.org/api/personen?bsn=1#frag")
    assert adapter.request_url(request, {}) == HTTPAdapter.request_url(adapter, request, {}) == "/api/personen?bsn=1"
    proxies = {"http": "http://proxy.example.org:3128"}
    assert adapter.request_url(request, proxies) == HTTPAdapter.request_url(adapter, request, proxies)
    assert adapter.request_url(request, proxies).startswith("http://example.org/")
    pool = adapter.get_connection_with_tls_context(request, True, proxies=proxies)
    assert (pool.host, pool.port) == ("proxy.example.org", 3128)  # the proxy's pool, not the origin's


def test_the_answer_keeps_status_headers_and_body_but_no_cookie(servers, brp_source):
    server = servers[0]
    brp_source.service.api_root = f"http://127.0.0.1:{server.server_address[1]}/api/"
    config = brp_source.to_config()
    clients_close()
    try:
        for _ in range(2):
            response = SourceHttp(config).request("GET", "personen")
            assert response.status_code == 201 and response.json() == {"ok": True}
            assert response.headers.get("content-type") == "application/json"
            assert response.headers.get("x-mixed-case") == "one, two"  # as requests' copy joins them
            assert response.content_type == "application/json"
    finally:
        clients_close()
    # The source set a cookie; the kept client sent none back.
    assert [cookie for _, cookie in server.seen] == [None, None]
