"""Integration: the self-service calls of docs/integrator/citizen.md against `manage.py demo` on
loopback, with a token of the demo citizen issuer: the mijn-omgeving view (zaken with status and
handling department, incomes behind consent), consent, a report that lands in Open Klant, insight,
a gezaghouder's view of her child, a company's view, and the refusals."""

from __future__ import annotations

import pytest
import requests

from demo.config import CONSENT_SCOPE, DEMO_BSN, DEMO_KVK, DEMO_TOKEN
from demo.testing import DemoProcess, free_port
from demo.universe import GEZAGHOUDER, MINOR_CHILD

pytestmark = pytest.mark.integration

TIMEOUT = 15


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    issuer_port = free_port()
    process = DemoProcess(tmp_path_factory.mktemp("self-service"), args=["--citizen-issuer-port", str(issuer_port)]).start()
    try:
        base = process.wait_until_up()
        yield {"base": base, "issuer": f"http://127.0.0.1:{issuer_port}/broker"}
    finally:
        process.stop()


def login(demo, **query) -> dict:
    answer = requests.get(f"{demo['issuer']}/token", params=query, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def call(demo, method: str, path: str, headers: dict, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{demo['base']}/api/v1/self-service/{path}", json=body, headers=headers, timeout=TIMEOUT)


def test_a_citizens_mijn_omgeving_shows_zaken_with_status_and_department_and_keeps_incomes_behind_consent(demo):
    citizen = login(demo, bsn=DEMO_BSN)

    before = call(demo, "POST", "profiles/mijn-omgeving/view", citizen, {}).json()
    given = call(demo, "POST", "consents", citizen, {"scope": CONSENT_SCOPE.key, "textVersion": "1"})
    with_consent = call(demo, "POST", "profiles/mijn-omgeving/view", citizen, {}).json()
    withdrawn = call(demo, "POST", "consents/withdraw", citizen, {"scope": CONSENT_SCOPE.key})
    after = call(demo, "POST", "profiles/mijn-omgeving/view", citizen, {}).json()

    zaak = before["data"]["persoon"]["zaken"][0]
    assert zaak["status"]["omschrijving"] and zaak["afdeling"]["naam"]
    assert "url" not in zaak  # asked for the department, not released
    assert before["relations"]["inkomens"]["status"] == "consent_required"
    assert before["sources"]["inkomensregister"]["calls"] == 0
    assert given.status_code == 201 and withdrawn.status_code == 200
    assert with_consent["data"]["persoon"]["inkomens"]
    assert after["relations"]["inkomens"]["status"] == "consent_required"


def test_a_report_of_incorrect_data_lands_in_open_klant_and_shows_in_the_next_view(demo):
    citizen = login(demo, bsn=DEMO_BSN)

    report = call(demo, "POST", "profiles/mijn-omgeving/reports", citizen, {
        "kind": "correction", "field": "persoon.naam.volledigeNaam", "explanation": "Mijn naam is anders gespeld.",
    })
    view = call(demo, "POST", "profiles/mijn-omgeving/view", citizen, {}).json()
    wrong_field = call(demo, "POST", "profiles/mijn-omgeving/reports", citizen, {
        "kind": "correction", "field": "persoon.geboorte.plaats", "explanation": "x",
    })

    assert report.status_code == 201, report.text
    assert report.json()["referentienummer"]
    onderwerpen = [c["onderwerp"] for c in view["data"]["persoon"]["partij"]["klantcontacten"]]
    assert "Onjuiste gegevens gemeld: brp persoon.naam.volledigeNaam" in onderwerpen
    assert wrong_field.status_code == 400 and wrong_field.json()["code"] == "field-not-in-view"


def test_the_insight_lists_what_was_done_with_the_citizens_data_without_names(demo):
    citizen = login(demo, bsn=DEMO_BSN)
    requests.post(f"{demo['base']}/api/v1/profiles/klantbeeld/view", timeout=TIMEOUT,
                  json={"subject": {"type": "bsn", "value": DEMO_BSN}, "purpose": "klantcontact"},
                  headers={"Authorization": f"Token {DEMO_TOKEN}", "Content-Type": "application/json"})

    page = call(demo, "GET", "insight?pageSize=50", citizen).json()
    csv = call(demo, "GET", "insight.csv", citizen)

    by_case_system = [r for r in page["results"] if r["system"] == "Demo case system"]
    assert by_case_system and by_case_system[0]["role"] == "application"
    assert by_case_system[0]["purpose"]["legalBasis"]
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("at,action,organisation")


def test_a_gezaghouder_opens_her_childs_view_and_a_stranger_cannot(demo):
    body = {"subject": {"type": "bsn", "value": MINOR_CHILD["bsn"]}, "machtiging": "gezag"}

    parent = call(demo, "POST", "profiles/mijn-omgeving/view", login(demo, bsn=GEZAGHOUDER["bsn"]), body)
    stranger = call(demo, "POST", "profiles/mijn-omgeving/view", login(demo, bsn=DEMO_BSN), body)

    assert parent.status_code == 200, parent.text
    assert parent.json()["data"]["persoon"]["naam"]["volledigeNaam"] == "Maya Maasland"
    assert stranger.status_code == 403 and stranger.json()["code"] == "no-gezag"


def test_a_company_logged_in_with_eherkenning_sees_its_bedrijfsbeeld(demo):
    response = call(demo, "POST", "profiles/bedrijfsbeeld/view", login(demo, kvk=DEMO_KVK), {})

    assert response.status_code == 200, response.text
    assert response.json()["data"]["bedrijf"]["naam"] == "Bakkerij Vogel"


def test_a_weak_login_and_a_staff_token_are_refused_with_codes_a_portal_can_act_on(demo):
    weak = call(demo, "GET", "insight", login(demo, bsn=DEMO_BSN, loa="basis"))
    staff = call(demo, "GET", "insight", {"Authorization": f"Token {DEMO_TOKEN}"})

    assert (weak.status_code, weak.json()["code"]) == (403, "loa-too-low")
    assert (staff.status_code, staff.json()["code"]) == (403, "citizen-token-required")
