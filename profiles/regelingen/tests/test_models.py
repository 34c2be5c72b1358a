"""Save-time checks of regelingen, criteria and prefill attributes: errors in words, fields read
derived from the paths, the source of an attribute derived from its relation."""

import pytest
from django.core.exceptions import ValidationError

from profiles.regelingen.models import Criterion, PrefillAttribute, Regeling, SuggestionRecord


@pytest.fixture
def regeling(toets, proactief):
    return Regeling.objects.create(name="bijzondere-bijstand", title="Bijzondere bijstand", profile=toets,
                                   purpose=proactief)


def criterion_errors(regeling, expression):
    criterion = Criterion(regeling=regeling, order=0, text="Uitleg", expression=expression)
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    return caught.value.message_dict["expression"]


def test_a_rule_expression_that_does_not_compile_is_refused_at_save_time_with_the_error_in_words(regeling):
    [message] = criterion_errors(regeling, ".persoon.leeftijd >=")

    assert message.startswith("This JQ expression does not compile: ")
    assert "syntax error" in message and "compile error" not in message


def test_a_rule_that_reads_a_field_the_view_does_not_have_is_refused_with_the_paths_named(regeling):
    [message] = criterion_errors(regeling, ".persoon.inkomen.bruto < 20000 and .leeftijd > 18")

    assert message == (
        "This predicate reads leeftijd, persoon.inkomen.bruto, which the view of profile regelingentoets does "
        "not have. Paths start with the relation's name, for example .persoon.leeftijd."
    )


def test_an_empty_rule_is_refused(regeling):
    assert criterion_errors(regeling, "  ") == ["Write the predicate, for example .persoon.leeftijd >= 18."]


def test_a_saved_rule_keeps_the_field_names_it_reads(regeling):
    criterion = Criterion(regeling=regeling, text="Uitleg",
                          expression="  .persoon.vermogen.bedrag < 7605 and .persoon.leeftijd >= 18 ")
    criterion.full_clean()
    criterion.save()

    criterion.refresh_from_db()
    assert criterion.expression == ".persoon.vermogen.bedrag < 7605 and .persoon.leeftijd >= 18"
    assert criterion.fields_read == ["persoon.leeftijd", "persoon.vermogen.bedrag"]


def test_a_upl_code_on_more_than_one_line_is_refused(regeling):
    regeling.upl_code = "Bijzondere\nbijstand"
    with pytest.raises(ValidationError) as caught:
        regeling.full_clean()
    assert caught.value.message_dict["upl_code"] == ["Give the UPL name or URI on one line."]


def test_a_prefill_attribute_takes_the_source_of_the_relation_its_path_lies_in(toets, inkomens_source):
    attribute = PrefillAttribute(profile=toets, name="vermogen.bedrag", path="persoon.vermogen.bedrag")
    attribute.full_clean()

    assert attribute.source == inkomens_source


def test_a_prefill_attribute_naming_another_source_than_its_relations_is_refused(toets, brp_source):
    attribute = PrefillAttribute(profile=toets, name="vermogen.bedrag", path="persoon.vermogen.bedrag",
                                 source=brp_source)
    with pytest.raises(ValidationError) as caught:
        attribute.full_clean()
    assert caught.value.message_dict["source"] == [
        "The path lies in relation vermogen, whose data come from source inkomensregister."
    ]


@pytest.mark.parametrize("name, path, field, message", [
    ("inkomen bruto", "persoon.inkomens.bedrag", "name",
     "Use letters, digits and _ in parts joined by dots, for example inkomen.brutoJaar."),
    ("inkomen.brutoJaar", "persoon.inkomens.brutoJaar", "path",
     "The view of profile regelingentoets has no persoon.inkomens.brutoJaar. Paths start with the relation's "
     "name, for example persoon.naam.voornamen."),
])
def test_a_prefill_attribute_with_a_bad_name_or_path_is_refused_in_words(toets, name, path, field, message):
    attribute = PrefillAttribute(profile=toets, name=name, path=path)
    with pytest.raises(ValidationError) as caught:
        attribute.full_clean()
    assert caught.value.message_dict[field] == [message]


@pytest.mark.django_db
def test_suggestion_records_are_append_only():
    record = SuggestionRecord.objects.create(action="suggestions", trace_id="a" * 32, span_id="b" * 16,
                                             profile_name="p", purpose_code="q")
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        SuggestionRecord.objects.all().delete()
    with pytest.raises(TypeError):
        SuggestionRecord.objects.update(eligible=3)


@pytest.mark.django_db
def test_the_processing_log_purge_removes_suggestion_records_past_the_retention_period_too(settings):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.db import models
    from django.utils import timezone

    settings.IKO_PROCESSING_LOG_RETENTION_DAYS = 30
    old, new = (SuggestionRecord.objects.create(action="suggestions", trace_id=c * 32, span_id=c * 16,
                                                profile_name="p", purpose_code="q") for c in "ab")
    models.QuerySet.update(SuggestionRecord.objects.filter(pk=old.pk), created_at=timezone.now() - timedelta(days=31))
    output = StringIO()

    call_command("processing_log_purge", stdout=output)

    assert list(SuggestionRecord.objects.values_list("pk", flat=True)) == [new.pk]
    assert "Suggestion records beside them: 1 deleted." in output.getvalue()
