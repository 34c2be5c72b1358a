"""The search actions' inline on the profile admin: shown, saved, and mistakes explained."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from profiles.models import SearchAction


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("beheerder", "b@example.org", "pw"))
    return client


def profile_form(profile, relation, **search):
    data = {
        "name": profile.name, "title": profile.title, "description": "", "subject_types": ["bsn"],
        "status": "active", "output_transform": "",
        "relations-TOTAL_FORMS": "1", "relations-INITIAL_FORMS": "1",
        "relations-0-id": relation.pk, "relations-0-profile": profile.pk, "relations-0-name": relation.name,
        "relations-0-order": "0", "relations-0-parent": "", "relations-0-source": relation.source_id,
        "relations-0-operation": relation.operation, "relations-0-input_expression": "",
        "relations-0-fields": json.dumps(relation.fields), "relations-0-release_fields": "[]",
        "relations-0-output_transform": "", "relations-0-max_calls": "20",
        "search_actions-TOTAL_FORMS": "1", "search_actions-INITIAL_FORMS": "0",
    }
    defaults = {
        "name": "op-bsn", "order": "0", "title": "Zoek op BSN", "description": "", "source": relation.source_id,
        "operation": "RaadpleegMetBurgerservicenummer",
        "criteria": json.dumps([{"name": "bsn", "type": "bsn", "required": True}]),
        "columns": json.dumps([{"name": "bsn", "field": "burgerservicenummer", "label": "BSN"}]),
        "identifier_column": "bsn", "identifier_type": "bsn", "max_results": "50", "brp_doelbinding": "",
    }
    defaults.update(search)
    data.update({f"search_actions-0-{key}": value for key, value in defaults.items()})
    return data


def test_the_profile_page_shows_the_search_actions_inline(admin_client, profile):
    response = admin_client.get(reverse("admin:profiles_profile_change", args=[profile.pk]))
    assert response.status_code == 200
    assert "Search actions (find the subject before opening the view)" in response.content.decode()


def test_a_search_action_is_saved_from_the_profile_page(admin_client, profile):
    url = reverse("admin:profiles_profile_change", args=[profile.pk])

    response = admin_client.post(url, profile_form(profile, profile.relations.get()))

    assert response.status_code == 302, response.context["errors"] if response.context else response
    action = SearchAction.objects.get()
    assert action.criteria == [{"name": "bsn", "type": "bsn", "required": True}]


def test_a_criterion_the_operation_does_not_take_is_explained_on_the_form(admin_client, profile):
    url = reverse("admin:profiles_profile_change", args=[profile.pk])

    response = admin_client.post(url, profile_form(
        profile, profile.relations.get(),
        criteria=json.dumps([{"name": "geslachtsnaam", "type": "string"}]),
    ))

    assert response.status_code == 200
    assert "takes no parameter(s) [&#x27;geslachtsnaam&#x27;]" in response.content.decode()
    assert not SearchAction.objects.exists()
