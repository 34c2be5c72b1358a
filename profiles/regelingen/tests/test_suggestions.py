"""`POST /api/v1/profiles/{name}/suggestions`: regelingen that hold and those that do not, a failed
source, consent, grants for the suggestion purpose and for the data behind it, and what the
processing record keeps (names and counts, never values)."""

from __future__ import annotations

import json

import pytest

from profiles.models import Grant, ProcessingRecord, Purpose
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.regelingen.models import SuggestionRecord

from .conftest import INKOMENS, INKOMENS_ROOT, MEREL, PERSONEN_URL, SUZANNE, VERMOGENS, answer_sources, citizen_login

URL = "/api/v1/profiles/regelingentoets/suggestions"
SELF_SERVICE_URL = "/api/v1/self-service/profiles/regelingentoets/suggestions"


def suggest(api, bsn=MEREL, url=URL, **extra):
    return api.post(url, {"subject": {"type": "bsn", "value": bsn}, **extra}, format="json")


def names(items):
    return [item["regeling"] for item in items]


def test_a_regeling_whose_criteria_all_hold_is_suggested_with_the_field_names_it_read(
    authed_api, regelingen, suggestion_grant, rsps
):
    answer_sources(rsps, MEREL)

    response = suggest(authed_api)

    assert response.status_code == 200, response.content
    body = response.json()
    assert names(body["suggestions"]) == ["bijzondere-bijstand", "stadspas", "veertig-plus"]
    bijstand = body["suggestions"][0]
    assert bijstand["title"] == "Bijzondere bijstand"
    assert bijstand["productUrl"] == "https://www.example.org/bijzondere-bijstand"
    assert bijstand["uplCode"] == "http://standaarden.overheid.nl/owms/terms/Bijzondere_bijstand"
    assert bijstand["why"] == [
        {"criterion": "U bent 18 jaar of ouder.", "fields": ["persoon.leeftijd"]},
        {"criterion": "Uw inkomen is lager dan 24.000 euro.",
         "fields": ["persoon.inkomens.bedrag", "persoon.inkomens.jaar"]},
        {"criterion": "Uw vermogen is lager dan 7.605 euro.", "fields": ["persoon.vermogen.bedrag"]},
    ]
    assert body["counts"] == {"evaluated": 3, "eligible": 3, "notEligible": 0, "couldNotBeEvaluated": 0}
    assert body["couldNotBeEvaluated"] == [] and body["complete"] is True
    assert body["purposes"] == ["proactieve-dienstverlening"] and body["data"] is None


def test_a_regeling_with_a_criterion_that_does_not_hold_is_not_suggested(authed_api, regelingen, suggestion_grant, rsps):
    answer_sources(rsps, SUZANNE)

    body = suggest(authed_api, bsn=SUZANNE).json()

    # Her income is too high for both, and she has no child: only the age rule holds.
    assert names(body["suggestions"]) == ["veertig-plus"]
    assert body["counts"] == {"evaluated": 3, "eligible": 1, "notEligible": 2, "couldNotBeEvaluated": 0}
    assert body["couldNotBeEvaluated"] == []


def test_a_failed_source_makes_the_regelingen_that_read_it_could_not_be_evaluated_never_not_eligible(
    authed_api, regelingen, suggestion_grant, rsps
):
    answer_sources(rsps, MEREL, inkomens_status=503)

    body = suggest(authed_api).json()

    assert body["complete"] is False
    assert names(body["couldNotBeEvaluated"]) == ["bijzondere-bijstand", "stadspas"]
    assert {item["reason"] for item in body["couldNotBeEvaluated"]} == {"source-failed"}
    assert "inkomensregister" in body["couldNotBeEvaluated"][0]["detail"]
    # The regeling that reads only the BRP is still evaluated.
    assert names(body["suggestions"]) == ["veertig-plus"]
    assert body["counts"] == {"evaluated": 3, "eligible": 1, "notEligible": 0, "couldNotBeEvaluated": 2}
    assert body["sources"]["inkomensregister"]["status"] == "error"


def test_the_sources_are_asked_only_for_the_fields_the_criteria_read(authed_api, regelingen, suggestion_grant, rsps):
    answer_sources(rsps, MEREL)

    suggest(authed_api)

    brp = next(c for c in rsps.calls if c.request.url == PERSONEN_URL)
    sent = json.loads(brp.request.body)
    # The BSN links to the inkomensregister; age and children are what the criteria read.
    assert sent["fields"] == ["burgerservicenummer", "leeftijd", "kinderen.geboorte.datum"]
    assert sent["burgerservicenummer"] == [MEREL]
    inkomens = next(c for c in rsps.calls if c.request.url.startswith(INKOMENS_ROOT + "inkomens"))
    assert inkomens.request.url.endswith(f"inkomens?bsn={MEREL}")


