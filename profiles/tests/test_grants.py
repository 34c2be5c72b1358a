"""Grant resolution for every kind of principal (API client, group, OIDC role, self-service), with
purposes, defaults, valid from/until, narrowing, and the in-process cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from profiles.access.principals import OidcPrincipal
from profiles.engine.execute import plan_profile
from profiles.access.grants import (
    PurposeMissing,
    grant_cache_clear,
    grant_resolve,
    principal_grants,
    principal_of,
)
from profiles.access.narrowing import grant_fields_outside_profile, plan_narrow, profile_release_paths
from profiles.models import Grant, Profile, Purpose, Relation
from profiles.services.self_service.citizen import Citizen
from profiles.subjects import Subject

BSN = "999993653"
OTHER_BSN = "999993847"


def grant_queries(queries) -> int:
    return sum(1 for q in queries if "profiles_grant" in q["sql"])


@pytest.fixture
def other_purpose(db):
    return Purpose.objects.create(code="sociaal-domein", name="Sociaal domein")


@pytest.fixture
def kcc_group(db):
    return Group.objects.create(name="kcc")


@pytest.fixture
def staff_user(kcc_group):
    user = get_user_model().objects.create_user("medewerker", password="x", is_staff=True)
    user.groups.add(kcc_group)
    return user


def token_user(*roles, client_id="valtimo", citizen_claim="") -> OidcPrincipal:
    return OidcPrincipal(
        subject="sub-1", username="j.jansen", roles=frozenset(roles), client_id=client_id,
        citizen_claim=citizen_claim,
    )


def citizen_login(bsn: str, portal: str):
    """The principal of a citizen's login at a portal (a token of the citizens' issuer)."""
    return Citizen(subjects=(Subject("bsn", bsn),), portal=portal).grant_principal(Subject("bsn", bsn))


# --- who -------------------------------------------------------------------------------------------


def test_an_api_client_grant_allows_that_client_for_that_profile_and_purpose_only(grant, profile, purpose, other_purpose):
    client = grant.api_client

    allowed = grant_resolve(principal=client, profile=profile, purpose_code="klantcontact")
    other = grant_resolve(principal=client, profile=profile, purpose_code="sociaal-domein")

    assert allowed.allowed and allowed.grant_id == grant.pk and allowed.fields is None
    assert allowed.purpose.processing_activity_id == "https://register.example.org/va/1"
    assert not other.allowed and other.reason == "no-grant"


def test_a_group_grant_allows_staff_users_in_that_group_and_tokens_with_a_role_of_that_name(profile, purpose, kcc_group, staff_user):
    Grant.objects.create(kind="group", group=kcc_group, profile=profile, purpose=purpose)
    outsider = get_user_model().objects.create_user("buitenstaander", password="x")

    assert grant_resolve(principal=staff_user, profile=profile, purpose_code="klantcontact").allowed
    assert grant_resolve(principal=token_user("kcc"), profile=profile, purpose_code="klantcontact").allowed
    assert not grant_resolve(principal=outsider, profile=profile, purpose_code="klantcontact").allowed
    assert not grant_resolve(principal=token_user("wmo"), profile=profile, purpose_code="klantcontact").allowed


def test_a_role_grant_allows_tokens_with_that_role_and_users_in_the_group_of_that_name(profile, purpose, staff_user):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)

    assert grant_resolve(principal=token_user("kcc", "offline_access"), profile=profile, purpose_code="klantcontact").allowed
    assert grant_resolve(principal=staff_user, profile=profile, purpose_code="klantcontact").allowed
    assert not grant_resolve(principal=token_user(), profile=profile, purpose_code="klantcontact").allowed


def test_nobody_and_unknown_principals_get_nothing_without_a_query(profile, purpose, grant):
    with CaptureQueriesContext(connection) as queries:
        for principal in (None, object(), token_user()):
            assert not grant_resolve(principal=principal, profile=profile, purpose_code="klantcontact").allowed
    assert grant_queries(queries.captured_queries) == 0


def test_self_service_allows_only_the_citizens_own_bsn_from_the_portal_it_names(profile, purpose):
    Grant.objects.create(kind="self_service", portal_client_id="mijn-gemeente", profile=profile, purpose=purpose)
    citizen = citizen_login(BSN, "mijn-gemeente")

    own = grant_resolve(principal=citizen, profile=profile, purpose_code="klantcontact", subject=Subject("bsn", BSN))
    other = grant_resolve(principal=citizen, profile=profile, purpose_code="klantcontact", subject=Subject("bsn", OTHER_BSN))
    other_portal = grant_resolve(
        principal=citizen_login(BSN, "another-portal"), profile=profile,
        purpose_code="klantcontact", subject=Subject("bsn", BSN),
    )

    assert own.allowed
    assert not other.allowed and other.reason == "self-service-subject-mismatch"
    assert not other_portal.allowed and other_portal.reason == "no-grant"


def test_a_staff_issuer_token_that_names_a_citizen_matches_no_grant_at_all_whatever_roles_it_carries(
    profile, purpose, kcc_group,
):
    # Citizens come only from the citizens' issuer: such a token is neither staff nor a citizen.
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)
    Grant.objects.create(kind="group", group=kcc_group, profile=profile, purpose=purpose)
    Grant.objects.create(kind="self_service", portal_client_id="mijn-gemeente", profile=profile, purpose=purpose)
    token = token_user("kcc", client_id="mijn-gemeente", citizen_claim="bsn")

    decisions = [
        grant_resolve(principal=token, profile=profile, purpose_code="klantcontact", subject=Subject("bsn", bsn))
        for bsn in (BSN, OTHER_BSN)
    ]

    assert principal_of(token).kind == "none"
    assert not any(decision.allowed for decision in decisions)


# --- when ------------------------------------------------------------------------------------------


def test_a_grant_counts_only_between_valid_from_and_valid_until(grant, profile):
    now = timezone.now()
    Grant.objects.filter(pk=grant.pk).update(valid_from=now + timedelta(days=1))
    grant_cache_clear()  # .update() sends no signal; the admin's save does

    early = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")
    later = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact", now=now + timedelta(days=2))
    Grant.objects.filter(pk=grant.pk).update(valid_from=None, valid_until=now - timedelta(seconds=1))
    grant_cache_clear()
    expired = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")

    assert not early.allowed and early.reason == "grant-not-in-force"
    assert later.allowed
    assert not expired.allowed and expired.reason == "grant-not-in-force"


def test_a_grant_must_end_after_it_starts(grant):
    grant.valid_from = timezone.now()
    grant.valid_until = grant.valid_from - timedelta(hours=1)
    with pytest.raises(ValidationError, match="end must lie after the start"):
        grant.full_clean()


# --- which purpose ---------------------------------------------------------------------------------


def test_without_a_purpose_a_role_uses_the_purpose_of_its_default_grant(profile, purpose, other_purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, is_default=True)
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=other_purpose)

    decision = grant_resolve(principal=token_user("kcc"), profile=profile, purpose_code=None)

    assert decision.allowed and decision.purpose_code == "klantcontact"


def test_without_a_purpose_and_no_default_there_is_no_guess(profile, purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)

    with pytest.raises(PurposeMissing, match="no default purpose"):
        grant_resolve(principal=token_user("kcc"), profile=profile, purpose_code=None)


def test_two_roles_with_different_default_purposes_must_name_one(profile, purpose, other_purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, is_default=True)
    Grant.objects.create(kind="role", role="wmo", profile=profile, purpose=other_purpose, is_default=True)

    with pytest.raises(PurposeMissing, match="several default purposes"):
        grant_resolve(principal=token_user("kcc", "wmo"), profile=profile, purpose_code=None)


def test_an_api_clients_own_default_purpose_comes_first(grant, profile, purpose, other_purpose):
    client = grant.api_client
    client.default_purpose = purpose
    client.save()
    Grant.objects.create(api_client=client, profile=profile, purpose=other_purpose, is_default=True)

    assert grant_resolve(principal=client, profile=profile, purpose_code=None).purpose_code == "klantcontact"


def test_one_principal_has_one_default_purpose_per_profile(profile, purpose, other_purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, is_default=True)
    second = Grant(kind="role", role="kcc", profile=profile, purpose=other_purpose, is_default=True)

    with pytest.raises(ValidationError, match="another default purpose"):
        second.full_clean()


# --- which fields ----------------------------------------------------------------------------------


def test_grants_add_up_an_unnarrowed_grant_wins_and_narrowed_ones_unite(profile, purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, fields=["persoon.naam"])
    Grant.objects.create(kind="role", role="balie", profile=profile, purpose=purpose, fields=["persoon.geboorte"])
    Grant.objects.create(kind="role", role="wmo", profile=profile, purpose=purpose)

    union = grant_resolve(principal=token_user("kcc", "balie"), profile=profile, purpose_code="klantcontact")
    full = grant_resolve(principal=token_user("kcc", "wmo"), profile=profile, purpose_code="klantcontact")

    assert set(union.fields) == {"persoon.naam", "persoon.geboorte"}
    assert full.fields is None


# --- the maximum vertrouwelijkheidaanduiding of documents ------------------------------------------


def test_grants_add_up_for_the_document_maximum_a_grant_without_one_wins_else_the_highest(profile, purpose):
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose,
                         max_vertrouwelijkheidaanduiding="intern")
    Grant.objects.create(kind="role", role="balie", profile=profile, purpose=purpose,
                         max_vertrouwelijkheidaanduiding="vertrouwelijk")
    Grant.objects.create(kind="role", role="wmo", profile=profile, purpose=purpose)

    one = grant_resolve(principal=token_user("kcc"), profile=profile, purpose_code="klantcontact")
    highest = grant_resolve(principal=token_user("kcc", "balie"), profile=profile, purpose_code="klantcontact")
    unlimited = grant_resolve(principal=token_user("kcc", "wmo"), profile=profile, purpose_code="klantcontact")

    assert one.max_vertrouwelijkheidaanduiding == "intern"
    assert highest.max_vertrouwelijkheidaanduiding == "vertrouwelijk"
    assert unlimited.max_vertrouwelijkheidaanduiding == ""


def test_the_grant_maximum_goes_to_the_sources_in_the_call_context_and_keeps_views_apart(grant, profile):
    from profiles.access.context import call_context_build
    from profiles.access.principals import Caller
    from profiles.engine.inflight import view_key
    from profiles.tracing import trace_from_header

    caller = Caller(api_client=grant.api_client, name="Case system", kind="api_client")
    before = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")
    grant.max_vertrouwelijkheidaanduiding = "beperkt_openbaar"
    grant.save()
    after = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")

    def context(decision):
        return call_context_build(caller=caller, purpose_code="klantcontact", purpose=decision.purpose,
                                  trace=trace_from_header(None), decision=decision)

    assert context(before).max_vertrouwelijkheidaanduiding == ""
    assert context(after).max_vertrouwelijkheidaanduiding == "beperkt_openbaar"
    subject = Subject("bsn", BSN)
    assert view_key(profile=profile, subject=subject, purpose_code="klantcontact", caller=caller, decision=before) != \
        view_key(profile=profile, subject=subject, purpose_code="klantcontact", caller=caller, decision=after)


def test_a_grant_maximum_is_one_of_the_api_values(grant):
    grant.max_vertrouwelijkheidaanduiding = "topgeheim"

    with pytest.raises(ValidationError) as raised:
        grant.full_clean()

    assert "max_vertrouwelijkheidaanduiding" in raised.value.message_dict


def test_a_grant_may_only_narrow_to_fields_the_profile_releases(profile, purpose):
    assert profile_release_paths(profile) == [
        "persoon.naam.volledigeNaam", "persoon.geboorte.datum", "persoon.verblijfplaats.verblijfadres",
    ]
    assert grant_fields_outside_profile(
        profile=profile,
        fields=["persoon", "persoon.naam", "persoon.naam.volledigeNaam", "persoon.verblijfplaats.verblijfadres.postcode"],
    ) == []
    assert grant_fields_outside_profile(profile=profile, fields=["persoon.naam.voornamen", "zaken"]) == [
        "persoon.naam.voornamen", "zaken",
    ]
    narrowed = Grant(kind="role", role="kcc", profile=profile, purpose=purpose, fields=["persoon.geheimhoudingPersoonsgegevens"])
    with pytest.raises(ValidationError, match="not released"):
        narrowed.full_clean()


def test_narrowing_the_plan_asks_fewer_fields_and_drops_relations_the_grant_does_not_touch(profile, brp_source):
    Relation.objects.create(
        profile=profile, name="partner", source=brp_source, operation="RaadpleegMetBurgerservicenummer",
        fields=["naam.volledigeNaam"],
    )
    from connectors.registry import registry

    roots = plan_profile(Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk), registry=registry)

    narrowed = plan_narrow(roots, ["persoon.naam.volledigeNaam"])

    assert [p.name for p in narrowed] == ["persoon"]
    assert narrowed[0].fields == ("naam.volledigeNaam",)
    assert narrowed[0].release_fields == ("naam.volledigeNaam",)
    # The (possibly cached and shared) plan is not changed.
    persoon = next(p for p in roots if p.name == "persoon")
    assert persoon.fields == ("naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres")
    assert plan_narrow(roots, None) is roots
    deeper = plan_narrow(roots, ["persoon.verblijfplaats.verblijfadres.postcode"])[0]
    assert deeper.fields == ("verblijfplaats.verblijfadres",)  # asked as the source knows it
    assert deeper.release_fields == ("verblijfplaats.verblijfadres.postcode",)


def test_a_grant_needs_exactly_the_principal_of_its_kind(profile, purpose, kcc_group, api_client_with_token):
    with pytest.raises(ValidationError, match="needs OIDC role"):
        Grant(kind="role", profile=profile, purpose=purpose).full_clean()
    # Other fields than the kind's are emptied, so a grant never names two principals.
    mixed = Grant(kind="group", group=kcc_group, role="kcc", api_client=api_client_with_token, profile=profile, purpose=purpose)
    mixed.full_clean()
    assert (mixed.api_client, mixed.role) == (None, "")
    # And the database refuses a grant for nobody.
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(kind="role", role="", profile=profile, purpose=purpose)


def test_a_self_service_grant_is_for_profiles_about_a_person_or_company(profile, purpose):
    Grant(kind="self_service", portal_client_id="mijn-gemeente", profile=profile, purpose=purpose).full_clean()


# --- the cache -------------------------------------------------------------------------------------


def test_grants_are_read_with_one_query_cold_and_none_warm(grant, profile, settings):
    settings.IKO_GRANT_CACHE_SECONDS = 5
    with CaptureQueriesContext(connection) as cold:
        grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")
    with CaptureQueriesContext(connection) as warm:
        for _ in range(20):
            grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")

    assert len(cold.captured_queries) == 1
    assert len(warm.captured_queries) == 0


def test_a_staff_users_grants_including_its_groups_are_one_query(profile, purpose, staff_user, kcc_group):
    Grant.objects.create(kind="group", group=kcc_group, profile=profile, purpose=purpose)
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose, fields=["persoon.naam"])

    principal = principal_of(staff_user)  # the staff user's organisation is looked up here, once
    with CaptureQueriesContext(connection) as queries:
        grants = principal_grants(principal)

    assert len(queries.captured_queries) == 1
    assert len(grants) == 2


def test_a_revoked_grant_stops_working_at_once_on_this_instance(grant, profile):
    assert grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact").allowed

    grant.enabled = False
    grant.save()  # what the admin does: the signal clears the cache

    assert not grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact").allowed


def test_on_other_instances_a_revocation_takes_effect_within_the_cache_time(grant, profile, settings, monkeypatch):
    import profiles.access.config_cache as config_cache  # the cache mechanism grants use

    settings.IKO_GRANT_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: clock[0])
    assert grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact").allowed
    Grant.objects.filter(pk=grant.pk).update(enabled=False)  # another instance: no signal here

    clock[0] += 4.9
    still = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact").allowed
    clock[0] += 0.2
    after = grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact").allowed

    assert still and not after


def test_the_cache_can_be_switched_off(grant, profile, settings):
    settings.IKO_GRANT_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            grant_resolve(principal=grant.api_client, profile=profile, purpose_code="klantcontact")
    assert len(queries.captured_queries) == 3


def test_group_membership_changes_clear_the_cache(profile, purpose, kcc_group):
    user = get_user_model().objects.create_user("nieuw", password="x")
    Grant.objects.create(kind="group", group=kcc_group, profile=profile, purpose=purpose)
    assert not grant_resolve(principal=user, profile=profile, purpose_code="klantcontact").allowed

    user.groups.add(kcc_group)

    assert grant_resolve(principal=user, profile=profile, purpose_code="klantcontact").allowed


# --- the admin -------------------------------------------------------------------------------------


def grant_form(profile, purpose, **fields):
    data = {
        "kind": "role", "api_client": "", "group": "", "role": "", "portal_client_id": "",
        "profile": profile.pk, "purpose": purpose.pk, "fields": "[]",
        "valid_from_0": "", "valid_from_1": "", "valid_until_0": "", "valid_until_1": "", "enabled": "on", "note": "",
    }
    data.update(fields)
    return data


def test_an_admin_grants_a_role_a_narrowed_profile_for_a_period(admin_client, profile, purpose):
    response = admin_client.post(
        "/admin/profiles/grant/add/",
        grant_form(profile, purpose, role="kcc", fields='["persoon.naam"]', is_default="on",
                   valid_from_0="2026-01-01", valid_from_1="00:00:00", valid_until_0="2027-01-01", valid_until_1="00:00:00"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = Grant.objects.get()
    assert (grant.kind, grant.role, grant.fields, grant.is_default) == ("role", "kcc", ["persoon.naam"], True)
    assert grant.valid_until - grant.valid_from == timedelta(days=365)
    listing = admin_client.get("/admin/profiles/grant/").content.decode()
    assert "role kcc" in listing


def test_an_admin_sets_and_clears_a_grant_s_maximum_vertrouwelijkheidaanduiding(admin_client, profile, purpose):
    form = admin_client.get("/admin/profiles/grant/add/").content.decode()
    assert 'name="max_vertrouwelijkheidaanduiding"' in form and 'value="zaakvertrouwelijk"' in form

    response = admin_client.post("/admin/profiles/grant/add/",
                                 grant_form(profile, purpose, role="bezwaar", max_vertrouwelijkheidaanduiding="vertrouwelijk"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = Grant.objects.get()
    assert grant.max_vertrouwelijkheidaanduiding == "vertrouwelijk"
    response = admin_client.post(f"/admin/profiles/grant/{grant.pk}/change/",
                                 grant_form(profile, purpose, role="bezwaar", max_vertrouwelijkheidaanduiding=""))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.max_vertrouwelijkheidaanduiding == ""


def test_the_admin_refuses_a_maximum_that_is_no_value_of_the_api(admin_client, profile, purpose):
    response = admin_client.post("/admin/profiles/grant/add/",
                                 grant_form(profile, purpose, role="bezwaar", max_vertrouwelijkheidaanduiding="alles"))

    assert response.status_code == 200
    assert "max_vertrouwelijkheidaanduiding" in response.context["adminform"].form.errors
    assert not Grant.objects.exists()


def test_the_admin_explains_a_grant_for_fields_the_profile_does_not_release(admin_client, profile, purpose):
    response = admin_client.post(
        "/admin/profiles/grant/add/", grant_form(profile, purpose, role="kcc", fields='["persoon.burgerservicenummer"]')
    )

    assert response.status_code == 200
    assert "not released: [&#x27;persoon.burgerservicenummer&#x27;]" in response.content.decode()
    assert not Grant.objects.exists()
