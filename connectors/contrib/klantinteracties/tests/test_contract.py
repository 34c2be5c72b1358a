"""Contract tests: the requests the Klantinteracties connector builds, and the JSON fixtures its
unit tests answer with, conform to the Klantinteracties API 0.9.0 and Contactgegevens API 1.1.1
specs (tests/specs/); every declared field exists in them. Skipped without the specs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import ConnectorRequest
from connectors.contrib.klantinteracties.fields import (
    CONTACTGEGEVENS_FIELDS,
    DIGITAAL_ADRES_FIELDS,
    KLANTCONTACT_FIELDS,
    PARTIJ_FIELDS,
)
from connectors.contrib.klantinteracties.plugin import KlantinteractiesConnector

from .factories import (
    BAKKERIJ_KVK,
    CG_ROOT,
    KI_ROOT,
    MEREL_BSN,
    SUZANNE_BSN,
    cg_organisatie,
    cg_persoon,
    digitaal_adres,
    klantcontact,
    new_uuid,
    organisatie_partij,
    page,
    persoon_partij,
    with_adressen,
)
from .spec import (
    CONTACTGEGEVENS,
    KLANTINTERACTIES,
    as_response,
    assert_request_conforms,
    declared_query_params,
    assert_response_conforms,
    openklant_spec,
    schema_paths,
)

SUZANNE = persoon_partij()
MEREL = persoon_partij(MEREL_BSN, name="merel")
CG_UUID = new_uuid("cg/suzanne")
ORG_UUID = new_uuid("cg/bakkerij")


def ki_spec():
    return openklant_spec(KLANTINTERACTIES, KI_ROOT)


def cg_spec():
    return openklant_spec(CONTACTGEGEVENS, CG_ROOT)


def run(source, operation, params, fields=("uuid",)):
    return KlantinteractiesConnector(source.to_config()).run(ConnectorRequest(operation, params, tuple(fields)))


@responses.activate
def test_the_requests_of_every_operation_conform_to_the_specs(ki_source_with_cg):
    responses.get(KI_ROOT + "partijen", json=page([with_adressen(SUZANNE, [])]))
    responses.get(KI_ROOT + "klantcontacten", json=page([klantcontact("a", [SUZANNE])], count=2, next_url=KI_ROOT + "klantcontacten?page=2"))
    responses.get(KI_ROOT + "categorieen", json=page([]))
    responses.get(f"{CG_ROOT}persoon/{CG_UUID}", json=cg_persoon(CG_UUID))
    responses.get(f"{CG_ROOT}organisatie/{ORG_UUID}", json=cg_organisatie(ORG_UUID))
    responses.get(f"{CG_ROOT}persoon/00000000-0000-0000-0000-000000000000", status=404, json={"status": 404})

    run(ki_source_with_cg, "partij", {"bsn": SUZANNE_BSN}, ("_expand.digitaleAdressen",))
    run(ki_source_with_cg, "partij", {"kvk": BAKKERIJ_KVK})
    run(ki_source_with_cg, "klantcontacten", {"bsn": SUZANNE_BSN}, ("_expand.gingOverOnderwerpobjecten",))
    run(ki_source_with_cg, "digitale_adressen", {"bsn": SUZANNE_BSN})
    run(ki_source_with_cg, "contactgegevens", {"bsn": SUZANNE_BSN, "uuid": CG_UUID})
    run(ki_source_with_cg, "contactgegevens", {"kvk": BAKKERIJ_KVK, "uuid": ORG_UUID})
    KlantinteractiesConnector(ki_source_with_cg.to_config()).check_connection()

    paths = set()
    for call in responses.calls:
        url = call.request.url
        spec_file, root = (CONTACTGEGEVENS, CG_ROOT) if url.startswith(CG_ROOT) else (KLANTINTERACTIES, KI_ROOT)
        assert_request_conforms(openklant_spec(spec_file, root), call.request)
        # Open Klant ignores unknown parameters, so every name sent must be one the spec declares.
        sent = set(parse_qs(urlsplit(url).query))
        assert sent <= declared_query_params(spec_file, root, url), sent - declared_query_params(spec_file, root, url)
        paths.add(url.split("?")[0])
    # Including the second page of klantcontacten (page=2) and the expand values.
    assert any("page=2" in call.request.url for call in responses.calls)
    assert any("expand=hadBetrokkenen%2CgingOverOnderwerpobjecten" in call.request.url for call in responses.calls)
    assert len(paths) == 6


@responses.activate
def test_the_fallback_listing_of_digitale_adressen_conforms_to_the_spec(ki_source):
    responses.get(KI_ROOT + "partijen", json=page([SUZANNE]))
    responses.get(KI_ROOT + "digitaleadressen", json=page([digitaal_adres(SUZANNE["uuid"], "s@example.nl")]))

    run(ki_source, "digitale_adressen", {"bsn": SUZANNE_BSN})

    for call in responses.calls:
        assert_request_conforms(ki_spec(), call.request)
        sent = set(parse_qs(urlsplit(call.request.url).query))
        assert sent <= declared_query_params(KLANTINTERACTIES, KI_ROOT, call.request.url)


KI_FIXTURES = {
    "partijen of persons": ("partijen", page([SUZANNE, MEREL])),
    "partij with expanded digitale adressen": (
        "partijen?expand=digitaleAdressen",
        page([with_adressen(SUZANNE, [digitaal_adres(SUZANNE["uuid"], "s@example.nl"),
                                      digitaal_adres(SUZANNE["uuid"], "0612345670", "telefoonnummer")])]),
    ),
    "partij of an organisatie": ("partijen", page([organisatie_partij()])),
    "klantcontacten with betrokkenen and onderwerpobjecten": (
        "klantcontacten?expand=hadBetrokkenen,gingOverOnderwerpobjecten",
        page([klantcontact("z", [SUZANNE, MEREL], zaak="ZAAK-2025-0000000101"), klantcontact("n", [None])],
             count=5, next_url=KI_ROOT + "klantcontacten?page=2"),
    ),
    "klantcontacten without expansion": ("klantcontacten", page([klantcontact("p", [SUZANNE], expand=False)])),
    "digitale adressen": ("digitaleadressen", page([digitaal_adres(SUZANNE["uuid"], "s@example.nl"), digitaal_adres(None, "x@example.nl")])),
    "categorieen": ("categorieen?pageSize=1", page([])),
}


@pytest.mark.parametrize("name", sorted(KI_FIXTURES))
def test_the_klantinteracties_fixtures_of_the_unit_tests_conform_to_the_spec(name):
    import requests

    path, payload = KI_FIXTURES[name]
    request = requests.Request("GET", KI_ROOT + path).prepare()
    assert_response_conforms(ki_spec(), request, as_response(request, payload))


@pytest.mark.parametrize("path, payload", [
    (f"persoon/{CG_UUID}", cg_persoon(CG_UUID)),
    (f"organisatie/{ORG_UUID}", cg_organisatie(ORG_UUID)),
    ("persoon", page([cg_persoon(CG_UUID)])),
])
def test_the_contactgegevens_fixtures_conform_to_the_spec(path, payload):
    import requests

    request = requests.Request("GET", CG_ROOT + path).prepare()
    assert_response_conforms(cg_spec(), request, as_response(request, payload))


def test_a_fixture_that_breaks_the_spec_is_caught():
    import requests

    broken = dict(SUZANNE, soortPartij="persoon", partijIdentificatie={"naam": "no volledigeNaam"})
    request = requests.Request("GET", KI_ROOT + "partijen").prepare()
    with pytest.raises(Exception):
        assert_response_conforms(ki_spec(), request, as_response(request, page([broken])))


@pytest.mark.parametrize("fields, spec, schemas", [
    (PARTIJ_FIELDS, KLANTINTERACTIES, ("ExpandPartij",)),
    (KLANTCONTACT_FIELDS, KLANTINTERACTIES, ("ExpandKlantcontact",)),
    (DIGITAAL_ADRES_FIELDS, KLANTINTERACTIES, ("DigitaalAdres",)),
    (CONTACTGEGEVENS_FIELDS, CONTACTGEGEVENS, ("Persoon", "Organisatie")),
])
def test_every_declared_field_exists_in_the_spec(fields, spec, schemas):
    known = set().union(*(schema_paths(spec, schema) for schema in schemas))
    # The expanded betrokkenen and onderwerpobjecten are typed in the Expand* schemas' `_expand`.
    missing = [field for field in fields if field not in known]
    assert not missing
    assert len(set(fields)) == len(fields)
