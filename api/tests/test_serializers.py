"""The view request's fields are copied cheaply per request, and the copies stay independent."""

from api.serializers import SubjectSerializer, ViewRequestSerializer, ViewSubjectSerializer


def test_each_request_gets_its_own_bound_fields_and_the_declared_ones_stay_unbound():
    first = ViewRequestSerializer(data={"subject": {"type": "bsn", "value": "999993653"}, "purpose": "a"})
    second = ViewRequestSerializer(data={"subject": {"type": "kvk", "value": "90004760"}})

    assert first.is_valid() and second.is_valid()
    assert first.fields["purpose"] is not second.fields["purpose"]
    assert first.fields["purpose"].parent is first and second.fields["purpose"].parent is second
    assert first.fields["subject"].fields["type"] is not second.fields["subject"].fields["type"]
    declared = ViewRequestSerializer._declared_fields["purpose"]
    assert declared.parent is None and declared.field_name is None and declared.source is None
    assert SubjectSerializer._declared_fields["type"].parent is None
    assert first.validated_data == {"subject": {"type": "bsn", "value": "999993653"}, "purpose": "a"}
    assert second.validated_data == {"subject": {"type": "kvk", "value": "90004760"}}


def test_the_copies_still_validate_as_declared():
    bad = ViewRequestSerializer(data={"subject": {"type": "x", "value": 1}, "purpose": "not a slug", "onBehalfOf": "y" * 243})
    assert not bad.is_valid()
    assert set(bad.errors) == {"subject", "purpose", "onBehalfOf"}
    assert set(bad.errors["subject"]) == {"type", "value"}


def test_the_huisnummer_copy_keeps_its_range_and_each_copy_its_own_binding():
    for huisnummer, valid in ((0, False), (1, True), (99999, True), (100000, False), ("12", True), ("x", False)):
        request = ViewRequestSerializer(data={"subject": {"type": "adres", "postcode": "3077AW", "huisnummer": huisnummer}})
        assert request.is_valid() is valid, huisnummer
        if valid:
            assert request.validated_data["subject"]["huisnummer"] == int(huisnummer)
        else:
            assert set(request.errors["subject"]) == {"huisnummer"}
    declared = ViewSubjectSerializer._declared_fields["huisnummer"]
    copies = [ViewSubjectSerializer().fields["huisnummer"] for _ in range(2)]
    assert copies[0] is not copies[1] and all(copy is not declared for copy in copies)
    assert all(type(copy) is type(declared) for copy in copies)
    assert copies[0].parent is not copies[1].parent and declared.parent is None and declared.field_name is None
    assert (copies[0].min_value, copies[0].max_value) == (1, 99999)
