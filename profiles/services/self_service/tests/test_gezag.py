"""Machtigen: the BRP's gezag of the child decides, read from the demo BRP (the official test
persons, converted to BRP Personen 2.x) through the real connector on loopback."""

from __future__ import annotations

import pytest

from connectors.registry import registry
from demo.servers.brp import BrpServer
from demo.universe import GEZAGHOUDER, MINOR_CHILD, PERSONS
from profiles.models import ProcessingRecord, Purpose
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.gezag import gezag_check, gezag_holders, gezag_holds
from profiles.services.self_service.refusals import NoGezag
from profiles.subjects import Subject
from profiles.tracing import trace_from_header

pytestmark = pytest.mark.integration

CHILD = Subject("bsn", MINOR_CHILD["bsn"])
PARENT = Subject("bsn", GEZAGHOUDER["bsn"])
STRANGER = Subject("bsn", PERSONS[0]["bsn"])


@pytest.fixture
def loopback_brp(brp_service):
    with BrpServer() as server:
        brp_service.api_root = server.api_root
        brp_service.auth_type = "no_auth"
        brp_service.save()
        yield server


def citizen(subject: Subject) -> Citizen:
    return Citizen(subjects=(subject,), portal="portal", level_of_assurance="midden")


def check(subject: Subject, child: Subject = CHILD) -> None:
    gezag_check(citizen=citizen(subject), child=child, purpose=Purpose(code="mijn-omgeving"),
                trace=trace_from_header(None), registry=registry)


def test_the_demo_brp_names_the_gezaghouder_of_the_minor_child(loopback_brp, brp_source):
    check(PARENT)

    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.sources) == ("gezag-check", "complete", {"brp": "ok"})


@pytest.mark.parametrize("who, child", [(STRANGER, CHILD), (PARENT, STRANGER), (CHILD, PARENT)],
                         ids=["a-stranger", "an-adult-as-child", "the-child-for-its-parent"])
def test_anyone_else_is_refused(loopback_brp, brp_source, who, child):
    with pytest.raises(NoGezag):
        check(who, child)

    assert ProcessingRecord.objects.get().reason == "no-gezag"


def test_the_holders_of_each_kind_of_gezag_are_read_from_the_relation_that_names_the_minor():
    minor = "111111110"
    relaties = [
        {"type": "GezamenlijkOuderlijkGezag", "minderjarige": {"burgerservicenummer": minor},
         "ouders": [{"burgerservicenummer": "1"}, {"burgerservicenummer": "2"}]},
        {"type": "GezamenlijkGezag", "minderjarige": {"burgerservicenummer": minor},
         "ouder": {"burgerservicenummer": "3"}, "derde": {"type": "BekendeDerde", "burgerservicenummer": "4"}},
        {"type": "Voogdij", "minderjarige": {"burgerservicenummer": minor}, "derden": [{"burgerservicenummer": "5"}]},
        {"type": "GezagNietTeBepalen", "minderjarige": {"burgerservicenummer": minor}, "toelichting": "?"},
        {"type": "EenhoofdigOuderlijkGezag", "minderjarige": {"burgerservicenummer": "999"}, "ouder": {"burgerservicenummer": "6"}},
    ]

    assert gezag_holders({"gezag": relaties}, minor) == {"1", "2", "3", "4", "5"}


def test_a_person_of_age_has_no_gezaghouder_whatever_the_data_says():
    persoon = {"burgerservicenummer": CHILD.value, "leeftijd": 18, "gezag": [
        {"type": "EenhoofdigOuderlijkGezag", "minderjarige": {"burgerservicenummer": CHILD.value},
         "ouder": {"burgerservicenummer": PARENT.value}}]}

    assert gezag_holds(persoon, child=CHILD, parent=PARENT) is False
    assert gezag_holds({**persoon, "leeftijd": 17}, child=CHILD, parent=PARENT) is True
