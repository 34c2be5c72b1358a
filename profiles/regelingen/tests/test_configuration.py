"""The steps `iko_regelingen` and `iko_prefill_attributes` of a setup_configuration file: exported,
applied idempotently, and checked as the admin checks them (every problem with its place)."""

import pytest
import yaml

from profiles.configuration.document import ConfigurationInvalid
from profiles.configuration.export import configuration_export
from profiles.configuration.apply import configuration_apply
from profiles.regelingen.models import Criterion, PrefillAttribute, Regeling


@pytest.fixture
def attribute(toets):
    attribute = PrefillAttribute(profile=toets, name="vermogen.bedrag", path="persoon.vermogen.bedrag")
    attribute.full_clean()
    attribute.save()
    return attribute


def exported() -> dict:
    return yaml.safe_load(configuration_export())


def test_the_export_holds_the_regelingen_with_their_criteria_in_order_and_the_prefill_attributes(regelingen, attribute):
    document = exported()

    bijstand = document["iko_regelingen"]["items"][0]
    assert (bijstand["name"], bijstand["profile"], bijstand["purpose"]) == (
        "bijzondere-bijstand", "regelingentoets", "proactieve-dienstverlening")
    assert [c["text"] for c in bijstand["criteria"]] == [
        "U bent 18 jaar of ouder.", "Uw inkomen is lager dan 24.000 euro.", "Uw vermogen is lager dan 7.605 euro."]
    assert document["iko_prefill_attributes"]["items"] == [{"profile": "regelingentoets", "name": "vermogen.bedrag",
                                              "path": "persoon.vermogen.bedrag", "source": "inkomensregister", "order": 0}]


def test_applying_the_export_again_changes_nothing(regelingen, attribute):
    text = configuration_export()
    criteria = list(Criterion.objects.values_list("pk", flat=True))

    result = configuration_apply(text=text)

    assert result.changed == []
    assert list(Criterion.objects.values_list("pk", flat=True)) == criteria


def test_applying_replaces_the_criteria_of_a_regeling_when_they_differ(regelingen):
    document = exported()
    document["iko_regelingen"]["items"][0]["criteria"] = [{"text": "U bent 21 jaar of ouder.", "expression": ".persoon.leeftijd >= 21"}]

    result = configuration_apply(text=yaml.safe_dump(document))

    assert [str(c) for c in result.changed] == ["update regeling bijzondere-bijstand: criteria"]
    assert list(Regeling.objects.get(name="bijzondere-bijstand").criteria.values_list("text", "fields_read")) == [
        ("U bent 21 jaar of ouder.", ["persoon.leeftijd"])]


def test_a_criterion_with_an_error_is_refused_with_its_place_in_the_document_and_nothing_changes(regelingen):
    document = exported()
    document["iko_regelingen"]["items"][1]["criteria"][1]["expression"] = ".persoon.kinderen | any("
    document["iko_regelingen"]["items"][2]["title"] = "Veertig en ouder"

    with pytest.raises(ConfigurationInvalid) as caught:
        configuration_apply(text=yaml.safe_dump(document))

    [problem] = caught.value.problems
    assert problem.startswith("iko_regelingen.items[1].criteria[1] (stadspas): expression: This JQ expression does not compile: ")
    assert Regeling.objects.get(name="veertig-plus").title == "Veertig plus"
    assert Regeling.objects.get(name="stadspas").criteria.count() == 2


def test_a_regeling_naming_an_unknown_profile_or_without_criteria_is_a_problem(regelingen):
    document = exported()
    document["iko_regelingen"]["items"][0]["profile"] = "bestaat-niet"
    document["iko_regelingen"]["items"][1]["criteria"] = []

    with pytest.raises(ConfigurationInvalid) as caught:
        configuration_apply(text=yaml.safe_dump(document))

    assert caught.value.problems == [
        "iko_regelingen.items[0]: there is no profile 'bestaat-niet' (neither in this file nor here).",
        "iko_regelingen.items[1] (stadspas): give at least one criterion, as a list of {text, expression}.",
    ]


def test_a_prefill_attribute_without_a_source_gets_its_relations_source_and_reimports_unchanged(toets):
    document = exported()
    document["iko_prefill_attributes"]["items"] = [{"profile": "regelingentoets", "name": "leeftijd", "path": "persoon.leeftijd"}]

    configuration_apply(text=yaml.safe_dump(document))
    again = configuration_apply(text=yaml.safe_dump(document))

    assert PrefillAttribute.objects.get(name="leeftijd").source.name == "brp"
    assert again.changed == []
