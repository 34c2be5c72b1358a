"""Merging identical view computations in flight (profiles/engine/inflight.py), with real threads: N
identical requests at one moment make one fan-out, each still gets its own processing record,
nothing is kept afterwards, and principals with other grants never share."""

from __future__ import annotations

import threading
import time

import pytest
import responses

from profiles.engine import inflight
from profiles.engine.inflight import InflightGroup, view_key
from profiles.subjects import Subject

KEY = ("view", 1)


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


def followers(group: InflightGroup, key) -> int:
    flight = group._flights.get(key)
    return flight.followers if flight else 0


def run_together(group, key, compute, n):
    """Start a leader, let n-1 followers join while it computes, then let it finish."""
    release = threading.Event()
    started = threading.Event()
    results: list = [None] * n

    def leader_compute():
        started.set()
        assert release.wait(5)
        return compute()

    def call(i):
        results[i] = group.run(key, leader_compute, wait_seconds=5)

    threads = [threading.Thread(target=call, args=(0,))]
    threads[0].start()
    assert started.wait(5)
    threads += [threading.Thread(target=call, args=(i,)) for i in range(1, n)]
    for thread in threads[1:]:
        thread.start()
    wait_until(lambda: followers(group, key) == n - 1)
    release.set()
    for thread in threads:
        thread.join(5)
    return results


def test_identical_computations_in_flight_at_the_same_moment_run_once():
    group = InflightGroup()
    calls = []
    result = object()

    results = run_together(group, KEY, lambda: calls.append(1) or result, n=8)

    assert len(calls) == 1
    assert all(value is result for value, _ in results)
    assert [shared for _, shared in results].count(False) == 1  # the leader


def test_nothing_is_kept_after_the_computation_so_a_later_call_computes_again():
    group = InflightGroup()
    calls = []

    run_together(group, KEY, lambda: calls.append(1), n=3)
    assert group.in_flight() == 0 and group._flights == {}

    group.run(KEY, lambda: calls.append(1), wait_seconds=1)
    assert len(calls) == 2


def test_different_keys_do_not_wait_for_each_other():
    group = InflightGroup()
    release = threading.Event()
    thread = threading.Thread(target=lambda: group.run(("a",), lambda: release.wait(5), wait_seconds=5))
    thread.start()
    wait_until(lambda: group.in_flight() == 1)

    value, shared = group.run(("b",), lambda: "b", wait_seconds=5)

    assert (value, shared) == ("b", False)
    release.set()
    thread.join(5)


def test_an_error_of_the_leader_reaches_every_follower_and_is_not_kept():
    group = InflightGroup()

    def boom():
        raise RuntimeError("source bug")

    errors = []
    original_run = group.run

    def run(key, compute, wait_seconds):
        try:
            return original_run(key, compute, wait_seconds=wait_seconds)
        except RuntimeError as exc:
            errors.append(exc)
            return None, None

    group.run = run
    run_together(group, KEY, boom, n=4)

    assert len(errors) == 4
    assert group.in_flight() == 0


def test_a_follower_that_waited_too_long_computes_itself():
    group = InflightGroup()
    release = threading.Event()
    leader = threading.Thread(target=lambda: group.run(KEY, lambda: release.wait(5) and "slow", wait_seconds=5))
    leader.start()
    wait_until(lambda: group.in_flight() == 1)

    value, shared = group.run(KEY, lambda: "own", wait_seconds=0.05)

    assert (value, shared) == ("own", False)
    release.set()
    leader.join(5)


class _Obj:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def key_for(**changes):
    parts = {
        "profile": _Obj(pk=1, version=3),
        "subject": Subject("bsn", "999993653"),
        "purpose_code": "klantcontact",
        "caller": _Obj(name="oidc:j.jansen", on_behalf_of="", gebruiker="j.jansen"),
        "decision": _Obj(grant_ids=(7,), fields=None),
    }
    parts.update(changes)
    return view_key(**parts)


@pytest.mark.parametrize(
    "change",
    [
        {"profile": _Obj(pk=1, version=4)},  # a new version of the profile
        {"subject": Subject("bsn", "999993847")},
        {"purpose_code": "handhaving"},
        {"caller": _Obj(name="oidc:p.pietersen", on_behalf_of="", gebruiker="p.pietersen")},
        {"decision": _Obj(grant_ids=(8,), fields=None)},  # another grant
        {"decision": _Obj(grant_ids=(7,), fields=("persoon.naam",))},  # narrowed
    ],
)
def test_the_key_differs_for_anything_that_changes_the_answer_or_its_accountability(change):
    assert key_for(**change) != key_for()


