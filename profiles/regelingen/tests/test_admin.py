"""The admin of regelingen: criteria checked when saved, and the preview on a test subject, which
needs the staff user's own grant exactly like a view and is logged."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from profiles.models import Grant, ProcessingRecord
from profiles.regelingen.models import Criterion, Regeling, SuggestionRecord

from .conftest import MEREL, answer_sources


@pytest.fixture
def beheerder(db):
    return get_user_model().objects.create_superuser("beheerder", "b@example.org", "pw")


@pytest.fixture
def admin_client(client, beheerder):
    client.force_login(beheerder)
    return client


def regeling_form(toets, proactief, *criteria, **changes):
    data = {
        "title": "Bijzondere bijstand", "name": "bijzondere-bijstand", "description": "", "product_url": "",
        "upl_code": "", "profile": toets.pk, "purpose": proactief.pk, "enabled": "on", "order": "0",
        "criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, (text, expression) in enumerate(criteria):
        data.update({f"criteria-{index}-order": str(index), f"criteria-{index}-text": text,
                     f"criteria-{index}-expression": expression})
    data.update(changes)
    return data


def test_a_regeling_with_a_criterion_that_does_not_compile_is_refused_with_the_error_in_words(
    admin_client, toets, proactief
):
    response = admin_client.post(reverse("admin:regelingen_regeling_add"), regeling_form(
        toets, proactief, ("U bent 18 jaar of ouder.", ".persoon.leeftijd >= | 18"),
    ))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This JQ expression does not compile" in page and "syntax error" in page
    assert not Regeling.objects.exists()


def test_a_regeling_without_criteria_is_refused(admin_client, toets, proactief):
    response = admin_client.post(reverse("admin:regelingen_regeling_add"), regeling_form(toets, proactief))

    assert response.status_code == 200 and not Regeling.objects.exists()


def test_a_valid_regeling_is_saved_with_the_fields_its_criteria_read(admin_client, toets, proactief):
    response = admin_client.post(reverse("admin:regelingen_regeling_add"), regeling_form(
        toets, proactief, ("U bent 18 jaar of ouder.", ".persoon.leeftijd >= 18"),
    ))

    assert response.status_code == 302, response.content.decode()
    assert Criterion.objects.get().fields_read == ["persoon.leeftijd"]


def preview(admin_client, regeling, bsn=MEREL):
    return admin_client.post(reverse("admin:regelingen_regeling_preview", args=[regeling.pk]),
                             {"subject_type": "bsn", "subject_value": bsn})


def test_the_preview_without_a_grant_of_the_staff_user_fetches_nothing_and_logs_the_denial(
    admin_client, regelingen, rsps
):
    response = preview(admin_client, regelingen[0])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not evaluated: No grant to use profile regelingentoets for purpose proactieve-dienstverlening." in page
    assert len(rsps.calls) == 0
    denied = ProcessingRecord.objects.get()
    assert (denied.action, denied.outcome, denied.actor) == ("preview", "denied", "user:beheerder (admin preview)")


def test_the_preview_with_a_grant_evaluates_shows_each_criterion_and_is_logged(
    admin_client, beheerder, regelingen, toets, proactief, rsps
):
    group = Group.objects.create(name="regelingenbeheer")
    beheerder.groups.add(group)
    Grant.objects.create(kind=Grant.Kind.GROUP, group=group, profile=toets, purpose=proactief)
    answer_sources(rsps, MEREL)

    response = preview(admin_client, regelingen[0])

    page = response.content.decode()
    assert "Eligible: every criterion holds." in page
    assert page.count("<td>holds") == 3
    record = ProcessingRecord.objects.get()
    assert (record.action, record.purpose_code, record.outcome) == ("preview", "proactieve-dienstverlening", "complete")
    # The admin sees the data the criteria read: the record says so.
    assert "persoon.vermogen.bedrag" in record.fields_released
    assert SuggestionRecord.objects.get(trace_id=record.trace_id).regelingen == ["bijzondere-bijstand"]
