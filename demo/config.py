"""The demo configuration: servers, sources, a purpose, two profiles, an API client and its grants.

`demo_configure` points IKO at the seven demo sources of `demo/servers/` (started by
`manage.py demo`) and loads two profiles, both granted to the demo API client for the purpose
`klantcontact`:

* **klantbeeld** (subject: BSN): the BRP person, and under it the person's zaken (zaaktype and
  status inlined by the Zaken API, Catalogi as fallback), the Open Klant partij with its digitale
  adressen and klantcontacten, the person's objects (Objects API), the BAG address of the BRP
  verblijfplaats and the yearly incomes from the inkomensregister (generic connector);
* **bedrijfsbeeld** (subject: KVK number): the KVK basisprofiel, and under it the vestigingen (KVK
  Zoeken) with each vestigingsprofiel and its BAG address, the company's zaken, its Open Klant
  partij with klantcontacten, and its registrations in the Objects API.

Each relation asks for few fields and releases fewer still: linking fields (a BSN, a
nummeraanduiding id, a partij identificator) are asked for but not released.

Both profiles offer search actions to find the subject first (`POST
/api/v1/profiles/<profile>/search/<action>`): klantbeeld by BSN (`op-bsn`), by geslachtsnaam and
geboortedatum (`op-naam`, BRP `ZoekMetGeslachtsnaamEnGeboortedatum`) and by postcode and
huisnummer (`op-adres`, BRP `ZoekMetPostcodeEnHuisnummer`); bedrijfsbeeld by naam and/or KVK
number (`op-naam-of-kvk-nummer`, KVK Zoeken). Each row's BSN or KVK number opens the view.

Idempotent: running it again updates the same objects and removes relations the demo profiles no
longer have; a profile's version only changes when it does. The tokens and keys here are fixed,
public demo values so the README's curl works; only the demo command loads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from api.models import ApiClient
from connectors.contrib.brp.search import SPEC_PATTERNS
from connectors.models import Source
from connectors.registry import registry
from demo.universe import COMPANY, OBJECT_BSN_ATTRIBUTE, OBJECT_KVK_ATTRIBUTE, PERSONS
from profiles.models import Grant, Profile, Purpose, Relation, SearchAction

DEMO_TOKEN = "iko_demo_token_only_for_the_local_demo"
DEMO_BSN = PERSONS[0]["bsn"]
DEMO_KVK = COMPANY["kvkNummer"]
DEMO_PURPOSE = "klantcontact"

# The demo's sources and the connector each uses: every installed connector once, Objecten twice
# (one objecttype per source).
SOURCE_CONNECTORS = {
    "brp": "brp",
    "kvk": "kvk",
    "zaken": "zaken",
    "klantinteracties": "klantinteracties",
    "objecten": "objecten",
    "bedrijfsobjecten": "objecten",
    "bag": "bag",
    "inkomensregister": "generic",
}

# Credentials the demo sources require (demo/management/commands/demo.py starts them with these).
DEMO_KVK_API_KEY = "demo-kvk-key-only-for-the-local-demo"
DEMO_ZAKEN_CLIENT_ID = "iko-demo"
# HS256 wants at least 32 bytes of secret.
DEMO_ZAKEN_SECRET = "demo-zaken-secret-only-for-the-local-demo"
DEMO_OPENKLANT_TOKEN = "demo-openklant-token"
DEMO_OBJECTEN_TOKEN = "demo-objecten-token-only-for-the-local-demo"
DEMO_BAG_API_KEY = "demo-bag-key-only-for-the-local-demo"

# The demo inkomensregister as the generic connector sees it (demo/servers/generic_openapi.yaml).
INKOMENSREGISTER_OPTIONS = {
    "operations": {
        "inkomens": {
            "description": "Yearly incomes of a person.",
            "path": "inkomens",
            "query": {"bsn": "{bsn}"},
            "subject_types": ["bsn"],
            "fields": ["jaar", "bedrag", "bron", "soort"],
            "many": True,
            "items_pointer": "/results",
            "subject_pointer": "/bsn",
            "next_pointer": "/next",
        },
    },
    "max_items": 50,
    "max_pages": 3,
}

KLANTBEELD_PERSOON_FIELDS = [
    "burgerservicenummer",
    "naam.volledigeNaam",
    "naam.voornamen",
    "naam.voorvoegsel",
    "naam.geslachtsnaam",
    "geboorte.datum",
    "leeftijd",
    "verblijfplaats.verblijfadres",
    "verblijfplaats.nummeraanduidingIdentificatie",
    "adressering.adresregel1",
    "adressering.adresregel2",
]

ZAAK_FIELDS = [
    "identificatie",
    "omschrijving",
    "startdatum",
    "einddatum",
    "zaaktype.omschrijving",
    "status.omschrijving",
    "status.datumStatusGezet",
    "betrokkeneRollen.omschrijving",
]
BAG_ADRES_FIELDS = [
    "openbareRuimteNaam",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaatsNaam",
    "adresseerbaarObjectIdentificatie",
]
DIGITAAL_ADRES_FIELDS = [
    "_expand.digitaleAdressen.soortDigitaalAdres",
    "_expand.digitaleAdressen.adres",
    "_expand.digitaleAdressen.omschrijving",
    "_expand.digitaleAdressen.isStandaardAdres",
]
# Asked for so the klantcontacten relation can name the partij's BSN or KVK number; not released.
PARTIJ_IDENTIFICATOR_FIELDS = [
    "partijIdentificatoren.partijIdentificator.codeSoortObjectId",
    "partijIdentificatoren.partijIdentificator.objectId",
]
KLANTCONTACT_FIELDS = [
    "plaatsgevondenOp",
    "kanaal",
    "onderwerp",
    "_expand.gingOverOnderwerpobjecten.onderwerpobjectidentificator.objectId",
]

# JQ, compiled and checked by the Relation model.
SUBJECT_BSN = "{bsn: .burgerservicenummer}"
SUBJECT_KVK = "{kvk: .kvkNummer}"
BRP_TO_BAG = (
    "select(.verblijfplaats.nummeraanduidingIdentificatie) "
    "| {nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}"
)
KVK_TO_BAG = (
    "first(.adressen[]?.geoData.nummerAanduidingId | select(.)) "
    "| {nummeraanduidingIdentificatie: .}"
)
PARTIJ_TO_BSN = (
    'first(.partijIdentificatoren[]?.partijIdentificator | select(.codeSoortObjectId == "bsn")) '
    "| {bsn: .objectId}"
)
PARTIJ_TO_KVK = (
    'first(.partijIdentificatoren[]?.partijIdentificator | select(.codeSoortObjectId == "kvk_nummer")) '
    "| {kvk: .objectId}"
)
# Open Klant's `_expand` is an API detail: show the addresses and contacts beside the partij.
PARTIJ_SHAPE = (
    "{soortPartij, digitaleAdressen: [(._expand.digitaleAdressen // [])[] "
    "| {soort: .soortDigitaalAdres, adres, omschrijving, standaard: .isStandaardAdres}], klantcontacten}"
)
KLANTCONTACTEN_SHAPE = (
    "map({plaatsgevondenOp, kanaal, onderwerp, "
    "zaak: ([._expand.gingOverOnderwerpobjecten[]?.onderwerpobjectidentificator.objectId] | first)})"
)
OBJECTEN_SHAPE = (
    "map({registratie: .record.data.registratie, status: .record.data.status, "
    "geldigTot: .record.data.geldigTot, sinds: .record.startAt})"
)
VESTIGINGEN_SHAPE = "map({vestigingsnummer, type} + (.profiel // {}))"


# Search actions: the columns of a row. The BSN / KVK number column opens the view.
PERSON_SEARCH_COLUMNS = [
    {"name": "bsn", "field": "burgerservicenummer", "label": "BSN"},
    {"name": "naam", "field": "naam.volledigeNaam", "label": "Naam"},
    {"name": "geboortedatum", "field": "geboorte.datum", "label": "Geboortedatum"},
    {"name": "adres", "field": "adressering.adresregel1", "label": "Adres"},
    {"name": "woonplaats", "field": "adressering.adresregel2", "label": "Postcode en woonplaats"},
]
COMPANY_SEARCH_COLUMNS = [
    {"name": "kvkNummer", "field": "kvkNummer", "label": "KVK-nummer"},
    {"name": "naam", "field": "naam", "label": "Naam"},
    {"name": "type", "field": "type", "label": "Soort"},
    {"name": "vestigingsnummer", "field": "vestigingsnummer", "label": "Vestigingsnummer"},
    {"name": "plaats", "field": "adres.binnenlandsAdres.plaats", "label": "Plaats"},
]


@dataclass(frozen=True)
class Search:
    """One search action of a demo profile."""

    name: str
    title: str
    source: str
    operation: str
    criteria: list[dict[str, Any]]
    columns: list[dict[str, str]]
    identifier_column: str
    identifier_type: str
    description: str = ""
    max_results: int = 50


def _klantbeeld_searches() -> list[Search]:
    # Text criteria carry the BRP spec's own patterns, so a malformed name is a 400 naming the
    # criterion before the BRP is asked anything.
    return [
        Search(
            "op-bsn", "Zoek op BSN", "brp", "RaadpleegMetBurgerservicenummer",
            [{"name": "bsn", "type": "bsn", "required": True, "label": "BSN"}],
            PERSON_SEARCH_COLUMNS, "bsn", "bsn",
        ),
        Search(
            "op-naam", "Zoek op achternaam en geboortedatum", "brp", "ZoekMetGeslachtsnaamEnGeboortedatum",
            [
                {"name": "geslachtsnaam", "type": "string", "required": True, "label": "Achternaam (zonder voorvoegsel)",
                 "validation": {"pattern": SPEC_PATTERNS["geslachtsnaam"], "maxLength": 200},
                 "help": "Hoofdletters tellen niet; een * na ten minste 3 letters zoekt op het begin van de naam."},
                {"name": "geboortedatum", "type": "date", "required": True, "label": "Geboortedatum"},
                {"name": "voornamen", "type": "string", "label": "Voornamen",
                 "validation": {"pattern": SPEC_PATTERNS["voornamenOptioneel"], "maxLength": 200}},
                {"name": "voorvoegsel", "type": "string", "label": "Voorvoegsel",
                 "validation": {"pattern": SPEC_PATTERNS["voorvoegsel"], "maxLength": 10}},
            ],
            PERSON_SEARCH_COLUMNS, "bsn", "bsn",
            description="Levende personen; de BRP vraagt een volledige geboortedatum.",
        ),
        Search(
            "op-adres", "Zoek bewoners op postcode en huisnummer", "brp", "ZoekMetPostcodeEnHuisnummer",
            [
                {"name": "postcode", "type": "postcode", "required": True, "label": "Postcode"},
                {"name": "huisnummer", "type": "integer", "required": True, "label": "Huisnummer",
                 "validation": {"minimum": 1, "maximum": 99999}},
                {"name": "huisletter", "type": "string", "label": "Huisletter",
                 "validation": {"pattern": SPEC_PATTERNS["huisletter"], "maxLength": 1}},
                {"name": "huisnummertoevoeging", "type": "string", "label": "Toevoeging",
                 "validation": {"pattern": SPEC_PATTERNS["huisnummertoevoeging"], "maxLength": 4}},
            ],
            PERSON_SEARCH_COLUMNS, "bsn", "bsn",
        ),
    ]


def _bedrijfsbeeld_searches() -> list[Search]:
    return [
        Search(
            "op-naam-of-kvk-nummer", "Zoek op naam of KVK-nummer", "kvk", "zoeken",
            [
                {"name": "naam", "type": "string", "label": "Naam", "validation": {"minLength": 2, "maxLength": 200},
                 "help": "Handelsnaam of statutaire naam, of een deel ervan."},
                {"name": "kvkNummer", "type": "kvk", "label": "KVK-nummer"},
            ],
            COMPANY_SEARCH_COLUMNS, "kvkNummer", "kvk",
            description="KVK Zoeken: een rij per vestiging en per rechtspersoon.",
        ),
    ]


@dataclass(frozen=True)
class Rel:
    """One relation of a demo profile; `children` run per item of this relation's data."""

    name: str
    source: str
    operation: str
    fields: list[str]
    input_expression: str = ""
    release_fields: list[str] = field(default_factory=list)
    output_transform: str = ""
    max_calls: int = 1
    children: tuple[Rel, ...] = ()


