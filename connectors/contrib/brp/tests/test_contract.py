"""Contract test: the requests the BRP connector builds conform to the BRP Personen 2.x spec."""

import responses

from connectors.base import ConnectorRequest
from connectors.contrib.brp.fields import PERSOON_FIELDS
from connectors.contrib.brp.plugin import BrpPersonenConnector
from tests.contracts import assert_request_conforms, source_spec

ROOT = "https://brp.example.org/haalcentraal/api/brp/"


@responses.activate
def test_raadpleeg_requests_conform_to_the_spec_for_every_declared_field(brp_source):
    openapi = source_spec("brp-personen/openapi.yaml", ROOT)
    responses.post(ROOT + "personen", json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})
    connector = BrpPersonenConnector(brp_source.to_config())

    # The API takes at most 130 fields per request; check the declared fields in batches.
    for start in range(0, len(PERSOON_FIELDS), 100):
        fields = PERSOON_FIELDS[start : start + 100]
        connector.run(ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": "999993653"}, fields))

    assert len(responses.calls) == 2
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)
