"""A source's "Test the connection" in the admin: its connector's own test, with a 400 or 404
answer reported as a warning (the server answers; a path or an option may be wrong), refused
credentials and server failures as errors, never a 500."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.urls import reverse

PERSONEN = "https://brp.example.org/api/v1/personen"
NIL_ZAAK = "https://zaken.example.org/api/v1/zaken/00000000-0000-0000-0000-000000000000"


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def messages_of_the_test(admin_client, source):
    response = admin_client.get(reverse("admin:connectors_source_test_connection", args=[source.pk]), follow=True)
    assert response.status_code == 200
    return [(m.level, str(m)) for m in response.context["messages"]]


@pytest.fixture
def brp(make_server):
    from connectors.models import Source

    return Source.objects.create(name="brp", connector="brp", service=make_server(slug="brp"))


@pytest.fixture
def zaken(make_server):
    from connectors.models import Source

    return Source.objects.create(name="zaken", connector="zaken", service=make_server(slug="zaken"))


@pytest.mark.parametrize("status, level, words", [
    (400, constants.SUCCESS, "The BRP answered (HTTP 400)."),  # the test's empty BSN list is refused: as meant
    (404, constants.WARNING, "(HTTP 404). The server is reachable and answers, but not as this test expects"),
    (401, constants.ERROR, "refused IKO's credentials (HTTP 401)."),
    (503, constants.ERROR, "failed or is unavailable (HTTP 503)."),
])
@responses.activate
def test_a_brp_source_s_test_reports_a_404_as_a_warning_and_refusals_as_errors(admin_client, brp, status, level, words):
    responses.post(PERSONEN, status=status, json={})

    ((shown_level, text),) = messages_of_the_test(admin_client, brp)

    assert shown_level == level and text.startswith("brp: ") and words in text
    assert [call.request.url for call in responses.calls] == [PERSONEN]


@pytest.mark.parametrize("status, level", [
    (404, constants.SUCCESS),  # the nil UUID is nobody's zaak: as meant
    (400, constants.WARNING),
    (403, constants.ERROR),
])
@responses.activate
def test_a_zaken_source_s_test_reports_a_400_as_a_warning(admin_client, zaken, status, level):
    responses.get(NIL_ZAAK, status=status, json={})

    ((shown_level, text),) = messages_of_the_test(admin_client, zaken)

    assert shown_level == level, text


@responses.activate
def test_a_source_that_cannot_be_reached_is_an_error(admin_client, brp):
    from requests import ConnectionError as Refused

    responses.post(PERSONEN, body=Refused("refused"))

    assert messages_of_the_test(admin_client, brp) == [(constants.ERROR, "brp: Could not connect to the source.")]


@responses.activate
def test_the_source_list_action_reports_at_the_same_levels(admin_client, brp, zaken):
    responses.post(PERSONEN, status=404, json={})
    responses.get(NIL_ZAAK, status=404, json={})

    response = admin_client.post(reverse("admin:connectors_source_changelist"),
                                 {"action": "test_connection", "_selected_action": [brp.pk, zaken.pk]}, follow=True)

    levels = sorted((str(m).split(":")[0], m.level) for m in response.context["messages"])
    assert levels == [("brp", constants.WARNING), ("zaken", constants.SUCCESS)]
