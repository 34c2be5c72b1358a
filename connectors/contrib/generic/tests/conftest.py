"""Fixtures of the generic connector's tests: a register server and a source on it whose options
describe the demo inkomensregister (demo/servers/generic_openapi.yaml)."""

from __future__ import annotations

import copy

import pytest

from connectors.contrib.generic import plugin  # noqa: F401  (registers the connector)

from .answers import ROOT

OPTIONS = {
    "operations": {
        "inkomens": {
            "description": "Yearly incomes of a person.",
            "path": "inkomens",
            "query": {"bsn": "{bsn}"},
            "subject_types": ["bsn"],
            "fields": ["bsn", "jaar", "bedrag", "bron", "soort"],
            "many": True,
            "items_pointer": "/results",
            "subject_pointer": "/bsn",
            "next_pointer": "/next",
        },
        "inkomens_in_jaar": {
            "path": "inkomens",
            "query": {"bsn": "{bsn}", "jaar": "{jaar}"},
            "subject_types": ["bsn"],
            "params": ["jaar"],
            "fields": ["bsn", "jaar", "bedrag"],
            "many": True,
            "items_pointer": "/results",
            "subject_pointer": "/bsn",
        },
        "uitkeringen": {
            "path": "personen/{bsn}/uitkeringen",
            "subject_types": ["bsn"],
            "fields": ["regeling", "ingangsdatum", "einddatum", "bedragPerMaand", "status"],
            "many": True,
            "items_pointer": "/_embedded/uitkeringen",
            "subject_pointer": "/burgerservicenummer",
            "not_found_statuses": [404],
        },
        "uitkeringen_overzicht": {
            "path": "personen/{bsn}/uitkeringen",
            "subject_types": ["bsn"],
            "fields": ["burgerservicenummer", "_embedded.uitkeringen"],
            "subject_pointer": "/burgerservicenummer",
        },
    },
    "max_items": 50,
    "max_pages": 3,
}


@pytest.fixture
def register_service(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label="Inkomensregister", slug="inkomensregister", api_type=APITypes.orc, api_root=ROOT,
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="register-secret", timeout=5,
    )


@pytest.fixture
def options():
    return copy.deepcopy(OPTIONS)


@pytest.fixture
def make_source(register_service):
    """Build and validate a source the way the admin does (`full_clean` runs validate_options)."""
    from connectors.models import Source

    def make(options, name="inkomensregister"):
        source = Source(name=name, connector="generic", service=register_service, options=options, timeout=2.0)
        source.full_clean()
        source.save()
        return source

    return make


@pytest.fixture
def generic_source(make_source, options):
    return make_source(options)


@pytest.fixture
def connector(generic_source):
    from connectors.contrib.generic.plugin import GenericJsonConnector

    return GenericJsonConnector(generic_source.to_config())