def _klantbeeld() -> list[Rel]:
    return [
        Rel(
            "persoon", "brp", "RaadpleegMetBurgerservicenummer", KLANTBEELD_PERSOON_FIELDS,
            children=(
                Rel("zaken", "zaken", "zaken_van_persoon", ZAAK_FIELDS, SUBJECT_BSN),
                Rel(
                    "partij", "klantinteracties", "partij",
                    ["soortPartij", *DIGITAAL_ADRES_FIELDS, *PARTIJ_IDENTIFICATOR_FIELDS], SUBJECT_BSN,
                    release_fields=["soortPartij", *DIGITAAL_ADRES_FIELDS],
                    output_transform=PARTIJ_SHAPE,
                    children=(
                        Rel("klantcontacten", "klantinteracties", "klantcontacten", KLANTCONTACT_FIELDS,
                            PARTIJ_TO_BSN, output_transform=KLANTCONTACTEN_SHAPE),
                    ),
                ),
                Rel(
                    "objecten", "objecten", "objecten", ["record.data", "record.startAt"], SUBJECT_BSN,
                    release_fields=["record.data.registratie", "record.data.status",
                                    "record.data.geldigTot", "record.startAt"],
                    output_transform=OBJECTEN_SHAPE,
                ),
                Rel("bagAdres", "bag", "adres", BAG_ADRES_FIELDS, BRP_TO_BAG),
                Rel("inkomens", "inkomensregister", "inkomens", ["jaar", "bedrag", "soort"], SUBJECT_BSN),
            ),
        )
    ]


