"""FSC end to end: a view through a real (fake) FSC outway on 127.0.0.1 that records what it gets and
forwards it to the demo BRP, as an outway and inway together would (connectors/fsc.py); and IKO behind
an FSC inway, where the calling organisation's peer id is the API client (api/fsc.py)."""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import jwt
import pytest

from connectors.fsc import TRANSACTION_ID, transaction_id_new
from profiles.processing_log.models import ProcessingRecord

pytestmark = [pytest.mark.integration]

BSN = "999993653"
GRANT = "$1$3$" + "Q" * 86
# The service's own address: never reached directly, only through the outway.
SERVICE_ROOT = "https://brp.gemeente-b.example/haalcentraal/api/brp/"
PEER = "00000001234567890000"
INWAY = "10.20.30.40"
INCOMING = "01936b2e-5c4d-7a8b-9c0d-1e2f3a4b5c6d"


class FakeOutway:
    """An FSC outway and the inway behind it, in one: records every request's method, path and
    headers, and forwards it with the same path to the service endpoint `target` (as the inway
    does); answers with the transaction id (its own, with `own_transaction_ids`)."""

    def __init__(self, target: str, *, own_transaction_ids: bool = False):
        self.target = urlsplit(target)
        self.own_transaction_ids = own_transaction_ids
        self.requests: list[dict] = []
        self.returned: list[str] = []
        outway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outway.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers)})
                received = self.headers.get("Fsc-Transaction-Id", "")
                transaction_id = transaction_id_new() if outway.own_transaction_ids or not received else received
                outway.returned.append(transaction_id)
                if not self.headers.get("Fsc-Grant-Hash"):
                    self._answer(400, {"code": "ERROR_CODE_GRANT_HASH_MISSING"}, transaction_id)
                    return
                connection = http.client.HTTPConnection(outway.target.hostname, outway.target.port, timeout=5)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(self.command, outway.target.path.rstrip("/") + self.path, body=body or None,
                                   headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Fsc-Transaction-Id", transaction_id)
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            def _answer(self, status, payload, transaction_id):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Fsc-Transaction-Id", transaction_id)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _forward

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def demo_brp():
    from demo.servers.brp import BrpServer

    with BrpServer(required_api_key="brp-secret") as server:
        yield server


@pytest.fixture
def brp_through_outway(brp_service, demo_brp):
    """The BRP server configured at its own address, reached only through the fake outway."""
    from connectors.models import ServerFsc

    brp_service.api_root = SERVICE_ROOT
    brp_service.save()
    with FakeOutway(f"{demo_brp.base_url}/haalcentraal/api/brp/") as outway:
        ServerFsc.objects.create(service=brp_service, outway_address=outway.url, grant_hash=GRANT)
        yield outway


def view(api, **extra):
    return api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN},
                                                         "purpose": "klantcontact"}, format="json", **extra)


# --- through the outway ---------------------------------------------------------------------------


def test_a_view_through_the_outway_carries_the_grant_hash_and_records_the_transaction_id(
        authed_api, grant, brp_through_outway, caplog):
    with caplog.at_level(logging.INFO, logger="iko.sources"):
        response = view(authed_api)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["persoon"]["naam"]["volledigeNaam"]
    (sent,) = brp_through_outway.requests
    assert sent["method"] == "POST" and sent["path"] == "/personen"  # the path below the API root
    assert sent["headers"]["Fsc-Grant-Hash"] == GRANT
    assert TRANSACTION_ID.match(sent["headers"]["Fsc-Transaction-Id"])
    assert sent["headers"]["X-Api-Key"] == "brp-secret"
    record = ProcessingRecord.objects.get()
    assert record.fsc_outway_transaction_ids == [sent["headers"]["Fsc-Transaction-Id"]]
    assert record.fsc_transaction_id == ""  # not called through an inway
    (line,) = [r for r in caplog.records if getattr(r, "log_fields", {}).get("event") == "fsc_outway_call"]
    assert line.log_fields == {"event": "fsc_outway_call", "server": "brp",
                               "fscOutwayTransactionId": sent["headers"]["Fsc-Transaction-Id"], "status": 200}


def test_the_record_keeps_the_transaction_id_the_outway_returns(authed_api, grant, brp_through_outway):
    brp_through_outway.own_transaction_ids = True

    assert view(authed_api).status_code == 200

    (returned,) = brp_through_outway.returned
    assert returned != brp_through_outway.requests[0]["headers"]["Fsc-Transaction-Id"]
    assert ProcessingRecord.objects.get().fsc_outway_transaction_ids == [returned]


def test_each_view_is_its_own_transaction(authed_api, grant, brp_through_outway):
    assert view(authed_api).status_code == 200
    assert view(authed_api).status_code == 200

    first, second = (r.fsc_outway_transaction_ids for r in ProcessingRecord.objects.order_by("pk"))
    assert len(first) == len(second) == 1 and first != second


def test_a_denied_view_asks_no_outway_and_records_no_transaction(api, brp_through_outway, profile, purpose,
                                                                 api_client_with_token):
    from conftest import TOKEN

    api.credentials(HTTP_AUTHORIZATION=f"Token {TOKEN}")

    assert view(api).status_code == 403
    assert brp_through_outway.requests == []
    assert ProcessingRecord.objects.get().fsc_outway_transaction_ids == []


