"""Tests of the profile engine with a fresh registry of fake connectors: chaining, batches and
caps, dedupe, the circuit breaker, deadlines, partial and failed views, and minimisation."""

import threading
import time

import pytest
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from connectors.base import CallContext, Connector, ConnectorResult, Operation, Status
from connectors.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from connectors.models import Source
from connectors.registry import Registry
from profiles.engine.execute import plan_profile, profile_execute
from profiles.models import Profile, Relation
from profiles.subjects import Subject

SUBJECT = Subject("bsn", "999993653")
ZAAKTYPE_A = "https://catalogi.example.org/zaaktypen/a"
ZAAKTYPE_B = "https://catalogi.example.org/zaaktypen/b"


class Calls:
    def __init__(self):
        self.made = []
        self.lock = threading.Lock()

    def add(self, *item):
        with self.lock:
            self.made.append(item)

    def of(self, operation):
        return [c for c in self.made if c[0] == operation]


def make_registry(calls: Calls, *, fail=(), hang=()):
    registry = Registry()

    @registry("fake")
    class Fake(Connector):
        title = "Fake"
        operations = {
            "persoon": Operation("persoon", "", ("bsn",), ("bsn", "naam", "naam.voornamen", "naam.geslachtsnaam", "adresId", "geheim")),
            "zaken": Operation("zaken", "", ("bsn",), ("identificatie", "zaaktype", "omschrijving"), many=True),
            "zaaktype": Operation("zaaktype", "", (), ("omschrijving", "url"), params=("url",)),
            "adres": Operation("adres", "", (), ("straat", "postcode"), params=("id",)),
        }

        def fetch(self, request):
            calls.add(request.operation, dict(request.params), request.fields, self.source.name)
            if self.source.name in hang:
                time.sleep(5)
            if self.source.name in fail:
                return ConnectorResult(Status.ERROR, detail=f"{self.source.name} is down")
            if request.operation == "persoon":
                return ConnectorResult(Status.OK, data={
                    "bsn": request.params["bsn"], "naam": {"voornamen": "Suzanne", "geslachtsnaam": "Moulin"},
                    "adresId": "A1", "geheim": "over-delivered", "extra": "not asked",
                })
            if request.operation == "zaken":
                return ConnectorResult(Status.OK, data=[
                    {"identificatie": f"Z{i}", "zaaktype": ZAAKTYPE_A if i % 2 else ZAAKTYPE_B, "omschrijving": f"zaak {i}", "bsn": "leak"}
                    for i in range(5)
                ])
            if request.operation == "zaaktype":
                return ConnectorResult(Status.OK, data={"url": request.params["url"], "omschrijving": "type " + request.params["url"][-1]})
            if request.operation == "adres":
                return ConnectorResult(Status.OK, data={"straat": "Boterdiep", "postcode": "3077AW", "huisnummer": 31})
            raise AssertionError(request.operation)

    return registry


@pytest.fixture
def service(db):
    return Service.objects.create(label="x", slug="x", api_type=APITypes.orc, api_root="https://x.example.org/", auth_type=AuthTypes.no_auth)


@pytest.fixture
def sources(service):
    return {name: Source.objects.create(name=name, connector="fake", service=service, timeout=1.0) for name in ("brp", "zaken", "catalogi", "bag")}


@pytest.fixture
def tree(sources):
    profile = Profile.objects.create(name="klantbeeld", title="K", subject_types=["bsn"], status="active")
    persoon = Relation.objects.create(profile=profile, name="persoon", source=sources["brp"], operation="persoon",
                                      fields=["bsn", "naam", "adresId"], release_fields=["naam.voornamen"])
    Relation.objects.create(profile=profile, parent=persoon, name="adres", source=sources["bag"], operation="adres",
                            input_expression="{id: .adresId}", fields=["straat", "postcode"])
    zaken = Relation.objects.create(profile=profile, parent=persoon, name="zaken", source=sources["zaken"], operation="zaken",
                                    input_expression="{bsn: .bsn}", fields=["identificatie", "zaaktype", "omschrijving"],
                                    release_fields=["identificatie", "omschrijving"])
    Relation.objects.create(profile=profile, parent=zaken, name="zaaktype", source=sources["catalogi"], operation="zaaktype",
                            input_expression="{url: .zaaktype}", fields=["omschrijving"])
    return profile


