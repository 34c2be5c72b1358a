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
