"""`POST /api/v1/profiles/{name}/prefill`: a view as flat attributes for a form engine, only with a
self-service or staff grant, logged like a view and narrowed to the attributes."""

import pytest

from profiles.models import Grant, ProcessingRecord
from profiles.regelingen.models import PrefillAttribute

from .conftest import INKOMENS_ROOT, MEREL, PERSONEN_URL, PERSONS, SUZANNE, VERMOGENS, citizen_login

URL = "/api/v1/profiles/regelingentoets/prefill"
SELF_SERVICE_URL = "/api/v1/self-service/profiles/regelingentoets/prefill"


@pytest.fixture
def attributes(toets):
    for order, (name, path) in enumerate((("leeftijd", "persoon.leeftijd"), ("vermogen.bedrag", "persoon.vermogen.bedrag"),
                                          ("vermogen.peildatum", "persoon.vermogen.peildatum"))):
        attribute = PrefillAttribute(profile=toets, name=name, path=path, order=order)
        attribute.full_clean()
        attribute.save()


@pytest.fixture
def staff(db, toets, purpose):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("baliemedewerker", password="x", is_staff=True)
    group = Group.objects.create(name="balie")
    user.groups.add(group)
    grant = Grant.objects.create(kind=Grant.Kind.GROUP, group=group, profile=toets, purpose=purpose)
    return user, grant


def prefill(api, bsn=MEREL, url=URL, **extra):
    return api.post(url, {"subject": {"type": "bsn", "value": bsn}, "purpose": "klantcontact", **extra}, format="json")


def answer(rsps, bsn=MEREL, vermogen_status=200):
    rsps.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSONS[bsn]]})
    if vermogen_status == 200:
        rsps.get(INKOMENS_ROOT + f"personen/{bsn}/vermogen", json=VERMOGENS[bsn])
    else:
        rsps.get(INKOMENS_ROOT + f"personen/{bsn}/vermogen", status=vermogen_status,
                 json={"type": "about:blank", "title": "x", "status": vermogen_status})


def test_staff_get_the_attributes_with_their_source_and_retrieval_time(api, staff, attributes, rsps):
    api.force_authenticate(user=staff[0])
    answer(rsps)

    response = prefill(api)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["attributes"]["leeftijd"]["value"] == 44
    assert body["attributes"]["leeftijd"]["source"] == "brp"
    assert body["attributes"]["vermogen.bedrag"] == {
        "value": 1250.0, "source": "inkomensregister",
        "retrievedAt": body["sources"]["inkomensregister"]["retrievedAt"],
    }
    assert body["attributes"]["vermogen.peildatum"]["value"] == "2026-01-01"
    assert body["missing"] == {} and body["complete"] is True
    assert body["attributes"]["leeftijd"]["retrievedAt"]


def test_a_prefill_is_logged_like_a_view_with_only_the_attributes_released_and_only_their_sources_asked(
    api, staff, attributes, rsps
):
    api.force_authenticate(user=staff[0])
    answer(rsps)

    prefill(api)

    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.actor, record.grant_id) == (
        "prefill", "complete", "user:baliemedewerker", staff[1].pk)
    assert sorted(record.fields_released) == ["persoon.leeftijd", "persoon.vermogen.bedrag", "persoon.vermogen.peildatum"]
    # No attribute reads the incomes: that relation was not called at all.
    assert not any(call.request.url.startswith(INKOMENS_ROOT + "inkomens") for call in rsps.calls)


def test_an_api_clients_own_grant_does_not_prefill_a_form(authed_api, grant, attributes, rsps):
    response = prefill(authed_api)

    assert response.status_code == 403
    assert response.json()["code"] == "prefill-needs-person"
    assert len(rsps.calls) == 0
    denied = ProcessingRecord.objects.get()
    assert (denied.action, denied.outcome, denied.reason) == ("prefill", "denied", "prefill-needs-person")


def test_staff_without_a_grant_are_refused_and_the_denial_is_logged(api, attributes, purpose, rsps):
    from django.contrib.auth.models import User

    api.force_authenticate(user=User.objects.create_user("zonder", password="x"))

    response = prefill(api)

    assert response.status_code == 403 and response.json()["code"] == "no-grant"
    assert ProcessingRecord.objects.get().reason == "no-grant"
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("citizen_bsn, status", [(MEREL, 200), (SUZANNE, 403)])
def test_a_citizen_prefills_only_their_own_form(api, toets, purpose, attributes, rsps, citizen_bsn, status, settings):
    # Citizens come only from the citizens' issuer, on the self-service paths.
    Grant.objects.create(kind=Grant.Kind.SELF_SERVICE, portal_client_id="formulieren", profile=toets, purpose=purpose)
    api.force_authenticate(user=citizen_login(settings, citizen_bsn, "formulieren"))
    answer(rsps)

    response = prefill(api, url=SELF_SERVICE_URL)

    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "not-own-subject" and len(rsps.calls) == 0


@pytest.mark.parametrize("vermogen_status, reported", [(404, "not_found"), (503, "error")])
def test_an_attribute_without_a_value_is_listed_as_missing_with_why(api, staff, attributes, rsps, vermogen_status, reported):
    api.force_authenticate(user=staff[0])
    answer(rsps, vermogen_status=vermogen_status)

    body = prefill(api).json()

    assert set(body["attributes"]) == {"leeftijd"}
    assert body["missing"] == {
        "vermogen.bedrag": {"source": "inkomensregister", "status": reported},
        "vermogen.peildatum": {"source": "inkomensregister", "status": reported},
    }


def test_an_attribute_the_grant_narrows_away_is_withheld_and_not_asked_for(api, staff, attributes, rsps):
    user, grant = staff
    grant.fields = ["persoon.leeftijd"]
    grant.save()
    api.force_authenticate(user=user)
    answer(rsps)

    body = prefill(api).json()

    assert set(body["attributes"]) == {"leeftijd"}
    assert body["missing"]["vermogen.bedrag"] == {"source": "inkomensregister", "status": "withheld"}
    assert not any(call.request.url.endswith("/vermogen") for call in rsps.calls)


def test_a_profile_without_prefill_attributes_is_404(api, staff):
    api.force_authenticate(user=staff[0])

    response = prefill(api)

    assert response.status_code == 404 and response.json()["code"] == "no-prefill-attributes"
