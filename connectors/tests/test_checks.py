"""Tests of the system checks of configured sources (`manage.py check --database default`)."""

from django.core import checks
from django.db import connection

from connectors.checks import sources_check


def found(**kwargs):
    return {(m.id, m.obj.name) for m in sources_check(databases=["default"], **kwargs)}


def test_a_correct_source_passes_and_without_the_database_tag_nothing_is_checked(brp_source):
    assert found() == set()
    assert sources_check(databases=None) == []


def test_a_source_whose_connector_is_not_installed_is_an_error(brp_source):
    brp_source.connector = "removed"
    brp_source.save()

    (message,) = sources_check(databases=["default"])

    assert message.id == "connectors.E001" and message.level == checks.ERROR
    assert "uses the connector 'removed', which is not installed" in message.msg


def test_a_source_whose_server_is_gone_is_an_error(brp_source):
    # As after a restore that lost the server row: the foreign key points nowhere (checked only
    # at commit, so it is put back before the test ends).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE connectors_source SET service_id = 99999 WHERE id = %s", [brp_source.pk])

    try:
        assert found() == {("connectors.E002", "brp")}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE connectors_source SET service_id = %s WHERE id = %s", [brp_source.service_id, brp_source.pk])


def test_a_server_named_in_the_options_that_does_not_exist_is_an_error(make_server, brp_service):
    from connectors.models import Source

    Source.objects.create(name="zaken", connector="zaken", service=brp_service, options={"catalogi_service": "gone"})

    assert ("connectors.E003", "zaken") in found()


def test_options_the_connector_no_longer_accepts_are_an_error(brp_source):
    brp_source.options = {"protocol_header": True}
    brp_source.save()

    messages = sources_check(databases=["default"])

    assert [m.id for m in messages] == ["connectors.E004"]
    assert "Unknown options: protocol_header" in messages[0].msg


def test_a_server_with_an_nlx_outway_is_an_error_and_missing_credentials_a_warning(brp_source, brp_service):
    brp_service.nlx = "http://outway.example.org:8080/"
    brp_service.save()
    assert found() == {("connectors.E005", "brp")}

    brp_service.nlx = ""
    brp_service.header_value = ""
    brp_service.save()
    (message,) = sources_check(databases=["default"])
    assert message.id == "connectors.W001" and "needs an API key value" in message.msg


def test_the_check_is_registered_with_django():
    assert sources_check in checks.registry.registry.get_checks(include_deployment_checks=False)