# --- behind the inway ---------------------------------------------------------------------------


@pytest.fixture
def inway(settings):
    settings.IKO_FSC_INWAY_NETWORKS = [ipaddress.ip_network(f"{INWAY}/32")]
    settings.IKO_FSC_GROUP_ID = ""
    return settings


@pytest.fixture
def peer_client(api_client_with_token, grant):
    api_client_with_token.fsc_peer_id = PEER
    api_client_with_token.save()
    return api_client_with_token


def access_token(**claims) -> str:
    """An FSC access token as the inway passes it on (its signature is the inway's to check)."""
    now = int(time.time())
    payload = {"gth": GRANT, "gid": "fsc-test", "sub": PEER, "iss": "00000009999999999000", "svc": "iko",
               "aud": "https://inway.example.org:443", "nbf": now - 10, "exp": now + 300, **claims}
    return jwt.encode(payload, "the manager's signing key, checked by the inway", algorithm="HS256")


def from_inway(token: str | None = None, transaction_id: str = INCOMING, address: str = INWAY) -> dict:
    extra = {"REMOTE_ADDR": address, "HTTP_FSC_TRANSACTION_ID": transaction_id}
    if token is not None:
        extra["HTTP_FSC_AUTHORIZATION"] = token
    return extra


def test_the_peer_behind_the_inway_is_the_api_client_and_its_transaction_is_continued(
        api, inway, peer_client, brp_through_outway):
    response = view(api, **from_inway(access_token()))

    assert response.status_code == 200, response.content
    record = ProcessingRecord.objects.get()
    assert record.actor == f"api-client:{peer_client.name}" and record.actor_type == "api_client"
    assert record.fsc_transaction_id == INCOMING
    # The outgoing call is a transaction of its own, kept beside the incoming one.
    (sent,) = brp_through_outway.requests
    assert record.fsc_outway_transaction_ids == [sent["headers"]["Fsc-Transaction-Id"]] != [INCOMING]


def test_inway_headers_from_another_address_are_ignored(api, inway, peer_client):
    response = view(api, **from_inway(access_token(), address="10.20.30.41"))

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_inway_headers_are_ignored_everywhere_when_no_inway_is_configured(api, settings, peer_client):
    settings.IKO_FSC_INWAY_NETWORKS = []

    assert view(api, **from_inway(access_token())).status_code == 401


def test_a_transaction_id_from_another_address_is_not_recorded(authed_api, inway, grant, brp_through_outway):
    assert view(authed_api, **from_inway(address="10.20.30.41")).status_code == 200

    assert ProcessingRecord.objects.get().fsc_transaction_id == ""


def test_a_transaction_id_that_is_no_uuid_is_not_recorded(api, inway, peer_client, brp_through_outway):
    assert view(api, **from_inway(access_token(), transaction_id=f"{BSN}-not-an-id")).status_code == 200

    assert ProcessingRecord.objects.get().fsc_transaction_id == ""


def test_an_unknown_peer_is_a_403_problem(api, inway, peer_client):
    response = view(api, **from_inway(access_token(sub="00000001111111111000")))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "unknown-fsc-peer"


def test_a_disabled_client_s_peer_is_unknown(api, inway, peer_client):
    peer_client.enabled = False
    peer_client.save()

    assert view(api, **from_inway(access_token())).json()["code"] == "unknown-fsc-peer"


@pytest.mark.parametrize("token", ["not-a-jwt", "Bearer x.y.z", None])
def test_an_unreadable_token_from_the_inway_is_a_401_problem(api, inway, peer_client, token):
    token = access_token(sub="") if token is None else token

    response = view(api, **from_inway(token))

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_expired_token_is_refused(api, inway, peer_client):
    response = view(api, **from_inway(access_token(exp=int(time.time()) - 3600)))

    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_token_of_another_group_is_refused_when_the_group_is_set(api, inway, peer_client):
    inway.IKO_FSC_GROUP_ID = "fsc-production"

    response = view(api, **from_inway(access_token(gid="fsc-test")))

    assert response.status_code == 403 and response.json()["code"] == "wrong-fsc-group"


# --- the log lines -------------------------------------------------------------------------------


def test_a_log_line_of_a_request_from_the_inway_carries_its_transaction_id_and_a_call_s_is_not_redacted():
    from iko_project.logging import JsonFormatter, TextFormatter, fsc_transaction_id_var

    # A run of nine digits in a UUID's last group looks like a BSN to the redaction; it is no BSN.
    outgoing = "01936b2e-5c4d-7a8b-9c0d-a123456789bc"
    record = logging.LogRecord("iko.sources", logging.INFO, __file__, 1, "Called a server through its FSC outway.",
                               (), None)
    record.log_fields = {"event": "fsc_outway_call", "fscOutwayTransactionId": outgoing, "other": f"x{BSN}x"}
    token = fsc_transaction_id_var.set(INCOMING)
    try:
        line = json.loads(JsonFormatter().format(record))
        text = TextFormatter().format(record)
    finally:
        fsc_transaction_id_var.reset(token)

    assert line["fscTransactionId"] == INCOMING and line["fscOutwayTransactionId"] == outgoing
    assert BSN not in line["other"]  # anything else is redacted as before
    assert f"[fsc {INCOMING}]" in text
