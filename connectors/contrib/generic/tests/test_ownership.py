"""The generic connector never passes on data it cannot tie to the subject, unless the admin
marked the operation as not checkable; then every result says so."""

import pytest
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.generic.options import UNCHECKED_WARNING
from connectors.contrib.generic.plugin import GenericJsonConnector

from .answers import INKOMENS_EVERYONE, ROOT, SUZANNE

INKOMENS = {
    "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "fields": ["jaar", "bedrag"],
    "many": True, "items_pointer": "/results",
}


def operations(**changes):
    return {"operations": {"inkomens": {**INKOMENS, **changes}}}


def call():
    return ConnectorRequest("inkomens", {"bsn": SUZANNE}, ("jaar",))


def test_an_operation_keyed_on_a_subject_without_an_ownership_check_is_refused():
    with pytest.raises(ValidationError) as caught:
        GenericJsonConnector.validate_options(operations())

    (message,) = caught.value.messages
    assert message.startswith("operations.inkomens.subject_pointer: required: the JSON Pointer to the subject's identifier")
    assert '"ownership": "unchecked"' in message


def test_such_an_operation_is_refused_at_call_time_too_without_a_call(register_service):
    from connectors.models import Source

    # Stored behind the admin's back (an older release accepted it).
    source = Source.objects.create(name="old", connector="generic", service=register_service, options=operations())

    with responses.RequestsMock() as mocked:
        result = GenericJsonConnector(source.to_config()).run(call())
        assert len(mocked.calls) == 0
    assert result.status is Status.ERROR and "subject_pointer: required" in result.detail


@pytest.mark.parametrize("changes, words", [
    ({"ownership": "unchecked", "subject_pointer": "/bsn"}, '"unchecked" contradicts the subject_pointer'),
    ({"ownership": "trusted"}, 'must be "checked" (the default) or "unchecked"'),
])
def test_the_ownership_marking_is_checked(changes, words):
    with pytest.raises(ValidationError) as caught:
        GenericJsonConnector.validate_options(operations(**changes))

    assert any(words in m for m in caught.value.messages)


def test_an_unchecked_operation_is_stored_as_such_and_declared_with_its_warning():
    cleaned = GenericJsonConnector.validate_options(operations(ownership="unchecked"))

    assert cleaned["operations"]["inkomens"]["ownership"] == "unchecked"
    assert GenericJsonConnector.operations_for(cleaned)["inkomens"].unchecked == UNCHECKED_WARNING


@pytest.mark.parametrize("answer, status", [
    ({"json": INKOMENS_EVERYONE}, Status.OK),
    ({"status": 404}, Status.NOT_FOUND),
    ({"status": 503, "body": ""}, Status.ERROR),
])
@responses.activate
def test_every_result_of_an_unchecked_operation_carries_the_warning(make_source, answer, status):
    source = make_source(operations(ownership="unchecked"))
    responses.get(ROOT + "inkomens", **answer)

    result = GenericJsonConnector(source.to_config()).run(call())

    assert result.status is status
    assert result.warnings == [UNCHECKED_WARNING]
    assert UNCHECKED_WARNING in result.detail


@responses.activate
def test_a_checked_operation_behind_a_source_that_ignores_the_filter_passes_on_only_the_subjects_items(make_source):
    source = make_source(operations(subject_pointer="/bsn"))
    responses.get(ROOT + "inkomens", json=INKOMENS_EVERYONE)

    result = GenericJsonConnector(source.to_config()).run(call())

    assert [item["bsn"] for item in result.data] == [SUZANNE]
    assert result.warnings == [] and "Dropped 2 item(s)" in result.detail
