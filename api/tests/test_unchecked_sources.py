"""A source whose answers IKO cannot check to be about the subject: every view shows its warning
(`sources.<name>.warnings`), and the Valtimo front door does not offer it at all; a checked source
never passes on another person's record, whatever the caller names."""

from __future__ import annotations

import pytest
import responses

from connectors.contrib.generic.options import UNCHECKED_WARNING
from profiles.models import ProcessingRecord, Relation
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import BSN, PERSONEN_URL, SUZANNE

REGISTER_ROOT = "https://register.example.org/api/"
SOMEONE_ELSES_ZAAK = "0f0e4a7c-4c68-4b7e-9a43-4f7c9a1d2b3e"
CG_ROOT = "https://contactgegevens.example.org/api/v1/"


def register_options(**ownership):
    """A municipal register with a person's incomes and a zaak by its uuid."""
    return {"operations": {
        "inkomens": {"path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"],
                     "fields": ["bsn", "jaar", "bedrag"], "many": True, "items_pointer": "/results", **ownership},
        "zaak": {"path": "zaken/{uuid}", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "params": ["uuid"],
                 "fields": ["bsn", "omschrijving"], **ownership},
    }}


def register(ownership: dict):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(label="Register", slug="register", api_type=APITypes.orc,
                                     api_root=REGISTER_ROOT, auth_type=AuthTypes.no_auth)
    source = Source(name="register", connector="generic", service=service, options=register_options(**ownership))
    source.full_clean()
    source.save()
    return source


@pytest.fixture
def with_register(request, profile, grant, api_client_with_token, purpose):
    """Klantbeeld with the person's incomes and a zaak from the register; the ownership marking is
    the test's parameter."""
    source = register(request.param)
    persoon = profile.relations.get()
    persoon.fields = ["burgerservicenummer", "naam.volledigeNaam"]
    persoon.release_fields = ["naam.volledigeNaam"]
    persoon.save()
    Relation.objects.create(profile=profile, parent=persoon, name="inkomens", source=source, operation="inkomens",
                            input_expression="{bsn: .burgerservicenummer}", fields=["jaar", "bedrag"])
    Relation.objects.create(profile=profile, parent=persoon, name="zaak", source=source, operation="zaak",
                            input_expression='{bsn: .burgerservicenummer, uuid: "x"}', fields=["omschrijving"])
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    return source


UNCHECKED = {"ownership": "unchecked"}
CHECKED = {"subject_pointer": "/bsn"}


@pytest.mark.parametrize("with_register", [UNCHECKED], indirect=True)
@responses.activate
def test_a_view_shows_the_warning_of_an_unchecked_source_with_its_data(authed_api, with_register):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})
    responses.get(REGISTER_ROOT + "inkomens", json={"results": [{"bsn": "999993847", "jaar": 2024, "bedrag": 1.0}]})
    responses.get(REGISTER_ROOT + "zaken/x", status=404)

    response = authed_api.post("/api/v1/profiles/klantbeeld/view",
                               {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sources"]["register"]["warnings"] == [UNCHECKED_WARNING]
    assert body["sources"]["brp"]["warnings"] == []
    valtimo = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}").json()
    assert valtimo["_iko"]["sources"]["register"]["warnings"] == [UNCHECKED_WARNING]


@pytest.mark.parametrize("with_register", [CHECKED], indirect=True)
@responses.activate
def test_a_checked_source_shows_no_warning(authed_api, with_register):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})
    responses.get(REGISTER_ROOT + "inkomens", json={"results": [{"bsn": BSN, "jaar": 2024, "bedrag": 1.0}]})
    responses.get(REGISTER_ROOT + "zaken/x", json={"bsn": BSN, "omschrijving": "Eigen zaak"})

    response = authed_api.post("/api/v1/profiles/klantbeeld/view",
                               {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")

    assert response.json()["sources"]["register"]["warnings"] == []


@pytest.mark.parametrize("with_register", [UNCHECKED], indirect=True)
@responses.activate
def test_the_front_door_refuses_a_zaak_by_uuid_from_an_unchecked_source(authed_api, with_register):
    response = authed_api.get(f"/endpoints/generic/register/zaak?uuid={SOMEONE_ELSES_ZAAK}&bsn={BSN}")

    assert response.status_code == 403 and response.json()["code"] == "source-unchecked"
    assert len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.reason) == ("endpoint", "denied", "source-unchecked")


@pytest.mark.parametrize("with_register", [CHECKED], indirect=True)
@responses.activate
def test_through_a_checked_source_someone_else_s_zaak_is_never_passed_on(authed_api, with_register):
    responses.get(REGISTER_ROOT + f"zaken/{SOMEONE_ELSES_ZAAK}",
                  json={"bsn": "999993847", "omschrijving": "Zaak van een ander"})

    response = authed_api.get(f"/endpoints/generic/register/zaak?uuid={SOMEONE_ELSES_ZAAK}&bsn={BSN}")

    assert response.status_code == 502
    assert "Zaak van een ander" not in response.content.decode()
    assert "another subject than asked" in response.json()["sources"]["register"]["detail"]


@responses.activate
def test_the_front_door_refuses_contactgegevens_whose_owner_cannot_be_checked(authed_api, profile, grant, purpose,
                                                                           api_client_with_token):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    for slug, root in (("openklant", "https://openklant.example.org/klantinteracties/api/v1/"), ("cg", CG_ROOT)):
        Service.objects.create(label=slug, slug=slug, api_type=APITypes.orc, api_root=root,
                               auth_type=AuthTypes.api_key, header_key="Authorization", header_value="Token k")
    source = Source.objects.create(name="openklant", connector="klantinteracties",
                                   service=Service.objects.get(slug="openklant"),
                                   options={"max_items": 100, "contactgegevens_service": "cg"})
    Relation.objects.create(profile=profile, parent=profile.relations.get(), name="contactgegevens", source=source,
                            operation="contactgegevens", input_expression='{bsn: .burgerservicenummer, uuid: "x"}',
                            fields=["geslachtsnaam"])
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()

    response = authed_api.get(
        f"/endpoints/klantinteracties/openklant/contactgegevens?uuid={SOMEONE_ELSES_ZAAK}&bsn={BSN}")

    assert response.status_code == 403 and response.json()["code"] == "source-unchecked"
    assert len(responses.calls) == 0