def test_values_never_appear_in_the_processing_record_or_in_the_explanation(
    authed_api, regelingen, suggestion_grant, rsps
):
    answer_sources(rsps, MEREL)

    body = suggest(authed_api).json()

    record = ProcessingRecord.objects.get(action="suggestions")
    assert record.purpose_code == "proactieve-dienstverlening" and record.outcome == "complete"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=MEREL)
    assert record.fields_released == []  # nothing of the data went to the caller
    assert record.sources == {"brp": "ok", "inkomensregister": "ok"}
    beside = SuggestionRecord.objects.get(trace_id=record.trace_id, span_id=record.span_id)
    assert beside.regelingen == ["bijzondere-bijstand", "stadspas", "veertig-plus"]
    assert (beside.eligible, beside.not_eligible, beside.not_evaluated) == (3, 0, 0)
    assert "persoon.inkomens.bedrag" in beside.fields_read
    # Everything both records hold, but for their own bookkeeping (ids, times, durations).
    bookkeeping = {"id", "trace_id", "span_id", "parent_span_id", "subject_pseudonym", "created_at",
                   "started_at", "duration_ms", "grant_id", "http_status", "profile_version",
                   "eligible", "not_eligible", "not_evaluated"}
    stored = json.dumps([
        {k: v for k, v in row.items() if k not in bookkeeping}
        for row in [*ProcessingRecord.objects.values(), *SuggestionRecord.objects.values()]
    ], default=str)
    explanation = json.dumps([body["suggestions"], body["couldNotBeEvaluated"]])
    values = [MEREL, "44", "2019-11-07", "18012", "17640", "1250", "2026-01-01"]
    for value in values:
        assert value not in explanation, value
        assert value not in stored, value


def test_a_caller_without_a_grant_on_the_data_gets_the_suggestion_but_not_the_data(
    authed_api, regelingen, suggestion_grant, purpose, rsps
):
    answer_sources(rsps, MEREL)

    body = suggest(authed_api, dataPurpose=purpose.code).json()

    assert names(body["suggestions"]) == ["bijzondere-bijstand", "stadspas", "veertig-plus"]
    assert body["data"] is None
    assert body["dataWithheld"] == "No grant to use profile regelingentoets for purpose klantcontact."
    denied = ProcessingRecord.objects.get(action="view")
    assert (denied.outcome, denied.reason, denied.purpose_code) == ("denied", "no-grant", "klantcontact")


def test_the_data_behind_the_suggestions_goes_out_only_as_far_as_the_callers_own_grant_allows(
    authed_api, api_client_with_token, regelingen, suggestion_grant, toets, purpose, rsps
):
    # The portal may show the age and the children for klantcontact, never the income.
    Grant.objects.create(api_client=api_client_with_token, profile=toets, purpose=purpose,
                         fields=["persoon.leeftijd", "persoon.kinderen"])
    answer_sources(rsps, MEREL)

    body = suggest(authed_api, dataPurpose="klantcontact").json()

    assert body["dataPurpose"] == "klantcontact"
    assert body["data"] == {"persoon": {"leeftijd": 44, "kinderen": [{"geboorte": {"datum": {"datum": "2019-11-07"}}}]}}
    assert "dataWithheld" not in body
    released = ProcessingRecord.objects.get(action="view")
    assert released.purpose_code == "klantcontact" and released.outcome == "complete"
    assert released.fields_released == ["persoon.leeftijd", "persoon.kinderen.geboorte.datum.datum"]
    # The rules read the income, the inkomensregister answered: it still did not go out.
    assert str(INKOMENS[MEREL][1]["bedrag"]) not in json.dumps(body)
    assert str(VERMOGENS[MEREL]["bedrag"]) not in json.dumps(body)


def test_without_a_grant_for_the_suggestion_purpose_nothing_is_fetched_and_the_denial_is_logged(
    authed_api, regelingen, grant, rsps
):
    response = suggest(authed_api)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "no-grant"
    assert len(rsps.calls) == 0
    denied = ProcessingRecord.objects.get()
    assert (denied.action, denied.outcome, denied.purpose_code) == ("suggestions", "denied", "proactieve-dienstverlening")


