"""klantcontacten with the partij a parent relation already fetched: not asked for again, and
refused unless it is the subject's partij on this server (with `responses`)."""

from __future__ import annotations

import pytest
import responses

from connectors.base import Status
from connectors.contrib.klantinteracties.plugin import KlantinteractiesConnector

from .factories import SUZANNE_BSN, klantcontact, new_uuid, page, persoon_partij
from .test_plugin import KLANTCONTACT_BSN_FILTERS, KLANTCONTACTEN, MEREL, SUZANNE, call, connector, path_of, query_of


@responses.activate
def test_klantcontacten_use_the_partij_a_parent_relation_gave_without_asking_for_it_again(ki_source):
    responses.get(KLANTCONTACTEN, json=page([
        klantcontact("suzanne-1", [SUZANNE]), klantcontact("merel-1", [MEREL], onderwerp="Afspraak paspoort"),
    ]))

    result = connector(ki_source).run(call("klantcontacten", {"bsn": SUZANNE_BSN, "partij": SUZANNE}))

    assert [path_of(c) for c in responses.calls] == ["/klantinteracties/api/v1/klantcontacten"]
    assert query_of(responses.calls[0]) == {**KLANTCONTACT_BSN_FILTERS, "expand": "hadBetrokkenen", "pageSize": "100"}
    assert result.status is Status.OK, result.detail
    assert [k["uuid"] for k in result.data] == [new_uuid("klantcontact/suzanne-1")]
    assert "Dropped 1 klantcontact that no betrokkene" in result.detail


@pytest.mark.parametrize("partij", [
    MEREL,  # another person's partij
    persoon_partij(identificatoren=[]),  # no identificator at all
    {**SUZANNE, "url": "https://elders.example.org/klantinteracties/api/v1/partijen/x", "uuid": None},
    "not a partij",
])
@responses.activate
def test_a_given_partij_that_is_not_the_subjects_on_this_server_is_refused_and_nothing_is_asked(ki_source, partij):
    result = connector(ki_source).run(call("klantcontacten", {"bsn": SUZANNE_BSN, "partij": partij}))

    assert result.status is Status.ERROR
    assert "nothing was asked for" in result.detail or "were not asked for" in result.detail
    assert len(responses.calls) == 0


def test_only_the_klantcontacten_operation_takes_a_partij_object():
    operations = KlantinteractiesConnector.operations
    assert operations["klantcontacten"].item_params == ("partij",)
    assert all(not op.item_params for name, op in operations.items() if name != "klantcontacten")
    assert "partij" not in operations["klantcontacten"].params  # not a search or endpoint parameter