def execute(profile, registry, *, deadline=5.0, breaker=None, transform=""):
    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)
    return profile_execute(
        roots=plan_profile(profile, registry=registry), subject=SUBJECT, context=CallContext(),
        registry=registry, deadline=time.monotonic() + deadline, breaker=breaker, output_transform=transform,
    )


def test_relations_chain_from_person_to_zaken_to_zaaktype_and_to_address(tree):
    calls = Calls()
    result = execute(tree, make_registry(calls))

    assert result.complete
    persoon = result.data["persoon"]
    assert persoon["naam"] == {"voornamen": "Suzanne"}
    assert persoon["adres"] == {"straat": "Boterdiep", "postcode": "3077AW"}
    assert [z["identificatie"] for z in persoon["zaken"]] == ["Z0", "Z1", "Z2", "Z3", "Z4"]
    assert persoon["zaken"][1]["zaaktype"] == {"omschrijving": "type a"}
    assert persoon["zaken"][0]["zaaktype"] == {"omschrijving": "type b"}
    assert calls.of("zaken")[0][1] == {"bsn": "999993653"}
    assert calls.of("adres")[0][1] == {"id": "A1"}


def test_nothing_outside_the_release_fields_leaves_even_when_the_source_over_delivers(tree):
    result = execute(tree, make_registry(Calls()))
    persoon = result.data["persoon"]
    assert "bsn" not in persoon and "adresId" not in persoon and "geheim" not in persoon and "extra" not in persoon
    assert all(set(z) == {"identificatie", "omschrijving", "zaaktype"} for z in persoon["zaken"])


def test_identical_calls_within_one_view_run_once(tree):
    calls = Calls()
    execute(tree, make_registry(calls))
    # Five zaken but only two distinct zaaktype URLs.
    assert sorted(c[1]["url"] for c in calls.of("zaaktype")) == [ZAAKTYPE_A, ZAAKTYPE_B]


def test_a_batch_relation_makes_one_call_per_element_up_to_its_cap(tree, sources):
    zaaktype = Relation.objects.get(name="zaaktype")
    zaaktype.input_expression = '{url: (.zaaktype + "?" + .identificatie)}'
    zaaktype.max_calls = 3
    zaaktype.save()
    calls = Calls()

    result = execute(tree, make_registry(calls))

    assert len(calls.of("zaaktype")) == 3
    zaken = result.data["persoon"]["zaken"]
    assert [z["zaaktype"] is not None for z in zaken] == [True, True, True, False, False]
    assert "Capped at 3 calls" in result.relations["zaaktype"].detail


def test_an_array_input_runs_one_call_per_element(tree, sources):
    persoon = Relation.objects.get(name="persoon")
    Relation.objects.create(profile=tree, parent=persoon, name="adressen", source=sources["bag"], operation="adres",
                            input_expression='[{id: "1"}, {id: "2"}, {id: "3"}]', fields=["straat"])
    calls = Calls()
    result = execute(tree, make_registry(calls))
    assert sorted(c[1]["id"] for c in calls.of("adres")) == ["1", "2", "3", "A1"]
    assert result.data["persoon"]["adressen"] == [{"straat": "Boterdiep"}] * 3


def test_a_failing_relation_marks_its_subtree_and_the_rest_still_answers(tree):
    result = execute(tree, make_registry(Calls(), fail={"zaken"}))

    assert not result.complete
    assert result.relations["zaken"].status is Status.ERROR
    assert result.relations["zaaktype"].status is Status.SKIPPED
    assert "relation zaken failed" in result.relations["zaaktype"].detail
    assert result.data["persoon"]["zaken"] is None
    assert result.data["persoon"]["adres"] == {"straat": "Boterdiep", "postcode": "3077AW"}
    assert result.failed_required == []