def test_a_regeling_that_needs_consent_is_not_evaluated_without_it_and_nothing_is_fetched_for_it(
    authed_api, regelingen, suggestion_grant, rsps
):
    from profiles.regelingen.models import Regeling

    Regeling.objects.exclude(name="veertig-plus").update(enabled=False)
    Regeling.objects.filter(name="veertig-plus").update(needs_consent=True)

    body = suggest(authed_api).json()

    assert body["suggestions"] == []
    assert body["couldNotBeEvaluated"][0]["reason"] == "consent-required"
    assert body["counts"]["couldNotBeEvaluated"] == 1
    assert len(rsps.calls) == 0


def test_a_regeling_that_needs_consent_is_evaluated_when_the_consent_check_says_it_is_in_force(
    regelingen, suggestion_grant, api_client_with_token, toets, rsps
):
    from profiles.regelingen.models import Regeling
    from profiles.regelingen.services import suggestions_build
    from profiles.access.principals import Caller
    from profiles.subjects import Subject
    from profiles.tracing import trace_from_header

    Regeling.objects.filter(name="veertig-plus").update(needs_consent=True)
    asked = []

    def consent_check(*, subject, purpose_code, regeling):
        asked.append((subject.value, purpose_code, regeling))
        return True

    answer_sources(rsps, MEREL)
    body = suggestions_build(
        profile=toets, subject=Subject("bsn", MEREL), data_purpose_code=None, trace=trace_from_header(None),
        caller=Caller(api_client=api_client_with_token, name="api-client:test", kind="api_client"),
        consent_check=consent_check,
    )

    assert asked == [(MEREL, "proactieve-dienstverlening", "veertig-plus")]
    assert "veertig-plus" in names(body["suggestions"])


def test_a_profile_without_regelingen_is_404(authed_api, toets, suggestion_grant):
    response = suggest(authed_api)

    assert response.status_code == 404 and response.json()["code"] == "no-regelingen"


def test_an_invalid_bsn_is_400_and_nothing_is_fetched(authed_api, regelingen, suggestion_grant, rsps):
    response = suggest(authed_api, bsn="123456789")

    assert response.status_code == 400 and response.json()["code"] == "invalid-subject"
    assert len(rsps.calls) == 0


def test_regelingen_under_a_purpose_the_caller_has_no_grant_for_are_left_out(
    authed_api, regelingen, suggestion_grant, toets, rsps
):
    from .conftest import make_regeling

    other = Purpose.objects.create(code="schuldhulp", name="Schuldhulp")
    make_regeling(toets, other, "schuldhulp", [("U bent 18 jaar of ouder.", ".persoon.leeftijd >= 18")])
    answer_sources(rsps, MEREL)

    body = suggest(authed_api).json()

    assert "schuldhulp" not in names(body["suggestions"]) + names(body["couldNotBeEvaluated"])
    assert body["counts"]["evaluated"] == 3
    assert ProcessingRecord.objects.filter(purpose_code="schuldhulp").count() == 0


@pytest.mark.parametrize("citizen_bsn, status", [(MEREL, 200), (SUZANNE, 403)])
def test_a_citizen_portal_gets_suggestions_for_the_citizens_own_bsn_only(
    api, regelingen, toets, proactief, rsps, citizen_bsn, status, settings
):
    # Citizens come only from the citizens' issuer, on the self-service paths.
    Grant.objects.create(kind=Grant.Kind.SELF_SERVICE, portal_client_id="mijn-portaal", profile=toets, purpose=proactief)
    api.force_authenticate(user=citizen_login(settings, citizen_bsn, "mijn-portaal"))
    answer_sources(rsps, MEREL)

    response = suggest(api, bsn=MEREL, url=SELF_SERVICE_URL)

    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "not-own-subject"
        assert len(rsps.calls) == 0
    else:
        assert ProcessingRecord.objects.get().actor == "self-service:mijn-portaal"


def test_when_the_processing_log_cannot_be_written_no_source_is_asked_for_suggestions(
    authed_api, regelingen, suggestion_grant, rsps
):
    from django.db import connection

    answer_sources(rsps, MEREL)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE profiles_processingrecord RENAME TO profiles_processingrecord_gone")
    try:
        response = suggest(authed_api)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE profiles_processingrecord_gone RENAME TO profiles_processingrecord")

    assert response.status_code == 503
    assert len(rsps.calls) == 0  # the record comes first: no source provided anything
