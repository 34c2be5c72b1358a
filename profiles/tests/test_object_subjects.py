"""Tests of the object subject types (profiles/subjects/objects.py): BAG ids, zaken by
identificatie or URL under a configured Zaken server, Objects API objects by URL or by uuid with
their server named; each refused with a reason before any source is called."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from connectors.models import Source
from profiles.refusals import InvalidSubject
from profiles.subjects import SUBJECT_TYPES, subject_parse

ZAKEN_ROOT = "https://zaken.example.org/zaken/api/v1/"
OBJECTEN_ROOT = "https://objecten.example.org/api/v2/"
UUID = "6f7b5d4c-3b2a-4c1d-9e8f-7a6b5c4d3e2f"


@pytest.fixture
def servers(db):
    zaken = Service.objects.create(slug="zaken", label="Zaken", api_root=ZAKEN_ROOT, api_type=APITypes.zrc,
                                   auth_type=AuthTypes.no_auth)
    objecten = Service.objects.create(slug="objecten", label="Objecten", api_root=OBJECTEN_ROOT,
                                      api_type=APITypes.orc, auth_type=AuthTypes.no_auth)
    Source.objects.create(name="zaken", connector="zaken", service=zaken)
    Source.objects.create(name="vergunningen", connector="objecten", service=objecten,
                          options={"objecttype": "https://objecttypen.example.org/api/v2/objecttypes/x",
                                   "adres_attribute": "adres.id"})
    return zaken, objecten


@pytest.mark.parametrize("kind, value", [
    ("adres", "0599200000219678"), ("pand", "0599100000208579"), ("verblijfsobject", "0599010000208579"),
])
def test_bag_ids_are_16_digits_with_their_object_type_code(kind, value):
    assert subject_parse(subject_type=kind, value=f" {value} ").value == value


@pytest.mark.parametrize("kind, value, code", [
    ("adres", "0599100000208579", "20"),  # a pand id given as an address
    ("adres", "059920000021967", "20"),
    ("pand", "0599200000219678", "10"),
    ("verblijfsobject", "0599020000208579", "01"),  # a ligplaats
    ("adres", "٠٥٩٩٢٠٠٠٠٠٢١٩٦٧٨", "20"),  # not ASCII digits
])
def test_a_bag_id_of_another_kind_or_length_is_refused_naming_the_code(kind, value, code):
    with pytest.raises(InvalidSubject, match=f"code {code}"):
        subject_parse(subject_type=kind, value=value)


@given(st.text(max_size=20))
def test_any_text_is_a_valid_nummeraanduiding_or_refused(text):
    try:
        subject = subject_parse(subject_type="adres", value=text)
    except InvalidSubject as exc:
        assert "nummeraanduiding" in str(exc)
    else:
        assert len(subject.value) == 16 and subject.value[4:6] == "20"


def test_a_zaak_identificatie_reaches_expressions_with_its_bronorganisatie():
    subject = subject_parse(subject_type="zaak", value="ZAAK-2025-0000000303",
                            qualifiers={"bronorganisatie": "002220647"})

    assert subject.value == "ZAAK-2025-0000000303"
    assert subject.attributes() == {
        "type": "zaak", "value": "ZAAK-2025-0000000303", "zaak": "ZAAK-2025-0000000303",
        "identificatie": "ZAAK-2025-0000000303", "bronorganisatie": "002220647",
    }


@pytest.mark.parametrize("value, qualifiers, param", [
    ("ZAAK 2025", {}, None),  # a space
    ("Z" * 41, {}, None),  # longer than the Zaken API's 40
    ("-ZAAK", {}, None),
    ("ZAAK-1", {"bronorganisatie": "002220648"}, "bronorganisatie"),  # fails the eleven test
    ("ZAAK-1", {"server": "zaken"}, "server"),  # not a qualifier of a zaak
])
def test_a_malformed_zaak_is_refused_naming_the_part(value, qualifiers, param):
    with pytest.raises(InvalidSubject) as caught:
        subject_parse(subject_type="zaak", value=value, qualifiers=qualifiers)

    assert caught.value.param == param
    name = caught.value.problem_fields(subject_param="subject.value")["invalidParams"][0]["name"]
    assert name == (f"subject.{param}" if param else "subject.value")


def test_a_zaak_url_under_the_configured_zaken_server_is_the_subject(servers):
    subject = subject_parse(subject_type="zaak", value=f"{ZAKEN_ROOT}zaken/{UUID.upper()}")

    assert subject.value == f"{ZAKEN_ROOT}zaken/{UUID}"
    assert subject.attributes()["url"] == subject.value and "identificatie" not in subject.attributes()


@pytest.mark.parametrize("url", [
    f"https://evil.example.org/zaken/api/v1/zaken/{UUID}",  # another server
    f"{ZAKEN_ROOT}statussen/{UUID}",  # another resource
    f"{ZAKEN_ROOT}zaken/{UUID}?x=1",
    f"{ZAKEN_ROOT}zaken/../zaken/{UUID}",
    f"{ZAKEN_ROOT}zaken/{UUID}/rollen",
    f"{OBJECTEN_ROOT}objects/{UUID}",  # an object, not a zaak
])
def test_a_zaak_url_anywhere_else_is_refused(servers, url):
    with pytest.raises(InvalidSubject, match="configured Zaken server"):
        subject_parse(subject_type="zaak", value=url)


def test_a_zaak_url_of_a_disabled_source_is_refused(servers):
    Source.objects.filter(name="zaken").update(enabled=False)

    with pytest.raises(InvalidSubject):
        subject_parse(subject_type="zaak", value=f"{ZAKEN_ROOT}zaken/{UUID}")


def test_an_object_by_url_or_by_uuid_with_its_server_is_the_same_subject(servers):
    by_url = subject_parse(subject_type="object", value=f"{OBJECTEN_ROOT}objects/{UUID}")
    by_uuid = subject_parse(subject_type="object", value=UUID, qualifiers={"server": "objecten"})

    assert by_url == by_uuid
    assert by_url.value == f"{OBJECTEN_ROOT}objects/{UUID}"


@pytest.mark.parametrize("value, qualifiers, match", [
    (UUID, {}, "configured Objects API server"),
    (UUID, {"server": "zaken"}, "not the server of an enabled Objects API source"),
    ("not-a-uuid", {"server": "objecten"}, "its uuid"),
    (f"{ZAKEN_ROOT}zaken/{UUID}", {}, "configured Objects API server"),
])
def test_an_object_outside_a_configured_objects_api_is_refused(servers, value, qualifiers, match):
    with pytest.raises(InvalidSubject, match=match):
        subject_parse(subject_type="object", value=value, qualifiers=qualifiers)


def test_persons_take_no_qualifiers():
    with pytest.raises(InvalidSubject, match="takes no bronorganisatie"):
        subject_parse(subject_type="bsn", value="999993653", qualifiers={"bronorganisatie": "002220647"})


def test_every_subject_type_code_fits_the_columns_that_store_it():
    from profiles.models import ProcessingRecord, SearchAction

    for field in (ProcessingRecord._meta.get_field("subject_type"), SearchAction._meta.get_field("identifier_type")):
        assert max(len(code) for code in SUBJECT_TYPES) <= field.max_length
