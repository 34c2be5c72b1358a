"""Integration: `manage.py demo` starts IKO and the demo sources, and answers a real view over
HTTP on loopback, exactly as the README's curl does. The views of both demo profiles, over all
seven demo sources, are in test_demo_profiles.py."""

import pytest
import requests

from demo.config import DEMO_BSN, DEMO_TOKEN
from demo.testing import DemoProcess, free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory):
    # --brp-port as the README and older scripts use it; the other sources get free ports.
    demo = DemoProcess(tmp_path_factory.mktemp("demo"), args=["--brp-port", str(free_port())]).start()
    try:
        yield demo.wait_until_up()
    finally:
        demo.stop()


def test_the_demo_answers_the_readme_view_of_a_brp_test_person(running_demo):
    response = requests.post(
        f"{running_demo}/api/v1/profiles/klantbeeld/view",
        json={"subject": {"type": "bsn", "value": DEMO_BSN}, "purpose": "klantcontact"},
        headers={"Authorization": f"Token {DEMO_TOKEN}"},
        timeout=10,
    )

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["complete"] is True
    assert view["sources"]["brp"]["status"] == "ok"
    persoon = view["data"]["persoon"]
    assert persoon["naam"]["volledigeNaam"] == "Suzanne Moulin"
    assert persoon["verblijfplaats"]["nummeraanduidingIdentificatie"] == "0599200000219678"
    # Only the profile's fields: the demo BRP also knows partners, nationaliteiten, ...
    from_brp = set(persoon) - {"zaken", "partij", "objecten", "bagAdres", "inkomens"}
    assert from_brp <= {"burgerservicenummer", "naam", "geboorte", "leeftijd", "verblijfplaats", "adressering"}


def test_the_demo_refuses_without_a_token_and_validates_the_bsn(running_demo):
    url = f"{running_demo}/api/v1/profiles/klantbeeld/view"
    body = {"subject": {"type": "bsn", "value": "123456789"}, "purpose": "klantcontact"}

    assert requests.post(url, json=body, timeout=10).status_code == 401
    invalid = requests.post(url, json=body, headers={"Authorization": f"Token {DEMO_TOKEN}"}, timeout=10)
    assert invalid.status_code == 400
    assert invalid.headers["Content-Type"] == "application/problem+json"


def test_the_demo_admin_and_docs_pages_are_served_with_their_static_files(running_demo):
    docs = requests.get(f"{running_demo}/api/v1/docs", timeout=10)
    assert docs.status_code == 200
    login = requests.get(f"{running_demo}/admin/login/", timeout=10)
    assert login.status_code == 200
    assert requests.get(f"{running_demo}/static/admin/css/base.css", timeout=10).status_code == 200
