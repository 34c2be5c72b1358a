"""`demo_configure`: the demo's servers, sources, profiles, search actions and grants, imported
idempotently from demo/config.yaml with IKO's configuration steps (`manage.py setup_configuration`). (The views and
searches over the real demo sources are tested in tests/test_demo_profiles.py; here the demo
searches run against `responses`.)"""

import json
from io import StringIO

import pytest
import responses
from django.core.management import call_command
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient, token_hash
from connectors.contrib.brp.search import SPEC_PATTERNS
from connectors.models import Source
from demo.config import CONFIG_FILE, DEMO_SECRETS, DEMO_TOKEN, SOURCE_CONNECTORS, demo_configure, demo_environ
import yaml

from profiles.configuration.apply import configuration_apply
from profiles.configuration.export import configuration_export
from profiles.models import Grant, ProcessingRecord, Profile, Relation, SearchAction

ROOTS = {
    "brp_api_root": "http://127.0.0.1:5010/haalcentraal/api/brp/",
    "kvk_api_root": "http://127.0.0.1:5012/api/",
    "zaken_api_root": "http://127.0.0.1:5020/zaken/api/v1/",
    "catalogi_api_root": "http://127.0.0.1:5020/catalogi/api/v1/",
    "documenten_api_root": "http://127.0.0.1:5020/documenten/api/v1/",
    "besluiten_api_root": "http://127.0.0.1:5020/besluiten/api/v1/",
    "klantinteracties_api_root": "http://127.0.0.1:5030/klantinteracties/api/v1/",
    "contactgegevens_api_root": "http://127.0.0.1:5030/contactgegevens/api/v1/",
    "objecten_api_root": "http://127.0.0.1:5040/api/v2/",
    "objecttype_url": "http://127.0.0.1:5040/objecttypes/api/v2/objecttypes/a",
    "company_objecttype_url": "http://127.0.0.1:5040/objecttypes/api/v2/objecttypes/b",
    "vergunning_objecttype_url": "http://127.0.0.1:5040/objecttypes/api/v2/objecttypes/c",
    "bag_api_root": "http://127.0.0.1:5050/lvbag/individuelebevragingen/v2/",
    "inkomensregister_api_root": "http://127.0.0.1:5090/inkomensregister/api/v1/",
}


def tree(profile_name: str) -> dict[str, str | None]:
    return {
        r.name: (r.parent.name if r.parent else None)
        for r in Relation.objects.filter(profile__name=profile_name).select_related("parent")
    }


@pytest.mark.django_db
def test_demo_configure_loads_both_profiles_as_relation_trees_over_every_source():
    result = demo_configure(**ROOTS)

    assert result["profile"] == "klantbeeld" and result["company_profile"] == "bedrijfsbeeld"
    assert tree("klantbeeld") == {
        "persoon": None, "zaken": "persoon", "partij": "persoon", "klantcontacten": "partij",
        "objecten": "persoon", "bagAdres": "persoon", "inkomens": "persoon",
    }
    assert tree("bedrijfsbeeld") == {
        "bedrijf": None, "vestigingen": "bedrijf", "profiel": "vestigingen", "bagAdres": "profiel",
        "zaken": "bedrijf", "partij": "bedrijf", "klantcontacten": "partij", "objecten": "bedrijf",
    }
    assert tree("adresbeeld") == {
        "adres": None, "bedrijven": "adres", "verblijfsobject": None, "panden": "verblijfsobject",
        "aantalBewoners": None, "bewoners": None, "zaken": None, "besluiten": "zaken", "vergunningen": None,
    }
    assert tree("pandbeeld") == {"pand": None, "vergunningen": "pand"}
    assert tree("zaakbeeld") == {
        "zaak": None, "statussen": "zaak", "betrokkenen": "zaak", "contacthistorie": "betrokkenen",
        "documenten": "zaak", "besluiten": "zaak", "gerelateerdeZaken": "zaak",
        "besluitenGerelateerd": "gerelateerdeZaken",
    }
    assert dict(Source.objects.values_list("name", "connector")) == SOURCE_CONNECTORS
    assert Relation.objects.get(profile__name="bedrijfsbeeld", name="profiel").max_calls == 10


