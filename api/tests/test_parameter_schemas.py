"""A caller's parameters are checked against the operation's parameter schema (connectors.params)
before anything else, on the Valtimo front door and in searches: a 400 problem naming the
parameter, never a 502 "No source answered", and no request leaves IKO."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import responses

from profiles.models import SearchAction
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)

PROBLEM = "application/problem+json"
ZOEK = "/endpoints/brp/brp/ZoekMetGeslachtsnaamEnGeboortedatum"


@pytest.fixture
def brp_search(profile, grant, brp_source, api_client_with_token, purpose):
    """Klantbeeld searches the real BRP connector by surname and date of birth; Valtimo sends no
    purpose, so the client's default purpose applies."""
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    return SearchAction.objects.create(
        profile=profile, name="op-naam", title="Zoek op naam", source=brp_source,
        operation="ZoekMetGeslachtsnaamEnGeboortedatum",
        criteria=[{"name": "geslachtsnaam", "type": "string", "required": True},
                  {"name": "geboortedatum", "type": "date", "required": True}],
        columns=[{"name": "naam", "field": "naam.volledigeNaam"}],
    )


def refused(response, name: str, code: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    problems = response.json()["invalidParams"]
    assert [(p["name"], p["code"]) for p in problems] == [(name, code)]
    assert len(responses.calls) == 0


@responses.activate
def test_a_valtimo_multi_select_value_for_a_brp_name_is_a_400_naming_it(authed_api, brp_search):
    response = authed_api.get(f"{ZOEK}?geslachtsnaam={quote('[Moulin, Jansen]')}&geboortedatum=1985-12-01")

    refused(response, "geslachtsnaam", "multiple")


@responses.activate
def test_a_parameter_given_twice_is_a_400_naming_it(authed_api, brp_search):
    response = authed_api.get(f"{ZOEK}?geslachtsnaam=Moulin&geslachtsnaam=Jansen&geboortedatum=1985-12-01")

    refused(response, "geslachtsnaam", "multiple")


@responses.activate
def test_non_latin_characters_in_a_name_are_a_400_naming_it_without_repeating_it(authed_api, brp_search):
    response = authed_api.get(f"{ZOEK}?geslachtsnaam={quote('Мулен')}&geboortedatum=1985-12-01")

    refused(response, "geslachtsnaam", "pattern")
    assert "Мулен" not in response.content.decode()


@responses.activate
def test_kvk_type_zoeken_is_a_400_naming_type(authed_api, company_profile, api_client_with_token, purpose):
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()

    response = authed_api.get("/endpoints/kvk/kvk/zoeken?naam=Vogel&type=zoeken")

    refused(response, "type", "enum")


@responses.activate
def test_a_search_criterion_the_brp_would_refuse_is_a_400_naming_the_criterion(authed_api, brp_search):
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam", {
        "criteria": {"geslachtsnaam": "Мулен", "geboortedatum": "1985-12-01"}, "purpose": "klantcontact",
    }, format="json")

    refused(response, "criteria.geslachtsnaam", "pattern")
    assert response.json()["code"] == "invalid-criteria"
