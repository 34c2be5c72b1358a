"""The profile admin: JQ errors in words at save, the preview, drafts, export and import."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import ProcessingRecord, Profile, Relation
from profiles.definitions.portability import profile_export

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("beheerder", "b@example.org", "pw"))
    return client


def relation_form(profile, relation, **changes):
    data = {
        "name": profile.name, "title": profile.title, "description": "", "subject_types": '["bsn"]',
        "status": "active", "output_transform": "",
        "relations-TOTAL_FORMS": "1", "relations-INITIAL_FORMS": "1",
        "relations-0-id": relation.pk, "relations-0-profile": profile.pk, "relations-0-name": relation.name,
        "relations-0-order": "0", "relations-0-parent": "", "relations-0-source": relation.source_id,
        "relations-0-operation": relation.operation, "relations-0-input_expression": "",
        "relations-0-fields": '["naam.volledigeNaam"]', "relations-0-release_fields": "[]",
        "relations-0-output_transform": "", "relations-0-max_calls": "20",
    }
    data.update(changes)
    return data


def test_a_jq_syntax_error_is_rejected_at_save_with_the_error_in_words(admin_client, profile):
    relation = profile.relations.get()
    url = reverse("admin:profiles_profile_change", args=[profile.pk])

    response = admin_client.post(url, relation_form(profile, relation, **{"relations-0-output_transform": "{naam: .naam |||}"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This JQ expression does not compile" in page and "syntax error" in page
    assert Relation.objects.get(pk=relation.pk).output_transform == ""


def test_a_profile_transform_with_an_error_is_rejected_too(admin_client, profile):
    relation = profile.relations.get()
    response = admin_client.post(
        reverse("admin:profiles_profile_change", args=[profile.pk]),
        relation_form(profile, relation, output_transform=".persoon | map("),
    )
    assert "This JQ expression does not compile" in response.content.decode()


def test_a_valid_tree_edit_is_saved(admin_client, profile):
    relation = profile.relations.get()
    response = admin_client.post(
        reverse("admin:profiles_profile_change", args=[profile.pk]),
        relation_form(profile, relation, **{"relations-0-output_transform": "{naam: .naam.volledigeNaam}"}),
    )
    assert response.status_code == 302
    assert Relation.objects.get(pk=relation.pk).output_transform == "{naam: .naam.volledigeNaam}"


@responses.activate
def test_the_preview_runs_the_profile_and_shows_each_call_with_status_duration_and_fields(admin_client, profile, purpose):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [
        {"burgerservicenummer": "999993653", "naam": {"volledigeNaam": "Suzanne Moulin"}}]})

    response = admin_client.post(
        reverse("admin:profiles_profile_preview", args=[profile.pk]),
        {"subject_type": "bsn", "subject_value": "999993653", "purpose": purpose.pk},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Suzanne Moulin" in page
    assert "RaadpleegMetBurgerservicenummer" in page and "<td>ok</td>" in page
    assert "burgerservicenummer, naam.volledigeNaam, geboorte.datum, verblijfplaats.verblijfadres" in page
    record = ProcessingRecord.objects.get()
    assert record.actor == "user:beheerder (admin preview)" and record.purpose_code == "klantcontact"


def test_the_preview_validates_the_subject(admin_client, profile, purpose):
    response = admin_client.post(
        reverse("admin:profiles_profile_preview", args=[profile.pk]),
        {"subject_type": "bsn", "subject_value": "123", "purpose": purpose.pk},
    )
    assert "eleven test" in response.content.decode()
    assert ProcessingRecord.objects.count() == 0


def test_draft_then_publish_through_the_admin_actions(admin_client, profile):
    changelist = reverse("admin:profiles_profile_changelist")
    admin_client.post(changelist, {"action": "make_draft", "_selected_action": [profile.pk]})
    draft = Profile.objects.get(draft_of=profile)
    Relation.objects.filter(profile=draft).update(max_calls=7)

    admin_client.post(changelist, {"action": "publish_draft", "_selected_action": [draft.pk]})

    assert Relation.objects.get(profile=profile).max_calls == 7
    assert Profile.objects.get(pk=profile.pk).version == 2


def test_export_downloads_yaml_and_import_uploads_it(admin_client, profile):
    response = admin_client.post(reverse("admin:profiles_profile_changelist"), {"action": "export_yaml", "_selected_action": [profile.pk]})
    assert response["Content-Type"] == "application/yaml"
    text = response.content.decode()
    assert text == profile_export(profile)

    Profile.objects.all().delete()
    upload = SimpleUploadedFile("klantbeeld.yaml", text.encode())
    response = admin_client.post(reverse("admin:profiles_profile_import"), {"document": upload})

    assert response.status_code == 302
    assert Profile.objects.get(name="klantbeeld").relations.count() == 1


def test_import_of_a_broken_file_says_why(admin_client, db):
    upload = SimpleUploadedFile("x.yaml", b"profile: [")
    response = admin_client.post(reverse("admin:profiles_profile_import"), {"document": upload}, follow=True)
    assert "Not imported: Not valid JSON or YAML" in response.content.decode()
