"""The privacy officer's consent screens: recording a consent given or withdrawn at the counter or by
phone (logged with the staff member as actor), the list by pseudonym, and texts that keep their
versions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from profiles.consent.models import Consent, ConsentText
from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym

BSN = "999993653"
RECORD = "admin:consent_consent_record"


@pytest.fixture
def officer(client, db):
    user = User.objects.create_user("privacy", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="consent"))
    client.force_login(user)
    return client


@pytest.fixture
def needs_consent(profile, purpose):
    profile.relations.filter(name="persoon").update(needs_consent=True)
    return ConsentText.objects.create(scope_kind="relation", profile_name="klantbeeld", relation_name="persoon",
                                      version="3", title="Persoonsgegevens", text="Ik geef toestemming.")


def post(client, **data):
    form = {"what": "give", "subject_type": "bsn", "subject_value": BSN, "scope": "relation:klantbeeld.persoon",
            "channel": "counter", "text_version": "3", **data}
    return client.post(reverse(RECORD), form)


def test_a_consent_given_at_the_counter_is_recorded_with_the_staff_member_and_logged(officer, needs_consent):
    response = post(officer)

    assert response.status_code == 200
    assert "is recorded" in response.content.decode()
    consent = Consent.objects.get()
    assert (consent.channel, consent.recorded_by, consent.text_version) == ("counter", "privacy", "3")
    assert consent.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)
    record = ProcessingRecord.objects.get()
    assert (record.action, record.actor, record.actor_type, record.calling_system) == (
        "consent-give", "user:privacy", "user", "admin",
    )
    assert "<td>relation:klantbeeld.persoon</td>" in response.content.decode()  # this subject's consents


def test_a_withdrawal_by_phone_is_recorded_with_the_staff_member(officer, needs_consent):
    post(officer)

    post(officer, what="withdraw", channel="phone", text_version="")

    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None
    assert (consent.withdrawn_channel, consent.withdrawn_by) == ("phone", "privacy")
    assert ProcessingRecord.objects.order_by("-pk").first().action == "consent-withdraw"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject_value": "123456789"}, "eleven test"),
        ({"scope": "alles"}, "A consent scope is"),
        ({"text_version": ""}, "Give the version"),
    ],
)
def test_the_form_says_what_is_wrong(officer, needs_consent, data, message):
    response = post(officer, **data)

    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_a_refusal_of_the_service_is_shown_and_changes_nothing(officer, needs_consent):
    response = post(officer, text_version="2")

    assert "now version 3" in response.content.decode()
    assert not Consent.objects.exists()


def test_recording_needs_the_permission_to_add_consents(client, db, needs_consent):
    user = User.objects.create_user("kcc", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consent"))
    client.force_login(user)

    assert client.post(reverse(RECORD), {}).status_code == 403
    assert client.get(reverse("admin:consent_consent_changelist")).status_code == 200


def test_consents_cannot_be_added_changed_or_deleted_in_the_admin_itself(officer, needs_consent):
    post(officer)
    consent = Consent.objects.get()

    assert officer.get(reverse("admin:consent_consent_add")).status_code == 403
    assert officer.post(reverse("admin:consent_consent_delete", args=[consent.pk]), {"post": "yes"}).status_code == 403
    assert Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).exists()


def test_a_consent_texts_version_reads_as_it_was_agreed_to(officer, needs_consent):
    url = reverse("admin:consent_consenttext_change", args=[needs_consent.pk])

    officer.post(url, {"scope_kind": "relation", "profile_name": "klantbeeld", "relation_name": "persoon",
                       "version": "3", "title": "Anders", "text": "Andere tekst."})

    needs_consent.refresh_from_db()
    assert (needs_consent.title, needs_consent.text) == ("Persoonsgegevens", "Ik geef toestemming.")
