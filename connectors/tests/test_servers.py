"""Tests of what makes a server usable (connectors/servers.py) and of the places that refuse an
unusable one: outgoing HTTP and the Source model."""

import pytest
import responses
from django.core.exceptions import ValidationError
from zgw_consumers.constants import AuthTypes

from connectors.base import ConnectorError, SourceConfig
from connectors.http import SourceHttp
from connectors.servers import server_field_problems, server_problems

OUTWAY = "http://outway.example.org:8080/"


def config(service):
    return SourceConfig(name="s", connector_id="generic", service=service, options={}, timeout=2.0)


def test_a_correct_server_has_no_problems(make_server):
    assert server_problems(make_server(auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="k")) == []


@pytest.mark.parametrize("values, fields", [
    ({"api_root": "htp:/not a url"}, ["api_root"]),
    ({"api_root": "https:///no-host/"}, ["api_root"]),
    ({"auth_type": AuthTypes.zgw, "client_id": "iko", "secret": ""}, ["secret"]),
    ({"auth_type": AuthTypes.api_key}, ["header_key", "header_value"]),
    ({"auth_type": AuthTypes.oauth2_client_credentials, "client_id": "iko", "secret": "s"}, ["oauth2_token_url"]),
    ({"api_connection_check_path": "https://elsewhere.example.org/"}, ["api_connection_check_path"]),
    ({"api_connection_check_path": "../admin"}, ["api_connection_check_path"]),
    ({"nlx": OUTWAY}, ["nlx"]),
])
def test_what_makes_a_server_unusable_is_named_by_field(make_server, values, fields):
    assert sorted(server_field_problems(make_server(**values))) == sorted(fields)


def test_credentials_can_be_left_out_of_the_check_for_servers_whose_secrets_come_later(make_server):
    server = make_server(auth_type=AuthTypes.zgw, client_id="iko", secret="")

    assert server_problems(server, credentials=False) == []


@responses.activate
def test_no_call_is_made_through_a_server_with_an_nlx_outway(make_server):
    http = SourceHttp(config(make_server(nlx=OUTWAY)))

    with pytest.raises(ConnectorError, match="IKO does not use NLX, which FSC succeeded"):
        http.request("GET", "inkomens")
    assert len(responses.calls) == 0


@responses.activate
def test_a_zgw_server_without_a_secret_is_refused_in_words_not_with_a_crash(make_server):
    http = SourceHttp(config(make_server(auth_type=AuthTypes.zgw, client_id="iko", secret="")))

    with pytest.raises(ConnectorError, match="The server 'register' is not usable: .* needs a secret"):
        http.request("GET", "inkomens")
    assert len(responses.calls) == 0


def test_a_source_on_a_server_with_an_nlx_outway_does_not_validate(make_server):
    from connectors.models import Source

    source = Source(name="brp", connector="brp", service=make_server(nlx=OUTWAY))

    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "IKO does not use NLX, which FSC succeeded" in caught.value.message_dict["service"][0]


def test_every_problem_of_a_source_is_reported_at_once(make_server):
    from connectors.models import Source

    source = Source(name="brp", connector="brp", service=make_server(), options={"catalogi_service": "nope", "x": 1})

    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert caught.value.message_dict["options"] == [
        caught.value.message_dict["options"][0],
        "No server with these slugs: catalogi_service=nope.",
    ]
    assert caught.value.message_dict["options"][0].startswith("Unknown options: catalogi_service, x.")
