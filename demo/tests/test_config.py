"""`demo_configure`: the demo's servers, sources, profiles and grants, loaded idempotently.
(The views themselves, over the real demo sources, are tested in tests/test_demo_profiles.py.)"""

import pytest
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import Service

from api.models import ApiClient, token_hash
from connectors.models import Source
from demo.config import DEMO_TOKEN, SOURCE_CONNECTORS, demo_configure
from profiles.models import Grant, Profile, Relation

ROOTS = {
    "brp_api_root": "http://127.0.0.1:5010/haalcentraal/api/brp/",
    "kvk_api_root": "http://127.0.0.1:5012/api/",
    "zaken_api_root": "http://127.0.0.1:5020/zaken/api/v1/",
    "catalogi_api_root": "http://127.0.0.1:5020/catalogi/api/v1/",
    "klantinteracties_api_root": "http://127.0.0.1:5030/klantinteracties/api/v1/",
    "contactgegevens_api_root": "http://127.0.0.1:5030/contactgegevens/api/v1/",
    "objecten_api_root": "http://127.0.0.1:5040/api/v2/",
    "objecttype_url": "http://127.0.0.1:5040/objecttypes/api/v2/objecttypes/a",
    "company_objecttype_url": "http://127.0.0.1:5040/objecttypes/api/v2/objecttypes/b",
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
    assert granted == {("klantbeeld", "klantcontact"), ("bedrijfsbeeld", "klantcontact")}
    assert client.default_purpose.code == "klantcontact"


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
