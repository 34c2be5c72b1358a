"""Tests of the outgoing HTTP layer: pinned to the server, no redirects, capped bodies."""

import pytest
import responses

from connectors.base import ConnectorError, Status
from connectors.http import SourceHttp


@responses.activate
def test_a_url_outside_the_configured_server_is_refused_without_a_call(brp_source):
    http = SourceHttp(brp_source.to_config())
    with pytest.raises(ConnectorError, match="outside the configured server"):
        http.request("GET", "https://evil.example.com/steal")
    assert len(responses.calls) == 0


@pytest.mark.parametrize("path", ["../admin", "x/../../secret", "%2e%2e/admin", "https://brp.example.org/haalcentraal/api/brp/../../x"])
@responses.activate
def test_dot_segments_that_would_leave_the_api_root_are_refused(brp_source, path):
    with pytest.raises(ConnectorError, match="outside the configured server"):
        SourceHttp(brp_source.to_config()).request("GET", path)
    assert len(responses.calls) == 0


@responses.activate
def test_a_redirect_is_not_followed(brp_source):
    responses.get(
        "https://brp.example.org/haalcentraal/api/brp/x",
        status=302,
        headers={"Location": "https://evil.example.com/"},
    )
    with pytest.raises(ConnectorError, match="redirect"):
        SourceHttp(brp_source.to_config()).request("GET", "x")
    assert [c.request.url for c in responses.calls] == ["https://brp.example.org/haalcentraal/api/brp/x"]


@responses.activate
def test_a_body_over_the_cap_is_refused(brp_source):
    responses.get("https://brp.example.org/haalcentraal/api/brp/big", body=b"x" * 5000)
    with pytest.raises(ConnectorError, match="larger than 1000 bytes") as excinfo:
        SourceHttp(brp_source.to_config(), max_bytes=1000).request("GET", "big")
    assert excinfo.value.status is Status.ERROR


@responses.activate
def test_the_server_api_key_is_sent(brp_source):
    responses.get("https://brp.example.org/haalcentraal/api/brp/ping", json={})
    SourceHttp(brp_source.to_config()).request("GET", "ping")
    assert responses.calls[0].request.headers["X-Api-Key"] == "brp-secret"


@pytest.mark.parametrize(
    "url",
    [
        "https://brp.example.org.evil.com/haalcentraal/api/brp/x",
        "https://brp.example.org@evil.com/haalcentraal/api/brp/x",
        "http://brp.example.org/haalcentraal/api/brp/x",
        "https://brp.example.org/haalcentraal/api/brpx",
        "//evil.com/haalcentraal/api/brp/x",
        "/admin/",
    ],
)
@responses.activate
def test_urls_that_only_look_like_the_api_root_are_refused(brp_source, url):
    with pytest.raises(ConnectorError, match="outside the configured server"):
        SourceHttp(brp_source.to_config()).request("GET", url)
    assert len(responses.calls) == 0


@responses.activate
def test_an_absolute_url_under_the_api_root_is_allowed(brp_source):
    responses.get("https://brp.example.org/haalcentraal/api/brp/personen/1", json={})
    SourceHttp(brp_source.to_config()).request("GET", "https://brp.example.org/haalcentraal/api/brp/personen/1")
    assert len(responses.calls) == 1


@responses.activate
def test_calls_on_one_thread_reuse_one_client_per_server_configuration(brp_source, monkeypatch):
    from connectors import http

    http.clients_close()
    built = []
    real_new_client = http._new_client
    monkeypatch.setattr(http, "_new_client", lambda service: built.append(service.pk) or real_new_client(service))
    responses.get("https://brp.example.org/haalcentraal/api/brp/ping", json={})

    for _ in range(3):
        SourceHttp(brp_source.to_config()).request("GET", "ping")
    assert built == [brp_source.service.pk]

    # A server changed in the admin gets a new client, with the new credentials.
    brp_source.service.header_value = "rotated-secret"
    brp_source.service.save()
    SourceHttp(brp_source.to_config()).request("GET", "ping")
    assert len(built) == 2
    assert responses.calls[-1].request.headers["X-Api-Key"] == "rotated-secret"


@responses.activate
def test_a_client_is_renewed_after_its_maximum_age(brp_source, monkeypatch, settings):
    from connectors import http

    http.clients_close()
    settings.IKO_HTTP_CLIENT_MAX_AGE_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(http.time, "monotonic", lambda: clock[0])
    responses.get("https://brp.example.org/haalcentraal/api/brp/ping", json={})
    SourceHttp(brp_source.to_config()).request("GET", "ping")
    first = http._client_for(brp_source.service)
    clock[0] += 59
    assert http._client_for(brp_source.service) is first
    clock[0] += 2
    assert http._client_for(brp_source.service) is not first


def test_a_zgw_client_is_renewed_before_its_jwt_expires(brp_service, settings):
    from zgw_consumers.constants import AuthTypes

    from connectors import http

    settings.IKO_HTTP_CLIENT_MAX_AGE_SECONDS = 600
    brp_service.auth_type = AuthTypes.zgw
    brp_service.jwt_valid_for = 120
    assert http._max_age(brp_service) == 60


@responses.activate
def test_a_read_is_made_once_more_when_a_kept_connection_was_closed_by_the_server(brp_source):
    import requests

    url = "https://brp.example.org/haalcentraal/api/brp/ping"
    responses.get(url, body=requests.ConnectionError("Connection aborted: RemoteDisconnected"))
    responses.get(url, json={"ok": True})
    response = SourceHttp(brp_source.to_config()).request("GET", "ping")
    assert response.json() == {"ok": True}
    assert len(responses.calls) == 2


@responses.activate
def test_a_write_is_never_repeated_after_a_connection_error(brp_source):
    import requests

    url = "https://brp.example.org/haalcentraal/api/brp/personen"
    responses.post(url, body=requests.ConnectionError("Connection aborted"))
    with pytest.raises(ConnectorError, match="Could not connect"):
        SourceHttp(brp_source.to_config()).request("POST", "personen", json_body={})
    assert len(responses.calls) == 1


@responses.activate
def test_a_cookie_set_by_a_source_is_never_sent_back_on_a_later_call(brp_source):
    from connectors import http

    http.clients_close()
    url = "https://brp.example.org/haalcentraal/api/brp/ping"
    responses.get(url, json={}, headers={"Set-Cookie": "session=user-a; Path=/"})
    responses.get(url, json={})
    SourceHttp(brp_source.to_config()).request("GET", "ping")
    SourceHttp(brp_source.to_config()).request("GET", "ping")
    assert "Cookie" not in responses.calls[1].request.headers
