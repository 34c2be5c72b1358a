"""The admin index in the order IKO is configured (iko_project/admin_site.py), without what IKO does
not use; a screen IKO's order does not name still shows."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from iko_project.admin_site import GROUPS, ordered_app_list


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("beheer", "b@example.org", "pw"))
    return client


def captions_and_models(page: str) -> list[tuple[str, list[str]]]:
    """(group caption, [model names]) in the order of the index's main column."""
    main = page.split('id="content-main"')[1].split('id="content-related"')[0]
    groups = []
    for block in main.split("<caption>")[1:]:
        caption = re.sub(r"<[^>]+>", "", block.split("</caption>")[0]).strip()
        models = [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', block, re.S)]
        groups.append((caption, models))
    return groups


def test_the_index_follows_the_order_of_configuration(superuser_client):
    page = superuser_client.get("/admin/").content.decode()

    groups = captions_and_models(page)

    assert [caption for caption, _ in groups] == [
        "Servers and sources", "Purposes and profiles", "API clients and grants", "Processing log",
        "Regelingen and prefill", "Consent", "Users and login", "Operations",
    ]
    assert groups[0][1][:2] == ["Servers", "Sources"]
    assert groups[1][1] == ["Purposes", "Profiles"]
    assert groups[2][1] == ["API clients", "Grants"]
    assert groups[3][1] == ["Processing records", "Subject lookup alerts"]
    assert groups[-1][1] == ["Source health"]  # a page, not a model: after the groups


def test_the_index_hides_what_iko_does_not_use_and_shows_no_technical_labels(superuser_client):
    page = superuser_client.get("/admin/").content.decode()

    for hidden in ("NLX", "Zgw_Consumers", "Simple_Certmanager", "nlxconfig"):
        assert hidden not in page


def test_the_sidebar_of_every_page_has_the_same_order(superuser_client):
    page = superuser_client.get("/admin/connectors/source/").content.decode()
    sidebar = page.split('id="nav-sidebar"')[1]
    assert sidebar.index("Servers and sources") < sidebar.index("Purposes and profiles") < sidebar.index("Processing log")


def test_a_staff_member_sees_only_the_groups_of_their_permissions(client, db):
    user = get_user_model().objects.create_user("kcc", "k@example.org", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_processingrecord"))
    client.force_login(user)

    groups = captions_and_models(client.get("/admin/").content.decode())

    assert groups == [("Processing log", ["Processing records"])]


def test_a_screen_the_order_does_not_name_keeps_its_own_group_at_the_end():
    named = {"app_label": "connectors", "app_url": "/admin/connectors/", "name": "Sources", "has_module_perms": True,
             "models": [{"object_name": "Source", "name": "Sources", "admin_url": "/admin/connectors/source/"}]}
    new = {"app_label": "organisations", "app_url": "/admin/organisations/", "name": "Organisations",
           "has_module_perms": True,
           "models": [{"object_name": "Organisation", "name": "Organisations", "admin_url": "/admin/organisations/o/"}]}

    result = ordered_app_list([new, named])

    assert [app["name"] for app in result] == ["Servers and sources", "Organisations"]
    assert result[1]["models"][0]["object_name"] == "Organisation"


def test_every_model_the_order_names_exists():
    from django.apps import apps

    for _name, members in GROUPS:
        for app_label, model_name, _shown in members:
            assert apps.get_model(app_label, model_name), (app_label, model_name)
