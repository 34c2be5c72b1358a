"""Consent in self-service: list, give and withdraw, each logged, each refusal a problem with a code."""

from __future__ import annotations

import pytest

from api.tests.citizen_fixtures import BSN, OTHER_BSN, PORTAL, citizen_issuer, citizen_provider  # noqa: F401
from api.tests.self_service_fixtures import SCOPE, as_citizen, mijn_omgeving  # noqa: F401 (fixtures)
from profiles.consent.models import Consent, ConsentText
from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym

pytestmark = pytest.mark.integration

CONSENTS = "/api/v1/self-service/consents"
WITHDRAW = "/api/v1/self-service/consents/withdraw"


def give(api, scope=SCOPE, version="1"):
    return api.post(CONSENTS, {"scope": scope, "textVersion": version}, format="json")


def test_the_list_shows_what_needs_consent_with_its_current_text_and_the_citizens_state(as_citizen, mijn_omgeving):
    response = as_citizen().get(CONSENTS)

    assert response.status_code == 200
    assert response.json()["consents"] == [{
        "scope": SCOPE, "title": "Uw inkomens", "text": "Ik geef toestemming.", "textVersion": "1",
        "inForce": False, "givenAt": None, "withdrawnAt": None, "channel": None, "agreedTextVersion": None,
    }]
    record = ProcessingRecord.objects.get()
    assert (record.action, record.purpose_code, record.outcome) == ("consent-list", "toestemming", "complete")


def test_giving_consent_records_it_under_the_pseudonym_with_channel_version_and_a_processing_record(as_citizen, mijn_omgeving):
    response = give(as_citizen())

    assert response.status_code == 201
    assert response.json()["inForce"] is True and response.json()["channel"] == "self_service"
    consent = Consent.objects.get()
    assert (consent.subject_pseudonym, consent.text_version, consent.channel, consent.scope_key) == (
        subject_pseudonym(subject_type="bsn", value=BSN), "1", "self_service", SCOPE,
    )
    record = ProcessingRecord.objects.get()
    assert (record.action, record.actor, record.http_status) == ("consent-give", f"self-service:{PORTAL}", 201)


def test_giving_a_consent_that_is_in_force_again_changes_nothing(as_citizen, mijn_omgeving):
    api = as_citizen()

    assert give(api).status_code == 201
    assert give(api).status_code == 200
    assert Consent.objects.count() == 1


def test_consent_for_an_outdated_text_version_is_refused_and_logged(as_citizen, mijn_omgeving):
    ConsentText.objects.create(scope_kind="relation", profile_name="mijn-omgeving", relation_name="inkomens",
                               version="2", title="Uw inkomens", text="Nieuwe tekst.")

    response = give(as_citizen(), version="1")

    assert response.status_code == 409
    assert response.json()["code"] == "consent-text-outdated"
    assert "version 2" in response.json()["detail"]
    assert not Consent.objects.exists()
    assert ProcessingRecord.objects.get().reason == "consent-text-outdated"


@pytest.mark.parametrize(
    ("scope", "status", "code"),
    [
        ("relation:mijn-omgeving.persoon", 400, "consent-scope-unknown"),
        ("purpose:mijn-omgeving", 400, "consent-scope-unknown"),
        ("relation:mijn-omgeving", 400, "invalid-scope"),
        ("everything", 400, "invalid-scope"),
    ],
)
def test_consent_for_something_that_needs_none_or_is_no_scope_is_refused(as_citizen, mijn_omgeving, scope, status, code):
    response = give(as_citizen(), scope=scope)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Consent.objects.exists()


def test_withdrawing_ends_the_consent_at_once_and_withdrawing_again_is_a_logged_409(as_citizen, mijn_omgeving):
    api = as_citizen()
    give(api)

    first = api.post(WITHDRAW, {"scope": SCOPE}, format="json")
    again = api.post(WITHDRAW, {"scope": SCOPE}, format="json")

    assert first.status_code == 200 and first.json()["inForce"] is False and first.json()["withdrawnAt"]
    assert again.status_code == 409 and again.json()["code"] == "consent-not-in-force"
    assert Consent.objects.get().withdrawn_channel == "self_service"
    assert list(ProcessingRecord.objects.order_by("pk").values_list("action", "outcome")) == [
        ("consent-give", "complete"), ("consent-withdraw", "complete"), ("consent-withdraw", "denied"),
    ]


def test_a_citizen_cannot_withdraw_another_citizens_consent(as_citizen, mijn_omgeving):
    give(as_citizen(bsn=OTHER_BSN))

    response = as_citizen(bsn=BSN).post(WITHDRAW, {"scope": SCOPE}, format="json")

    assert response.status_code == 409
    assert Consent.objects.get().withdrawn_at is None


def test_after_a_withdrawal_the_list_shows_the_withdrawn_consent_and_the_scope_to_give_again(as_citizen, mijn_omgeving):
    api = as_citizen()
    give(api)
    api.post(WITHDRAW, {"scope": SCOPE}, format="json")

    (item,) = api.get(CONSENTS).json()["consents"]

    assert (item["scope"], item["inForce"], item["agreedTextVersion"]) == (SCOPE, False, "1")
    assert item["withdrawnAt"] is not None
    assert give(api).status_code == 201
