"""Tests of the admin of servers and sources: servers are validated on save, an NLX outway is
refused, and "Test the connection" reports in words (a 400 or 404 as a warning), never a 500."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.urls import reverse
from zgw_consumers.constants import AuthTypes

SERVER_ADD = "admin:zgw_consumers_service_add"
ROOT = "https://register.example.org/api/v1/"


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(user)
    return client


# The management form of the server page's FSC outway inline (connectors/admin.py), with no row.
FSC_INLINE_EMPTY = {"iko_fsc-TOTAL_FORMS": "0", "iko_fsc-INITIAL_FORMS": "0", "iko_fsc-MIN_NUM_FORMS": "0",
                    "iko_fsc-MAX_NUM_FORMS": "1"}


def server_form(**values):
    data = {
        "label": "Register", "uuid": "49c5f252-52c9-4f69-ac47-2b7152310922", "slug": "register",
        "api_type": "orc", "api_root": ROOT, "auth_type": "no_auth", "timeout": 10, "jwt_valid_for": 43200,
        **FSC_INLINE_EMPTY,
    }
    data.update(values)
    return data


def form_errors(response):
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def shown(response):
    return [(m.level, str(m)) for m in response.context["messages"]]


def test_a_server_with_an_api_root_that_is_no_url_is_not_saved(admin_client):
    response = admin_client.post(reverse(SERVER_ADD), server_form(api_root="htp:/not a url"))

    assert response.status_code == 200
    assert form_errors(response) == {
        "api_root": ["The API root must be an http or https URL with a host, such as https://api.example.nl/zaken/api/v1/."]
    }


@pytest.mark.parametrize("auth, values, errors", [
    ("zgw", {"client_id": "iko"}, {"secret": ["The auth type ZGW client_id + secret needs a secret."]}),
    ("zgw", {}, {"client_id": ["The auth type ZGW client_id + secret needs a client ID."],
                 "secret": ["The auth type ZGW client_id + secret needs a secret."]}),
    ("api_key", {"header_key": "X-Api-Key"}, {"header_value": ["The auth type API key needs an API key value."]}),
    ("api_key", {}, {"header_key": ["The auth type API key needs an API key header name."],
                     "header_value": ["The auth type API key needs an API key value."]}),
])
def test_a_server_without_the_credentials_its_auth_type_needs_is_not_saved(admin_client, auth, values, errors):
    response = admin_client.post(reverse(SERVER_ADD), server_form(auth_type=auth, **values))

    assert response.status_code == 200
    found = form_errors(response)
    assert {field: [m for m in found.get(field, []) if m in messages] for field, messages in errors.items()} == errors


def test_an_nlx_outway_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(reverse(SERVER_ADD), server_form(nlx="http://outway.example.org:8080/"))

    assert form_errors(response)["nlx"] == [
        "IKO does not use NLX, which FSC succeeded: calls would go straight to the API root. Leave this field "
        "empty and set the FSC outway (address and grant hash) of this server instead."
    ]


def test_a_correct_server_is_saved(admin_client):
    from zgw_consumers.models import Service

    response = admin_client.post(reverse(SERVER_ADD), server_form(auth_type="api_key", header_key="X-Api-Key", header_value="k"))

    assert response.status_code == 302
    assert Service.objects.get(slug="register").header_value == "k"


def test_testing_a_zgw_server_with_an_empty_secret_says_so_instead_of_failing(admin_client, make_server):
    server = make_server(auth_type=AuthTypes.zgw, client_id="iko", secret="")

    page = admin_client.get(reverse("admin:zgw_consumers_service_change", args=[server.pk]))
    response = admin_client.get(reverse("admin:zgw_consumers_service_test_connection", args=[server.pk]), follow=True)

    assert page.status_code == 200 and "Test the connection" in page.content.decode()
    assert shown(response) == [(constants.ERROR, "register: This server cannot be used: The auth type ZGW client_id + secret needs a secret.")]


def test_testing_a_source_on_a_zgw_server_with_an_empty_secret_says_so_instead_of_failing(admin_client, make_server):
    from connectors.models import Source

    server = make_server(auth_type=AuthTypes.zgw, client_id="iko", secret="")
    source = Source.objects.create(name="zaken", connector="zaken", service=server)

    response = admin_client.post(
        reverse("admin:connectors_source_changelist"),
        {"action": "test_connection", "_selected_action": [source.pk]}, follow=True,
    )

    assert response.status_code == 200
    assert shown(response) == [(constants.ERROR, "zaken: The server is not usable: The auth type ZGW client_id + secret needs a secret.")]


@pytest.mark.parametrize("status, level, words", [
    (200, constants.SUCCESS, "The server answered at its API root (HTTP 200)."),
    (404, constants.WARNING, "with HTTP 404: it is reachable, but this proves neither the API root nor the credentials"),
    (400, constants.WARNING, "with HTTP 400: it is reachable"),
    (401, constants.ERROR, "Register refused IKO's credentials (HTTP 401)."),
    (503, constants.ERROR, "Register failed or is unavailable (HTTP 503)."),
])
@responses.activate
def test_the_server_connection_test_reports_400_and_404_as_a_warning(admin_client, make_server, status, level, words):
    server = make_server()
    responses.get(ROOT, status=status, json={})

    response = admin_client.post(
        reverse("admin:zgw_consumers_service_changelist"),
        {"action": "test_connection", "_selected_action": [server.pk]}, follow=True,
    )

    ((shown_level, text),) = shown(response)
    assert shown_level == level and words in text
    assert [c.request.url for c in responses.calls] == [ROOT]


@responses.activate
def test_a_source_page_has_a_test_that_reports_at_the_level_of_the_result(admin_client, make_server):
    from connectors.models import Source

    server = make_server(slug="inkomens")
    source = Source.objects.create(name="inkomens", connector="generic", service=server, options={"operations": {"x": {
        "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "fields": ["jaar"], "subject_pointer": "/bsn",
    }}})
    responses.get("https://inkomens.example.org/api/v1/", status=404)

    page = admin_client.get(reverse("admin:connectors_source_change", args=[source.pk]))
    response = admin_client.get(reverse("admin:connectors_source_test_connection", args=[source.pk]), follow=True)

    assert "test-connection/" in page.content.decode()
    assert shown(response) == [(constants.WARNING, (
        "inkomens: Source 'inkomens' is reachable (HTTP 404 at the API root); set check_path for a stricter check."
    ))]


def test_the_source_list_shows_which_operations_are_not_checked_for_the_subject(admin_client, make_server):
    from connectors.models import Source

    Source.objects.create(name="inkomens", connector="generic", service=make_server(), options={"operations": {"x": {
        "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "fields": ["jaar"], "ownership": "unchecked",
    }}})

    page = admin_client.get(reverse("admin:connectors_source_changelist")).content.decode()

    assert "Not checked for the subject" in page and "<td class=\"field-unchecked_operations\">x</td>" in page