def _bedrijfsbeeld() -> list[Rel]:
    return [
        Rel(
            "bedrijf", "kvk", "basisprofiel",
            ["kvkNummer", "naam", "materieleRegistratie.datumAanvang", "handelsnamen.naam",
             "sbiActiviteiten.sbiOmschrijving", "_embedded.eigenaar.rechtsvorm"],
            children=(
                # The basisprofiel names only the hoofdvestiging; KVK Zoeken lists them all.
                Rel(
                    "vestigingen", "kvk", "zoeken", ["vestigingsnummer", "type"], "{kvkNummer: .kvkNummer}",
                    output_transform=VESTIGINGEN_SHAPE,
                    children=(
                        Rel(
                            "profiel", "kvk", "vestigingsprofiel",
                            ["eersteHandelsnaam", "indHoofdvestiging", "totaalWerkzamePersonen",
                             "adressen.volledigAdres", "adressen.geoData.nummerAanduidingId"],
                            "select(.vestigingsnummer) | {vestigingsnummer}",
                            release_fields=["eersteHandelsnaam", "indHoofdvestiging",
                                            "totaalWerkzamePersonen", "adressen.volledigAdres"],
                            # At most this many vestigingen are looked up per view.
                            max_calls=10,
                            children=(Rel("bagAdres", "bag", "adres", BAG_ADRES_FIELDS, KVK_TO_BAG, max_calls=10),),
                        ),
                    ),
                ),
                Rel("zaken", "zaken", "zaken_van_bedrijf", ZAAK_FIELDS, SUBJECT_KVK),
                Rel(
                    "partij", "klantinteracties", "partij",
                    ["soortPartij", *DIGITAAL_ADRES_FIELDS, *PARTIJ_IDENTIFICATOR_FIELDS], SUBJECT_KVK,
                    release_fields=["soortPartij", *DIGITAAL_ADRES_FIELDS],
                    output_transform=PARTIJ_SHAPE,
                    children=(
                        Rel("klantcontacten", "klantinteracties", "klantcontacten", KLANTCONTACT_FIELDS,
                            PARTIJ_TO_KVK, output_transform=KLANTCONTACTEN_SHAPE),
                    ),
                ),
                Rel(
                    "objecten", "bedrijfsobjecten", "objecten", ["record.data", "record.startAt"], SUBJECT_KVK,
                    release_fields=["record.data.registratie", "record.data.status",
                                    "record.data.vestigingsnummer", "record.data.geldigTot", "record.startAt"],
                    output_transform=(
                        "map({registratie: .record.data.registratie, status: .record.data.status, "
                        "vestigingsnummer: .record.data.vestigingsnummer, geldigTot: .record.data.geldigTot, "
                        "sinds: .record.startAt})"
                    ),
                ),
            ),
        )
    ]


