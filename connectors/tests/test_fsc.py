"""Calling a server through an FSC outway (connectors/fsc.py, connectors/http.py): the URL through
the outway, the FSC headers, IKO's own SSRF rules under the service, the checks of the settings, and
the admin's inline. The whole view through a real (fake) outway is in tests/test_fsc_integration.py."""

from __future__ import annotations

import re
import uuid

import pytest
import responses
from zgw_consumers.constants import AuthTypes

from connectors.base import ConnectorError, SourceConfig
from connectors.fsc import (
    FscRoute, fsc_transactions_start, fsc_transactions_stop, fsc_url, grant_hash_problems, outway_address_problems,
    transaction_id_clean, transaction_id_new,
)
from connectors.http import SourceHttp
from connectors.servers import server_field_problems

from .test_admin import SERVER_ADD, form_errors, server_form

GRANT = "$1$3$" + "A" * 40 + "_-" + "b" * 44
OUTWAY = "http://outway.internal:8080/"
ROOT = "https://register.example.org/api/v1/"
UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def fsc_server(make_server):
    from connectors.models import ServerFsc

    server = make_server(auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="k")
    ServerFsc.objects.create(service=server, outway_address=OUTWAY, grant_hash=GRANT)
    return server


def http_of(server) -> SourceHttp:
    return SourceHttp(SourceConfig(name="s", connector_id="generic", service=server, options={}, timeout=2.0))


def test_a_transaction_id_is_a_new_uuid_version_7_each_time():
    ids = {transaction_id_new() for _ in range(200)}

    assert len(ids) == 200 and all(UUID7.match(i) for i in ids)
    assert uuid.UUID(next(iter(ids))).version == 7


def test_only_a_uuid_is_kept_as_a_transaction_id():
    assert transaction_id_clean(" 0190F5A4-1B2C-7D3E-8F40-123456789ABC ") == "0190f5a4-1b2c-7d3e-8f40-123456789abc"
    for value in ("", None, "abc", "999993653", "0190f5a4-1b2c-7d3e-8f40-123456789abc; drop", "x" * 36):
        assert transaction_id_clean(value) == ""


@pytest.mark.parametrize("url, through_outway", [
    (ROOT + "personen", OUTWAY + "personen"),
    (ROOT + "zaken/1?x=2", OUTWAY + "zaken/1?x=2"),
    (ROOT.rstrip("/"), OUTWAY),
])
def test_the_url_through_the_outway_is_the_outway_address_and_the_path_below_the_api_root(url, through_outway):
    assert fsc_url(FscRoute(OUTWAY, GRANT), ROOT, url) == through_outway


def test_an_outway_address_with_a_path_serves_a_service_whose_endpoint_is_the_host_root():
    route = FscRoute("http://outway.internal:8080/api/v1/", GRANT)

    assert fsc_url(route, ROOT, ROOT + "zaken") == "http://outway.internal:8080/api/v1/zaken"


def test_a_url_outside_the_api_root_never_gets_an_outway_url():
    with pytest.raises(ValueError):
        fsc_url(FscRoute(OUTWAY, GRANT), ROOT, "https://register.example.org/admin/")


@responses.activate
def test_a_call_goes_to_the_outway_with_the_grant_hash_and_a_transaction_id(fsc_server):
    returned = transaction_id_new()
    responses.get(OUTWAY + "inkomens", json={"ok": True}, headers={"Fsc-Transaction-Id": returned})
    collected = fsc_transactions_start()
    try:
        response = http_of(fsc_server).request("GET", "inkomens", params={"jaar": 2024})
    finally:
        fsc_transactions_stop()

    assert response.json() == {"ok": True}
    (call,) = responses.calls
    assert call.request.url == OUTWAY + "inkomens?jaar=2024"
    assert call.request.headers["Fsc-Grant-Hash"] == GRANT
    assert UUID7.match(call.request.headers["Fsc-Transaction-Id"])
    assert call.request.headers["X-Api-Key"] == "k"  # the service's own credentials pass the outway
    assert collected.ids == [returned]  # the id the outway returned


@responses.activate
def test_without_an_id_from_the_outway_the_one_iko_sent_is_kept(fsc_server):
    responses.get(OUTWAY + "inkomens", json={})
    collected = fsc_transactions_start()
    try:
        http_of(fsc_server).request("GET", "inkomens")
    finally:
        fsc_transactions_stop()

    assert collected.ids == [responses.calls[0].request.headers["Fsc-Transaction-Id"]]


@responses.activate
def test_an_absolute_url_from_the_service_s_data_is_fetched_through_the_outway(fsc_server):
    responses.get(OUTWAY + "zaken/123", json={})

    http_of(fsc_server).request("GET", ROOT + "zaken/123")

    assert responses.calls[0].request.url == OUTWAY + "zaken/123"


@pytest.mark.parametrize("path", [
    "../admin", "zaken/../../admin", "%2e%2e/admin", "./zaken", "/etc/passwd", "\\\\evil/x",
    "https://evil.example.org/api/v1/zaken", "https://register.example.org/other/", "//evil.example.org/x",
    "https://register.example.org/api/v1/../../admin",
])
@responses.activate
def test_a_path_that_would_leave_the_service_is_refused_before_the_outway_is_asked(fsc_server, path):
    with pytest.raises(ConnectorError, match="outside the configured server"):
        http_of(fsc_server).request("GET", path)
    assert len(responses.calls) == 0