@pytest.mark.django_db
def test_demo_configure_points_the_sources_at_the_given_roots_with_the_demo_credentials():
    demo_configure(**ROOTS)

    zaken = Source.objects.get(name="zaken")
    assert zaken.service.api_root == ROOTS["zaken_api_root"]
    assert zaken.service.auth_type == AuthTypes.zgw
    assert zaken.options["catalogi_service"] == "demo-catalogi"
    assert Service.objects.get(slug="demo-catalogi").api_root == ROOTS["catalogi_api_root"]
    assert Source.objects.get(name="objecten").options["objecttype"] == ROOTS["objecttype_url"]
    assert Source.objects.get(name="bedrijfsobjecten").options["objecttype"] == ROOTS["company_objecttype_url"]
    assert Source.objects.get(name="klantinteracties").service.header_value == "Token demo-openklant-token"


@pytest.mark.django_db
def test_demo_configure_grants_both_profiles_to_the_demo_client_for_klantcontact():
    demo_configure(**ROOTS)

    client = ApiClient.objects.get(token_hash=token_hash(DEMO_TOKEN))
    granted = set(Grant.objects.filter(api_client=client, enabled=True).values_list("profile__name", "purpose__code"))
    assert granted == {
        ("klantbeeld", "klantcontact"), ("bedrijfsbeeld", "klantcontact"),
        # The regelingen demo: suggestions, and for klantcontact the age and children behind them.
        ("regelingentoets", "proactieve-dienstverlening"), ("regelingentoets", "klantcontact"),
        # The object views: an address for a permit handler (no residents' names) or an enforcement
        # officer (with them), a zaak for an objection handler.
        ("adresbeeld", "vergunningverlening"), ("adresbeeld", "handhaving"), ("zaakbeeld", "bezwaarbehandeling"),
        # A building for a permit handler: the permits located within it.
        ("pandbeeld", "vergunningverlening"),
    }
    assert Grant.objects.get(api_client=client, profile__name="regelingentoets", purpose__code="klantcontact").fields == [
        "persoon.leeftijd", "persoon.kinderen",
    ]
    assert client.default_purpose.code == "klantcontact"


@pytest.mark.django_db
def test_demo_configure_loads_three_regelingen_and_a_prefill_profile_for_staff():
    from profiles.regelingen.models import PrefillAttribute, Regeling

    demo_configure(**ROOTS)

    assert list(Regeling.objects.values_list("name", "profile__name", "purpose__code")) == [
        ("bijzondere-bijstand", "regelingentoets", "proactieve-dienstverlening"),
        ("kwijtschelding-gemeentelijke-belastingen", "regelingentoets", "proactieve-dienstverlening"),
        ("stadspas", "regelingentoets", "proactieve-dienstverlening"),
    ]
    assert Regeling.objects.get(name="bijzondere-bijstand").criteria.count() == 4
    assert PrefillAttribute.objects.get(name="inkomen.brutoJaar").source.name == "inkomensregister"
    staff = Grant.objects.get(kind=Grant.Kind.GROUP, profile__name="aanvraagformulier")
    assert (staff.group.name, staff.purpose.code) == ("Demo baliemedewerkers", "aanvraag-behandelen")


@pytest.mark.django_db
def test_demo_configure_is_idempotent_and_follows_new_server_addresses():
    demo_configure(**ROOTS)
    versions = dict(Profile.objects.values_list("name", "version"))
    counts = [Service.objects.count(), Source.objects.count(), Relation.objects.count(), Grant.objects.count()]

    moved = {**ROOTS, "brp_api_root": "http://127.0.0.1:6010/haalcentraal/api/brp/"}
    demo_configure(**moved)

    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert [Service.objects.count(), Source.objects.count(), Relation.objects.count(), Grant.objects.count()] == counts
    assert Source.objects.get(name="brp").service.api_root == moved["brp_api_root"]