def test_the_same_zaak_identificatie_at_another_bronorganisatie_is_another_key():
    zaak = Subject("zaak", "ZAAK-1", (("identificatie", "ZAAK-1"),))
    elsewhere = Subject("zaak", "ZAAK-1", (("bronorganisatie", "002220647"), ("identificatie", "ZAAK-1")))

    assert key_for(subject=zaak) != key_for(subject=elsewhere)


def test_the_key_holds_no_identifier_in_plain_text():
    assert "999993653" not in repr(key_for())
    assert key_for() == key_for()


# --- through the view service, with threads and a BRP that answers slowly -----------------------------

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
PERSOON = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}, "geboorte": {"datum": {"datum": "1985-12-01"}}}


@pytest.fixture
def written_records(monkeypatch):
    """The processing records, collected in memory: the in-memory SQLite test database cannot
    take writes from several threads at once (file SQLite with WAL and PostgreSQL can)."""
    from profiles.services import view as services

    records: list[dict] = []
    lock = threading.Lock()

    def open_record(*, fields, subject=None):
        return dict(fields)

    def complete(opened, *, fields):
        with lock:
            records.append({**opened, **fields})

    monkeypatch.setattr(services, "processing_record_open", open_record)
    monkeypatch.setattr(services, "processing_record_complete", complete)
    return records


def concurrent_views(clients_and_tokens, n_each, *, expect_flights):
    """POST identical views from several threads; the BRP answers only when all have joined."""
    from rest_framework.test import APIClient

    seen: dict = {}  # the most followers each flight had: a finished flight leaves the table

    def all_joined() -> bool:
        for key, flight in list(inflight._views._flights.items()):
            seen[key] = max(seen.get(key, 0), flight.followers)
        return sum(seen.values()) == len(clients_and_tokens) * n_each - expect_flights

    def brp(request):
        # Hold the leader(s) until every other request is waiting on a computation.
        # Generous: under a loaded machine five test-client threads take a while to join; the
        # condition ends the wait as soon as they have.
        wait_until(all_joined, timeout=8.0)
        return 200, {}, '{"type": "RaadpleegMetBurgerservicenummer", "personen": [%s]}' % __import__("json").dumps(PERSOON)

    responses.add_callback(responses.POST, PERSONEN_URL, callback=brp)
    answers = []
    lock = threading.Lock()

    def one(token):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = api.post("/api/v1/profiles/klantbeeld/view",
                            {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")
        with lock:
            answers.append((token, response.status_code, response.json()))

    threads = [threading.Thread(target=one, args=(token,)) for token in clients_and_tokens for _ in range(n_each)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return answers


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_identical_views_in_flight_make_one_brp_call_and_each_request_its_own_record(grant, written_records):
    from conftest import TOKEN

    answers = concurrent_views([TOKEN], 5, expect_flights=1)

    assert len(responses.calls) == 1
    assert [status for _, status, _ in answers] == [200] * 5
    assert all(body["data"]["persoon"]["naam"] == {"volledigeNaam": "Suzanne Moulin"} for _, _, body in answers)
    assert len(written_records) == 5 and {r["outcome"] for r in written_records} == {"complete"}
    assert len({r["trace_id"] for r in written_records}) == 5  # each request its own trace
    assert len({body["traceId"] for _, _, body in answers}) == 5
    assert inflight.views_in_flight() == 0


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_principals_with_other_grants_never_share_a_computation(grant, profile, purpose, written_records):
    from profiles.access.api_clients import ApiClient
    from conftest import TOKEN
    from profiles.models import Grant

    narrowed_client = ApiClient(name="KCC")
    narrowed_client.set_new_token("iko_narrowed_kcc_token")
    narrowed_client.save()
    Grant.objects.create(api_client=narrowed_client, profile=profile, purpose=purpose, fields=["persoon.naam"])

    answers = concurrent_views([TOKEN, "iko_narrowed_kcc_token"], 2, expect_flights=2)

    assert len(responses.calls) == 2
    by_token = {}
    for token, status, body in answers:
        assert status == 200
        by_token.setdefault(token, []).append(body["data"]["persoon"])
    assert all("geboorte" in persoon for persoon in by_token[TOKEN])
    assert all(persoon == {"naam": {"volledigeNaam": "Suzanne Moulin"}} for persoon in by_token["iko_narrowed_kcc_token"])


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_merging_can_be_switched_off(grant, settings):
    from conftest import TOKEN

    settings.IKO_MERGE_VIEWS_IN_FLIGHT = False
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {TOKEN}")
    for _ in range(2):
        api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")
    assert len(responses.calls) == 2
