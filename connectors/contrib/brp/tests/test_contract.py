"""Contract test: the requests the BRP connector builds conform to the BRP Personen 2.x spec, and
the sample answers its unit tests parse are what the spec says the BRP sends.

openapi-core checks media types and the shared `PersonenQuery` base, but it does not follow the
body's `type` discriminator to its subtype, so a search body would pass with any parameters. The
search bodies are therefore also validated against their own subtype schema
(`ZoekMetPostcodeEnHuisnummer`...) with `openapi_schema_validator`, every key must be a property
that subtype declares, and every `fields` path must exist in the `PersoonBeperkt` schema.
"""

import json

import pytest
import requests
import responses
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from connectors.base import ConnectorRequest, Status
from connectors.contrib.brp.fields import PERSOON_BEPERKT_FIELDS, PERSOON_FIELDS
from connectors.contrib.brp.plugin import BrpPersonenConnector
from connectors.contrib.brp.search import SEARCH_TYPES, SPEC_PATTERNS
from tests.contracts import _spec_dict, assert_request_conforms, assert_response_conforms, require_specs, source_spec

from .samples import JSON_UTF8, MERLIJN, SUZANNE, answer
from .test_search import SEARCHES

ROOT = "https://brp.example.org/haalcentraal/api/brp/"
SPEC = "brp-personen/openapi.yaml"


def components() -> dict:
    return _spec_dict(SPEC)["components"]["schemas"]


def schema_errors(schema_name: str, instance) -> list[str]:
    validator = OAS31Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": _spec_dict(SPEC)["components"]},
        format_checker=oas31_format_checker,
    )
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def _resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = components()[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def properties_of(schema: dict) -> dict:
    """The properties a schema declares, through $ref and allOf."""
    schema = _resolved(schema)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(properties_of(part))
    return found


def required_of(schema: dict) -> set[str]:
    schema = _resolved(schema)
    found = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        found |= required_of(part)
    return found


def path_exists(schema_name: str, path: str) -> bool:
    schema: dict = {"$ref": f"#/components/schemas/{schema_name}"}
    for part in path.split("."):
        schema = _resolved(schema)
        if schema.get("type") == "array":
            schema = schema["items"]
        properties = properties_of(schema)
        if part not in properties:
            return False
        schema = properties[part]
    return True


@responses.activate
def test_raadpleeg_requests_conform_to_the_spec_for_every_declared_field(brp_source):
    openapi = source_spec(SPEC, ROOT)
    responses.post(ROOT + "personen", json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})
    connector = BrpPersonenConnector(brp_source.to_config())

    # The API takes at most 130 fields per request; check the declared fields in batches.
    for start in range(0, len(PERSOON_FIELDS), 100):
        fields = PERSOON_FIELDS[start : start + 100]
        connector.run(ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": "999993653"}, fields))

    assert len(responses.calls) == 2
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)
        assert schema_errors("RaadpleegMetBurgerservicenummer", json.loads(call.request.body)) == []


@pytest.mark.parametrize("operation, params, _expected", SEARCHES, ids=[s[0] for s in SEARCHES])
@responses.activate
def test_search_requests_conform_to_their_search_type_for_every_declared_field(brp_source, operation, params, _expected):
    openapi = source_spec(SPEC, ROOT)
    responses.post(ROOT + "personen", json=answer(operation, SUZANNE, MERLIJN), content_type=JSON_UTF8)

    result = BrpPersonenConnector(brp_source.to_config()).run(ConnectorRequest(operation, params, PERSOON_BEPERKT_FIELDS))

    assert result.status is Status.OK, result.detail
    (call,) = responses.calls
    body = json.loads(call.request.body)
    assert_request_conforms(openapi, call.request)
    assert schema_errors(operation, body) == []
    declared = set(properties_of({"$ref": f"#/components/schemas/{operation}"}))
    assert set(body) <= declared, f"not in the spec's {operation}: {set(body) - declared}"
    assert [f for f in body["fields"] if not path_exists("PersoonBeperkt", f)] == []
    with requests.Session() as session:
        assert_response_conforms(openapi, call.request, session.send(call.request))


def test_the_declared_search_parameters_are_exactly_the_specs():
    require_specs()
    for name, search in SEARCH_TYPES.items():
        schema = {"$ref": f"#/components/schemas/{name}"}
        spec_params = set(properties_of(schema)) - {"type", "fields"}
        assert set(search.params) == spec_params, name
        assert set(search.required) == required_of(schema) - {"type", "fields"}, name
        assert len(search.params) == len(set(search.params)), name


def test_the_parameter_patterns_are_the_specs_verbatim():
    require_specs()
    schemas = {
        "geslachtsnaam": "GeslachtsnaamFilter", "voornamenVerplicht": "VoornamenVerplichtFilter",
        "voornamenOptioneel": "VoornamenOptioneelFilter", "voorvoegsel": "VoorvoegselFilter", "geslacht": "GeslachtFilter",
        "postcode": "Postcode", "huisletter": "Huisletter", "huisnummertoevoeging": "Huisnummertoevoeging",
        "gemeenteVanInschrijving": "GemeenteVanInschrijving", "nummeraanduidingIdentificatie": "NummeraanduidingIdentificatieFilter",
        "adresseerbaarObjectIdentificatie": "AdresseerbaarObjectIdentificatieFilter",
    }
    assert SPEC_PATTERNS == {name: components()[schema]["pattern"] for name, schema in schemas.items()}


def test_every_declared_search_field_exists_in_persoon_beperkt_and_the_samples_conform():
    require_specs()
    assert [f for f in PERSOON_BEPERKT_FIELDS if not path_exists("PersoonBeperkt", f)] == []
    # ...and what PersoonBeperkt has beyond them is only automatic fields.
    assert set(properties_of({"$ref": "#/components/schemas/PersoonBeperkt"})) - {f.split(".")[0] for f in PERSOON_BEPERKT_FIELDS} == {
        "inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie",
    }
    for persoon in (SUZANNE, MERLIJN):
        assert schema_errors("PersoonBeperkt", persoon) == []
    for name in SEARCH_TYPES:
        assert schema_errors(f"{name}Response", answer(name, SUZANNE, MERLIJN)) == []


def test_the_contract_check_is_not_vacuous():
    """Bodies the spec refuses must fail, or the tests above prove nothing."""
    require_specs()
    fields = ["burgerservicenummer"]
    assert schema_errors("ZoekMetPostcodeEnHuisnummer", {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "0123AB", "huisnummer": 31, "fields": fields})
    assert schema_errors("ZoekMetPostcodeEnHuisnummer", {"type": "ZoekMetPostcodeEnHuisnummer", "huisnummer": 31, "fields": fields})
    assert schema_errors("ZoekMetGeslachtsnaamEnGeboortedatum", {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moulin", "geboortedatum": "1985-02-30", "fields": fields})
    assert schema_errors("ZoekMetNummeraanduidingIdentificatie", {"type": "ZoekMetNummeraanduidingIdentificatie", "nummeraanduidingIdentificatie": "0000000000000000", "fields": fields})
    assert schema_errors("ZoekMetAdresseerbaarObjectIdentificatie", {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "fields": fields})
    assert "straat" not in properties_of({"$ref": "#/components/schemas/ZoekMetPostcodeEnHuisnummer"})
    assert not path_exists("PersoonBeperkt", "verblijfplaats.verblijfadres")
    assert schema_errors("PersoonBeperkt", dict(SUZANNE, burgerservicenummer="99999365"))
