"""Calls to a real HTTP server on 127.0.0.1: a body is read whole, with or without a
Content-Length, and the calls of one thread share one kept-alive connection (the body read
returns the connection to its pool, also when it stops at the announced length)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.http import SourceHttp, clients_close

BODY = b'{"personen": [' + b", ".join(b'{"n": %d}' % i for i in range(2000)) + b"]}"


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):  # noqa: N802 - the http.server API
        self.server.connections.add(self.client_address)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path.endswith("/chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(BODY), 7000):
                part = BODY[start:start + 7000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.connections = set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["plain", "chunked"])
def test_whole_bodies_on_one_kept_alive_connection(brp_source, server, path):
    brp_source.service.api_root = f"http://127.0.0.1:{server.server_address[1]}/api/"
    config = brp_source.to_config()
    clients_close()
    try:
        for _ in range(3):
            response = SourceHttp(config).request("GET", path)
            assert response.status_code == 200 and response.body == BODY
            assert len(response.json()["personen"]) == 2000
    finally:
        clients_close()
    assert len(server.connections) == 1  # one client address: one connection for the three calls
