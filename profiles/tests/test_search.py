"""Search actions: validation against the connector at save, criteria validation, and the search
service (only the column fields asked for, rows with the declared columns, grants, one processing
record per search whose subject is a pseudonym)."""

from __future__ import annotations

import json

import pytest
import responses
from django.core.exceptions import ValidationError

from profiles.services import search
from profiles.models import ProcessingRecord, SearchAction
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.refusals import PurposeMissing, SearchInvalid, ViewDenied
from profiles.services.search import search_criteria_clean, search_run
from profiles.services.view import Caller
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import (
    ADRESSEN_URL,
    BSN,
    KVK_NUMMER,
    PERSONEN_URL,
    PIETER,
    SUZANNE,
    ZOEKEN_URL,
    adres,
    bag_page,
    resultaat,
    zoeken,
)
from profiles.tracing import trace_from_header


def caller_for(api_client, **extra):
    return Caller(api_client=api_client, name=f"api-client:{api_client.name}", kind="api_client",
                  system=api_client.name, **extra)


def run(profile, action, criteria, api_client, purpose="klantcontact"):
    return search_run(profile=profile, action=action, criteria=criteria, caller=caller_for(api_client),
                      purpose_code=purpose, trace=trace_from_header(None))


# --- the model: explained at save --------------------------------------------------------------------

def a_search(profile, source, **changes):
    fields = {
        "profile": profile, "name": "zoek", "title": "Zoek", "source": source,
        "operation": "RaadpleegMetBurgerservicenummer",
        "criteria": [{"name": "bsn", "type": "bsn", "required": True}],
        "columns": [{"name": "bsn", "field": "burgerservicenummer"}, {"name": "naam", "field": "naam.volledigeNaam"}],
        "identifier_column": "bsn", "identifier_type": "bsn",
    }
    fields.update(changes)
    return SearchAction(**fields)


def test_a_valid_search_action_passes_validation(profile, brp_source):
    a_search(profile, brp_source).full_clean()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"operation": "ZoekMetIets"}, "has no operation 'ZoekMetIets'"),
        ({"criteria": [{"name": "geslachtsnaam", "type": "string"}]}, "takes no parameter(s) ['geslachtsnaam']"),
        ({"criteria": [{"name": "nummer", "type": "bsn", "param": "postcode"}]}, "takes no parameter(s) ['postcode']"),
        ({"columns": [{"name": "bsn", "field": "burgerservicenummer"}, {"name": "x", "field": "schoenmaat"}]}, "cannot deliver ['schoenmaat']"),
        ({"identifier_column": "nope"}, "Choose one of the columns"),
        ({"identifier_type": "kvk"}, "a kvk identifier could not open it"),
        ({"identifier_type": ""}, "or neither"),
        ({"criteria": []}, "at least one criterion"),
        ({"criteria": [{"name": "bsn", "type": "passport"}]}, "type must be one of"),
        ({"criteria": [{"name": "bsn", "type": "bsn", "colour": "red"}]}, "unknown keys ['colour']"),
        ({"criteria": [{"name": "bsn", "type": "bsn"}, {"name": "bsn", "type": "bsn"}]}, "used twice"),
        ({"criteria": [{"name": "bsn", "type": "string", "validation": {"pattern": "("}}]}, "not a valid regular expression"),
        ({"criteria": [{"name": "bsn", "type": "choice"}]}, "needs validation.choices"),
        ({"columns": []}, "at least one column"),
        ({"columns": [{"name": "9x", "field": "naam"}]}, "starts with a letter"),
        ({"max_results": 0}, "from 1 to 1000"),
    ],
)
def test_mistakes_in_a_search_action_are_explained_at_save(profile, brp_source, changes, words):
    with pytest.raises(ValidationError) as excinfo:
        a_search(profile, brp_source, **changes).full_clean()
    assert words in str(excinfo.value)


def test_the_operation_s_subject_type_is_an_accepted_parameter(profile, kvk_source):
    a_search(profile, kvk_source, operation="zoeken", identifier_column="", identifier_type="",
             criteria=[{"name": "kvk", "type": "kvk"}, {"name": "plaats", "type": "string"}],
             columns=[{"name": "naam", "field": "naam"}]).full_clean()


# --- criteria ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"geslachtsnaam": " Moulin ", "geboortedatum": "1985-12-01"}, {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}),
        ({"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01", "voornamen": ""}, {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}),
    ],
)
def test_valid_criteria_are_normalised(person_searches, criteria, expected):
    assert search_criteria_clean(action=person_searches["op-naam"], criteria=criteria) == expected


def test_postcodes_and_numbers_are_normalised(person_searches):
    values = search_criteria_clean(action=person_searches["op-adres"], criteria={"postcode": "3077 aw", "huisnummer": "31"})
    assert values == {"postcode": "3077AW", "huisnummer": 31}


