"""The admin screens a municipal admin uses: they load, validate in words and never re-show a token."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.urls import reverse

from profiles.access.api_clients import ApiClient, token_hash

PAGES = [
    "admin:connectors_source_changelist", "admin:connectors_source_add",
    "admin:profiles_profile_changelist", "admin:profiles_profile_add",
    "admin:profiles_purpose_changelist", "admin:profiles_purpose_add",
    "admin:profiles_grant_changelist", "admin:profiles_grant_add",
    "admin:profiles_processingrecord_changelist",
    "admin:profiles_apiclient_changelist", "admin:profiles_apiclient_add",
    "admin:zgw_consumers_service_changelist", "admin:zgw_consumers_service_add",
]


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_every_configuration_page_loads(admin_client, grant, page):
    assert admin_client.get(reverse(page)).status_code == 200


def test_a_new_api_client_token_is_shown_once_and_only_its_hash_is_stored(admin_client):
    response = admin_client.post(reverse("admin:profiles_apiclient_add"), {"name": "Valtimo", "enabled": "on", "oin": ""}, follow=True)

    message = [str(m) for m in response.context["messages"]][0]
    token = message.split("token of Valtimo is: ")[1].split(" ")[0]
    client = ApiClient.objects.get(name="Valtimo")
    assert token.startswith("iko_") and len(token) > 40
    assert client.token_hash == token_hash(token)
    assert token not in admin_client.get(reverse("admin:profiles_apiclient_change", args=[client.pk])).content.decode()


def test_the_processing_log_has_no_add_change_or_delete_in_the_admin(admin_client, db):
    from profiles.models import ProcessingRecord

    record = ProcessingRecord.objects.create(
        trace_id="a" * 32, span_id="b" * 16, actor="x", purpose_code="p", profile_name="k",
        subject_type="bsn", subject_pseudonym="c" * 64, outcome="denied", http_status=403, duration_ms=1,
    )
    assert admin_client.get(reverse("admin:profiles_processingrecord_add")).status_code == 403
    assert admin_client.get(reverse("admin:profiles_processingrecord_delete", args=[record.pk])).status_code == 403
    page = admin_client.get(reverse("admin:profiles_processingrecord_change", args=[record.pk])).content.decode()
    assert 'name="_save"' not in page


def test_a_relation_error_is_shown_in_words_on_the_profile_form(admin_client, brp_source):
    response = admin_client.post(
        reverse("admin:profiles_profile_add"),
        {
            "name": "p", "title": "P", "description": "", "subject_types": ["bsn"], "status": "active",
            "relations-TOTAL_FORMS": "1", "relations-INITIAL_FORMS": "0",
            "relations-0-order": "0", "relations-0-name": "persoon", "relations-0-source": brp_source.pk,
            "relations-0-operation": "RaadpleegMetBurgerservicenummer", "relations-0-fields": '["schoenmaat"]',
        },
    )
    assert response.status_code == 200
    assert "cannot deliver [&#x27;schoenmaat&#x27;]" in response.content.decode()


@responses.activate
def test_test_connection_reports_the_result_per_source(admin_client, brp_source):
    responses.post("https://brp.example.org/haalcentraal/api/brp/personen", status=401)

    response = admin_client.post(
        reverse("admin:connectors_source_changelist"),
        {"action": "test_connection", "_selected_action": [brp_source.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["brp: BRP Personen refused IKO's credentials (HTTP 401)."]


def test_an_old_admin_address_of_an_api_client_leads_to_its_page_in_the_profiles_app(admin_client):
    client = ApiClient.objects.create(name="Valtimo", token_hash="f" * 64)

    response = admin_client.get(f"/admin/api/apiclient/{client.pk}/change/?_changelist_filters=enabled")

    assert response.status_code == 301
    assert response["Location"] == f"/admin/profiles/apiclient/{client.pk}/change/?_changelist_filters=enabled"
    assert admin_client.get(response["Location"]).status_code == 200
    assert admin_client.get("/admin/api/subjectlookupalert/")["Location"] == "/admin/profiles/subjectlookupalert/"
