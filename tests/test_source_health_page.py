"""The admin's source-health page (connectors/health_admin.py): after a few views, one of them with a
failing source, it shows each source's calls, availability, p50/p95 and last failure from the same
counting as /metrics, the circuit state and a well-formed SVG chart; it needs staff and the
permission to view sources, the admin index links to it, and its connection test is the source
admin's own action."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import responses
from django.contrib.auth.models import Permission

from connectors.breaker import get_breaker
from connectors.source_health import memory_store
from iko_project.shared_store import redis_reset

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
PERSOON = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}}
PAGE = "/admin/source-health/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _empty_counts():
    memory_store.clear()
    redis_reset()
    yield
    memory_store.clear()


@pytest.fixture
def operator(db, django_user_model):
    user = django_user_model.objects.create_user("beheer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_source", content_type__app_label="connectors"))
    return user


def view(api):
    return api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN},
                                                          "purpose": "klantcontact"}, format="json")


def charts(html: str) -> list[ET.Element]:
    """The page's charts (not the admin's own icons), each parsed as a standalone XML document."""
    return [ET.fromstring(svg) for svg in re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*role="img".*?</svg>',
                                                     html, re.DOTALL)]


@responses.activate
def test_after_a_few_views_and_one_failure_the_page_shows_each_source_s_hour(authed_api, grant, client, operator):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    for _ in range(3):
        assert view(authed_api).status_code == 200
    responses.replace(responses.POST, PERSONEN_URL, status=503, json={"title": f"Persoon {BSN} onbekend"})
    assert view(authed_api).status_code == 502

    client.force_login(operator)
    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    [row] = [r for r in response.context["rows"] if r.source.name == "brp"]
    assert (row.calls, row.availability) == (4, "75.0 %")
    assert re.fullmatch(r"\d+ ms", row.p50_ms) and re.fullmatch(r"\d+ ms", row.p95_ms)
    assert row.last_error == "Source failed (HTTP 5xx)"
    assert row.circuit == "closed" and "calls go through" in html
    assert "75.0 %" in html and "4 calls" in html and "Source failed (HTTP 5xx)" in html
    assert BSN not in html and "example.org" not in html and "onbekend" not in html
    [chart] = charts(html)
    assert chart.tag == f"{SVG}svg"
    cells = chart.findall(f"{SVG}rect")
    assert len(cells) == 60
    answered = [c.find(f"{SVG}title").text for c in cells if "answered" in c.find(f"{SVG}title").text]
    assert answered and sum(int(re.search(r"(\d+) calls", t)[1]) for t in answered) == 4
    assert chart.findall(f"{SVG}circle")  # the latency points
    assert "<script" not in html.split('id="content"')[1]  # the page needs no script of its own


def test_a_source_without_calls_and_with_an_open_circuit_says_so(client, operator, brp_source):
    for _ in range(10):
        get_breaker().record("brp", success=False)
    client.force_login(operator)

    html = client.get(PAGE).content.decode()

    assert "calls are skipped" in html and "No calls" in html
    [chart] = charts(html)
    assert not chart.findall(f"{SVG}circle")


def test_the_page_needs_a_staff_login(client, brp_source):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_page_needs_the_permission_to_view_sources(client, django_user_model, brp_source):
    staff = django_user_model.objects.create_user("kcc", password="x", is_staff=True)
    client.force_login(staff)

    assert client.get(PAGE).status_code == 403
    assert "/admin/source-health/" not in client.get("/admin/").content.decode()


def test_the_admin_index_links_to_the_page(client, operator):
    client.force_login(operator)
    assert 'href="/admin/source-health/"' in client.get("/admin/").content.decode()


def test_test_the_connection_runs_the_source_admin_s_own_action(client, operator, brp_source):
    from connectors.models import Source

    client.force_login(operator)  # may view sources, not change them: the test is still theirs to run
    html = client.get(PAGE).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.DOTALL)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form[2]))
    assert form[1] == "/admin/connectors/source/" and fields["action"] == "test_connection"
    assert fields["_selected_action"] == str(Source.objects.get(name="brp").pk)

    # The BRP connector's check asks the server; which request it makes is the connector's business.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, re.compile(r"https://brp\.example\.org/.*"), status=503)
        mock.add(responses.GET, re.compile(r"https://brp\.example\.org/.*"), status=503)
        response = client.post(form[1], fields, follow=True)
        assert len(mock.calls) >= 1 and mock.calls[0].request.url.startswith("https://brp.example.org/")

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and messages[0].startswith("brp: ") and "503" in messages[0]
