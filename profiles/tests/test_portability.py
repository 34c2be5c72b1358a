"""Export, import, and draft revisions of profiles."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from profiles.models import Grant, Profile, Relation
from profiles.portability import profile_draft_create, profile_draft_publish, profile_export, profile_import, profile_to_dict


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
    return profile


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_gives_an_identical_profile(tree, fmt):
    before = profile_to_dict(tree)
    text = profile_export(tree, fmt=fmt)
    Profile.objects.all().delete()

    imported = profile_import(text)

    assert profile_to_dict(imported) == before
    assert Relation.objects.get(name="partner").parent.name == "persoon"


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


def test_the_management_commands_round_trip_a_profile(tree, tmp_path, capsys):
    call_command("profile_export", "klantbeeld")
    exported = capsys.readouterr().out
    (tmp_path / "p.yaml").write_text(exported)
    Profile.objects.all().delete()
    call_command("profile_import", str(tmp_path / "p.yaml"))
    assert "Imported profile klantbeeld" in capsys.readouterr().out
    call_command("profile_export", "klantbeeld")
    assert capsys.readouterr().out == exported


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
