"""Regelingen and the consent records (profiles.consent): a regeling that needs consent is evaluated
only while the resident's consent for its purpose is in force; a relation that needs consent is not
called at all without it, as in a view; a purpose that needs consent holds for suggestions and
prefill as for views; and the consent for a regeling's purpose can be given."""

from __future__ import annotations

import pytest

from profiles.consent.models import ConsentText
from profiles.consent.scopes import ConsentScope
from profiles.consent.services import ConsentActor, ConsentScopeUnknown, consent_give, consent_withdraw
from profiles.models import Grant, ProcessingRecord, Relation
from profiles.regelingen.models import PrefillAttribute, Regeling
from profiles.subjects import Subject
from profiles.tracing import trace_from_header

from .conftest import INKOMENS_ROOT, MEREL, PERSONEN_URL, PERSONS, VERMOGENS, answer_sources, citizen_login

SUGGESTIONS = "/api/v1/profiles/regelingentoets/suggestions"
PURPOSE_SCOPE = ConsentScope.for_purpose("proactieve-dienstverlening")
AT_THE_COUNTER = ConsentActor(actor="user:balie", actor_type="user", calling_system="admin", on_behalf_of="balie",
                              channel="counter", recorded_by="balie")


def suggest(api, bsn=MEREL):
    return api.post(SUGGESTIONS, {"subject": {"type": "bsn", "value": bsn}}, format="json")


def names(items):
    return [item["regeling"] for item in items]


def give(scope=PURPOSE_SCOPE, bsn=MEREL):
    ConsentText.objects.get_or_create(**scope.lookup(), version="1", defaults={"title": "T", "text": "Ik stem in."})
    consent_give(subject=Subject("bsn", bsn), scope=scope, text_version="1", by=AT_THE_COUNTER,
                 trace=trace_from_header(None))


def inkomens_calls(rsps):
    return [c for c in rsps.calls if c.request.url.startswith(INKOMENS_ROOT + "inkomens")]


def test_a_regeling_that_needs_consent_is_evaluated_while_the_consent_for_its_purpose_is_in_force(
    authed_api, regelingen, suggestion_grant, rsps
):
    Regeling.objects.exclude(name="veertig-plus").update(enabled=False)
    Regeling.objects.filter(name="veertig-plus").update(needs_consent=True)
    answer_sources(rsps, MEREL)

    before = suggest(authed_api).json()
    give()
    given = suggest(authed_api).json()
    calls_with_consent = len(rsps.calls)
    consent_withdraw(subject=Subject("bsn", MEREL), scope=PURPOSE_SCOPE, by=AT_THE_COUNTER,
                     trace=trace_from_header(None))
    after = suggest(authed_api).json()

    assert names(before["couldNotBeEvaluated"]) == ["veertig-plus"]
    assert before["couldNotBeEvaluated"][0]["reason"] == "consent-required"
    assert names(given["suggestions"]) == ["veertig-plus"] and calls_with_consent > 0
    assert names(after["couldNotBeEvaluated"]) == ["veertig-plus"]
    assert len(rsps.calls) == calls_with_consent  # withdrawn: nothing fetched for it again


def test_another_residents_consent_does_not_count(authed_api, regelingen, suggestion_grant, rsps):
    Regeling.objects.filter(name="veertig-plus").update(needs_consent=True)
    give(bsn="999993653")
    answer_sources(rsps, MEREL)

    body = suggest(authed_api).json()

    assert "veertig-plus" in names(body["couldNotBeEvaluated"])


def test_a_relation_that_needs_consent_is_not_called_and_the_regelingen_reading_it_are_not_evaluated(
    authed_api, regelingen, suggestion_grant, rsps, toets
):
    Relation.objects.filter(profile=toets, name="inkomens").update(needs_consent=True)
    answer_sources(rsps, MEREL)

    body = suggest(authed_api).json()

    assert inkomens_calls(rsps) == []
    assert names(body["couldNotBeEvaluated"]) == ["bijzondere-bijstand", "stadspas"]
    assert {item["reason"] for item in body["couldNotBeEvaluated"]} == {"consent-required"}
    assert "inkomens" in body["couldNotBeEvaluated"][0]["detail"]
    assert names(body["suggestions"]) == ["veertig-plus"]  # reads the BRP only: evaluated
    assert body["sources"]["inkomensregister"]["status"] == "ok"  # the assets were still read


