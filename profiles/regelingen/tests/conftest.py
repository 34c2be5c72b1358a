"""Fixtures of the regelingen tests: a profile over the BRP and an inkomensregister (generic
connector), the purpose proactieve-dienstverlening, three regelingen, and the sources' answers
(`responses`) for a person who qualifies and one who does not."""

from __future__ import annotations

import pytest
import responses

from conftest import BRP_ROOT

INKOMENS_ROOT = "https://inkomens.example.org/api/v1/"
PERSONEN_URL = BRP_ROOT + "personen"
MEREL, SUZANNE = "999993847", "999993653"
# What the sources know. Values a test may look for in records and explanations: none may appear.
PERSONS = {
    MEREL: {"burgerservicenummer": MEREL, "leeftijd": 44,
            "kinderen": [{"geboorte": {"datum": {"type": "Datum", "datum": "2019-11-07", "langFormaat": "7 november 2019"}}}]},
    SUZANNE: {"burgerservicenummer": SUZANNE, "leeftijd": 41, "kinderen": []},
}
INKOMENS = {
    MEREL: [{"bsn": MEREL, "jaar": 2024, "bedrag": 17640.0}, {"bsn": MEREL, "jaar": 2025, "bedrag": 18012.0}],
    SUZANNE: [{"bsn": SUZANNE, "jaar": 2025, "bedrag": 43100.0}],
}
VERMOGENS = {
    MEREL: {"burgerservicenummer": MEREL, "peildatum": "2026-01-01", "bedrag": 1250.0},
    SUZANNE: {"burgerservicenummer": SUZANNE, "peildatum": "2026-01-01", "bedrag": 23400.0},
}
INKOMEN_ONDER = '(.persoon.inkomens // [] | max_by(.jaar) | .bedrag) as $b | $b != null and $b < 24000'


@pytest.fixture
def inkomens_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(label="Inkomens", slug="inkomens", api_type=APITypes.orc,
                                     api_root=INKOMENS_ROOT, auth_type=AuthTypes.no_auth, timeout=5)
    source = Source(name="inkomensregister", connector="generic", service=service, timeout=2.0, options={
        "operations": {
            "inkomens": {"path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"],
                         "fields": ["jaar", "bedrag"], "many": True, "items_pointer": "/results",
                         "subject_pointer": "/bsn", "next_pointer": "/next"},
            "vermogen": {"path": "personen/{bsn}/vermogen", "subject_types": ["bsn"],
                         "fields": ["peildatum", "bedrag"], "subject_pointer": "/burgerservicenummer",
                         "not_found_statuses": [404]},
        },
    })
    source.full_clean()  # stores the options as the admin would: with their defaults
    source.save()
    return source


@pytest.fixture
def toets(brp_source, inkomens_source):
    """The profile the regelingen read: age and children (BRP), incomes and assets."""
    from profiles.models import Profile, Relation

    profile = Profile.objects.create(name="regelingentoets", title="Toets", subject_types=["bsn"],
                                     status=Profile.Status.ACTIVE)
    persoon = Relation.objects.create(
        profile=profile, name="persoon", source=brp_source, operation="RaadpleegMetBurgerservicenummer",
        fields=["burgerservicenummer", "leeftijd", "kinderen.geboorte.datum"],
        release_fields=["leeftijd", "kinderen.geboorte.datum"],
    )
    for order, (name, fields) in enumerate((("inkomens", ["jaar", "bedrag"]), ("vermogen", ["peildatum", "bedrag"]))):
        Relation.objects.create(profile=profile, parent=persoon, name=name, source=inkomens_source, operation=name,
                                input_expression="{bsn: .burgerservicenummer}", fields=fields, order=order)
    return profile


@pytest.fixture
def proactief(db):
    from profiles.models import Purpose

    return Purpose.objects.create(code="proactieve-dienstverlening", name="Proactieve dienstverlening",
                                  processing_activity_id="https://register.example.org/va/proactief")


def make_regeling(profile, purpose, name, criteria, **extra):
    from profiles.regelingen.models import Criterion, Regeling

    regeling = Regeling(name=name, title=name.replace("-", " ").capitalize(), profile=profile, purpose=purpose,
                        product_url=f"https://www.example.org/{name}", **extra)
    regeling.full_clean()
    regeling.save()
    for order, (text, expression) in enumerate(criteria):
        criterion = Criterion(regeling=regeling, order=order, text=text, expression=expression)
        criterion.full_clean()
        criterion.save()
    return regeling


@pytest.fixture
def regelingen(toets, proactief):
    """Bijzondere bijstand (age, income, assets), stadspas (income, a child under 18) and a
    regeling for people of 40 and over that reads the BRP only."""
    return [
        make_regeling(toets, proactief, "bijzondere-bijstand", [
            ("U bent 18 jaar of ouder.", ".persoon.leeftijd >= 18"),
            ("Uw inkomen is lager dan 24.000 euro.", INKOMEN_ONDER),
            ("Uw vermogen is lager dan 7.605 euro.", ".persoon.vermogen.bedrag as $v | $v != null and $v < 7605"),
        ], upl_code="http://standaarden.overheid.nl/owms/terms/Bijzondere_bijstand"),
        make_regeling(toets, proactief, "stadspas", [
            ("Uw inkomen is lager dan 24.000 euro.", INKOMEN_ONDER),
            ("U hebt een kind jonger dan 18 jaar.",
             '(now | gmtime | .[0] -= 18 | mktime | todate[0:10]) as $g | any(.persoon.kinderen[]?.geboorte.datum.datum; . > $g)'),
        ]),
        make_regeling(toets, proactief, "veertig-plus", [("U bent 40 jaar of ouder.", ".persoon.leeftijd >= 40")]),
    ]


@pytest.fixture
def suggestion_grant(api_client_with_token, toets, proactief):
    from profiles.models import Grant

    return Grant.objects.create(api_client=api_client_with_token, profile=toets, purpose=proactief)


def answer_sources(rsps, bsn: str, *, inkomens_status: int = 200) -> None:
    """The BRP and the inkomensregister answer for this person (the inkomensregister with a
    problem when `inkomens_status` is not 200)."""
    rsps.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSONS[bsn]]})
    if inkomens_status == 200:
        rsps.get(INKOMENS_ROOT + "inkomens", json={"count": len(INKOMENS[bsn]), "next": None, "results": INKOMENS[bsn]})
        rsps.get(INKOMENS_ROOT + f"personen/{bsn}/vermogen", json=VERMOGENS[bsn])
    else:
        problem = {"type": "about:blank", "title": "Niet beschikbaar", "status": inkomens_status}
        rsps.get(INKOMENS_ROOT + "inkomens", json=problem, status=inkomens_status)
        rsps.get(INKOMENS_ROOT + f"personen/{bsn}/vermogen", json=problem, status=inkomens_status)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def citizen_login(settings, bsn: str, portal: str, level_of_assurance: str = "midden"):
    """The request user of a citizen's login of the citizens' issuer at a portal (self-service on)."""
    from api.citizen_auth import CitizenPrincipal
    from profiles.services.self_service.citizen import Citizen
    from profiles.subjects import Subject

    settings.IKO_CITIZEN_ISSUER = "https://broker.example.org"
    settings.IKO_CITIZEN_AUDIENCE = ["iko-self-service"]
    return CitizenPrincipal(
        citizen=Citizen(subjects=(Subject("bsn", bsn),), portal=portal, level_of_assurance=level_of_assurance),
        issuer=settings.IKO_CITIZEN_ISSUER, token_subject=f"pairwise-{bsn}",
    )
