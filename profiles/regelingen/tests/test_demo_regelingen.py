"""Integration: the demo regelingen and the prefill profile of demo/config.yaml over the real demo
BRP, Zaken and inkomensregister servers on loopback (no mocks), through the API."""

import pytest

from demo.config import DEMO_STAFF_GROUP, DEMO_TOKEN, DEMO_ZAKEN_CLIENT_ID, DEMO_ZAKEN_SECRET, demo_configure
from profiles.models import ProcessingRecord

pytestmark = pytest.mark.integration

# The sources these profiles do not call: an address each (servers need distinct API roots).
def unused(name: str) -> str:
    return f"http://127.0.0.1:9/{name}/"


@pytest.fixture
def demo(db):
    from demo.servers.brp import start_brp_server
    from demo.servers.generic import start_generic_server
    from demo.servers.zaken import start_zaken_server

    brp = start_brp_server(port=0)
    zaken = start_zaken_server(port=0, client_id=DEMO_ZAKEN_CLIENT_ID, secret=DEMO_ZAKEN_SECRET)
    inkomens = start_generic_server(port=0)
    try:
        demo_configure(
            brp_api_root=brp.api_root, kvk_api_root=unused("kvk"), zaken_api_root=zaken.zaken_api_root,
            catalogi_api_root=zaken.catalogi_api_root, documenten_api_root=zaken.documenten_api_root,
            besluiten_api_root=zaken.besluiten_api_root, klantinteracties_api_root=unused("klantinteracties"),
            contactgegevens_api_root=unused("contactgegevens"), objecten_api_root=unused("objecten"),
            objecttype_url=unused("objecttypes") + "a", company_objecttype_url=unused("objecttypes") + "b",
            vergunning_objecttype_url=unused("objecttypes") + "c",
            bag_api_root=unused("bag"), inkomensregister_api_root=inkomens.api_root,
        )
        yield
    finally:
        for server in (brp, zaken, inkomens):
            server.stop()


def suggestions(api, bsn):
    api.credentials(HTTP_AUTHORIZATION=f"Token {DEMO_TOKEN}")
    return api.post("/api/v1/profiles/regelingentoets/suggestions",
                    {"subject": {"type": "bsn", "value": bsn}, "dataPurpose": "klantcontact"}, format="json")


@pytest.mark.parametrize("bsn, eligible", [
    ("999993847", ["bijzondere-bijstand", "kwijtschelding-gemeentelijke-belastingen"]),
    ("999970008", ["bijzondere-bijstand", "stadspas"]),
    ("999993653", []),  # income too high, and a running aanvraag bijzondere bijstand
])
def test_the_demo_regelingen_hold_for_the_demo_persons_as_the_docs_say(api, demo, bsn, eligible):
    response = suggestions(api, bsn)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["regeling"] for s in body["suggestions"]] == eligible
    assert body["counts"]["couldNotBeEvaluated"] == 0 and body["complete"] is True
    # klantcontact may see the age and the children, never the income or the assets.
    assert set(body["data"]["persoon"]) <= {"leeftijd", "kinderen"}


def test_the_demo_admin_prefills_the_application_form_through_the_staff_groups_grant(api, demo):
    from django.contrib.auth.models import Group, User

    staff = User.objects.create_user("balie", password="x")
    staff.groups.add(Group.objects.get(name=DEMO_STAFF_GROUP))
    api.force_authenticate(user=staff)

    response = api.post("/api/v1/profiles/aanvraagformulier/prefill",
                        {"subject": {"type": "bsn", "value": "999993847"}}, format="json")

    assert response.status_code == 200, response.content
    attributes = response.json()["attributes"]
    assert attributes["persoon.voornamen"]["value"] == "Merel"
    assert attributes["inkomen.brutoJaar"] == {
        "value": 18012, "source": "inkomensregister", "retrievedAt": attributes["inkomen.jaar"]["retrievedAt"]}
    assert attributes["vermogen.bedrag"]["value"] == 1250.0
    record = ProcessingRecord.objects.get(action="prefill")
    assert record.purpose_code == "aanvraag-behandelen" and record.outcome == "complete"
