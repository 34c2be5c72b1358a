"""Export, import, and draft revisions of profiles, with their relation trees and search actions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from profiles.models import Grant, Profile, Relation, SearchAction
from profiles.definitions.portability import profile_draft_create, profile_draft_publish, profile_export, profile_import, profile_to_dict


@pytest.fixture
def tree(profile, brp_source):
    persoon = Relation.objects.get(profile=profile, name="persoon")
    persoon.fields = ["naam", "verblijfplaats.nummeraanduidingIdentificatie", "geboorte.datum", "verblijfplaats.verblijfadres"]
    persoon.release_fields = ["naam", "geboorte.datum"]
    persoon.output_transform = "{naam: .naam.volledigeNaam, geboren: .geboorte.datum.datum}"
    persoon.save()
    Relation.objects.create(
        profile=profile, parent=persoon, name="partner", source=brp_source,
        operation="RaadpleegMetBurgerservicenummer", input_expression='{bsn: "999993847"}',
        fields=["naam.volledigeNaam"], max_calls=1, required=True, order=2,
    )
    profile.output_transform = ".persoon"
    profile.save()
    SearchAction.objects.create(
        profile=profile, name="op-bsn", title="Zoek op BSN", source=brp_source,
        operation="RaadpleegMetBurgerservicenummer",
        criteria=[{"name": "bsn", "type": "bsn", "required": True, "label": "BSN"}],
        columns=[{"name": "bsn", "field": "burgerservicenummer", "label": "BSN"},
                 {"name": "naam", "field": "naam.volledigeNaam", "label": "Naam"}],
        identifier_column="bsn", identifier_type="bsn", order=1,
    )
    SearchAction.objects.create(
        profile=profile, name="op-naam", title="Zoek op naam en geboortedatum", description="Voor de KCC.",
        source=brp_source, operation="ZoekMetGeslachtsnaamEnGeboortedatum",
        criteria=[
            {"name": "achternaam", "param": "geslachtsnaam", "type": "string", "required": True, "label": "Achternaam",
             "validation": {"minLength": 2, "maxLength": 200}, "help": "Een * na 3 letters zoekt op het begin."},
            {"name": "geboortedatum", "type": "date", "required": True},
            {"name": "geslacht", "type": "choice", "validation": {"choices": ["M", "V", "O"]}},
        ],
        columns=[{"name": "bsn", "field": "burgerservicenummer", "label": "BSN"},
                 {"name": "naam", "field": "naam.volledigeNaam", "label": "Naam"},
                 {"name": "geboren", "field": "geboorte.datum", "label": "Geboren"}],
        identifier_column="bsn", identifier_type="bsn", brp_doelbinding="BRPACT-ZoekenAlgemeen", max_results=25, order=2,
    )
    return profile


def full(profile):
    return profile_to_dict(profile, search_actions=True)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_gives_an_identical_profile(tree, fmt):
    before = full(tree)
    text = profile_export(tree, fmt=fmt)
    Profile.objects.all().delete()
    assert not SearchAction.objects.exists()

    imported = profile_import(text)

    assert full(imported) == before
    assert Relation.objects.get(name="partner").parent.name == "persoon"
    assert [a["name"] for a in full(imported)["profile"]["searchActions"]] == ["op-bsn", "op-naam"]
    op_naam = SearchAction.objects.get(profile=imported, name="op-naam")
    assert op_naam.criteria[0]["param"] == "geslachtsnaam" and op_naam.criteria[0]["help"].startswith("Een *")
    assert (op_naam.brp_doelbinding, op_naam.max_results, op_naam.description) == ("BRPACT-ZoekenAlgemeen", 25, "Voor de KCC.")


def test_the_exported_search_actions_name_their_source_and_every_setting(tree):
    actions = full(tree)["profile"]["searchActions"]

    assert actions[1] == {
        "name": "op-naam", "title": "Zoek op naam en geboortedatum", "description": "Voor de KCC.",
        "operation": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "criteria": SearchAction.objects.get(name="op-naam").criteria,
        "columns": SearchAction.objects.get(name="op-naam").columns,
        "identifierColumn": "bsn", "identifierType": "bsn", "brpDoelbinding": "BRPACT-ZoekenAlgemeen",
        "maxResults": 25, "order": 2, "source": "brp",
    }
    # The whole-configuration document carries search actions in a section of its own.
    assert "searchActions" not in profile_to_dict(tree)["profile"]


def test_importing_replaces_the_search_actions_and_a_document_without_them_keeps_them(tree):
    document = full(tree)
    document["profile"]["searchActions"] = [dict(document["profile"]["searchActions"][1], title="Nieuw")]
    import json

    profile_import(json.dumps(document))

    assert list(SearchAction.objects.filter(profile=tree).values_list("name", "title")) == [("op-naam", "Nieuw")]

    del document["profile"]["searchActions"]  # a document from before profiles had search actions
    profile_import(json.dumps(document))

    assert list(SearchAction.objects.filter(profile=tree).values_list("name", "title")) == [("op-naam", "Nieuw")]


def test_importing_over_an_existing_profile_replaces_its_tree_and_keeps_its_grants(tree, grant):
    text = profile_export(tree).replace("max_calls", "max_calls").replace("maxCalls: 1", "maxCalls: 4")
    version = Profile.objects.get(pk=tree.pk).version

    imported = profile_import(text)

    assert imported.pk == tree.pk and imported.version == version + 1
    assert Relation.objects.get(name="partner").max_calls == 4
    assert Grant.objects.filter(profile=tree).exists()


@pytest.mark.parametrize("change, words", [
    (("source: brp", "source: nowhere"), "no source named 'nowhere'"),
    (("operation: RaadpleegMetBurgerservicenummer", "operation: Zoek"), "has no operation 'Zoek'"),
    (("outputTransform: .persoon", "outputTransform: .persoon |||"), "does not compile"),
    (("formatVersion: 1", "formatVersion: 7"), "Unsupported formatVersion 7"),
])
def test_a_broken_document_is_refused_with_a_readable_reason_and_changes_nothing(tree, change, words):
    text = profile_export(tree).replace(*change, 1)
    before = profile_to_dict(tree)
    with pytest.raises(ValidationError, match=words):
        profile_import(text)
    assert profile_to_dict(Profile.objects.get(pk=tree.pk)) == before


@pytest.mark.parametrize("change, words", [
    (("operation: ZoekMetGeslachtsnaamEnGeboortedatum", "operation: ZoekMetIets"), r"searchActions\[1\] \(op-naam\): operation: BRP Personen has no operation 'ZoekMetIets'"),
    (("param: geslachtsnaam", "param: achternaam"), r"takes no parameter\(s\) \['achternaam'\]"),
    (("field: geboorte.datum", "field: verblijfplaats.verblijfadres"), "cannot deliver"),
    (("identifierType: bsn", "identifierType: kvk"), "a kvk identifier could not open it"),
    (("maxResults: 25", "maxResults: many"), "maxResults|max_results"),
    (("name: op-naam", "name: op-bsn"), r"searchActions\[1\] \(op-bsn\): the name is used twice"),
    (("brpDoelbinding: BRPACT-ZoekenAlgemeen", "brpDoelbinding: BRPACT-ZoekenAlgemeen\n    zoekterm: x"), r"unknown keys \['zoekterm'\]"),
])
def test_a_broken_search_action_is_refused_with_a_readable_reason_and_changes_nothing(tree, change, words):
    text = profile_export(tree)
    assert change[0] in text
    # The search actions come after the relations: replace their occurrence, not the relation's.
    head, _, tail = text.partition("searchActions:")
    text = head + "searchActions:" + tail.replace(*change, 1)
    before = full(tree)

    with pytest.raises(ValidationError, match=words):
        profile_import(text)

    assert full(Profile.objects.get(pk=tree.pk)) == before


def test_a_search_action_naming_an_unknown_source_is_refused(tree):
    text = profile_export(tree)
    head, _, tail = text.partition("searchActions:")
    with pytest.raises(ValidationError, match=r"searchActions\[0\]: there is no source named 'nowhere'"):
        profile_import(head + "searchActions:" + tail.replace("source: brp", "source: nowhere", 1))


def test_the_management_commands_round_trip_a_profile(tree, tmp_path, capsys):
    call_command("profile_export", "klantbeeld")
    exported = capsys.readouterr().out
    (tmp_path / "p.yaml").write_text(exported)
    Profile.objects.all().delete()
    call_command("profile_import", str(tmp_path / "p.yaml"))
    assert "Imported profile klantbeeld" in capsys.readouterr().out
    call_command("profile_export", "klantbeeld")
    assert capsys.readouterr().out == exported
    assert "searchActions:" in exported and SearchAction.objects.count() == 2


def test_a_draft_revision_is_edited_apart_and_publishing_switches_it_live(tree, grant):
    draft = profile_draft_create(tree)
    assert draft.status == "draft" and draft.name == tree.name and draft.draft_of == tree
    Relation.objects.filter(profile=draft, name="partner").update(max_calls=9)
    assert Relation.objects.get(profile=tree, name="partner").max_calls == 1  # live untouched

    live = profile_draft_publish(draft)

    assert live.pk == tree.pk and live.status == "active" and live.version == tree.version + 1
    assert Relation.objects.get(profile=live, name="partner").max_calls == 9
    assert not Profile.objects.filter(draft_of=live).exists()
    assert Grant.objects.filter(profile=live).count() == 1


def test_a_draft_revision_carries_the_search_actions_and_publishing_replaces_the_live_ones(tree):
    live_before = full(tree)["profile"]["searchActions"]

    draft = profile_draft_create(tree)

    assert full(draft)["profile"]["searchActions"] == live_before
    SearchAction.objects.filter(profile=draft, name="op-naam").update(title="Zoek op naam", max_results=10)
    SearchAction.objects.filter(profile=draft, name="op-bsn").delete()
    assert full(Profile.objects.get(pk=tree.pk))["profile"]["searchActions"] == live_before  # live untouched

    live = profile_draft_publish(draft)

    assert list(SearchAction.objects.filter(profile=live).values_list("name", "title", "max_results")) == [
        ("op-naam", "Zoek op naam", 10)
    ]
    assert not SearchAction.objects.exclude(profile=live).exists()  # the draft's went with it
