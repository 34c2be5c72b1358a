"""The citizen's own view, consent at work in it, a company's view, and a parent's view of a minor
child (machtigen): what is called, what is refused, and what is logged."""

from __future__ import annotations

import pytest

from api.tests.citizen_fixtures import (  # noqa: F401 (fixtures)
    BSN,
    CHILD_BSN,
    KVK,
    OTHER_BSN,
    PARENT_BSN,
    PORTAL,
    citizen_issuer,
    citizen_provider,
)
from api.tests.self_service_fixtures import (  # noqa: F401 (fixtures)
    INKOMENS_URL,
    PERSONEN_URL,
    SCOPE,
    VIEW,
    as_citizen,
    brp_answer,
    calls_to,
    child,
    inkomens_answer,
    mijn_omgeving,
    persoon,
    sent_body,
    sources_mock,
)
from profiles.consent.models import Consent
from profiles.models import ProcessingRecord, Purpose
from profiles.processing_log.pseudonyms import subject_pseudonym

pytestmark = pytest.mark.integration


def consent(bsn: str = BSN, scope_kind="relation", **scope) -> Consent:
    scope = scope or {"profile_name": "mijn-omgeving", "relation_name": "inkomens"}
    return Consent.objects.create(scope_kind=scope_kind, **scope, subject_type="bsn", text_version="1",
                                  subject_pseudonym=subject_pseudonym(subject_type="bsn", value=bsn), channel="self_service")


