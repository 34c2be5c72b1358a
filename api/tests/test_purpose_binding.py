"""Purpose binding end to end through the API: deny by default for every principal, narrowed
grants, no citizen from the staff issuer, group and role grants, valid from/until, and the purpose
headers that go to the BRP. Deny by default, and the purpose goes with every call."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.tests.oidc_provider import oidc, oidc_provider  # noqa: F401 (fixtures)
from profiles.models import Grant, ProcessingRecord, Purpose
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import is_valid_bsn

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
OTHER_BSN = "999993847"
PERSOON = {
    "burgerservicenummer": BSN,
    "naam": {"volledigeNaam": "Suzanne Moulin", "voornamen": "Suzanne"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "verblijfplaats": {"type": "Adres", "verblijfadres": {"officieleStraatnaam": "Boterdiep", "huisnummer": 31, "postcode": "3077AW"}},
}
PORTAL = "mijn-gemeente"


def random_valid_bsns(count: int, seed: int = 5) -> list[str]:
    """Distinct random BSNs that pass the eleven test: 8 random digits and the check digit."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        digits = [rng.randrange(10) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check == 10:
            continue
        bsn = "".join(map(str, digits)) + str(check)
        if is_valid_bsn(bsn):
            found[bsn] = None
    return list(found)


def view(api, bsn=BSN, purpose="klantcontact", **extra):
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    body = {"subject": {"type": "bsn", "value": bsn}, **{k: v for k, v in extra.items() if k not in headers}}
    if purpose:
        body["purpose"] = purpose
    return api.post("/api/v1/profiles/klantbeeld/view", body, format="json", **headers)


def brp_answers(persoon=PERSOON):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [persoon]})


def sent_fields() -> list[str]:
    return json.loads(responses.calls[-1].request.body)["fields"]


# --- deny by default -------------------------------------------------------------------------------


def test_a_thousand_random_bsns_without_a_grant_make_no_call_release_nothing_and_leave_a_thousand_denials(
    authed_api, profile, purpose, settings
):
    settings.IKO_GRANT_CACHE_SECONDS = 600  # the loop may take longer than the default 5 s
    bsns = random_valid_bsns(1000)
    assert len(set(bsns)) == 1000 and all(is_valid_bsn(b) for b in bsns)

    statuses, leaked = set(), []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as sources:  # nothing registered
        with CaptureQueriesContext(connection) as queries:
            for bsn in bsns:
                response = view(authed_api, bsn=bsn)
                statuses.add(response.status_code)
                body = response.json()
                if "data" in body or "Suzanne" in response.content.decode():
                    leaked.append(bsn)
        outgoing = len(sources.calls)

    assert statuses == {403}
    assert leaked == []
    assert outgoing == 0
    denials = ProcessingRecord.objects.filter(outcome="denied", reason="no-grant", http_status=403)
    assert denials.count() == 1000
    assert set(denials.values_list("subject_pseudonym", flat=True)) == {
        subject_pseudonym(subject_type="bsn", value=b) for b in bsns
    }
    stored = json.dumps(list(denials.values()), default=str)
    assert not any(b in stored for b in bsns)
    # Grant resolution: one small query when cold, then from the cache.
    assert sum("profiles_grant" in q["sql"] for q in queries.captured_queries) <= 1


def test_a_session_user_without_a_group_grant_is_denied_like_anyone_else(api, profile, purpose):
    user = get_user_model().objects.create_user("beheerder", password="x", is_staff=True, is_superuser=True)
    api.force_login(user)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as sources:
        response = view(api)

    assert response.status_code == 403 and len(sources.calls) == 0
    record = ProcessingRecord.objects.get()
    assert (record.outcome, record.actor, record.actor_type) == ("denied", "user:beheerder", "user")


def test_an_unknown_purpose_is_denied_and_logged_as_such(authed_api, grant):
    response = view(authed_api, purpose="bestaat-niet")

    assert response.status_code == 403
    assert ProcessingRecord.objects.get().reason == "unknown-purpose"


# --- narrowed grants -------------------------------------------------------------------------------


@responses.activate
def test_a_grant_narrowed_to_fewer_fields_never_releases_the_others(authed_api, grant):
    grant.fields = ["persoon.naam.volledigeNaam"]
    grant.save()
    brp_answers()  # the source sends everything, whatever IKO asks

    response = view(authed_api)

    assert response.status_code == 200
    assert response.json()["data"] == {"persoon": {"naam": {"volledigeNaam": "Suzanne Moulin"}}}
    assert sent_fields() == ["burgerservicenummer", "naam.volledigeNaam"]  # fewer fields asked, too
    for secret in ("1985", "Boterdiep", "3077AW", "Suzanne\""):
        assert secret not in response.content.decode().replace("Suzanne Moulin", "")
    record = ProcessingRecord.objects.get()
    assert record.fields_released == ["persoon.naam.volledigeNaam"]
    assert record.fields_withheld == ["persoon.geboorte.datum", "persoon.verblijfplaats.verblijfadres"]
    assert record.grant_id == grant.pk