def test_a_required_relation_that_fails_is_reported(tree):
    Relation.objects.filter(name="zaken").update(required=True)
    result = execute(tree, make_registry(Calls(), fail={"zaken"}))
    assert result.failed_required == ["zaken"]


def test_a_hanging_source_is_cut_off_at_its_timeout_and_the_view_answers(tree, sources):
    Source.objects.filter(name="bag").update(timeout=0.3)
    started = time.monotonic()
    result = execute(tree, make_registry(Calls(), hang={"bag"}))
    elapsed = time.monotonic() - started

    assert elapsed < 0.3 + 0.15
    assert result.relations["adres"].status is Status.TIMEOUT
    assert result.data["persoon"]["zaken"]


def test_the_view_deadline_stops_all_stages(tree):
    started = time.monotonic()
    result = execute(tree, make_registry(Calls(), hang={"brp"}), deadline=0.2)
    assert time.monotonic() - started < 0.35
    assert result.relations["persoon"].status is Status.TIMEOUT
    assert result.data == {"persoon": None}


def test_the_circuit_opens_after_repeated_failures_and_skips_the_source(tree):
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=60)
    registry = make_registry(calls := Calls(), fail={"bag"})
    execute(tree, registry, breaker=breaker)
    execute(tree, registry, breaker=breaker)
    assert breaker.state("bag") == OPEN

    result = execute(tree, registry, breaker=breaker)

    assert len(calls.of("adres")) == 2
    assert result.relations["adres"].status is Status.SKIPPED
    assert "circuit" in result.relations["adres"].detail


def test_the_breaker_goes_half_open_after_the_cool_down_then_closes_on_success():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=10, clock=lambda: now[0])
    for _ in range(3):
        assert breaker.allow("s")
        breaker.record("s", success=False)
    assert breaker.state("s") == OPEN and not breaker.allow("s")

    now[0] = 10.0
    assert breaker.state("s") == HALF_OPEN
    assert breaker.allow("s")
    assert not breaker.allow("s")  # one trial call at a time
    breaker.record("s", success=True)
    assert breaker.state("s") == CLOSED and breaker.allow("s")


def test_a_failed_trial_call_opens_the_circuit_again():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=10, clock=lambda: now[0])
    breaker.record("s", success=False)
    now[0] = 11.0
    assert breaker.allow("s")
    breaker.record("s", success=False)
    assert breaker.state("s") == OPEN


def test_a_relation_and_a_profile_transform_shape_the_view(tree):
    Relation.objects.filter(name="zaken").update(output_transform="map({id: .identificatie, type: .zaaktype.omschrijving})")
    result = execute(tree, make_registry(Calls()), transform="{naam: .persoon.naam.voornamen, zaken: .persoon.zaken}")
    assert result.data["naam"] == "Suzanne"
    assert result.data["zaken"][1] == {"id": "Z1", "type": "type a"}


def test_an_input_expression_that_fails_at_run_time_is_an_error_of_that_relation(tree):
    Relation.objects.filter(name="adres").update(input_expression=".adresId.nested")
    result = execute(tree, make_registry(Calls()))
    assert result.relations["adres"].status is Status.ERROR
    assert "Input expression failed" in result.relations["adres"].detail
    assert result.relations["zaken"].status is Status.OK


def test_an_input_that_gives_no_parameters_makes_no_call_and_is_not_found(tree):
    Relation.objects.filter(name="adres").update(input_expression="empty")
    calls = Calls()
    result = execute(tree, make_registry(calls))
    assert calls.of("adres") == []
    assert result.relations["adres"].status is Status.NOT_FOUND
    assert result.complete
