"""A source's front-door tags and operation aliases in a setup_configuration file: exported only where
a source has them, applied and validated as the admin does, and a source's listed aliases are its
whole set (profiles/configuration/front_door.py)."""

from __future__ import annotations

import pytest
import yaml

from connectors.aliases import OperationAlias
from connectors.models import Source
from profiles.configuration.document import ConfigurationInvalid
from profiles.configuration.export import configuration_export, configuration_to_dict
from profiles.configuration.apply import configuration_apply

PERSONEN = {
    "name": "Personen", "description": "", "operations": ["RaadpleegMetBurgerservicenummer",
                                                          "ZoekMetPostcodeEnHuisnummer"],
    "selectorParam": "type", "selectorValues": {"ZoekMetAdres": "ZoekMetPostcodeEnHuisnummer"},
    "params": {"burgerservicenummer": "bsn", "toevoeging": "huisnummertoevoeging", "id": "bsn"},
    "fixedParams": {}, "fieldsParam": "fields", "resultTransform": "",
}


def document(**source) -> str:
    entry = {"name": "gemeente-brp", "server": "brp", "connector": "brp", **source}
    return yaml.safe_dump({"iko_sources_config_enable": True, "iko_sources": {"items": [entry]}})


@pytest.fixture
def brp_server(brp_service):
    return brp_service


def test_tags_and_aliases_are_imported_and_exported_with_the_source(brp_server):
    result = configuration_apply(text=document(connectorTag="brp", instanceTag="brp1", aliases=[PERSONEN]))

    source = Source.objects.get(name="gemeente-brp")
    assert source.front_door_tags == ("brp", "brp1")
    assert source.aliases.get().as_dict() == PERSONEN
    assert [str(c) for c in result.changes] == ["create source gemeente-brp", "create alias gemeente-brp/Personen"]
    exported = next(s for s in configuration_to_dict()["iko_sources"]["items"] if s["name"] == "gemeente-brp")
    assert (exported["connectorTag"], exported["instanceTag"], exported["aliases"]) == ("brp", "brp1", [PERSONEN])

    again = configuration_apply(text=configuration_export())

    assert {c.action for c in again.changes} == {"unchanged"}


def test_a_source_without_tags_or_aliases_is_exported_without_those_keys(brp_source):
    exported = next(s for s in configuration_to_dict()["iko_sources"]["items"] if s["name"] == "brp")

    assert not {"connectorTag", "instanceTag", "aliases"} & set(exported)


def test_the_aliases_a_source_lists_are_its_whole_set_and_leaving_them_out_keeps_them(brp_server):
    configuration_apply(text=document(aliases=[PERSONEN, {**PERSONEN, "name": "Persoon"}]))

    kept = configuration_apply(text=document())
    assert set(OperationAlias.objects.values_list("name", flat=True)) == {"Personen", "Persoon"}
    assert not [c for c in kept.changes if c.section == "alias"]

    result = configuration_apply(text=document(aliases=[{**PERSONEN, "fieldsParam": ""}]))

    assert list(OperationAlias.objects.values_list("name", "fields_param")) == [("Personen", "")]
    assert sorted(str(c) for c in result.changes if c.section == "alias") == [
        "delete alias gemeente-brp/Persoon", "update alias gemeente-brp/Personen: fieldsParam"]


def test_an_alias_that_does_not_fit_the_source_is_refused_with_where_it_is(brp_server):
    with pytest.raises(ConfigurationInvalid) as caught:
        configuration_apply(text=document(aliases=[{"name": "Personen", "operations": ["zoeken"]},
                                                    {"name": "Personen", "operations": ["zoeken"]}]))

    problems = caught.value.problems
    assert problems[0].startswith("iko_sources.items[0].aliases[0] (Personen): operations: The source has no operation(s) "
                                  "zoeken; it has: RaadpleegMetBurgerservicenummer,")
    assert problems[1] == "iko_sources.items[0].aliases[1] (Personen): listed more than once for source gemeente-brp."
    assert not Source.objects.exists()
    with pytest.raises(ConfigurationInvalid) as caught:
        configuration_apply(text=document(aliases=[{"name": "x", "unknown": 1}]))
    assert caught.value.problems == ["iko_sources.items.0.aliases.0.unknown: Extra inputs are not permitted"]


def test_two_sources_on_the_same_tags_are_refused(brp_server):
    text = yaml.safe_dump({"iko_sources_config_enable": True, "iko_sources": {"items": [
        {"name": "brp-a", "server": "brp", "connector": "brp", "instanceTag": "brp1"},
        {"name": "brp-b", "server": "brp", "connector": "brp", "instanceTag": "brp1"},
    ]}})

    with pytest.raises(ConfigurationInvalid) as caught:
        configuration_apply(text=text)

    assert caught.value.problems == [
        "iko_sources.items[1] (brp-b): instanceTag: Source brp-a already answers on /endpoints/brp/brp1; give this source "
        "another instance tag."]

