"""A profile may pass on the BRP's markers about a person's data (geheimhoudingPersoonsgegevens,
inOnderzoek, opschortingBijhouding) whenever the BRP delivers them, whatever else it releases
(Profile.always_pass_markers; applied when the view is assembled, after the release fields)."""

from __future__ import annotations

import responses

from profiles.definitions.fields import markers_pass_on, select_fields
from profiles.definitions.portability import profile_export, profile_import
from profiles.models import Grant, Profile

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
ONDERZOEK = {"aanduidingGegevensInOnderzoek": True, "datumIngangOnderzoek": {"type": "Datum", "datum": "2024-01-01"}}
PERSOON = {
    "burgerservicenummer": BSN,
    "geheimhoudingPersoonsgegevens": True,
    "naam": {"volledigeNaam": "Suzanne Moulin", "inOnderzoek": ONDERZOEK},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01"}},
    "verblijfplaats": {"verblijfadres": {"officieleStraatnaam": "Boterdiep"}, "inOnderzoek": ONDERZOEK},
}


def view(api):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    response = api.post("/api/v1/profiles/klantbeeld/view",
                        {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]["persoon"]


def only_name(profile, *, markers: bool) -> None:
    relation = profile.relations.get()
    relation.fields = ["naam.volledigeNaam", "geboorte.datum"]
    relation.save()
    profile.always_pass_markers = markers
    profile.save()


@responses.activate
def test_with_the_flag_the_markers_of_the_person_and_of_released_groups_are_passed_on(authed_api, grant, profile):
    only_name(profile, markers=True)

    persoon = view(authed_api)

    assert persoon == {
        "geheimhoudingPersoonsgegevens": True,
        "naam": {"volledigeNaam": "Suzanne Moulin", "inOnderzoek": ONDERZOEK},
        "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01"}},
    }  # not verblijfplaats.inOnderzoek: nothing of the address is released


@responses.activate
def test_without_the_flag_no_marker_leaves_iko_unless_released(authed_api, grant, profile):
    only_name(profile, markers=False)

    persoon = view(authed_api)

    assert "geheimhoudingPersoonsgegevens" not in persoon and "inOnderzoek" not in persoon["naam"]


@responses.activate
def test_a_narrowed_grant_still_gets_the_markers(authed_api, api_client_with_token, profile, purpose):
    only_name(profile, markers=True)
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose,
                         fields=["persoon.naam.volledigeNaam"])

    persoon = view(authed_api)

    assert persoon == {"geheimhoudingPersoonsgegevens": True,
                       "naam": {"volledigeNaam": "Suzanne Moulin", "inOnderzoek": ONDERZOEK}}


@responses.activate
def test_the_front_door_passes_the_markers_on_for_such_a_profile(authed_api, grant, profile, api_client_with_token,
                                                               purpose):
    only_name(profile, markers=True)
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}")

    assert response.json()["geheimhoudingPersoonsgegevens"] is True
    assert response.json()["naam"]["inOnderzoek"] == ONDERZOEK and "verblijfplaats" not in response.json()


def test_markers_follow_list_elements_and_only_where_their_group_is_released():
    item = {"kinderen": [{"naam": {"voornamen": "Anna", "inOnderzoek": ONDERZOEK}},
                         {"naam": {"voornamen": "Bram"}}],
            "opschortingBijhouding": {"reden": {"code": "O"}}}
    released = select_fields(item, ["kinderen.naam.voornamen"])

    passed = markers_pass_on(item, released, ["kinderen.naam.inOnderzoek", "opschortingBijhouding", "partners.inOnderzoek"])

    assert passed == {"kinderen": [{"naam": {"voornamen": "Anna", "inOnderzoek": ONDERZOEK}},
                                   {"naam": {"voornamen": "Bram"}}],
                      "opschortingBijhouding": {"reden": {"code": "O"}}}


def test_the_flag_travels_with_an_exported_profile(profile):
    profile.always_pass_markers = True
    profile.save()
    text = profile_export(profile)
    assert "alwaysPassMarkers: true" in text

    Profile.objects.all().delete()
    assert profile_import(text).always_pass_markers is True
