"""No dead ends: `/` is a landing page that links the API documentation and the admin (and is the
admin's "View site"); `/api/v1/` lists the API's entry points."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings


@override_settings(IKO_ADMIN_LANGUAGE="nl")
def test_the_landing_page_links_the_admin_and_the_api_documentation_in_dutch(client, db):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page and "Beheer" in page and "API-documentatie" in page
    for href in ("/admin/", "/api/v1/docs", "/api/v1/redoc", "/api/v1/openapi.yaml", "/api/v1/"):
        assert f'href="{href}"' in page
    assert 'action="/i18n/setlang/"' in page


def test_the_landing_page_in_english(client, db):
    client.cookies["django_language"] = "en"  # what the language switch sets
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Administration" in page and "API documentation" in page


@pytest.mark.parametrize("href", ["/admin/login/", "/api/v1/docs", "/api/v1/redoc", "/api/v1/openapi.yaml"])
def test_every_link_of_the_landing_page_leads_somewhere(client, db, href):
    assert client.get(href).status_code == 200


def test_view_site_in_the_admin_leads_to_the_landing_page(client, db):
    client.force_login(get_user_model().objects.create_superuser("beheer", "b@example.org", "pw"))
    assert '<a href="/">View site</a>' in client.get("/admin/").content.decode()


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1"])
def test_the_api_root_lists_the_entry_points_without_authentication(client, db, path):
    response = client.get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    links = body["_links"]
    assert links["profiles"] == {"href": "http://testserver/api/v1/profiles", "templated": False,
                                 "description": "The profiles the caller may use (GET)."}
    assert links["profileView"]["href"] == "http://testserver/api/v1/profiles/{name}/view"
    assert links["profileView"]["templated"] is True
    assert links["docs"]["href"] == "http://testserver/api/v1/docs"
    assert body["version"] == response["API-Version"]


def test_every_entry_point_of_the_api_root_is_a_route_of_the_api(client, db):
    from django.urls import resolve

    links = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()["_links"]
    for link in links.values():
        path = link["href"].removeprefix("http://testserver").replace("{name}", "klantbeeld")
        assert resolve(path).url_name, path
