"""Tests of the engine's dataflow scheduling with fake connectors that wait for events, not for
time: what starts before what, what a failure or the deadline stops, and that nothing is asked
twice. A fake call that waits for an event gives up after a few seconds and then reports whether
the event came, so a scheduling that waits where it should not fails the test instead of hanging.
"""

import threading
import time

import pytest
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from connectors.base import CallContext, Connector, ConnectorResult, Operation, Status
from connectors.models import Source
from connectors.registry import Registry
from profiles.engine.execute import plan_profile, profile_execute
from profiles.definitions.expressions import needs_only_subject
from profiles.models import Profile, Relation
from profiles.subjects import Subject

SUBJECT = Subject("bsn", "999993653")
GIVE_UP = 5.0  # seconds a fake call waits for its event before it reports that it did not come


class Script:
    """What the fake sources do: per operation an event to wait for before answering, and per
    operation an event set the moment it is called."""

    def __init__(self):
        self.called = {}
        self.wait_for = {}
        self.waited = {}
        self.log = []
        self.lock = threading.Lock()

    def started(self, operation: str) -> threading.Event:
        return self.called.setdefault(operation, threading.Event())

    def count(self, operation: str) -> int:
        return sum(1 for op, _ in self.log if op == operation)


def make_registry(script: Script, *, fail=()):
    registry = Registry()

    @registry("fake")
    class Fake(Connector):
        title = "Fake"
        operations = {
            name: Operation(name, "", ("bsn",), ("bsn", "naam", "id", "items", "n", "x"),
                            params=("id", "n"), many=name.endswith("s"))
            for name in ("persoon", "slow", "child", "early", "grandchild", "items", "other")
        }

        def fetch(self, request):
            with script.lock:
                script.log.append((request.operation, dict(request.params)))
            script.started(request.operation).set()
            event = script.wait_for.get(request.operation)
            if event is not None:
                script.waited[request.operation] = event.wait(GIVE_UP)
            if request.operation in fail:
                return ConnectorResult(Status.ERROR, detail=f"{request.operation} is down")
            if request.operation.endswith("s"):
                return ConnectorResult(Status.OK, data=[{"id": "a", "n": 1}, {"id": "b", "n": 2}])
            return ConnectorResult(Status.OK, data={"bsn": request.params.get("bsn"), "naam": request.operation,
                                                    "id": f"{request.operation}-id"})

    return registry


@pytest.fixture
def source(db):
    service = Service.objects.create(label="x", slug="x", api_type=APITypes.orc, api_root="https://x.example.org/",
                                     auth_type=AuthTypes.no_auth)
    return Source.objects.create(name="fake", connector="fake", service=service, timeout=GIVE_UP * 2)


def relation(profile, source, name, operation=None, parent=None, input_expression="", **extra):
    fields = extra.pop("fields", ["bsn", "naam", "id"])
    return Relation.objects.create(profile=profile, parent=parent, name=name, source=source, operation=operation or name,
                                   input_expression=input_expression, fields=fields, **extra)


@pytest.fixture
def profile(db):
    return Profile.objects.create(name="p", title="P", subject_types=["bsn"], status="active")


def execute(profile, registry, *, deadline=GIVE_UP * 3):
    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)
    return profile_execute(
        roots=plan_profile(profile, registry=registry), subject=SUBJECT, context=CallContext(),
        registry=registry, deadline=time.monotonic() + deadline, breaker=None,
    )


def test_a_child_starts_before_an_unrelated_slow_sibling_of_its_parent_has_answered(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "slow")
    relation(profile, source, "child", parent=persoon, input_expression="{id: .id}")
    script = Script()
    script.wait_for["slow"] = script.started("child")  # slow answers only once the child has started

    result = execute(profile, make_registry(script))

    assert script.waited["slow"] is True
    assert result.complete
    assert result.data["persoon"]["child"]["naam"] == "child"


def test_a_relation_fed_by_the_subject_starts_before_the_root_it_hangs_under_answers(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "early", parent=persoon, input_expression="{bsn: $subject.value}")
    script = Script()
    script.wait_for["persoon"] = script.started("early")

    result = execute(profile, make_registry(script))

    assert script.waited["persoon"] is True
    assert script.log.count(("early", {"bsn": SUBJECT.value})) == 1  # started early, not asked again
    # Shown where the profile puts it: under the person.
    assert result.data["persoon"]["early"] == {"bsn": SUBJECT.value, "naam": "early", "id": "early-id"}
    assert result.relations["early"].status is Status.OK and result.relations["early"].calls == 1


def test_a_grandchild_starts_when_its_own_parent_has_answered_not_when_its_level_has(profile, source):
    persoon = relation(profile, source, "persoon")
    child = relation(profile, source, "child", parent=persoon, input_expression="{id: .id}")
    relation(profile, source, "grandchild", parent=child, input_expression="{id: .id}")
    other = relation(profile, source, "other")
    relation(profile, source, "slow", parent=other, input_expression="{id: .id}")  # same level as child
    script = Script()
    script.wait_for["slow"] = script.started("grandchild")

    result = execute(profile, make_registry(script))

    assert script.waited["slow"] is True
    assert result.data["persoon"]["child"]["grandchild"]["naam"] == "grandchild"


