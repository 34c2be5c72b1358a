"""Integration: `manage.py demo` starts IKO and the demo BRP source, and answers a real view
over HTTP on loopback, exactly as the README's curl does."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from demo.config import DEMO_BSN, DEMO_TOKEN

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"demo exited early:\n{process.stdout.read()}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError("demo did not start in time")


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("demo")
    port, brp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IKO_ENV"}}
    env.update(IKO_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--port", str(port), "--brp-port", str(brp_port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/api/v1/openapi.yaml", process)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    assert set(persoon) <= {"burgerservicenummer", "naam", "geboorte", "leeftijd", "verblijfplaats", "adressering"}


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
