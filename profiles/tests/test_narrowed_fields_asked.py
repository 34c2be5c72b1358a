"""A narrowed grant asks the BRP only for the fields it releases plus those that the surviving
child relations' input expressions read (profiles/access/narrowing.py with
profiles/definitions/jq_paths.py), asserted on the `fields` the BRP receives."""

from __future__ import annotations

import json

import pytest
import responses

from profiles.access.narrowing import plan_narrow
from profiles.models import Grant, Relation

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
REGISTER_ROOT = "https://register.example.org/api/"
BAG_ROOT = "https://bag.example.org/lvbag/individuelebevragingen/v2/"
BSN = "999993653"
PERSOON = {
    "burgerservicenummer": BSN,
    "naam": {"volledigeNaam": "Suzanne Moulin"},
    "geboorte": {"datum": {"datum": "1985-12-01"}},
    "verblijfplaats": {"nummeraanduidingIdentificatie": "0599200000219678", "verblijfadres": {"huisnummer": 31}},
}
INKOMENS = {
    "operations": {"inkomens": {
        "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "fields": ["bsn", "jaar", "bedrag"],
        "many": True, "items_pointer": "/results", "subject_pointer": "/bsn",
    }},
}


@pytest.fixture
def tree(profile, bag_source, register_source):
    """Klantbeeld: the person (asking the BSN and the nummeraanduiding only to link), with their
    incomes (fed by the BSN) and their BAG address (fed by the nummeraanduiding)."""
    persoon = profile.relations.get()
    persoon.fields = ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres",
                      "verblijfplaats.nummeraanduidingIdentificatie"]
    persoon.release_fields = ["naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres"]
    persoon.save()
    Relation.objects.create(profile=profile, parent=persoon, name="inkomens", source=register_source,
                            operation="inkomens", input_expression="{bsn: .burgerservicenummer}",
                            fields=["jaar", "bedrag"])
    Relation.objects.create(
        profile=profile, parent=persoon, name="bagAdres", source=bag_source, operation="adres",
        input_expression="select(.verblijfplaats.nummeraanduidingIdentificatie) | "
        "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}",
        fields=["openbareRuimteNaam", "huisnummer"],
    )
    return profile


@pytest.fixture
def bag_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(label="BAG", slug="bag", api_type=APITypes.orc, api_root=BAG_ROOT,
                                     auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="k")
    return Source.objects.create(name="bag", connector="bag", service=service, timeout=2.0)


@pytest.fixture
def register_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(label="Register", slug="register", api_type=APITypes.orc,
                                     api_root=REGISTER_ROOT, auth_type=AuthTypes.no_auth)
    return Source.objects.create(name="inkomensregister", connector="generic", service=service, options=INKOMENS,
                                 timeout=2.0)


def view_with_grant(authed_api, api_client_with_token, tree, purpose, fields):
    Grant.objects.create(api_client=api_client_with_token, profile=tree, purpose=purpose, fields=fields)
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    responses.get(REGISTER_ROOT + "inkomens", json={"results": [{"bsn": BSN, "jaar": 2024, "bedrag": 41250.0}]})
    responses.get(BAG_ROOT + "adressen/0599200000219678", json={"openbareRuimteNaam": "Boterdiep", "huisnummer": 31,
                                                                     "nummeraanduidingIdentificatie": "0599200000219678"})
    response = authed_api.post("/api/v1/profiles/klantbeeld/view",
                               {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")
    assert response.status_code == 200, response.content
    brp = [c for c in responses.calls if c.request.url == PERSONEN_URL]
    return json.loads(brp[0].request.body)["fields"], response.json()["data"]


@responses.activate
def test_a_grant_for_the_name_and_incomes_asks_the_brp_for_the_name_and_the_bsn_the_incomes_need(
        authed_api, api_client_with_token, tree, purpose):
    fields, data = view_with_grant(authed_api, api_client_with_token, tree, purpose,
                                   ["persoon.naam", "persoon.inkomens"])

    assert fields == ["burgerservicenummer", "naam.volledigeNaam"]
    assert data == {"persoon": {"naam": {"volledigeNaam": "Suzanne Moulin"},
                                "inkomens": [{"jaar": 2024, "bedrag": 41250.0}]}}


@responses.activate
def test_a_grant_for_the_bag_address_asks_the_brp_only_for_the_nummeraanduiding_it_links_with(
        authed_api, api_client_with_token, tree, purpose):
    fields, data = view_with_grant(authed_api, api_client_with_token, tree, purpose, ["persoon.bagAdres"])

    # burgerservicenummer: the BRP connector asks it to check the answer is about the subject.
    assert fields == ["burgerservicenummer", "verblijfplaats.nummeraanduidingIdentificatie"]
    assert data == {"persoon": {"bagAdres": {"openbareRuimteNaam": "Boterdiep", "huisnummer": 31}}}
    assert not [c for c in responses.calls if c.request.url.startswith(REGISTER_ROOT)]


@responses.activate
def test_without_narrowing_the_relation_asks_what_the_profile_names(authed_api, api_client_with_token, tree, purpose):
    fields, _ = view_with_grant(authed_api, api_client_with_token, tree, purpose, [])

    assert fields == ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres",
                      "verblijfplaats.nummeraanduidingIdentificatie"]


def test_a_child_input_that_reads_its_whole_parent_item_keeps_every_field_of_the_parent(tree):
    from connectors.registry import registry
    from profiles.engine.execute import plan_profile

    Relation.objects.filter(profile=tree, name="inkomens").update(
        input_expression="{bsn: .burgerservicenummer, persoon: .}")
    roots = plan_profile(tree, registry=registry)

    (persoon,) = plan_narrow(roots, ["persoon.naam", "persoon.inkomens"])

    assert persoon.fields == roots[0].fields