@responses.activate
def test_a_narrowed_grant_also_cuts_a_profile_with_an_output_transform(authed_api, grant, profile):
    profile.output_transform = "{naam: .persoon.naam.volledigeNaam, geboren: .persoon.geboorte.datum.datum}"
    profile.save()
    grant.fields = ["naam"]
    grant.save()
    brp_answers()

    response = view(authed_api)

    assert response.json()["data"] == {"naam": "Suzanne Moulin"}
    assert ProcessingRecord.objects.get().fields_withheld == ["geboren"]


# --- self-service: citizens come only from the citizens' issuer --------------------------------------
# (Citizens' own views, through the citizens' issuer, are in test_self_service_view.py.)


@pytest.fixture
def self_service(oidc, profile, purpose, brp_source):
    brp_source.options = {"protocol_headers": True}
    brp_source.save()
    purpose.brp_doelbinding_consult = "BRPACT-AlgemeneTaken"
    purpose.save()
    return Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile, purpose=purpose)


def citizen_token(provider, bsn=BSN, **claims) -> str:
    """A token of the STAFF issuer that names a citizen, as a portal might wrongly pass on."""
    return provider.access_token(azp=PORTAL, bsn=bsn, preferred_username=bsn, **claims)


def refused_without_a_call(api, bsn):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as sources:
        sources.add_passthru("http://127.0.0.1")
        response = view(api, bsn=bsn)
        outgoing = [c for c in sources.calls if "brp.example.org" in c.request.url]
    assert outgoing == []
    return response


def test_a_staff_issuer_token_that_names_a_citizen_is_refused_on_the_staff_paths_with_nothing_called(
    api, self_service, oidc,
):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(oidc)}")

    response = refused_without_a_call(api, OTHER_BSN)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid-token"
    assert "citizens' issuer" in response.json()["detail"]
    assert BSN not in response.content.decode()
    assert not ProcessingRecord.objects.exists()


def test_a_staff_issuer_token_that_names_a_citizen_does_not_get_even_that_citizens_own_data(api, self_service, oidc):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(oidc)}")

    assert refused_without_a_call(api, BSN).status_code == 401


def test_a_staff_issuer_token_that_names_a_citizen_is_refused_whatever_staff_role_it_carries(
    api, self_service, oidc, profile, purpose,
):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(oidc)}")  # the test user has role kcc

    assert refused_without_a_call(api, OTHER_BSN).status_code == 401
    assert refused_without_a_call(api, BSN).status_code == 401


# --- group and role grants -------------------------------------------------------------------------


def test_a_role_grant_lets_a_passed_on_access_token_build_a_view(api, oidc, profile, purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, is_default=True)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {oidc.access_token()}")

    with responses.RequestsMock() as sources:
        sources.add_passthru("http://127.0.0.1")
        sources.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
        response = view(api, purpose=None)  # Valtimo sends no purpose: the role's default is used

    assert response.status_code == 200, response.content
    assert response.json()["purpose"] == "klantcontact"
    record = ProcessingRecord.objects.get()
    assert (record.actor, record.actor_type, record.calling_system, record.on_behalf_of) == (
        "oidc:j.jansen", "oidc", "valtimo", "j.jansen",
    )


def test_a_token_without_the_granted_role_is_denied(api, oidc, profile, purpose):
    Grant.objects.create(kind="role", role="wmo-consulent", profile=profile, purpose=purpose)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {oidc.access_token()}")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as sources:
        sources.add_passthru("http://127.0.0.1")
        assert view(api).status_code == 403


@responses.activate
def test_a_group_grant_lets_staff_in_that_group_use_the_profile_with_their_session(api, profile, purpose):
    group = Group.objects.create(name="kcc")
    Grant.objects.create(kind="group", group=group, profile=profile, purpose=purpose)
    user = get_user_model().objects.create_user("medewerker", password="x")
    user.groups.add(group)
    api.force_login(user)
    brp_answers()

    response = view(api)

    assert response.status_code == 200
    assert ProcessingRecord.objects.get().actor == "user:medewerker"


