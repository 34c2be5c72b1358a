"""The profile admin: JQ errors in words at save, the preview, drafts, export and import."""

import json
import re

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import ProcessingRecord, Profile, Relation
from profiles.definitions.portability import profile_export

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("beheerder", "b@example.org", "pw")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def preview_grant(admin_user, profile, purpose):
    """The staff user's group may use the profile for the purpose: what a preview needs, like a view."""
    from django.contrib.auth.models import Group

    from profiles.models import Grant

    group = Group.objects.create(name="kcc")
    admin_user.groups.add(group)
    return Grant.objects.create(kind=Grant.Kind.GROUP, group=group, profile=profile, purpose=purpose)


@pytest.fixture
def staff_client(client, db, profile):
    """A staff user who may view profiles but holds no preview permission and no grant."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("medewerker", "m@example.org", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_profile"))
    client.force_login(user)
    client.user = user
    return client


def relation_form(profile, relation, **changes):
    data = {
        "name": profile.name, "title": profile.title, "description": "", "subject_types": ["bsn"],
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
def test_the_preview_runs_the_profile_and_shows_each_call_with_status_duration_and_fields(admin_client, profile, purpose, preview_grant):
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


def test_the_preview_validates_the_subject(admin_client, profile, purpose, preview_grant):
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


# --- the preview is a view: its own permission and a grant of the staff user ------------------------


def preview(client, profile, purpose, bsn="999993653"):
    return client.post(reverse("admin:profiles_profile_preview", args=[profile.pk]),
                       {"subject_type": "bsn", "subject_value": bsn, "purpose": purpose.pk})


@responses.activate
def test_the_preview_needs_its_own_permission_beside_viewing_profiles(staff_client, profile, purpose):
    page = staff_client.get(reverse("admin:profiles_profile_change", args=[profile.pk]))
    assert page.status_code == 200 and "/preview/" not in page.content.decode()

    response = preview(staff_client, profile, purpose)

    assert response.status_code == 403
    assert len(responses.calls) == 0 and ProcessingRecord.objects.count() == 0


@responses.activate
def test_without_a_grant_the_preview_offers_no_purpose_and_a_forged_one_is_refused_and_logged(admin_client, profile, purpose):
    page = admin_client.get(reverse("admin:profiles_profile_preview", args=[profile.pk])).content.decode()
    assert "You hold no grant on this profile" in page and "Run preview" not in page

    response = preview(admin_client, profile, purpose)

    assert "Not previewed: No grant to use profile klantbeeld for purpose klantcontact." in response.content.decode()
    assert len(responses.calls) == 0  # the BRP never received this purpose
    record = ProcessingRecord.objects.get()
    assert record.action == "preview" and record.outcome == "denied" and record.reason == "no-grant"
    assert record.actor == "user:beheerder (admin preview)"


@responses.activate
def test_the_purpose_list_offers_only_the_purposes_granted_to_the_staff_user(admin_client, profile, purpose, preview_grant):
    from profiles.models import Purpose

    other = Purpose.objects.create(code="handhaving", name="Handhaving")

    page = admin_client.get(reverse("admin:profiles_profile_preview", args=[profile.pk])).content.decode()

    assert f'<option value="{purpose.pk}">' in page and f'<option value="{other.pk}">' not in page
    response = preview(admin_client, profile, other)
    assert "Not previewed" in response.content.decode() and len(responses.calls) == 0
    assert ProcessingRecord.objects.get().reason == "no-grant"


@responses.activate
def test_the_preview_applies_the_staff_user_s_narrowed_grant_like_a_view(admin_client, profile, purpose, preview_grant):
    preview_grant.fields = ["persoon.naam"]
    preview_grant.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [
        {"burgerservicenummer": "999993653", "naam": {"volledigeNaam": "Suzanne Moulin"},
         "geboorte": {"datum": {"datum": "1985-12-01"}}}]})

    page = preview(admin_client, profile, purpose).content.decode()

    assert "Suzanne Moulin" in page and "1985-12-01" not in page
    # Asked: the granted field, and the BSN the BRP connector checks the answer with.
    assert json.loads(responses.calls[0].request.body)["fields"] == ["burgerservicenummer", "naam.volledigeNaam"]


@responses.activate
def test_a_draft_revision_is_previewed_under_the_grants_of_its_live_profile(admin_client, profile, purpose, preview_grant):
    from profiles.definitions.portability import profile_draft_create

    draft = profile_draft_create(profile)
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [
        {"burgerservicenummer": "999993653", "naam": {"volledigeNaam": "Suzanne Moulin"}}]})

    response = preview(admin_client, draft, purpose)

    assert "Suzanne Moulin" in response.content.decode()
    assert ProcessingRecord.objects.get().outcome == "complete"


# --- subject types: a checkbox per registered subject type -----------------------------------------


def test_the_subject_types_are_a_checkbox_per_registered_type_with_its_name(admin_client, db):
    from profiles.subjects import SUBJECT_TYPES

    page = admin_client.get(reverse("admin:profiles_profile_add")).content.decode()

    for code, kind in SUBJECT_TYPES.items():
        assert f'type="checkbox" name="subject_types" value="{code}"' in page, code
        assert str(kind.label) in page
    assert 'name="subject_types" cols=' not in page and "as a JSON list" not in page


def test_ticked_subject_types_are_saved_as_the_list_the_profile_holds(admin_client, profile):
    relation = profile.relations.get()
    url = reverse("admin:profiles_profile_change", args=[profile.pk])

    response = admin_client.post(url, relation_form(profile, relation, subject_types=["bsn", "kvk"]))

    assert response.status_code == 302, response.content.decode()
    profile.refresh_from_db()
    assert profile.subject_types == ["bsn", "kvk"]
    page = admin_client.get(url).content.decode()
    assert re.search(r'name="subject_types" value="bsn"[^>]*checked', page)
    assert re.search(r'name="subject_types" value="kvk"[^>]*checked', page)
    assert not re.search(r'name="subject_types" value="zaak"[^>]*checked', page)


@pytest.mark.parametrize("ticked, message", [
    ([], "Tick at least one subject type."),
    (["onbekend"], "Unknown subject types ['onbekend']"),  # a forged value: the model's own check
])
def test_subject_types_keep_their_validation(admin_client, profile, ticked, message):
    relation = profile.relations.get()
    url = reverse("admin:profiles_profile_change", args=[profile.pk])

    response = admin_client.post(url, relation_form(profile, relation, subject_types=ticked))

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    profile.refresh_from_db()
    assert profile.subject_types == ["bsn"]


def test_the_profile_list_names_the_subject_types_and_the_revision_in_the_admin_s_language(admin_client, profile):
    page = admin_client.get(reverse("admin:profiles_profile_changelist")).content.decode()
    assert "Person (BSN)" in page and "<td class=\"field-revision\">live</td>" in page

    admin_client.cookies["django_language"] = "nl"  # the language switch's choice
    page = admin_client.get(reverse("admin:profiles_profile_changelist")).content.decode()
    assert "Persoon (BSN)" in page and "<td class=\"field-revision\">in gebruik</td>" in page