def test_with_consent_for_the_relation_it_is_called_and_its_regelingen_are_evaluated(
    authed_api, regelingen, suggestion_grant, rsps, toets
):
    Relation.objects.filter(profile=toets, name="inkomens").update(needs_consent=True)
    give(scope=ConsentScope.for_relation("regelingentoets", "inkomens"))
    answer_sources(rsps, MEREL)

    body = suggest(authed_api).json()

    assert len(inkomens_calls(rsps)) == 1
    assert names(body["suggestions"]) == ["bijzondere-bijstand", "stadspas", "veertig-plus"]


def test_a_purpose_that_needs_consent_holds_for_every_regeling_under_it(
    authed_api, regelingen, suggestion_grant, rsps, proactief
):
    proactief.needs_consent = True
    proactief.save()
    answer_sources(rsps, MEREL)

    without = suggest(authed_api).json()
    give()
    with_consent = suggest(authed_api).json()

    assert without["counts"]["couldNotBeEvaluated"] == 3
    assert {item["reason"] for item in without["couldNotBeEvaluated"]} == {"consent-required"}
    assert names(with_consent["suggestions"]) == ["bijzondere-bijstand", "stadspas", "veertig-plus"]


def test_consent_can_be_given_for_the_purpose_of_a_regeling_that_needs_it_and_only_then(regelingen):
    with pytest.raises(ConsentScopeUnknown):
        give()

    Regeling.objects.filter(name="stadspas").update(needs_consent=True)
    give()

    assert ProcessingRecord.objects.filter(action="consent-give", outcome="complete").count() == 1


def test_a_prefill_for_a_purpose_that_needs_consent_is_refused_without_it_and_logged(
    api, toets, purpose, rsps, settings
):
    purpose.needs_consent = True
    purpose.save()
    attribute = PrefillAttribute(profile=toets, name="leeftijd", path="persoon.leeftijd")
    attribute.full_clean()
    attribute.save()
    Grant.objects.create(kind=Grant.Kind.SELF_SERVICE, portal_client_id="formulieren", profile=toets, purpose=purpose)
    api.force_authenticate(user=citizen_login(settings, MEREL, "formulieren"))
    rsps.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSONS[MEREL]]})
    rsps.get(INKOMENS_ROOT + f"personen/{MEREL}/vermogen", json=VERMOGENS[MEREL])

    response = api.post("/api/v1/self-service/profiles/regelingentoets/prefill", {"purpose": "klantcontact"},
                        format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "consent-required"
    assert len(rsps.calls) == 0
    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.reason) == ("prefill", "denied", "consent-required")


def test_a_citizen_gets_suggestions_for_their_own_bsn_on_the_self_service_path_after_the_assurance_check(
    api, regelingen, toets, proactief, rsps, settings
):
    Grant.objects.create(kind=Grant.Kind.SELF_SERVICE, portal_client_id="mijn-portaal", profile=toets, purpose=proactief)
    answer_sources(rsps, MEREL)
    url = "/api/v1/self-service/profiles/regelingentoets/suggestions"

    api.force_authenticate(user=citizen_login(settings, MEREL, "mijn-portaal"))
    own = api.post(url, {}, format="json")
    api.force_authenticate(user=citizen_login(settings, MEREL, "mijn-portaal", level_of_assurance="basis"))
    calls = len(rsps.calls)
    refused = api.post(url, {}, format="json")

    assert own.status_code == 200, own.content
    assert names(own.json()["suggestions"]) == ["bijzondere-bijstand", "stadspas", "veertig-plus"]
    assert refused.status_code == 403 and refused.json()["code"] == "loa-too-low"
    assert len(rsps.calls) == calls