@pytest.mark.parametrize(
    ("action", "criteria", "name", "code"),
    [
        ("op-naam", {"geboortedatum": "1985-12-01"}, "criteria.geslachtsnaam", "required"),
        ("op-naam", {"geslachtsnaam": "M", "geboortedatum": "1985-12-01"}, "criteria.geslachtsnaam", "invalid"),
        ("op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "01-12-1985"}, "criteria.geboortedatum", "invalid"),
        ("op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "1985-02-30"}, "criteria.geboortedatum", "invalid"),
        ("op-naam", {"geslachtsnaam": ["Moulin"], "geboortedatum": "1985-12-01"}, "criteria.geslachtsnaam", "invalid"),
        ("op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01", "bsn": BSN}, "criteria.bsn", "unknown"),
        ("op-bsn", {"bsn": "999993654"}, "criteria.bsn", "invalid"),
        ("op-adres", {"postcode": "0123AB", "huisnummer": 31}, "criteria.postcode", "invalid"),
        ("op-adres", {"postcode": "3077AW", "huisnummer": 0}, "criteria.huisnummer", "invalid"),
        ("op-adres", {"postcode": "3077AW", "huisnummer": True}, "criteria.huisnummer", "invalid"),
        ("op-adres", {"postcode": "3077AW", "huisnummer": 31, "huisletter": "AB"}, "criteria.huisletter", "invalid"),
    ],
)
def test_invalid_criteria_are_listed_by_name_without_repeating_the_value(person_searches, action, criteria, name, code):
    with pytest.raises(SearchInvalid) as excinfo:
        search_criteria_clean(action=person_searches[action], criteria=criteria)
    problems = {p["name"]: p for p in excinfo.value.invalid_params}
    assert problems[name]["code"] == code
    assert all(str(v) not in p["reason"] for p in excinfo.value.invalid_params for v in criteria.values() if len(str(v)) > 3)


def test_all_problems_are_reported_at_once(person_searches):
    with pytest.raises(SearchInvalid) as excinfo:
        search_criteria_clean(action=person_searches["op-naam"], criteria={"geboortedatum": "x", "extra": 1})
    assert {p["name"] for p in excinfo.value.invalid_params} == {"criteria.geslachtsnaam", "criteria.geboortedatum", "criteria.extra"}


# --- the search -----------------------------------------------------------------------------------

@responses.activate
def test_a_search_by_surname_and_birth_date_asks_the_brp_only_for_the_columns(profile, person_searches, grant, api_client_with_token):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE, PIETER]})

    result = run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, api_client_with_token)

    assert result.http_status == 200
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01",
                    "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"]}
    body = result.body
    assert [c["name"] for c in body["columns"]] == ["bsn", "naam", "geboortedatum"]
    assert body["rows"][0] == {
        "subject": {"type": "bsn", "value": BSN},
        "values": {"bsn": BSN, "naam": "Suzanne Moulin", "geboortedatum": SUZANNE["geboorte"]["datum"]},
    }
    assert body["rows"][1]["subject"] == {"type": "bsn", "value": "999993847"}
    assert body["sources"]["brp-zoeken"]["status"] == "ok" and body["complete"] is True
    # geheimhouding and the address were sent by the source but are no column: never released.
    assert "geheimhoudingPersoonsgegevens" not in json.dumps(body) and "Boterdiep" not in json.dumps(body)


@responses.activate
def test_a_search_is_logged_once_with_the_criteria_as_a_keyed_pseudonym(profile, person_searches, grant, api_client_with_token):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})
    criteria = {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}

    run(profile, person_searches["op-naam"], criteria, api_client_with_token)

    record = ProcessingRecord.objects.get()
    assert record.action == "search" and record.outcome == "complete" and record.http_status == 200
    assert record.subject_type == "search"
    assert record.subject_pseudonym == subject_pseudonym(
        subject_type="search", value=json.dumps(criteria, sort_keys=True, separators=(",", ":")))
    assert record.sources == {"brp-zoeken": "ok"}
    assert record.fields_released == ["burgerservicenummer", "geboorte.datum", "naam.volledigeNaam"]
    assert record.purpose_code == "klantcontact" and record.actor == "api-client:Case system"
    stored = json.dumps([getattr(record, f.name) for f in record._meta.fields], default=str)
    assert "Moulin" not in stored and "1985-12-01" not in stored


@responses.activate
def test_a_search_by_bsn_records_the_bsn_s_pseudonym(profile, person_searches, grant, api_client_with_token):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    result = run(profile, person_searches["op-bsn"], {"bsn": BSN}, api_client_with_token)

    assert result.body["rows"][0]["subject"] == {"type": "bsn", "value": BSN}
    assert json.loads(responses.calls[0].request.body)["burgerservicenummer"] == [BSN]
    record = ProcessingRecord.objects.get()
    assert record.subject_type == "bsn" and record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


@responses.activate
def test_without_a_grant_nothing_is_asked_and_a_denial_is_logged(profile, person_searches, purpose, api_client_with_token):
    with pytest.raises(ViewDenied):
        run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, api_client_with_token)

    assert len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert record.action == "search" and record.outcome == "denied" and record.http_status == 403