def test_the_profile_list_and_schema_use_the_same_grants_for_every_kind_of_principal(api, oidc, profile, purpose):
    group = Group.objects.create(name="balie")
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)
    Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile, purpose=purpose)
    user = get_user_model().objects.create_user("medewerker", password="x")

    def listing_and_schema(**credentials):
        api.credentials(**credentials)
        names = [p["name"] for p in api.get("/api/v1/profiles").json()["profiles"]]
        return names, api.get("/api/v1/profiles/klantbeeld/schema").status_code

    assert listing_and_schema(HTTP_AUTHORIZATION=f"Bearer {oidc.access_token()}") == (["klantbeeld"], 200)
    # A staff-issuer token that names a citizen is nobody's, self-service grant for its portal or not.
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(oidc)}")
    assert api.get("/api/v1/profiles").status_code == 401
    assert listing_and_schema(HTTP_AUTHORIZATION=f"Bearer {oidc.access_token(resource_access={})}") == ([], 404)
    api.credentials()
    api.force_login(user)
    assert listing_and_schema() == ([], 404)
    user.groups.add(group)
    Grant.objects.create(kind="group", group=group, profile=profile, purpose=purpose)
    assert listing_and_schema() == (["klantbeeld"], 200)


# --- valid from / until ----------------------------------------------------------------------------


def test_a_grant_that_starts_tomorrow_or_ended_yesterday_denies_today(authed_api, grant):
    now = timezone.now()
    grant.valid_from = now + timedelta(days=1)
    grant.save()
    assert view(authed_api).status_code == 403
    assert authed_api.get("/api/v1/profiles").json() == {"profiles": []}

    grant.valid_from, grant.valid_until = now - timedelta(days=10), now - timedelta(days=1)
    grant.save()
    assert view(authed_api).status_code == 403

    reasons = list(ProcessingRecord.objects.values_list("reason", flat=True))
    assert reasons == ["grant-not-in-force", "grant-not-in-force"]


# --- purpose headers -------------------------------------------------------------------------------


@responses.activate
def test_the_purpose_headers_go_to_the_brp_exactly_as_configured(authed_api, grant, brp_source, purpose, settings):
    settings.IKO_ORGANISATION_OIN = "00000001234567890000"
    brp_source.options = {"protocol_headers": True, "header_names": {"gebruiker": "X-User", "origin_oin": ""}}
    brp_source.save()
    purpose.brp_doelbinding_consult = "BRPACT-Totaal"
    purpose.brp_doelbinding_search = "BRPACT-ZoekenAlgemeen"
    purpose.brp_verwerking = "Klantcontact@Vraag beantwoorden"
    purpose.save()
    brp_answers()
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"

    response = view(authed_api, onBehalfOf="medewerker-42", HTTP_TRACEPARENT=f"00-{trace_id}-00f067aa0ba902b7-01")

    assert response.status_code == 200
    headers = responses.calls[0].request.headers
    assert headers["x-doelbinding"] == "BRPACT-Totaal"  # consulting, not searching
    assert headers["x-verwerking"] == "Klantcontact@Vraag beantwoorden"
    assert headers["X-User"] == "medewerker-42"
    assert "x-gebruiker" not in headers and "x-origin-oin" not in headers
    assert headers["traceparent"].startswith(f"00-{trace_id}-")


@responses.activate
def test_without_protocol_headers_configured_none_are_sent(authed_api, grant, purpose):
    purpose.brp_doelbinding_consult = "BRPACT-Totaal"
    purpose.save()
    brp_answers()

    view(authed_api, onBehalfOf="medewerker-42")

    sent = {name.lower() for name in responses.calls[0].request.headers}
    assert not sent & {"x-doelbinding", "x-verwerking", "x-gebruiker", "x-origin-oin"}


@responses.activate
def test_a_source_that_needs_a_doelbinding_is_not_called_for_a_purpose_without_one(authed_api, grant, brp_source):
    brp_source.options = {"protocol_headers": True}
    brp_source.save()

    response = view(authed_api)

    assert len(responses.calls) == 0
    assert response.status_code == 502
    assert "no BRP doelbinding" in response.json()["sources"]["brp"]["detail"]


def test_purpose_values_must_fit_in_a_header(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Purpose(
            code="x", name="x", brp_doelbinding_consult="BRPACT Totaal", brp_doelbinding_search="a\r\nX-Injected: 1",
            brp_verwerking="a@b@c",
        ).full_clean()
    assert set(error.value.message_dict) == {"brp_doelbinding_consult", "brp_doelbinding_search", "brp_verwerking"}
