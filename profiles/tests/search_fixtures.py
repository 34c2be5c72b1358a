"""Fixtures of the search and Valtimo front-door tests: sources (BRP, KVK, BAG), a person profile
and a company profile with search actions for each criteria set, grants, and a BRP search double.

The BRP plugin offers `RaadpleegMetBurgerservicenummer` only so far; the `ZoekMet...` searches
come from `BrpZoekenDouble`, a connector registered for the test under the id `brp-zoeken` that
speaks the real BRP Personen API (`POST /personen` with `type` and `fields`, spec
tests/specs/brp-personen/openapi.yaml), so tests assert on what a BRP gateway would receive.

Import the fixtures into a test module: `from profiles.tests.search_fixtures import *`.
"""

from __future__ import annotations

import pytest

from connectors.base import Connector, ConnectorRequest, ConnectorResult, Operation, Status
from connectors.contrib.brp.fields import PERSOON_FIELDS
from connectors.contrib.brp.plugin import fields_to_request
from connectors.errors import http_error
from connectors.http import SourceHttp
from connectors.registry import registry

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
KVK_ROOT = "https://kvk.example.org/api/"
ZOEKEN_URL = KVK_ROOT + "v2/zoeken"
BAG_ROOT = "https://bag.example.org/lvbag/individuelebevragingen/v2/"
ADRESSEN_URL = BAG_ROOT + "adressen"

BSN = "999993653"
KVK_NUMMER = "90004760"
SUZANNE = {
    "burgerservicenummer": BSN,
    "naam": {"voornamen": "Suzanne", "geslachtsnaam": "Moulin", "volledigeNaam": "Suzanne Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "verblijfplaats": {"type": "Adres", "verblijfadres": {"officieleStraatnaam": "Boterdiep", "huisnummer": 31,
                                                          "postcode": "3077AW", "woonplaats": "Rotterdam"}},
    "geheimhoudingPersoonsgegevens": True,
}
PIETER = {
    "burgerservicenummer": "999993847",
    "naam": {"voornamen": "Pieter", "geslachtsnaam": "Moulin", "volledigeNaam": "Pieter Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
}
PERSON_COLUMNS = [
    {"name": "bsn", "field": "burgerservicenummer", "label": "BSN"},
    {"name": "naam", "field": "naam.volledigeNaam", "label": "Naam"},
    {"name": "geboortedatum", "field": "geboorte.datum", "label": "Geboortedatum"},
]


def resultaat(kvk_nummer=KVK_NUMMER, vestigingsnummer="000059218547", naam="Bakkerij Vogel", type_="hoofdvestiging"):
    """A KVK Zoeken `ResultaatItem` (shape of tests/specs/kvk/zoeken-api-v2.yaml)."""
    return {
        "kvkNummer": kvk_nummer, "rsin": "860014204", "vestigingsnummer": vestigingsnummer, "naam": naam,
        "adres": {"binnenlandsAdres": {"type": "bezoekadres", "straatnaam": "Boterdiep", "huisnummer": 33,
                                       "postcode": "3077AW", "plaats": "Rotterdam"}},
        "type": type_, "actief": "Ja",
        "_links": {"basisprofiel": {"href": KVK_ROOT + f"v1/basisprofielen/{kvk_nummer}"}},
    }


def zoeken(resultaten):
    return {"pagina": 1, "resultatenPerPagina": 100, "totaal": len(resultaten), "resultaten": resultaten,
            "_links": {"self": {"href": ZOEKEN_URL}}}


def adres(huisnummer=31, huisletter=None):
    """A BAG IB `Adres` with HAL links (shape of the BAG IB 2.6.0 spec)."""
    item = {
        "openbareRuimteNaam": "Boterdiep", "korteNaam": "Boterdiep", "huisnummer": huisnummer, "postcode": "3077AW",
        "woonplaatsNaam": "Rotterdam", "nummeraanduidingIdentificatie": "0599200000219678",
        "adresseerbaarObjectIdentificatie": "0599010000208579",
        "_links": {"self": {"href": BAG_ROOT + "adressen/0599200000219678"}},
    }
    if huisletter:
        item["huisletter"] = huisletter
    return item


def bag_page(adressen):
    return {"_embedded": {"adressen": adressen}, "_links": {"self": {"href": ADRESSEN_URL}}}


class BrpZoekenDouble(Connector):
    """A BRP Personen connector for the `ZoekMet...` searches (test double, real wire format)."""

    title = "BRP Personen (zoeken, test double)"
    operations = {
        "ZoekMetGeslachtsnaamEnGeboortedatum": Operation(
            name="ZoekMetGeslachtsnaamEnGeboortedatum", description="Persons by surname and birth date.",
            subject_types=(), fields=PERSOON_FIELDS,
            params=("geslachtsnaam", "geboortedatum", "voornamen", "voorvoegsel"), many=True,
        ),
        "ZoekMetPostcodeEnHuisnummer": Operation(
            name="ZoekMetPostcodeEnHuisnummer", description="Persons by postcode and huisnummer.",
            subject_types=(), fields=PERSOON_FIELDS,
            params=("postcode", "huisnummer", "huisletter", "huisnummertoevoeging"), many=True,
        ),
    }

    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        self.operation(request.operation)
        body = {"type": request.operation, **request.params, "fields": fields_to_request(request.fields)}
        response = SourceHttp(self.source).request(
            "POST", "personen", json_body=body,
            headers={"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"},
        )
        if response.status_code != 200:
            raise http_error(response, self.title)
        personen = response.json().get("personen", [])
        if not personen:
            return ConnectorResult(Status.NOT_FOUND, detail="The BRP found nobody.")
        return ConnectorResult(Status.OK, data=personen)


@pytest.fixture
def brp_zoeken_connector():
    BrpZoekenDouble.id = "brp-zoeken"
    registry._connectors["brp-zoeken"] = BrpZoekenDouble
    yield BrpZoekenDouble
    registry._connectors.pop("brp-zoeken", None)


@pytest.fixture
def brp_zoeken_source(brp_service, brp_zoeken_connector):
    from connectors.models import Source

    return Source.objects.create(name="brp-zoeken", connector="brp-zoeken", service=brp_service, timeout=2.0)


@pytest.fixture
def kvk_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="KVK", slug="kvk", api_type=APITypes.orc, api_root=KVK_ROOT,
        auth_type=AuthTypes.api_key, header_key="apikey", header_value="kvk-key", timeout=5,
    )
    return Source.objects.create(name="kvk", connector="kvk", service=service, timeout=2.0)