def test_without_a_purpose_and_without_a_default_the_search_is_refused(profile, person_searches, grant, api_client_with_token):
    with pytest.raises(PurposeMissing):
        run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"},
            api_client_with_token, purpose=None)


@responses.activate
def test_invalid_criteria_call_nothing_and_log_nothing(profile, person_searches, grant, api_client_with_token):
    with pytest.raises(SearchInvalid):
        run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin"}, api_client_with_token)
    assert len(responses.calls) == 0 and ProcessingRecord.objects.count() == 0


@responses.activate
def test_a_narrowed_grant_shows_only_the_columns_it_allows_but_keeps_the_identifier(profile, person_searches, grant, api_client_with_token):
    grant.fields = ["persoon.naam"]
    grant.save()
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})

    body = run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, api_client_with_token).body

    assert [c["name"] for c in body["columns"]] == ["naam"]
    assert body["rows"] == [{"subject": {"type": "bsn", "value": BSN}, "values": {"naam": "Suzanne Moulin"}}]
    assert json.loads(responses.calls[0].request.body)["fields"] == ["naam.volledigeNaam", "burgerservicenummer"]
    record = ProcessingRecord.objects.get()
    assert record.fields_withheld == ["burgerservicenummer", "geboorte.datum"]


@responses.activate
def test_the_search_action_s_doelbinding_goes_to_the_source_call(profile, person_searches, grant, api_client_with_token, monkeypatch):
    contexts = []
    original = search.source_call_run

    def spy(**kwargs):
        contexts.append(kwargs["context"])
        return original(**kwargs)

    monkeypatch.setattr(search, "source_call_run", spy)
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": []})

    run(profile, person_searches["op-naam"], {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, api_client_with_token)

    context = contexts[0]
    assert context.doelbinding_search == context.doelbinding_consult == "BRPACT-ZoekenAlgemeen"
    assert context.purpose_code == "klantcontact" and context.actor == "api-client:Case system"


@responses.activate
def test_nobody_found_is_an_empty_list_not_an_error(profile, person_searches, grant, api_client_with_token):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetPostcodeEnHuisnummer", "personen": []})

    result = run(profile, person_searches["op-adres"], {"postcode": "3077AW", "huisnummer": 31}, api_client_with_token)

    assert result.http_status == 200 and result.body["rows"] == [] and result.body["sources"]["brp-zoeken"]["status"] == "not_found"
    assert ProcessingRecord.objects.get().outcome == "complete"


@responses.activate
def test_a_failing_source_gives_502_and_a_failed_record(profile, person_searches, grant, api_client_with_token):
    responses.post(PERSONEN_URL, status=500, json={"title": "kapot"})

    result = run(profile, person_searches["op-adres"], {"postcode": "3077AW", "huisnummer": 31}, api_client_with_token)

    assert result.http_status == 502 and result.body["rows"] == []
    assert ProcessingRecord.objects.get().outcome == "failed"


@responses.activate
def test_a_kvk_search_by_name_sends_only_the_declared_filters_and_caps_the_rows(company_profile, api_client_with_token):
    action = company_profile.search_actions.get(name="op-naam")
    action.max_results = 1
    action.save()
    responses.get(ZOEKEN_URL, json=zoeken([resultaat(), resultaat("000059218555", naam="Vogel Broodjes", type_="nevenvestiging")]))

    body = run(company_profile, action, {"naam": "Vogel", "plaats": "Rotterdam"}, api_client_with_token).body

    query = responses.calls[0].request.params
    assert {k: v for k, v in query.items() if k not in ("pagina", "resultatenPerPagina")} == {"naam": "Vogel", "plaats": "Rotterdam"}
    assert body["rows"] == [{"subject": {"type": "kvk", "value": KVK_NUMMER},
                             "values": {"kvkNummer": KVK_NUMMER, "naam": "Bakkerij Vogel", "plaats": "Rotterdam"}}]
    assert body["total"] == 2 and body["truncated"] is True


@responses.activate
def test_an_address_search_without_an_identifier_gives_rows_that_open_no_view(profile, person_searches, grant, api_client_with_token):
    responses.get(ADRESSEN_URL, json=bag_page([adres()]))

    body = run(profile, person_searches["adressen"], {"postcode": "3077aw", "huisnummer": "31"}, api_client_with_token).body

    assert responses.calls[0].request.params["postcode"] == "3077AW"
    assert body["rows"] == [{"subject": None, "values": {"straat": "Boterdiep", "huisnummer": 31, "woonplaats": "Rotterdam"}}]
    assert ProcessingRecord.objects.get().subject_type == "search"


def test_the_description_lists_criteria_columns_and_identifier(person_searches):
    described = search.search_action_describe(person_searches["op-naam"])
    assert described["criteria"][0] == {"name": "geslachtsnaam", "label": "Achternaam", "type": "string", "required": True,
                                        "validation": {"minLength": 2, "maxLength": 200}}
    assert described["identifier"] == {"column": "bsn", "subjectType": "bsn"}
    assert search.search_action_describe(person_searches["adressen"])["identifier"] is None
