"""The object subjects at the API: an address by postcode and huisnummer resolved through the
profile's BAG search action (one address: its view; none: 404; several: 400 listing them as search
rows), object subjects validated before any source is asked, and the processing records they leave.
Over the demo configuration (demo/config.yaml) with the sources' servers mocked by `responses`."""

import pytest
import responses

from demo.tests.test_config import ROOTS, demo_api  # noqa: F401 - the fixture: the demo configuration, its client
from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym

BAG = ROOTS["bag_api_root"]
BOTERDIEP_31 = "0599200000219678"


def an_adres(identificatie, huisletter=None):
    adres = {"openbareRuimteNaam": "Boterdiep", "huisnummer": 31, "postcode": "3077AW", "woonplaatsNaam": "Rotterdam",
             "nummeraanduidingIdentificatie": identificatie, "adresseerbaarObjectIdentificatie": "0599010000208579"}
    if huisletter:
        adres["huisletter"] = huisletter
    return adres


@pytest.fixture
def api(demo_api):
    return demo_api


def view(api, subject, profile="adresbeeld", purpose="vergunningverlening"):
    return api.post(f"/api/v1/profiles/{profile}/view", {"subject": subject, "purpose": purpose}, format="json")


def bag_search(adressen):
    responses.get(BAG + "adressen", json={"_links": {}, "_embedded": {"adressen": adressen}})


@responses.activate
def test_an_address_by_postcode_and_huisnummer_opens_the_view_of_its_nummeraanduiding(api):
    bag_search([an_adres(BOTERDIEP_31)])
    responses.get(BAG + f"adressen/{BOTERDIEP_31}", json=an_adres(BOTERDIEP_31))

    response = view(api, {"type": "adres", "postcode": "3077 aw", "huisnummer": 31})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == {"type": "adres", "value": BOTERDIEP_31}
    assert body["data"]["adres"]["openbareRuimteNaam"] == "Boterdiep"
    search = responses.calls[0].request
    assert search.url.startswith(BAG + "adressen?") and "postcode=3077AW" in search.url and "exacteMatch=true" in search.url
    # The search and the view each leave their record; the view's is about the address.
    records = list(ProcessingRecord.objects.order_by("created_at").values_list("action", "subject_type", "subject_pseudonym"))
    assert [(a, t) for a, t, _ in records] == [("search", "search"), ("view", "adres")]
    assert ProcessingRecord.objects.get(action="view").purpose_code == "vergunningverlening"
    assert records[1][2] == subject_pseudonym(subject_type="adres", value=BOTERDIEP_31)


@responses.activate
def test_an_ambiguous_address_is_a_400_listing_the_choices_as_search_rows(api):
    bag_search([an_adres("0599200000219680", "A"), an_adres("0599200000219681", "B")])

    response = view(api, {"type": "adres", "postcode": "3077AW", "huisnummer": 31})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "ambiguous-subject"
    assert [c["subject"] for c in problem["choices"]] == [
        {"type": "adres", "value": "0599200000219680"}, {"type": "adres", "value": "0599200000219681"},
    ]
    assert [c["values"]["huisletter"] for c in problem["choices"]] == ["A", "B"]
    assert {c["name"] for c in problem["columns"]} >= {"nummeraanduiding", "huisletter", "postcode"}
    # First the exact match (none: 31A and 31B are not 31), then the close ones; no view: nothing guessed.
    assert ["exacteMatch=true" in c.request.url for c in responses.calls] == [True, False]
    assert "exacteMatch=false" in responses.calls[1].request.url


@responses.activate
def test_an_exact_match_beside_close_ones_is_the_subject(api):
    bag_search([an_adres(BOTERDIEP_31), an_adres("0599200000219680", "A")])
    responses.get(BAG + f"adressen/{BOTERDIEP_31}", json=an_adres(BOTERDIEP_31))

    response = view(api, {"type": "adres", "postcode": "3077AW", "huisnummer": 31})

    assert response.status_code == 200 and response.json()["subject"]["value"] == BOTERDIEP_31


@responses.activate
def test_a_single_close_match_is_offered_not_taken(api):
    bag_search([an_adres("0599200000219680", "A")])

    response = view(api, {"type": "adres", "postcode": "3077AW", "huisnummer": 31})

    assert response.status_code == 400
    assert [c["subject"]["value"] for c in response.json()["choices"]] == ["0599200000219680"]


@responses.activate
def test_an_address_the_bag_does_not_know_is_a_404(api):
    bag_search([])

    response = view(api, {"type": "adres", "postcode": "3077AW", "huisnummer": 99})

    assert response.status_code == 404 and response.json()["code"] == "subject-not-found"


@responses.activate
def test_the_bag_down_while_resolving_is_a_502_naming_the_source(api):
    responses.get(BAG + "adressen", status=503)

    response = view(api, {"type": "adres", "postcode": "3077AW", "huisnummer": 31})

    assert response.status_code == 502 and "bag" in response.json()["detail"]


@pytest.mark.parametrize("subject, name", [
    ({"type": "adres", "postcode": "0077AW", "huisnummer": 31}, "subject.postcode"),
    ({"type": "adres", "postcode": "3077AW"}, "subject.huisnummer"),
    ({"type": "adres", "value": BOTERDIEP_31, "postcode": "3077AW", "huisnummer": 31}, "subject.postcode"),
    ({"type": "adres", "value": "0599100000208579"}, "subject.value"),
    ({"type": "adres"}, "subject.value"),
    ({"type": "zaak", "value": "https://elders.example.org/zaken/api/v1/zaken/6f7b5d4c-3b2a-4c1d-9e8f-7a6b5c4d3e2f"},
     "subject.value"),
    ({"type": "zaak", "value": "ZAAK-2025-0000000303", "bronorganisatie": "123456789"}, "subject.bronorganisatie"),
])
@responses.activate
def test_a_malformed_object_subject_is_a_400_naming_it_before_any_source_is_asked(api, subject, name):
    profile = "zaakbeeld" if subject["type"] == "zaak" else "adresbeeld"
    purpose = "bezwaarbehandeling" if profile == "zaakbeeld" else "vergunningverlening"

    response = view(api, subject, profile=profile, purpose=purpose)

    assert response.status_code == 400, response.content
    assert [p["name"] for p in response.json()["invalidParams"]] == [name]
    assert len(responses.calls) == 0


def test_a_profile_for_another_subject_type_refuses_an_address(api):
    response = view(api, {"type": "adres", "value": BOTERDIEP_31}, profile="klantbeeld", purpose="klantcontact")

    assert response.status_code == 400 and "is for bsn" in response.json()["detail"]


@responses.activate
def test_a_zaak_view_asks_the_zaken_api_for_that_identificatie_and_bronorganisatie(api):
    zaken = ROOTS["zaken_api_root"]
    responses.get(zaken + "zaken", json={"count": 0, "next": None, "previous": None, "results": []})

    response = view(api, {"type": "zaak", "value": "ZAAK-2025-0000000303", "bronorganisatie": "002220647"},
                    profile="zaakbeeld", purpose="bezwaarbehandeling")

    assert response.status_code == 200, response.content
    asked = responses.calls[0].request.url
    assert "identificatie=ZAAK-2025-0000000303" in asked and "bronorganisatie=002220647" in asked
    assert response.json()["subject"] == {"type": "zaak", "value": "ZAAK-2025-0000000303"}