def _sync(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> models.Model:
    """Create or update one object, saving only when something changed (keeps versions stable).

    `full_clean` runs the model's own checks, so a mistake in the demo configuration fails here
    with the admin's message instead of in a view.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.full_clean()
        instance.save()
    return instance


def _service(slug: str, label: str, api_root: str, api_type: str, **auth: Any) -> Service:
    values = {"label": label, "api_root": api_root, "api_type": api_type, "timeout": 5,
              "auth_type": AuthTypes.no_auth, "header_key": "", "header_value": "", "client_id": "", "secret": ""}
    values.update(auth)
    service = Service.objects.filter(slug=slug).first() or Service(slug=slug)
    for name, value in values.items():
        setattr(service, name, value)
    service.save()
    return service


def _api_key(header: str, value: str) -> dict[str, str]:
    return {"auth_type": AuthTypes.api_key, "header_key": header, "header_value": value}


def _source(name: str, title: str, service: Service, options: dict | None = None) -> Source:
    connector = SOURCE_CONNECTORS[name]
    # Compare the options as the connector stores them (defaults filled in), so that an unchanged
    # demo configuration saves nothing.
    options = registry[connector].validate_options(options or {})
    return _sync(
        Source, {"name": name},
        {"title": title, "connector": connector, "service": service, "options": options,
         "timeout": 3.0, "enabled": True},
    )


def _profile(name: str, title: str, description: str, subject_types: list[str], tree: list[Rel],
             sources: dict[str, Source]) -> Profile:
    profile = Profile.objects.filter(name=name, draft_of__isnull=True).first()
    values = {"title": title, "description": description, "subject_types": subject_types,
              "status": Profile.Status.ACTIVE, "output_transform": ""}
    if profile is None:
        profile = Profile(name=name, **values)
        profile.full_clean()
        profile.save()
    elif any(getattr(profile, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(profile, key, value)
        profile.full_clean()
        profile.save()

    kept: list[int] = []

    def add(rel: Rel, parent: Relation | None, order: int) -> None:
        relation = _sync(
            Relation, {"profile": profile, "name": rel.name},
            {"parent": parent, "source": sources[rel.source], "operation": rel.operation,
             "input_expression": rel.input_expression, "fields": list(rel.fields),
             "release_fields": list(rel.release_fields), "output_transform": rel.output_transform,
             "max_calls": rel.max_calls, "required": False, "order": order},
        )
        kept.append(relation.pk)
        for index, child in enumerate(rel.children):
            add(child, relation, index)

    for index, rel in enumerate(tree):
        add(rel, None, index)
    profile.relations.exclude(pk__in=kept).delete()
    return profile


def _search_actions(profile: Profile, searches: list[Search], sources: dict[str, Source]) -> None:
    """The profile's search actions exactly as listed (others are removed); unchanged ones are
    not saved."""
    kept: list[int] = []
    for order, search in enumerate(searches, start=1):
        action = _sync(
            SearchAction, {"profile": profile, "name": search.name},
            {"title": search.title, "description": search.description, "source": sources[search.source],
             "operation": search.operation, "criteria": search.criteria, "columns": search.columns,
             "identifier_column": search.identifier_column, "identifier_type": search.identifier_type,
             "brp_doelbinding": "", "max_results": search.max_results, "order": order},
        )
        kept.append(action.pk)
    profile.search_actions.exclude(pk__in=kept).delete()


@transaction.atomic
def demo_configure(
    *,
    brp_api_root: str,
    kvk_api_root: str,
    zaken_api_root: str,
    catalogi_api_root: str,
    klantinteracties_api_root: str,
    contactgegevens_api_root: str,
    objecten_api_root: str,
    objecttype_url: str,
    company_objecttype_url: str,
    bag_api_root: str,
    inkomensregister_api_root: str,
) -> dict:
    """Configure IKO for the demo sources at these API roots; returns what the README's curls use."""
    zgw = {"auth_type": AuthTypes.zgw, "client_id": DEMO_ZAKEN_CLIENT_ID, "secret": DEMO_ZAKEN_SECRET}
    openklant = _api_key("Authorization", f"Token {DEMO_OPENKLANT_TOKEN}")
    services = {
        "brp": _service("demo-brp", "Demo BRP Personen (loopback)", brp_api_root, APITypes.orc),
        "kvk": _service("demo-kvk", "Demo KVK Handelsregister (loopback)", kvk_api_root, APITypes.orc,
                        **_api_key("apikey", DEMO_KVK_API_KEY)),
        "zaken": _service("demo-zaken", "Demo Zaken API (loopback)", zaken_api_root, APITypes.zrc, **zgw),
        "catalogi": _service("demo-catalogi", "Demo Catalogi API (loopback)", catalogi_api_root, APITypes.ztc, **zgw),
        "klantinteracties": _service("demo-klantinteracties", "Demo Open Klant Klantinteracties (loopback)",
                                     klantinteracties_api_root, APITypes.orc, **openklant),
        "contactgegevens": _service("demo-contactgegevens", "Demo Open Klant Contactgegevens (loopback)",
                                    contactgegevens_api_root, APITypes.orc, **openklant),
        "objecten": _service("demo-objecten", "Demo Objects API (loopback)", objecten_api_root, APITypes.orc,
                             **_api_key("Authorization", f"Token {DEMO_OBJECTEN_TOKEN}")),
        "bag": _service("demo-bag", "Demo BAG Individuele Bevragingen (loopback)", bag_api_root, APITypes.orc,
                        **_api_key("X-Api-Key", DEMO_BAG_API_KEY)),
        "inkomensregister": _service("demo-inkomensregister", "Demo inkomensregister (loopback)",
                                     inkomensregister_api_root, APITypes.orc),
    }
    sources = {
        "brp": _source("brp", "BRP Personen (demo)", services["brp"]),
        "kvk": _source("kvk", "KVK Handelsregister (demo)", services["kvk"]),
        "zaken": _source("zaken", "Zaken (demo Open Zaak)", services["zaken"],
                         {"zaaktype_via": "expand", "catalogi_service": "demo-catalogi", "max_zaken": 50}),
        "klantinteracties": _source("klantinteracties", "Klantinteracties (demo Open Klant)",
                                    services["klantinteracties"],
                                    {"max_items": 50, "contactgegevens_service": "demo-contactgegevens"}),
        "objecten": _source("objecten", "Objecten: registraties van personen (demo)",
                            services["objecten"], {"objecttype": objecttype_url, "data_attribute": OBJECT_BSN_ATTRIBUTE}),
        "bedrijfsobjecten": _source("bedrijfsobjecten", "Objecten: registraties van bedrijven (demo)",
                                    services["objecten"],
                                    {"objecttype": company_objecttype_url, "data_attribute": OBJECT_KVK_ATTRIBUTE}),
        "bag": _source("bag", "BAG adressen (demo)", services["bag"]),
        "inkomensregister": _source("inkomensregister", "Inkomensregister (demo, generic connector)",
                                    services["inkomensregister"], INKOMENSREGISTER_OPTIONS),
    }
    purpose = _sync(
        Purpose, {"code": DEMO_PURPOSE},
        {
            "name": "Answering a citizen's or company's question at the KCC",
            "legal_basis": "Demo: Gemeentewet art. 160 (uitvoering van taken)",
            "processing_activity_id": "https://register.example.org/verwerkingsactiviteiten/klantcontact",
            "brp_doelbinding_consult": "BRPACT-AlgemeneTaken",
            "brp_doelbinding_search": "BRPACT-ZoekenAlgemeen",
            "brp_verwerking": "Klantcontact@Beantwoorden vraag",
        },
    )
    profiles = [
        _profile("klantbeeld", "Klantbeeld (person)",
                 "A citizen's personal data, zaken, contacts, registrations, address and income for the KCC.",
                 ["bsn"], _klantbeeld(), sources),
        _profile("bedrijfsbeeld", "Bedrijfsbeeld (company)",
                 "A company's registration, vestigingen, zaken, contacts and registrations for the KCC.",
                 ["kvk"], _bedrijfsbeeld(), sources),
    ]
    _search_actions(profiles[0], _klantbeeld_searches(), sources)
    _search_actions(profiles[1], _bedrijfsbeeld_searches(), sources)
    client = ApiClient.objects.filter(name="Demo case system").first() or ApiClient(name="Demo case system")
    client.set_new_token(DEMO_TOKEN)
    client.default_purpose = purpose
    client.enabled = True
    client.save()
    for profile in profiles:
        Grant.objects.update_or_create(
            api_client=client, profile=profile, purpose=purpose, defaults={"enabled": True, "note": "Demo"}
        )
    return {
        "token": DEMO_TOKEN,
        "purpose": purpose.code,
        "profile": "klantbeeld",
        "bsn": DEMO_BSN,
        "company_profile": "bedrijfsbeeld",
        "kvk": DEMO_KVK,
    }