def test_a_citizen_sees_their_own_view_with_burgerzelf_as_user_and_the_portal_as_actor(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        response = as_citizen().post(VIEW, {}, format="json")
        sent = calls_to(mock, PERSONEN_URL)[0].request

    assert response.status_code == 200, response.content
    assert response.json()["subject"] == {"type": "bsn", "value": BSN}
    assert response.json()["data"]["persoon"]["naam"] == {"volledigeNaam": "Suzanne Moulin"}
    assert sent.headers["x-gebruiker"] == "BurgerZelf"
    assert sent_body(calls_to(mock, PERSONEN_URL)[0])["burgerservicenummer"] == [BSN]
    record = ProcessingRecord.objects.get()
    assert (record.actor, record.actor_type, record.calling_system, record.on_behalf_of) == (
        f"self-service:{PORTAL}", "self_service", PORTAL, "BurgerZelf",
    )


def test_another_citizens_bsn_is_refused_without_a_call_and_logged(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        response = as_citizen().post(VIEW, {"subject": {"type": "bsn", "value": OTHER_BSN}}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not-own-subject"
    assert mock.outgoing() == []
    record = ProcessingRecord.objects.get()
    assert (record.outcome, record.reason) == ("denied", "self-service-subject-mismatch")
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=OTHER_BSN)


# --- consent -----------------------------------------------------------------------------------


def test_without_consent_the_relation_that_needs_it_makes_no_request_and_reports_consent_required(
    as_citizen, mijn_omgeving,
):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        mock.get(INKOMENS_URL, json=inkomens_answer())
        response = as_citizen().post(VIEW, {}, format="json")

    body = response.json()
    assert response.status_code == 200
    assert calls_to(mock, "https://inkomens.example.org") == []
    assert body["relations"]["inkomens"]["status"] == "consent_required"
    assert body["sources"]["inkomensregister"]["status"] == "consent_required"
    assert SCOPE in body["relations"]["inkomens"]["detail"]
    assert "inkomens" not in body["data"]["persoon"]
    assert ProcessingRecord.objects.get().fields_withheld == ["inkomens"]


def test_with_consent_the_relation_is_called_and_after_withdrawal_it_makes_no_request_again(as_citizen, mijn_omgeving):
    api = as_citizen()
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        mock.get(INKOMENS_URL, json=inkomens_answer())
        given = api.post("/api/v1/self-service/consents", {"scope": SCOPE, "textVersion": "1"}, format="json")
        with_consent = api.post(VIEW, {}, format="json").json()
        calls_with_consent = len(calls_to(mock, "https://inkomens.example.org"))
        withdrawn = api.post("/api/v1/self-service/consents/withdraw", {"scope": SCOPE}, format="json")
        without = api.post(VIEW, {}, format="json").json()
        calls_after_withdrawal = len(calls_to(mock, "https://inkomens.example.org")) - calls_with_consent

    assert given.status_code == 201 and withdrawn.status_code == 200
    assert calls_with_consent == 1
    assert with_consent["data"]["persoon"]["inkomens"] == [{"jaar": 2025, "bedrag": 43100.0, "soort": "loon"}]
    assert calls_after_withdrawal == 0
    assert without["relations"]["inkomens"]["status"] == "consent_required"


def test_a_withdrawal_saved_by_another_instance_stops_the_very_next_view_here(as_citizen, mijn_omgeving):
    given = consent()
    api = as_citizen()
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        mock.get(INKOMENS_URL, json=inkomens_answer())
        assert api.post(VIEW, {}, format="json").json()["relations"]["inkomens"]["status"] == "ok"
        # As another instance would: straight into the shared database, no signal in this process.
        Consent.objects.filter(pk=given.pk).update(withdrawn_at=given.given_at)
        after = api.post(VIEW, {}, format="json").json()

    assert len(calls_to(mock, "https://inkomens.example.org")) == 1
    assert after["relations"]["inkomens"]["status"] == "consent_required"


def test_another_citizens_consent_does_not_count(as_citizen, mijn_omgeving):
    consent(bsn=OTHER_BSN)
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        body = as_citizen().post(VIEW, {}, format="json").json()

    assert calls_to(mock, "https://inkomens.example.org") == []
    assert body["relations"]["inkomens"]["status"] == "consent_required"


def test_a_purpose_that_needs_consent_is_refused_before_any_call_and_logged(as_citizen, mijn_omgeving):
    Purpose.objects.filter(code="mijn-omgeving").update(needs_consent=True)
    with sources_mock() as mock:
        response = as_citizen().post(VIEW, {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "consent-required"
    assert mock.outgoing() == []
    record = ProcessingRecord.objects.get()
    assert (record.outcome, record.reason, record.http_status) == ("denied", "consent-required", 403)

    consent(scope_kind="purpose", purpose_code="mijn-omgeving")
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        assert as_citizen().post(VIEW, {}, format="json").status_code == 200


def test_consent_applies_to_staff_views_of_the_citizen_as_well(authed_api, mijn_omgeving, api_client_with_token):
    from profiles.models import Grant, Purpose

    Grant.objects.create(api_client=api_client_with_token, profile=mijn_omgeving,
                         purpose=Purpose.objects.get(code="mijn-omgeving"))
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(persoon()))
        body = authed_api.post("/api/v1/profiles/mijn-omgeving/view",
                               {"subject": {"type": "bsn", "value": BSN}, "purpose": "mijn-omgeving"}, format="json").json()

    assert calls_to(mock, "https://inkomens.example.org") == []
    assert body["relations"]["inkomens"]["status"] == "consent_required"


# --- a company -------------------------------------------------------------------------------------


def test_an_eherkenning_login_opens_its_companys_view(as_citizen, mijn_omgeving, kvk_profile):
    with sources_mock() as mock:
        mock.get("https://kvk.example.org/api/v1/basisprofielen/90004760", json={"kvkNummer": KVK, "naam": "Bakkerij Vogel"})
        response = as_citizen(bsn=None, kvk=KVK, acr="urn:etoegang:core:assurance-class:loa3").post(
            "/api/v1/self-service/profiles/bedrijf/view", {}, format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["subject"] == {"type": "kvk", "value": KVK}
    assert response.json()["data"]["bedrijf"]["naam"] == "Bakkerij Vogel"


@pytest.fixture
def kvk_profile(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source
    from profiles.models import Grant, Profile, Purpose, Relation

    service = Service.objects.create(label="KVK", slug="kvk", api_type=APITypes.orc, api_root="https://kvk.example.org/api/",
                                     auth_type=AuthTypes.api_key, header_key="apikey", header_value="k", timeout=5)
    source = Source.objects.create(name="kvk", connector="kvk", service=service, timeout=2.0)
    profile = Profile.objects.create(name="bedrijf", title="Bedrijf", subject_types=["kvk"], status=Profile.Status.ACTIVE)
    Relation.objects.create(profile=profile, name="bedrijf", source=source, operation="basisprofiel", fields=["kvkNummer", "naam"])
    Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile,
                         purpose=Purpose.objects.get(code="mijn-omgeving"), is_default=True)
    return profile


# --- machtigen: a parent for a minor child -----------------------------------------------------------


def as_parent(as_citizen):
    return as_citizen(bsn=PARENT_BSN)


CHILD_VIEW = {"subject": {"type": "bsn", "value": CHILD_BSN}, "machtiging": "gezag"}


def test_a_gezaghouder_opens_the_childs_view_after_the_brp_gezag_check_which_is_the_first_call(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(child()))
        response = as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json")
        brp_calls = calls_to(mock, PERSONEN_URL)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["persoon"]["naam"] == {"volledigeNaam": "Maya Maasland"}
    first = sent_body(brp_calls[0])
    assert first["burgerservicenummer"] == [CHILD_BSN]
    assert set(first["fields"]) == {"burgerservicenummer", "leeftijd", "gezag"}
    assert brp_calls[0].request.headers["x-doelbinding"] == "BRPACT-AlgemeneTaken"
    assert len(brp_calls) == 2  # the check, then the view


def test_a_gezaghouders_view_of_the_child_is_logged_with_both(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(child()))
        as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json")

    check, view = ProcessingRecord.objects.order_by("pk")
    parent_label = "gezaghouder:" + subject_pseudonym(subject_type="bsn", value=PARENT_BSN)
    child_pseudonym = subject_pseudonym(subject_type="bsn", value=CHILD_BSN)
    assert (check.action, check.outcome, check.subject_pseudonym, check.on_behalf_of) == (
        "gezag-check", "complete", child_pseudonym, parent_label,
    )
    assert (view.action, view.outcome, view.subject_pseudonym, view.on_behalf_of) == (
        "view", "complete", child_pseudonym, parent_label,
    )
    for record in (check, view):
        assert PARENT_BSN not in record.on_behalf_of and CHILD_BSN not in record.actor


@pytest.mark.parametrize(
    "child_data",
    [
        child(gezag=[]),
        child(gezag=[{"type": "TijdelijkGeenGezag", "minderjarige": {"burgerservicenummer": CHILD_BSN},
                      "toelichting": "Tijdelijk geen gezag."}]),
        child(gezag=[{"type": "EenhoofdigOuderlijkGezag", "minderjarige": {"burgerservicenummer": CHILD_BSN},
                      "ouder": {"burgerservicenummer": OTHER_BSN}}]),
        child(gezag=[{"type": "EenhoofdigOuderlijkGezag", "minderjarige": {"burgerservicenummer": OTHER_BSN},
                      "ouder": {"burgerservicenummer": PARENT_BSN}}]),
        child(gezag=[{"type": "EenhoofdigOuderlijkGezag", "inOnderzoek": True,
                      "minderjarige": {"burgerservicenummer": CHILD_BSN}, "ouder": {"burgerservicenummer": PARENT_BSN}}]),
        child(leeftijd=18),
    ],
    ids=["no-gezag", "tijdelijk-geen-gezag", "another-parent", "another-minor", "in-onderzoek", "of-age"],
)
def test_a_child_without_the_parents_gezag_is_refused_after_only_the_check_and_logged(as_citizen, mijn_omgeving, child_data):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(child_data))
        response = as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "no-gezag"
    assert len(mock.outgoing()) == 1
    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.reason) == ("gezag-check", "denied", "no-gezag")


def test_an_unknown_bsn_gets_the_same_no_gezag_answer_as_a_stranger_child(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})
        unknown = as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json").json()
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, json=brp_answer(child(gezag=[])))
        stranger = as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json").json()

    assert unknown["detail"] == stranger["detail"]


def test_without_a_grant_the_brp_is_not_even_asked_about_the_child(as_citizen, mijn_omgeving):
    from profiles.models import Grant

    Grant.objects.all().delete()
    with sources_mock() as mock:
        response = as_parent(as_citizen).post(VIEW, {**CHILD_VIEW, "purpose": "mijn-omgeving"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "no-grant"
    assert mock.outgoing() == []


def test_a_brp_that_fails_during_the_gezag_check_is_a_503_and_logged(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.post(PERSONEN_URL, status=503, json={"title": "Down"})
        response = as_parent(as_citizen).post(VIEW, CHILD_VIEW, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "gezag-unavailable"
    assert ProcessingRecord.objects.get().outcome == "failed"


def test_an_eherkenning_login_cannot_act_as_gezaghouder(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        response = as_citizen(bsn=None, kvk=KVK, acr="urn:etoegang:core:assurance-class:loa3").post(
            VIEW, CHILD_VIEW, format="json",
        )

    assert response.status_code == 403
    assert response.json()["code"] == "no-gezag"
    assert mock.outgoing() == []
