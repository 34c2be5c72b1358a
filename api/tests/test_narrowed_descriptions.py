"""A caller whose grant narrows a profile learns only what that grant releases: the profile's
JSON Schema and its search actions' columns hold only the granted fields."""

from __future__ import annotations

import json

from profiles.models import Grant
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)


def narrowed_to_name(api_client_with_token, profile, purpose):
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose,
                         fields=["persoon.naam.volledigeNaam"])


def test_a_narrowed_caller_s_schema_holds_only_the_fields_its_grant_releases(authed_api, api_client_with_token,
                                                                           profile, purpose):
    narrowed_to_name(api_client_with_token, profile, purpose)

    response = authed_api.get("/api/v1/profiles/klantbeeld/schema")

    assert response.status_code == 200
    persoon = response.json()["properties"]["data"]["properties"]["persoon"]["anyOf"][0]
    assert persoon["properties"] == {"naam": {"type": "object", "properties": {
        "volledigeNaam": {"description": "Source field naam.volledigeNaam."}}}}
    text = json.dumps(response.json())
    assert "geboorte" not in text and "verblijfplaats" not in text


def test_a_caller_with_a_full_grant_sees_every_released_field(authed_api, grant):
    text = json.dumps(authed_api.get("/api/v1/profiles/klantbeeld/schema").json())

    assert "volledigeNaam" in text and "geboorte" in text and "verblijfadres" in text


def test_a_narrowed_caller_s_search_actions_show_only_the_granted_columns(authed_api, api_client_with_token, profile,
                                                                        purpose, person_searches):
    narrowed_to_name(api_client_with_token, profile, purpose)

    actions = {a["name"]: a for a in authed_api.get("/api/v1/profiles/klantbeeld/search").json()["searchActions"]}

    assert [c["field"] for c in actions["op-naam"]["columns"]] == ["naam.volledigeNaam"]
    assert "geboorte.datum" not in json.dumps(actions)  # a column; the criterion geboortedatum stays