@responses.activate
def test_a_server_without_an_outway_is_called_directly_without_fsc_headers(make_server):
    server = make_server()
    responses.get(ROOT + "inkomens", json={})

    http_of(server).request("GET", "inkomens")

    assert "Fsc-Grant-Hash" not in responses.calls[0].request.headers
    assert "Fsc-Transaction-Id" not in responses.calls[0].request.headers


@responses.activate
def test_a_retry_on_a_fresh_connection_is_a_new_transaction(fsc_server):
    import requests

    responses.get(OUTWAY + "inkomens", body=requests.ConnectionError("closed while idle"))
    responses.get(OUTWAY + "inkomens", json={})

    http_of(fsc_server).request("GET", "inkomens")

    first, second = (call.request.headers["Fsc-Transaction-Id"] for call in responses.calls)
    assert first != second


def test_outway_addresses_and_grant_hashes_are_checked():
    assert outway_address_problems("http://outway.internal:8080/") == []
    assert outway_address_problems("https://outway.internal/brp/") == []
    for address in ("outway:8080", "ftp://outway/", "http://outway/?x=1", "http://user:pw@outway/", "http://o/a/../b"):
        assert outway_address_problems(address), address
    assert grant_hash_problems(GRANT) == []
    assert grant_hash_problems("$1$4$" + "x" * 86) == []  # a delegated connection grant
    for value in ("", "abc", "$1$2$" + "x" * 86, "$1$3$short", "$1$3$" + "x" * 80 + " y"):
        assert grant_hash_problems(value), value


def test_a_server_with_an_outway_and_oauth2_client_credentials_is_not_usable(make_server):
    from connectors.models import ServerFsc

    server = make_server(auth_type=AuthTypes.oauth2_client_credentials, client_id="iko", secret="s",
                         oauth2_token_url="https://register.example.org/token")
    ServerFsc.objects.create(service=server, outway_address=OUTWAY, grant_hash=GRANT)

    assert "past the outway" in server_field_problems(server)["auth_type"][0]


def test_a_stored_outway_with_a_bad_grant_hash_makes_the_server_unusable(make_server):
    from connectors.models import ServerFsc

    server = make_server()
    ServerFsc.objects.create(service=server, outway_address=OUTWAY, grant_hash="not-a-hash")

    assert "grant hash" in server_field_problems(server)["iko_fsc"][0]
    with pytest.raises(ConnectorError, match="is not usable"):
        http_of(server).request("GET", "inkomens")


# --- the admin --------------------------------------------------------------------------------


def with_outway(data: dict, *, address: str = OUTWAY, grant_hash: str = GRANT) -> dict:
    return {**data, "iko_fsc-TOTAL_FORMS": "1", "iko_fsc-0-outway_address": address, "iko_fsc-0-grant_hash": grant_hash}


def inline_errors(response) -> list:
    return [dict(errors) for errors in response.context["inline_admin_formsets"][0].formset.errors] + [
        list(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    ]


def test_the_admin_saves_a_server_with_its_outway(admin_client):
    from connectors.models import ServerFsc

    response = admin_client.post(SERVER_ADD_URL(), with_outway(server_form(), address="http://outway.internal:8080"))
    assert response.status_code == 302, inline_errors(response) if response.status_code == 200 else response

    row = ServerFsc.objects.get()
    assert row.outway_address == "http://outway.internal:8080/" and row.grant_hash == GRANT


def test_the_admin_refuses_a_bad_grant_hash_in_words(admin_client):
    response = admin_client.post(SERVER_ADD_URL(), with_outway(server_form(), grant_hash="abc"))

    assert response.status_code == 200
    assert "ServiceConnectionGrant" in str(inline_errors(response))


def test_the_admin_refuses_an_outway_on_a_server_with_oauth2(admin_client):
    data = server_form(auth_type="oauth2_client_credentials", client_id="iko", secret="s",
                       oauth2_token_url="https://register.example.org/token")

    response = admin_client.post(SERVER_ADD_URL(), with_outway(data))

    assert response.status_code == 200
    assert "past the outway" in str(inline_errors(response))


def SERVER_ADD_URL() -> str:  # noqa: N802 - the admin URL, reversed when the URLconf is loaded
    from django.urls import reverse

    return reverse(SERVER_ADD)


def test_an_error_of_the_outway_or_inway_is_named_as_fsc_s():
    from connectors.errors import http_error
    from connectors.http import HttpResponse

    error = http_error(HttpResponse(404, {"Fsc-Error-Code": "ERROR_CODE_SERVICE_NOT_FOUND"}, b"{}"), "BRP")
    assert error.detail == "FSC refused the call to BRP (HTTP 404, ERROR_CODE_SERVICE_NOT_FOUND)."
    # A header that is no FSC error code is not repeated.
    assert "FSC" not in http_error(HttpResponse(404, {"Fsc-Error-Code": "<script>"}, b""), "BRP").detail
