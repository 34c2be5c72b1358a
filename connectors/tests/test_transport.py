"""The kept clients' transport adapter (connectors/transport.py) against real servers on 127.0.0.1:
it must pick the pool, the request line and the answer exactly as requests' own adapter does,
only without repeating the work, and closing it must forget the pools it kept."""

import email.parser
import http.client
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from requests.adapters import HTTPAdapter

from connectors import transport
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


# --- header blocks: the same HTTPMessage as the standard library's parser ----------------------
HEADER_BLOCKS = [
    b"Content-Type: application/json\r\nContent-Length: 12\r\n\r\n",
    b"\r\n",
    b"A: b\n\n",
    b"Empty:\r\nSpaces:   padded value  \r\nTab:\tx\r\n\r\n",
    b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Weird_Name.~: caf\xe9 \xff\r\n\r\n",
    b"Colon: a:b: c\r\nUPPER: V\r\nlower: v\r\n\r\n",
    # Not plain: left to the email parser, which reads them its own way (defects, payload).
    b"Folded: one\r\n two\r\n\r\n",
    b"No colon here\r\nA: b\r\n\r\n",
    b"Name : space before the colon\r\n\r\n",
    b": no name\r\n\r\n",
    b"Bare: cr\rinside\r\n\r\n",
    b"Vertical: tab\x0binside\r\n\r\n",
    b"Next-Line: \x85inside\r\n\r\n",
    b"From nobody\r\nA: b\r\n\r\n",
    b"A: b\r\n",  # the connection closed before the empty line
]


def _described(message):
    return (type(message), message.items(), message.get_payload(), [type(d) for d in message.defects],
            message.get_content_type(), message.get("content-length"), message.get_all("set-cookie"))


@pytest.mark.parametrize("raw", HEADER_BLOCKS)
def test_a_header_block_parses_as_the_standard_library_does(raw):
    ours, stdlib = io.BytesIO(raw + b"the body"), io.BytesIO(raw + b"the body")
    assert _described(transport.header_block_parse(ours)) == _described(transport._stdlib_parse_headers(stdlib))
    assert ours.read() == stdlib.read()  # the body is left where it was


def test_plain_blocks_skip_the_email_parser_and_others_use_it(monkeypatch):
    used = []
    original = email.parser.Parser.parsestr
    monkeypatch.setattr(email.parser.Parser, "parsestr", lambda self, text: used.append(text) or original(self, text))
    transport.header_block_parse(io.BytesIO(HEADER_BLOCKS[0]))
    assert used == []
    transport.header_block_parse(io.BytesIO(b"Folded: one\r\n two\r\n\r\n"))
    assert len(used) == 1


def test_the_standard_library_limits_still_hold():
    with pytest.raises(http.client.LineTooLong):
        transport.header_block_parse(io.BytesIO(b"A: " + b"x" * 70000 + b"\r\n\r\n"))
    with pytest.raises(http.client.HTTPException):
        transport.header_block_parse(io.BytesIO(b"".join(b"H%d: v\r\n" % i for i in range(200)) + b"\r\n"))


def test_http_client_reads_answers_with_it():
    # connectors.http (imported above) installs it.
    assert http.client.parse_headers is transport.header_block_parse
