"""The profile editor: the relation tree in order, choices from the connector catalogue, a child
added in place, the preview beside it (profiles/admin/editor.py)."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from profiles.models import Relation


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("beheerder", "b@example.org", "pw"))
    return client


@pytest.fixture
def tree(profile, brp_source):
    """persoon (order 0) with a child partner, and a second root adres (order 1); the child is
    created first, so the database lists it before its parent."""
    persoon = profile.relations.get(name="persoon")
    Relation.objects.filter(pk=persoon.pk).update(order=0)
    nieuw = Relation.objects.create(
        profile=profile, name="aaa-kind", source=brp_source, operation="RaadpleegMetBurgerservicenummer",
        fields=["naam.volledigeNaam"], input_expression="{bsn: .burgerservicenummer}", order=0,
    )
    Relation.objects.filter(pk=nieuw.pk).update(parent=persoon)
    Relation.objects.create(profile=profile, name="adres", source=brp_source,
                            operation="RaadpleegMetBurgerservicenummer", fields=["verblijfplaats"], order=1)
    return profile


def rows(page: str) -> list[tuple[str, str]]:
    """(depth, name) of each relation on the page, in page order (the empty template excluded)."""
    page = page.split('<template id="iko-relation-template">')[0]
    found = re.findall(r'class="iko-relation[^"]*" id="relations-\d+" data-prefix="[^"]*" data-depth="(\d+)"'
                       r'.*?name="relations-\d+-name" value="([^"]*)"', page, re.S)
    return found


def test_the_tree_shows_each_parent_before_its_children_indented(admin_client, tree):
    page = admin_client.get(reverse("admin:profiles_profile_change", args=[tree.pk])).content.decode()

    assert rows(page) == [("0", "persoon"), ("1", "aaa-kind"), ("0", "adres")]


def test_the_operation_is_a_select_of_the_source_s_operations_and_the_page_holds_the_catalogue(admin_client, tree, brp_source):
    page = admin_client.get(reverse("admin:profiles_profile_change", args=[tree.pk])).content.decode()

    select = re.search(r'<select name="relations-0-operation".*?</select>', page, re.S).group(0)
    assert 'value="RaadpleegMetBurgerservicenummer" selected' in select
    assert 'value="ZoekMetGeslachtsnaamEnGeboortedatum"' in select
    catalogue = json.loads(re.search(r'<script id="iko-catalogue" type="application/json">(.*?)</script>', page, re.S).group(1))
    operation = catalogue[str(brp_source.pk)]["operations"]["RaadpleegMetBurgerservicenummer"]
    assert "naam.volledigeNaam" in operation["fields"] and operation["subjectTypes"] == ["bsn"]


def test_the_page_has_an_add_child_button_per_saved_relation_and_the_preview_beside_it(admin_client, tree):
    page = admin_client.get(reverse("admin:profiles_profile_change", args=[tree.pk])).content.decode()

    assert page.count('class="button iko-add-child"') == 3
    assert f'src="{reverse("admin:profiles_profile_preview", args=[tree.pk])}?embedded=1"' in page


def test_only_a_relation_not_saved_yet_offers_to_save_before_adding_a_child(admin_client, tree):
    page = admin_client.get(reverse("admin:profiles_profile_change", args=[tree.pk])).content.decode()

    # The saved relations have the add-child button; the note is in the template of a new relation.
    template = page.split('<template id="iko-relation-template">', 1)[1].split("</template>", 1)[0]
    assert page.count('class="help iko-child-later"') == 1 and 'class="help iko-child-later"' in template
    assert '<button type="submit" name="_continue"' in template


def test_the_embedded_preview_may_be_framed_by_the_admin_only(admin_client, tree):
    response = admin_client.get(reverse("admin:profiles_profile_preview", args=[tree.pk]) + "?embedded=1")

    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert 'id="header"' not in response.content.decode()  # the admin's popup mode: no header


def test_a_child_added_in_place_is_saved_under_its_parent_with_every_validation(admin_client, tree, brp_source):
    url = reverse("admin:profiles_profile_change", args=[tree.pk])
    relations = list(tree.relations.order_by("pk"))
    data = {"name": tree.name, "title": tree.title, "description": "", "subject_types": ["bsn"], "status": "active",
            "output_transform": "", "relations-TOTAL_FORMS": str(len(relations) + 1),
            "relations-INITIAL_FORMS": str(len(relations))}
    for i, r in enumerate(relations):
        data.update({f"relations-{i}-{k}": v for k, v in {
            "id": r.pk, "profile": tree.pk, "name": r.name, "order": r.order, "parent": r.parent_id or "",
            "source": r.source_id, "operation": r.operation, "input_expression": r.input_expression,
            "fields": json.dumps(r.fields), "release_fields": "[]", "output_transform": "", "max_calls": "20",
        }.items()})
    persoon = tree.relations.get(name="persoon")
    new = {"profile": tree.pk, "name": "kind2", "order": "1", "parent": persoon.pk, "source": brp_source.pk,
           "operation": "RaadpleegMetBurgerservicenummer", "input_expression": "", "fields": '["naam.volledigeNaam"]',
           "release_fields": "[]", "output_transform": "", "max_calls": "20"}
    data.update({f"relations-{len(relations)}-{k}": v for k, v in new.items()})

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "A child relation needs an input expression" in refused.content.decode()
    # Shown again under its parent, still open for editing.
    assert ("1", "kind2") in rows(refused.content.decode())
    # Not saved, so no child can be added under it yet: it says so and offers to save first.
    new_row = refused.content.decode().split(f'id="relations-{len(relations)}"', 1)[1].split('class="iko-relation', 1)[0]
    assert 'class="help iko-child-later"' in new_row and 'name="_continue"' in new_row
    assert "iko-add-child" not in new_row

    data[f"relations-{len(relations)}-input_expression"] = "{bsn: .burgerservicenummer}"
    assert admin_client.post(url, data).status_code == 302
    assert tree.relations.get(name="kind2").parent == persoon


def test_a_staff_user_who_may_only_view_sees_the_tree_with_every_control_disabled(client, tree):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("medewerker", "m@example.org", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_profile", "view_relation"]))
    client.force_login(user)

    page = client.get(reverse("admin:profiles_profile_change", args=[tree.pk])).content.decode()

    assert '<fieldset class="iko-rows" disabled>' in page
    assert 'id="iko-add-root"' not in page and 'name="relations-0-name"' in page