@pytest.fixture
def bag_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="BAG", slug="bag", api_type=APITypes.orc, api_root=BAG_ROOT,
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="bag-key", timeout=5,
    )
    return Source.objects.create(name="bag", connector="bag", service=service, options={}, timeout=2.0)


@pytest.fixture
def person_searches(profile, brp_source, brp_zoeken_source, bag_source):
    """Search actions of the person profile "klantbeeld": by BSN, by surname and birth date, by
    postcode and huisnummer (persons living there), and addresses in the BAG (no detail view)."""
    from profiles.models import SearchAction

    actions = {
        "op-bsn": SearchAction(
            profile=profile, name="op-bsn", title="Zoek op BSN", source=brp_source,
            operation="RaadpleegMetBurgerservicenummer",
            criteria=[{"name": "bsn", "type": "bsn", "required": True, "label": "BSN"}],
            columns=PERSON_COLUMNS, identifier_column="bsn", identifier_type="bsn", order=1,
        ),
        "op-naam": SearchAction(
            profile=profile, name="op-naam", title="Zoek op naam en geboortedatum", source=brp_zoeken_source,
            operation="ZoekMetGeslachtsnaamEnGeboortedatum",
            criteria=[
                {"name": "geslachtsnaam", "type": "string", "required": True, "label": "Achternaam",
                 "validation": {"minLength": 2, "maxLength": 200}},
                {"name": "geboortedatum", "type": "date", "required": True, "label": "Geboortedatum"},
                {"name": "voornamen", "type": "string", "label": "Voornamen"},
            ],
            columns=PERSON_COLUMNS, identifier_column="bsn", identifier_type="bsn", order=2,
            brp_doelbinding="BRPACT-ZoekenAlgemeen",
        ),
        "op-adres": SearchAction(
            profile=profile, name="op-adres", title="Bewoners van een adres", source=brp_zoeken_source,
            operation="ZoekMetPostcodeEnHuisnummer",
            criteria=[
                {"name": "postcode", "type": "postcode", "required": True, "label": "Postcode"},
                {"name": "huisnummer", "type": "integer", "required": True, "label": "Huisnummer",
                 "validation": {"minimum": 1, "maximum": 99999}},
                {"name": "huisletter", "type": "string", "label": "Huisletter",
                 "validation": {"pattern": "[A-Za-z]", "maxLength": 1}},
            ],
            columns=PERSON_COLUMNS, identifier_column="bsn", identifier_type="bsn", order=3,
        ),
        "adressen": SearchAction(
            profile=profile, name="adressen", title="Adressen in de BAG", source=bag_source,
            operation="adres_zoeken",
            criteria=[
                {"name": "postcode", "type": "postcode", "required": True},
                {"name": "huisnummer", "type": "integer", "required": True},
            ],
            columns=[
                {"name": "straat", "field": "openbareRuimteNaam", "label": "Straat"},
                {"name": "huisnummer", "field": "huisnummer", "label": "Nr."},
                {"name": "woonplaats", "field": "woonplaatsNaam", "label": "Woonplaats"},
            ],
            order=4,
        ),
    }
    for action in actions.values():
        action.save()
    return actions


@pytest.fixture
def company_profile(kvk_source, purpose, api_client_with_token):
    """Profile "bedrijfsbeeld" (KVK number) with searches by KVK number and by name and place,
    granted to the test API client."""
    from profiles.models import Grant, Profile, Relation, SearchAction

    profile = Profile.objects.create(name="bedrijfsbeeld", title="Bedrijfsbeeld", subject_types=["kvk"],
                                     status=Profile.Status.ACTIVE)
    Relation.objects.create(profile=profile, name="bedrijf", source=kvk_source, operation="zoeken",
                            fields=["kvkNummer", "naam", "adres.binnenlandsAdres.plaats"])
    columns = [
        {"name": "kvkNummer", "field": "kvkNummer", "label": "KVK-nummer"},
        {"name": "naam", "field": "naam", "label": "Naam"},
        {"name": "plaats", "field": "adres.binnenlandsAdres.plaats", "label": "Plaats"},
    ]
    SearchAction.objects.create(
        profile=profile, name="op-kvk-nummer", title="Zoek op KVK-nummer", source=kvk_source, operation="zoeken",
        criteria=[{"name": "kvkNummer", "type": "kvk", "required": True}],
        columns=columns, identifier_column="kvkNummer", identifier_type="kvk",
    )
    SearchAction.objects.create(
        profile=profile, name="op-naam", title="Zoek op naam en plaats", source=kvk_source, operation="zoeken",
        criteria=[{"name": "naam", "type": "string", "required": True, "validation": {"minLength": 2}},
                  {"name": "plaats", "type": "string"}],
        columns=columns, identifier_column="kvkNummer", identifier_type="kvk",
    )
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose)
    return profile
