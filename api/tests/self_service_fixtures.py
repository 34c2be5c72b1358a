"""A mijn-omgeving set-up for the self-service API tests, built as an admin would: the BRP source of
the shared fixtures, an inkomensregister (generic connector) and an Open Klant source, the purpose
mijn-omgeving, a profile whose `inkomens` relation needs consent, the portal's self-service grant
and the consent text. Sources are answered with `responses` (see `sources_mock`)."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
import responses

from api.tests.citizen_fixtures import BSN, CHILD_BSN, PARENT_BSN, PORTAL, citizen_token

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
INKOMENS_ROOT = "https://inkomens.example.org/api/"
INKOMENS_URL = INKOMENS_ROOT + "inkomens"
KI_ROOT = "https://openklant.example.org/klantinteracties/api/v1/"
SCOPE = "relation:mijn-omgeving.inkomens"
VIEW = "/api/v1/self-service/profiles/mijn-omgeving/view"


def persoon(bsn: str = BSN, **extra) -> dict:
    return {"burgerservicenummer": bsn, "naam": {"volledigeNaam": "Suzanne Moulin"}, **extra}


def child(*, gezag: list | None = None, leeftijd: int = 11) -> dict:
    default = [{
        "type": "EenhoofdigOuderlijkGezag",
        "minderjarige": {"burgerservicenummer": CHILD_BSN},
        "ouder": {"burgerservicenummer": PARENT_BSN, "naam": {"volledigeNaam": "Manon Maasland"}},
    }]
    return {"burgerservicenummer": CHILD_BSN, "naam": {"volledigeNaam": "Maya Maasland"}, "leeftijd": leeftijd,
            "gezag": default if gezag is None else gezag}


def brp_answer(person: dict) -> dict:
    return {"type": "RaadpleegMetBurgerservicenummer", "personen": [person]}


def inkomens_answer(bsn: str = BSN) -> dict:
    return {"results": [{"bsn": bsn, "jaar": 2025, "bedrag": 43100.0, "soort": "loon"}], "next": None}


class SourcesMock(responses.RequestsMock):
    """`responses` for the sources, keeping the requests sent to them after the block ends; the
    OIDC providers on 127.0.0.1 are reached for real and are not counted."""

    LOOPBACK = "http://127.0.0.1"
    recorded: list | None = None

    def __exit__(self, *exc_info):
        self.recorded = self.outgoing()
        return super().__exit__(*exc_info)

    def outgoing(self) -> list:
        if self.recorded is not None:
            return self.recorded
        return [call for call in self.calls if not call.request.url.startswith(self.LOOPBACK)]


@contextmanager
def sources_mock():
    with SourcesMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(SourcesMock.LOOPBACK)
        yield mock


def calls_to(mock: SourcesMock, url_start: str) -> list:
    return [call for call in mock.outgoing() if call.request.url.startswith(url_start)]


def sent_body(call) -> dict:
    return json.loads(call.request.body)


@pytest.fixture
def mijn_omgeving(db, brp_source):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source
    from profiles.consent.models import ConsentText
    from profiles.models import Grant, Profile, Purpose, Relation

    purpose = Purpose.objects.create(code="mijn-omgeving", name="Own data for citizens", legal_basis="AVG art. 15",
                                     processing_activity_id="https://register.example.org/va/mijn-omgeving",
                                     brp_doelbinding_consult="BRPACT-AlgemeneTaken")
    brp_source.options = {"protocol_headers": True}
    brp_source.save()
    inkomens_service = Service.objects.create(label="Inkomens", slug="inkomens", api_type=APITypes.orc,
                                              api_root=INKOMENS_ROOT, auth_type=AuthTypes.no_auth, timeout=5)
    inkomens = Source.objects.create(name="inkomensregister", connector="generic", service=inkomens_service, timeout=2.0,
                                     options={"operations": {"inkomens": {
                                         "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"],
                                         "fields": ["jaar", "bedrag", "soort"], "many": True,
                                         "items_pointer": "/results", "subject_pointer": "/bsn",
                                         "next_pointer": "/next"}}})
    ki_service = Service.objects.create(label="Open Klant", slug="openklant", api_type=APITypes.orc, api_root=KI_ROOT,
                                        auth_type=AuthTypes.api_key, header_key="Authorization",
                                        header_value="Token ok-token", timeout=5)
    Source.objects.create(name="klantinteracties", connector="klantinteracties", service=ki_service, timeout=2.0)
    profile = Profile.objects.create(name="mijn-omgeving", title="Mijn omgeving", subject_types=["bsn"],
                                     status=Profile.Status.ACTIVE)
    persoon_relation = Relation.objects.create(
        profile=profile, name="persoon", source=brp_source, operation="RaadpleegMetBurgerservicenummer",
        fields=["burgerservicenummer", "naam.volledigeNaam"],
    )
    Relation.objects.create(profile=profile, parent=persoon_relation, name="inkomens", source=inkomens,
                            operation="inkomens", input_expression="{bsn: .burgerservicenummer}",
                            fields=["jaar", "bedrag", "soort"], needs_consent=True)
    Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile, purpose=purpose, is_default=True)
    ConsentText.objects.create(scope_kind="relation", profile_name="mijn-omgeving", relation_name="inkomens",
                               version="1", title="Uw inkomens", text="Ik geef toestemming.")
    return profile


@pytest.fixture
def as_citizen(api, citizen_issuer):
    """The API client with a citizen's token; call `as_citizen(bsn=..., ...)` for another login."""

    def login(**claims):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(citizen_issuer, **claims)}")
        return api

    login()
    return login