@pytest.mark.django_db
def test_demo_configure_removes_relations_the_demo_profiles_no_longer_have():
    demo_configure(**ROOTS)
    profile = Profile.objects.get(name="klantbeeld")
    Relation.objects.create(
        profile=profile, name="oud", source=Source.objects.get(name="bag"), operation="adres",
        parent=profile.relations.get(name="persoon"), input_expression="{nummeraanduidingIdentificatie: \"x\"}",
        fields=["postcode"],
    )

    demo_configure(**ROOTS)

    assert "oud" not in tree("klantbeeld")


def search_actions(profile_name: str) -> dict[str, tuple]:
    return {
        a.name: (a.source.name, a.operation, a.identifier_column, a.identifier_type)
        for a in SearchAction.objects.filter(profile__name=profile_name).select_related("source")
    }


@pytest.mark.django_db
def test_demo_configure_adds_search_actions_whose_rows_open_the_view():
    demo_configure(**ROOTS)

    assert search_actions("klantbeeld") == {
        "op-bsn": ("brp", "RaadpleegMetBurgerservicenummer", "bsn", "bsn"),
        "op-naam": ("brp", "ZoekMetGeslachtsnaamEnGeboortedatum", "bsn", "bsn"),
        "op-adres": ("brp", "ZoekMetPostcodeEnHuisnummer", "bsn", "bsn"),
    }
    assert search_actions("bedrijfsbeeld") == {
        "op-naam-of-kvk-nummer": ("kvk", "zoeken", "kvkNummer", "kvk"),
    }
    op_naam = SearchAction.objects.get(profile__name="klantbeeld", name="op-naam")
    assert [(c["name"], c.get("required", False)) for c in op_naam.criteria] == [
        ("geslachtsnaam", True), ("geboortedatum", True), ("voornamen", False), ("voorvoegsel", False),
    ]
    assert op_naam.column_fields == [
        "burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "adressering.adresregel1", "adressering.adresregel2",
    ]


@pytest.mark.django_db
def test_demo_configure_keeps_search_actions_stable_and_removes_ones_the_demo_no_longer_has():
    demo_configure(**ROOTS)
    before = dict(SearchAction.objects.values_list("pk", "name"))
    profile = Profile.objects.get(name="klantbeeld")
    SearchAction.objects.create(
        profile=profile, name="oud", title="Oud", source=Source.objects.get(name="brp"),
        operation="RaadpleegMetBurgerservicenummer", criteria=[{"name": "bsn", "type": "bsn"}],
        columns=[{"name": "bsn", "field": "burgerservicenummer"}],
    )

    demo_configure(**ROOTS)

    assert dict(SearchAction.objects.values_list("pk", "name")) == before


# --- demo/config.yaml: a configuration file like any other ------------------------------------------


def setup_configuration(path) -> str:
    out = StringIO()
    call_command("setup_configuration", yaml_file=str(path), stdout=out)
    return out.getvalue()


def resolved(value, environ):
    """The file's data with every value_from whose variable `environ` has filled in."""
    if isinstance(value, dict):
        variable = (value.get("value_from") or {}).get("env") if set(value) == {"value_from"} else None
        if variable in environ:
            return environ[variable]
        return {k: resolved(v, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v, environ) for v in value]
    return value


@pytest.mark.django_db
def test_the_demo_config_file_sets_up_an_empty_database_with_setup_configuration_and_its_export_is_a_no_op(
    monkeypatch, tmp_path
):
    assert not Service.objects.exists() and not Profile.objects.exists() and not ApiClient.objects.exists()
    for name, value in demo_environ(**ROOTS).items():
        monkeypatch.setenv(name, value)

    output = setup_configuration(CONFIG_FILE)

    assert "Configuration completed." in output, output
    assert Service.objects.get(slug="demo-kvk").header_value == DEMO_SECRETS["IKO_SERVER_DEMO_KVK_HEADER_VALUE"]
    assert Service.objects.get(slug="demo-zaken").api_root == ROOTS["zaken_api_root"]
    assert ApiClient.objects.get(token_hash=token_hash(DEMO_TOKEN)).name == "Demo case system"
    assert set(Profile.objects.values_list("name", flat=True)) == {
        "klantbeeld", "bedrijfsbeeld", "regelingentoets", "aanvraagformulier", "mijn-omgeving", "adresbeeld", "zaakbeeld",
        "pandbeeld",
    }
    versions = dict(Profile.objects.values_list("name", "version"))

    exported = tmp_path / "export.yaml"
    call_command("config_export", "--output", str(exported), stderr=StringIO())
    again = configuration_apply(exported)

    assert again.changed == [] and again.notices == []
    assert dict(Profile.objects.values_list("name", "version")) == versions


