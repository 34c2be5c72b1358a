"""The BRP's markers about a person's data (geheimhouding, inOnderzoek, opschortingBijhouding) are
deliverable fields of every BRP operation and listed as its markers; they are never asked for in
`fields`, as the spec forbids, and come back as the BRP delivers them."""

import json

import pytest
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.brp.fields import PERSOON_BEPERKT_MARKERS, PERSOON_MARKERS, is_automatic
from connectors.contrib.brp.plugin import BrpPersonenConnector
from connectors.contrib.brp.search import SEARCH_TYPES
from tests.contracts import _spec_dict, require_specs

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
SPEC = "brp-personen/openapi.yaml"
ONDERZOEK = {"datumIngangOnderzoekPersoon": {"type": "Datum", "datum": "2022-03-01", "langFormaat": "1 maart 2022"},
             "leeftijd": True}
SUZANNE = {
    "burgerservicenummer": "999993653",
    "naam": {"volledigeNaam": "Suzanne Moulin", "inOnderzoek": {"geslachtsnaam": True}},
    "geheimhoudingPersoonsgegevens": True,
    "inOnderzoek": ONDERZOEK,
    "opschortingBijhouding": {"reden": {"code": "E", "omschrijving": "emigratie"}},
}


def test_the_markers_are_deliverable_fields_of_every_brp_operation():
    raadplegen = BrpPersonenConnector.operations["RaadpleegMetBurgerservicenummer"]
    assert {"geheimhoudingPersoonsgegevens", "inOnderzoek", "opschortingBijhouding", "naam.inOnderzoek"} <= set(raadplegen.markers)
    assert set(raadplegen.markers) <= set(raadplegen.fields)
    for name in SEARCH_TYPES:
        search = BrpPersonenConnector.operations[name]
        assert search.markers == PERSOON_BEPERKT_MARKERS and set(search.markers) <= set(search.fields)


def test_every_marker_is_an_automatic_field_so_it_is_never_asked_for():
    assert all(is_automatic(marker) for marker in PERSOON_MARKERS + PERSOON_BEPERKT_MARKERS)


@responses.activate
def test_markers_released_by_a_profile_are_not_sent_in_fields_and_come_back_as_delivered(brp_source):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})
    fields = ("naam.volledigeNaam", "geheimhoudingPersoonsgegevens", "inOnderzoek", "opschortingBijhouding", "naam.inOnderzoek")

    result = BrpPersonenConnector(brp_source.to_config()).run(
        ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": "999993653"}, fields)
    )

    assert json.loads(responses.calls[0].request.body)["fields"] == ["burgerservicenummer", "naam.volledigeNaam"]
    assert result.status is Status.OK
    assert result.data["geheimhoudingPersoonsgegevens"] is True
    assert result.data["inOnderzoek"] == ONDERZOEK and result.data["naam"]["inOnderzoek"] == {"geslachtsnaam": True}


def _schemas():
    return _spec_dict(SPEC)["components"]["schemas"]


def _properties(schema, seen=()):
    """Every property a schema can have: through $ref, allOf, oneOf, arrays and discriminators."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return {} if name in seen else _properties(_schemas()[name], (*seen, name))
    found = {}
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found.update(_properties(part, seen))
    for target in (schema.get("discriminator") or {}).get("mapping", {}).values():
        found.update(_properties({"$ref": target}, seen))
    if schema.get("type") == "array" and "items" in schema:
        found.update(_properties(schema["items"], seen))
    found.update(schema.get("properties", {}))
    return found


@pytest.mark.parametrize("schema, markers", [("Persoon", PERSOON_MARKERS), ("PersoonBeperkt", PERSOON_BEPERKT_MARKERS)])
def test_every_marker_exists_in_the_spec_and_every_in_onderzoek_of_a_delivered_group_is_a_marker(schema, markers):
    require_specs()

    def exists(path):
        node = {"$ref": f"#/components/schemas/{schema}"}
        for part in path.split("."):
            properties = _properties(node)
            if part not in properties:
                return False
            node = properties[part]
        return True

    assert [m for m in markers if not exists(m)] == []
    operation = BrpPersonenConnector.operations["RaadpleegMetBurgerservicenummer" if schema == "Persoon" else "ZoekMetPostcodeEnHuisnummer"]
    groups = {f for f in operation.fields if not is_automatic(f)}
    expected = {f"{group}.inOnderzoek" for group in groups if exists(f"{group}.inOnderzoek")}
    assert expected - set(markers) == set()
