"""At DEBUG, the HTTP libraries log every outgoing request line; IKO's must carry no path or
query, since those hold KVK numbers, BAG ids and other identifiers. Against a real loopback
server, because `responses` replaces the part of urllib3 that logs."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.base import SourceConfig
from connectors.http import SourceHttp, clients_close

KVK_NUMMER, NUMMERAANDUIDING = "69599084", "0363200000123456"


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()
    clients_close()


@pytest.fixture
def http(loopback, make_server):
    service = make_server(slug="kvk", api_root=loopback)
    return SourceHttp(SourceConfig(name="kvk", connector_id="kvk", service=service, options={}, timeout=2.0))


def test_at_debug_the_outgoing_request_line_is_logged_without_its_path_and_query(http, caplog):
    caplog.set_level(logging.DEBUG, logger="urllib3")

    response = http.request("GET", f"adressen/{NUMMERAANDUIDING}", params={"kvkNummer": KVK_NUMMER})

    assert response.status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("urllib3")]
    assert any('"GET [path redacted] HTTP/1.1" 200' in line for line in lines), lines
    assert not [line for line in lines if KVK_NUMMER in line or NUMMERAANDUIDING in line or "/api/" in line]


def test_a_url_in_any_other_message_of_the_http_libraries_is_redacted(caplog):
    caplog.set_level(logging.DEBUG, logger="urllib3")

    logging.getLogger("urllib3.connectionpool").warning(
        "Retrying (%r) after connection broken by '%r': %s", "Retry(total=0)", "ConnectionResetError()",
        f"/api/adressen/{NUMMERAANDUIDING}?kvkNummer={KVK_NUMMER}",
    )
    logging.getLogger("urllib3.poolmanager").debug("Redirecting %s -> %s", f"https://kvk.example.org/api/{KVK_NUMMER}", "x")

    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Retrying ('Retry(total=0)') after connection broken by ''ConnectionResetError()'': [url redacted]",
        "Redirecting [url redacted] -> x",
    ]
