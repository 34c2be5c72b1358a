"""Tests of the admin-facing validation of profiles, relations, purposes and sources."""

import pytest
from django.core.exceptions import ValidationError

from profiles.models import ProcessingRecord, Profile, Purpose, Relation


def test_a_relation_with_an_unknown_operation_is_explained(profile, brp_source):
    relation = Relation(profile=profile, name="x", source=brp_source, operation="Zoek", fields=["naam"])
    with pytest.raises(ValidationError) as excinfo:
        relation.full_clean()
    assert "has no operation 'Zoek'" in str(excinfo.value)
    assert "RaadpleegMetBurgerservicenummer" in str(excinfo.value)


def test_a_relation_asking_for_fields_the_connector_cannot_deliver_is_explained(profile, brp_source):
    relation = Relation(
        profile=profile, name="x", source=brp_source, operation="RaadpleegMetBurgerservicenummer",
        fields=["naam", "schoenmaat"],
    )
    with pytest.raises(ValidationError, match="cannot deliver"):
        relation.full_clean()


def test_a_relation_needs_at_least_one_field(profile, brp_source):
    relation = Relation(profile=profile, name="x", source=brp_source, operation="RaadpleegMetBurgerservicenummer", fields=[])
    with pytest.raises(ValidationError, match="at least one field"):
        relation.full_clean()


def test_a_relation_for_another_subject_type_is_explained(brp_source):
    company = Profile.objects.create(name="bedrijf", title="Bedrijf", subject_types=["kvk"])
    relation = Relation(profile=company, name="x", source=brp_source, operation="RaadpleegMetBurgerservicenummer", fields=["naam"])
    with pytest.raises(ValidationError, match="takes \\['bsn'\\]"):
        relation.full_clean()


@pytest.mark.parametrize("types, words", [([], "at least one"), (["passport"], "Unknown subject types"), ("bsn", "at least one")])
def test_a_profile_needs_known_subject_types(db, types, words):
    with pytest.raises(ValidationError, match=words):
        Profile(name="p", title="P", subject_types=types).full_clean()


def test_saving_a_profile_raises_its_version(profile):
    assert profile.version == 1
    profile.title = "Klantbeeld 2"
    profile.save()
    assert profile.version == 2


def test_a_verwerking_with_two_at_signs_is_refused(db):
    with pytest.raises(ValidationError, match="at most one"):
        Purpose(code="x", name="x", brp_verwerking="a@b@c").full_clean()


def test_a_source_with_an_unknown_connector_is_explained(brp_service):
    from connectors.models import Source

    with pytest.raises(ValidationError, match="No connector 'nope'"):
        Source(name="x", connector="nope", service=brp_service).full_clean()


def test_a_source_naming_an_unknown_linked_server_is_explained(brp_service):
    from connectors.models import Source

    source = Source(name="x", connector="brp", service=brp_service, options={"catalogi_service": "nope"})
    with pytest.raises(ValidationError, match="No server with these slugs: catalogi_service=nope"):
        source.full_clean()


def _record(**overrides):
    values = dict(
        trace_id="a" * 32, span_id="b" * 16, actor="x", purpose_code="p", profile_name="klantbeeld",
        subject_type="bsn", subject_pseudonym="c" * 64, outcome="complete", http_status=200, duration_ms=1.0,
    )
    values.update(overrides)
    return ProcessingRecord.objects.create(**values)


def test_a_processing_record_cannot_be_changed_or_deleted(db):
    record = _record()
    record.actor = "someone else"
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        ProcessingRecord.objects.all().delete()
    with pytest.raises(TypeError):
        ProcessingRecord.objects.filter(pk=record.pk).update(actor="x")
    assert ProcessingRecord.objects.get().actor == "x"