def test_a_failing_relation_stops_only_its_own_subtree(profile, source):
    persoon = relation(profile, source, "persoon")
    child = relation(profile, source, "child", parent=persoon, input_expression="{id: .id}")
    relation(profile, source, "grandchild", parent=child, input_expression="{id: .id}")
    relation(profile, source, "early", parent=child, input_expression="{bsn: $subject.value}")
    other = relation(profile, source, "other")
    relation(profile, source, "slow", parent=other, input_expression="{id: .id}")
    script = Script()

    result = execute(profile, make_registry(script, fail={"child"}))

    assert result.relations["child"].status is Status.ERROR
    assert result.relations["grandchild"].status is Status.SKIPPED
    assert result.relations["grandchild"].detail == "Not fetched: relation child failed."
    assert script.count("grandchild") == 0
    # The subject-fed one had already been asked: it says so and counts its call.
    assert result.relations["early"].status is Status.SKIPPED
    assert result.relations["early"].detail == "Not used: relation child failed."
    assert result.relations["early"].calls == 1
    assert "early" in {trace.relation for trace in result.traces}
    # The rest of the tree is not touched by it.
    assert result.relations["slow"].status is Status.OK and result.relations["other"].status is Status.OK
    assert result.data["persoon"]["child"] is None
    assert result.data["other"]["slow"]["naam"] == "slow"


def test_an_early_call_whose_parent_gives_no_item_is_not_waited_for_but_still_listed(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "early", parent=persoon, input_expression="{bsn: $subject.value}")
    script = Script()
    never = threading.Event()
    script.wait_for["early"] = never

    started = time.monotonic()
    result = execute(profile, make_registry(script, fail={"persoon"}))
    elapsed = time.monotonic() - started
    never.set()

    assert elapsed < GIVE_UP / 2  # did not wait for the unneeded early call
    [trace] = [t for t in result.traces if t.relation == "early"]
    assert trace.result.status is Status.SKIPPED and "not waited for" in trace.result.detail


def test_the_deadline_ends_every_call_early_ones_too(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "early", parent=persoon, input_expression="{bsn: $subject.value}")
    relation(profile, source, "child", parent=persoon, input_expression="{id: .id}")
    script = Script()
    never = threading.Event()
    script.wait_for["persoon"] = script.wait_for["early"] = never

    started = time.monotonic()
    result = execute(profile, make_registry(script), deadline=0.2)
    elapsed = time.monotonic() - started
    never.set()

    assert elapsed < 0.2 + 0.15
    assert result.relations["persoon"].status is Status.TIMEOUT
    assert result.data == {"persoon": None}
    assert script.count("child") == 0
    assert {t.relation: t.result.status for t in result.traces} == {"persoon": Status.TIMEOUT, "early": Status.TIMEOUT}


def test_no_call_is_made_twice_in_one_view(profile, source):
    persoon = relation(profile, source, "persoon")
    # The same call three times: at the top, early under the person, and under each of two items.
    relation(profile, source, "other", operation="persoon")
    relation(profile, source, "early", operation="persoon", parent=persoon, input_expression="{bsn: $subject.value}")
    items = relation(profile, source, "items")
    relation(profile, source, "again", operation="persoon", parent=items, input_expression="{bsn: $subject.value}")
    script = Script()

    result = execute(profile, make_registry(script))

    assert sorted(script.log) == [("items", {"bsn": SUBJECT.value}), ("persoon", {"bsn": SUBJECT.value})]
    assert result.data["persoon"]["early"]["naam"] == "persoon"
    assert [item["again"]["naam"] for item in result.data["items"]] == ["persoon", "persoon"]
    assert len(result.calls) == 2


def test_max_calls_still_holds_for_a_relation_started_early(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "child", parent=persoon, max_calls=2,
             input_expression='[{id: "1"}, {id: "2"}, {id: "3"}]')
    script = Script()

    result = execute(profile, make_registry(script))

    assert script.count("child") == 2
    assert "Capped at 2 calls" in result.relations["child"].detail


def test_the_call_records_say_when_each_call_ran_and_what_it_waited_for(profile, source):
    persoon = relation(profile, source, "persoon")
    relation(profile, source, "child", parent=persoon, input_expression="{id: .id}")
    relation(profile, source, "early", parent=persoon, input_expression="{bsn: $subject.value}")

    result = execute(profile, make_registry(Script()))

    records = {record.relation: record for record in result.calls}
    assert [r.relation for r in result.calls] == ["persoon", "early", "child"]
    assert records["persoon"].after == () and records["early"].after == ()
    assert records["child"].after == (0,)
    assert records["child"].start_ms >= records["persoon"].end_ms
    assert all(r.source == "fake" and r.end_ms >= r.start_ms >= 0 for r in result.calls)


@pytest.mark.parametrize("expression, alone", [
    ("{bsn: $subject.value}", True),
    ("$subject | {bsn: .value}", True),
    ('{kvk: $subject["kvk"], soort: "x"}', True),
    ("{bsn: $subject.value, partij: .}", False),
    ("{bsn: .burgerservicenummer}", False),
    ("{bsn}", False),
    ("{bsn: $subject.value | tostring}", False),  # a function: not read, so not trusted
    ('{id: "\\(.id)"}', False),
    (". as $subject | {bsn: $subject.value}", False),
    ("", False),
])
def test_a_relation_starts_early_only_when_its_input_plainly_needs_nothing_but_the_subject(expression, alone):
    assert needs_only_subject(expression) is alone