@pytest.mark.django_db
def test_the_demo_config_file_is_what_config_export_writes_for_the_demo():
    demo_configure(**ROOTS)
    roots = {name: value for name, value in demo_environ(**ROOTS).items() if name.startswith("IKO_DEMO_")}

    in_file = resolved(yaml.safe_load(CONFIG_FILE.read_text()), roots)

    assert in_file == yaml.safe_load(configuration_export())


def test_the_demo_config_file_holds_no_secret_and_the_brp_specs_own_search_patterns():
    text = CONFIG_FILE.read_text()
    document = yaml.safe_load(text)

    assert not [name for name, secret in DEMO_SECRETS.items() if secret in text]
    criteria = {
        c["name"]: c for a in document["iko_search_actions"]["items"] if a["source"] == "brp" for c in a["criteria"]
    }
    assert criteria["geslachtsnaam"]["validation"]["pattern"] == SPEC_PATTERNS["geslachtsnaam"]
    assert criteria["voornamen"]["validation"]["pattern"] == SPEC_PATTERNS["voornamenOptioneel"]
    assert criteria["voorvoegsel"]["validation"]["pattern"] == SPEC_PATTERNS["voorvoegsel"]
    assert criteria["huisletter"]["validation"]["pattern"] == SPEC_PATTERNS["huisletter"]
    assert criteria["huisnummertoevoeging"]["validation"]["pattern"] == SPEC_PATTERNS["huisnummertoevoeging"]


@pytest.fixture
def demo_api(db):
    from rest_framework.test import APIClient

    demo_configure(**ROOTS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {DEMO_TOKEN}")
    return client


@responses.activate
def test_the_demo_name_search_asks_the_brp_with_the_search_type_and_leaves_a_search_record(demo_api):
    suzanne = {"burgerservicenummer": "999993653", "naam": {"volledigeNaam": "Suzanne Moulin"},
               "adressering": {"adresregel1": "Boterdiep 31", "adresregel2": "3077 AW  ROTTERDAM"}}
    responses.post(ROOTS["brp_api_root"] + "personen",
                   json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [suzanne]})

    response = demo_api.post("/api/v1/profiles/klantbeeld/search/op-naam",
                             {"criteria": {"geslachtsnaam": "Moul*", "geboortedatum": "1985-12-01"}}, format="json")

    assert response.status_code == 200, response.content
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moul*", "geboortedatum": "1985-12-01",
        "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "adressering.adresregel1",
                   "adressering.adresregel2"],
    }
    body = response.json()
    assert body["purpose"] == "klantcontact"
    assert body["rows"] == [{"subject": {"type": "bsn", "value": "999993653"},
                             "values": {"bsn": "999993653", "naam": "Suzanne Moulin", "geboortedatum": None,
                                        "adres": "Boterdiep 31", "woonplaats": "3077 AW  ROTTERDAM"}}]
    # A search by name names no BSN: its record has subject type "search", a valid choice.
    record = ProcessingRecord.objects.get()
    assert (record.action, record.subject_type, record.outcome) == ("search", "search", "complete")
    assert record.get_subject_type_display() == "Search criteria (pseudonymised)"
    assert "Moul" not in record.subject_pseudonym
    record.full_clean()


@responses.activate
def test_a_demo_search_criterion_in_the_wrong_form_is_a_400_before_the_brp_is_asked(demo_api):
    response = demo_api.post("/api/v1/profiles/klantbeeld/search/op-naam",
                             {"criteria": {"geslachtsnaam": "Mo*", "geboortedatum": "1985-12-01"}}, format="json")

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["criteria.geslachtsnaam"]
    assert len(responses.calls) == 0
