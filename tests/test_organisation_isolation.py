"""Isolation between organisations (tenants): a caller of one organisation finds nothing of another.

The database holds two organisations with overlapping names: each has a source `brp`, a purpose
`klantcontact`, a profile `klantbeeld` with a search action `zoek`, an API client, a portal's
self-service grant, a regeling `bijstand` and processing records about the same BSN. Organisation B
also has names of its own (`alleen-b`, `alleen-b-bron`, `zoek-b`), and every text of B carries the
marker `GEHEIM-B`. Every API path (api/urls.py, api/valtimo_urls.py, api/self_service_urls.py) is
called as organisation A's caller, and every admin change list, change page and add page as A's
administrator: no answer holds B's marker, B's own names are "not found" as if they did not exist, and
B's sources are never called. `test_every_api_path_is_covered` fails when a path is added without
a case here.
"""

from __future__ import annotations

from io import StringIO

import pytest
import responses
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from api.tests.citizen_fixtures import BSN, PORTAL, citizen_issuer, citizen_provider, citizen_token  # noqa: F401
from api.tests.oidc_provider import oidc, oidc_provider  # noqa: F401 (fixtures)
from connectors.models import Source
from connectors.server_owners import server_owner_set
from profiles.access.api_clients import ApiClient
from profiles.models import Grant, Profile, Purpose, Relation, SearchAction
from profiles.organisations.models import Organisation, OrganisationMember
from profiles.organisations.selectors import organisation_default
from profiles.processing_log.models import ProcessingRecord, SubjectLookupAlert
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.regelingen.models import Regeling

MARKER = "GEHEIM-B"
TOKEN_A = "iko_token_of_organisation_a_for_the_isolation_suite"
TOKEN_B = "iko_token_of_organisation_b_for_the_isolation_suite"
ROOT = {"a": "https://brp-a.example.org/haalcentraal/api/brp/", "b": "https://brp-b.example.org/haalcentraal/api/brp/"}
PERSOON = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}}
COLUMNS = [{"name": "bsn", "field": "burgerservicenummer", "label": "BSN"}]
CRITERIA = [{"name": "burgerservicenummer", "type": "bsn", "required": True}]


def _organisation_configure(organisation: Organisation, key: str, token: str) -> dict:
    """One organisation's configuration, with the same names as the other's; B's texts carry the marker."""
    label = MARKER if key == "b" else "Alpha"
    service = Service.objects.create(
        label=f"BRP {label}", slug=f"brp-{key}", api_type=APITypes.orc, api_root=ROOT[key],
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value=f"secret-{key}", timeout=5,
    )
    server_owner_set(service, organisation.pk)
    source = Source.objects.create(organisation=organisation, name="brp", title=f"BRP {label}", connector="brp",
                                   service=service, timeout=2.0)
    purpose = Purpose.objects.create(organisation=organisation, code="klantcontact", name=f"KCC {label}",
                                     processing_activity_id=f"https://register.example.org/{label}")
    profile = Profile.objects.create(organisation=organisation, name="klantbeeld", title=f"Klantbeeld {label}",
                                     subject_types=["bsn"], status=Profile.Status.ACTIVE)
    Relation.objects.create(profile=profile, name="persoon", source=source, operation="RaadpleegMetBurgerservicenummer",
                            fields=["naam.volledigeNaam"])
    SearchAction.objects.create(profile=profile, name="zoek", title=f"Zoek {label}", source=source,
                                operation="RaadpleegMetBurgerservicenummer", criteria=CRITERIA, columns=COLUMNS,
                                identifier_column="bsn", identifier_type="bsn")
    client = ApiClient(organisation=organisation, name="Zaaksysteem" if key == "a" else f"Zaaksysteem {label}")
    client.set_new_token(token)
    client.save()
    Grant.objects.create(api_client=client, profile=profile, purpose=purpose, is_default=True)
    Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile, purpose=purpose)
    Grant.objects.create(kind="role", role="kcc", profile=profile, purpose=purpose)
    Regeling.objects.create(organisation=organisation, name="bijstand", title=f"Bijstand {label}",
                            profile=profile, purpose=purpose)
    ProcessingRecord.objects.create(
        organisation=organisation, trace_id="1" * 32, span_id="2" * 16, actor=f"api-client:{label}",
        calling_system=f"Zaaksysteem {label}", purpose_code="klantcontact", profile_name="klantbeeld",
        subject_type="bsn", outcome="complete", http_status=200, duration_ms=1.0,
        subject_pseudonym=subject_pseudonym(subject_type="bsn", value=BSN, organisation_id=organisation.pk),
    )
    SubjectLookupAlert.objects.create(organisation=organisation, actor=f"api-client:{label}", distinct_subjects=99,
                                      threshold=10, window_seconds=60)
    return {"service": service, "source": source, "purpose": purpose, "profile": profile, "client": client}


@pytest.fixture
def two_organisations(db, settings):
    settings.IKO_CONFIG_CACHE_SECONDS = 0
    a = organisation_default()
    b = Organisation.objects.create(name=f"Gemeente {MARKER}", slug="gemeente-b", oin="00000001234567890000")
    config = {"a": _organisation_configure(a, "a", TOKEN_A), "b": _organisation_configure(b, "b", TOKEN_B)}
    # Names only organisation B has.
    b_source = Source.objects.create(organisation=b, name="alleen-b-bron", title=f"Bron {MARKER}", connector="brp",
                                     service=config["b"]["service"], timeout=2.0)
    only_b = Profile.objects.create(organisation=b, name="alleen-b", title=f"Alleen {MARKER}", subject_types=["bsn"],
                                    status=Profile.Status.ACTIVE)
    Relation.objects.create(profile=only_b, name="persoon", source=b_source, operation="RaadpleegMetBurgerservicenummer",
                            fields=["naam.volledigeNaam"])
    SearchAction.objects.create(profile=config["b"]["profile"], name="zoek-b", title=f"Zoek {MARKER}",
                                source=config["b"]["source"], operation="RaadpleegMetBurgerservicenummer",
                                criteria=CRITERIA, columns=COLUMNS)
    Grant.objects.create(api_client=config["b"]["client"], profile=only_b, purpose=config["b"]["purpose"])
    Grant.objects.create(kind="role", role="kcc", profile=only_b, purpose=config["b"]["purpose"])
    return {"org_a": a, "org_b": b, **config}


@pytest.fixture
def caller_a(two_organisations):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {TOKEN_A}")
    return client


def _clean(response) -> str:
    """The answer's text, checked to hold nothing of organisation B."""
    text = response.content.decode() if not getattr(response, "streaming", False) else b"".join(
        response.streaming_content).decode()
    assert MARKER not in text, f"{response.request['PATH_INFO']} shows organisation B: {text[:500]}"
    assert "brp-b.example.org" not in text
    return text


def _brp_mocked():
    responses.add_passthru("http://127.0.0.1")  # the local identity providers
    responses.post(ROOT["a"] + "personen", json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})


def _b_never_called():
    assert not [c for c in responses.calls if c.request.url.startswith(ROOT["b"])], "organisation B's source was called"


def _not_found(response):
    assert response.status_code == 404, response.content
    _clean(response)


# --- one case per API path: (the path's name) -> what organisation A's caller does there -------------

VIEW_BODY = {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}


def case_profile_list(api, world):
    response = api.get("/api/v1/profiles")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["profiles"]] == ["klantbeeld"]
    assert "Alpha" in _clean(response)


def case_profile_view(api, world):
    response = api.post("/api/v1/profiles/klantbeeld/view", VIEW_BODY, format="json")
    assert response.status_code == 200, response.content
    _clean(response)
    _b_never_called()
    record = ProcessingRecord.objects.filter(action="view").latest("pk")
    assert record.organisation_id == world["org_a"].pk
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN, organisation_id=world["org_a"].pk)
    _not_found(api.post("/api/v1/profiles/alleen-b/view", VIEW_BODY, format="json"))


def case_profile_schema(api, world):
    assert api.get("/api/v1/profiles/klantbeeld/schema").status_code == 200
    _clean(api.get("/api/v1/profiles/klantbeeld/schema"))
    _not_found(api.get("/api/v1/profiles/alleen-b/schema"))


def case_profile_search_list(api, world):
    response = api.get("/api/v1/profiles/klantbeeld/search")
    assert response.status_code == 200
    assert "Zoek Alpha" in _clean(response) and "zoek-b" not in response.content.decode()
    _not_found(api.get("/api/v1/profiles/alleen-b/search"))


def case_profile_search(api, world):
    body = {"purpose": "klantcontact", "criteria": {"burgerservicenummer": BSN}}
    _not_found(api.post("/api/v1/profiles/klantbeeld/search/zoek-b", body, format="json"))
    _not_found(api.post("/api/v1/profiles/alleen-b/search/zoek", body, format="json"))
    _clean(api.post("/api/v1/profiles/klantbeeld/search/zoek", body, format="json"))
    _b_never_called()


def case_profile_suggestions(api, world):
    _not_found(api.post("/api/v1/profiles/alleen-b/suggestions", VIEW_BODY, format="json"))
    _clean(api.post("/api/v1/profiles/klantbeeld/suggestions", VIEW_BODY, format="json"))
    _b_never_called()


def case_profile_prefill(api, world):
    _not_found(api.post("/api/v1/profiles/alleen-b/prefill", VIEW_BODY, format="json"))
    _clean(api.post("/api/v1/profiles/klantbeeld/prefill", VIEW_BODY, format="json"))
    _b_never_called()


def case_openapi(api, world):
    assert api.get("/api/v1/openapi.yaml").status_code == 200
    _clean(api.get("/api/v1/openapi.yaml"))


def case_api_docs(api, world):
    _clean(api.get("/api/v1/docs"))


def case_api_redoc(api, world):
    _clean(api.get("/api/v1/redoc"))


def case_valtimo_aggregated_data_profile(api, world):
    response = api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")
    assert response.status_code == 200, response.content
    _clean(response)
    _b_never_called()
    _not_found(api.get(f"/aggregated-data-profiles/alleen-b?id={BSN}"))


def case_valtimo_aggregated_data_profile_schema(api, world):
    _clean(api.get("/aggregated-data-profiles/klantbeeld/schema"))
    _not_found(api.get("/aggregated-data-profiles/alleen-b/schema"))


def case_valtimo_aggregated_data_profile_by_path(api, world):
    _clean(api.get(f"/aggregated-data-profiles/klantbeeld/{BSN}"))
    _b_never_called()
    _not_found(api.get(f"/aggregated-data-profiles/alleen-b/{BSN}"))


def case_valtimo_endpoint(api, world):
    response = api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer?bsn={BSN}")
    assert response.status_code == 200, response.content
    _clean(response)
    _b_never_called()
    assert [c for c in responses.calls if c.request.url.startswith(ROOT["a"])], "organisation A's own source was not called"
    _not_found(api.get(f"/endpoints/brp/alleen-b-bron/RaadpleegMetBurgerservicenummer?bsn={BSN}"))


def case_valtimo_endpoint_detail(api, world):
    _clean(api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}"))
    _b_never_called()
    _not_found(api.get(f"/endpoints/brp/alleen-b-bron/RaadpleegMetBurgerservicenummer/{BSN}"))


def _citizen(world) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {citizen_token(world['citizen_provider'])}")
    return client


def case_self_service_view(api, world):
    citizen = _citizen(world)
    response = citizen.post("/api/v1/self-service/profiles/klantbeeld/view", {"purpose": "klantcontact"}, format="json")
    assert response.status_code == 200, response.content
    _clean(response)
    _b_never_called()
    _not_found(citizen.post("/api/v1/self-service/profiles/alleen-b/view", {}, format="json"))


def case_self_service_report(api, world):
    body = {"kind": "incorrect", "field": "persoon.naam.volledigeNaam", "explanation": "Mijn naam is anders."}
    _not_found(_citizen(world).post("/api/v1/self-service/profiles/alleen-b/reports", body, format="json"))


def case_self_service_suggestions(api, world):
    citizen = _citizen(world)
    _not_found(citizen.post("/api/v1/self-service/profiles/alleen-b/suggestions", {}, format="json"))
    _clean(citizen.post("/api/v1/self-service/profiles/klantbeeld/suggestions", {}, format="json"))
    _b_never_called()


def case_self_service_prefill(api, world):
    _not_found(_citizen(world).post("/api/v1/self-service/profiles/alleen-b/prefill", {}, format="json"))


def case_self_service_insight(api, world):
    response = _citizen(world).get("/api/v1/self-service/insight")
    assert response.status_code == 200, response.content
    text = _clean(response)
    assert "Zaaksysteem Alpha" in text  # A's own record about this citizen, not B's


def case_self_service_insight_csv(api, world):
    response = _citizen(world).get("/api/v1/self-service/insight.csv")
    assert response.status_code == 200
    assert "Zaaksysteem Alpha" in _clean(response)


def case_self_service_consents(api, world):
    _clean(_citizen(world).get("/api/v1/self-service/consents"))


def case_self_service_consent_withdraw(api, world):
    _clean(_citizen(world).post("/api/v1/self-service/consents/withdraw", {"scope": "purpose:klantcontact"}, format="json"))


CASES = {name.removeprefix("case_").replace("_", "-"): case for name, case in globals().items() if name.startswith("case_")}


def _api_path_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    for module in ("api.urls", "api.valtimo_urls", "api.self_service_urls"):
        walk(get_resolver(module).url_patterns)
    return names


def test_every_api_path_is_covered():
    assert _api_path_names() == set(CASES), "add a case_<path name> for every API path"


@pytest.mark.parametrize("name", sorted(CASES))
@responses.activate
def test_an_api_path_shows_nothing_of_another_organisation(name, two_organisations, caller_a, citizen_issuer):
    _brp_mocked()
    CASES[name](caller_a, {**two_organisations, "citizen_provider": citizen_issuer})


def test_a_bearer_token_acts_in_the_organisation_its_claim_names(two_organisations, oidc, settings):
    """The same role `kcc` has grants in both organisations; the token's organisation claim decides."""
    settings.IKO_OIDC_ORGANISATION_CLAIM = "organisation"
    api = APIClient()

    def profiles(organisation: str):
        return api.get("/api/v1/profiles", HTTP_AUTHORIZATION="Bearer " + oidc.access_token(organisation=organisation))

    assert [p["name"] for p in profiles("gemeente-b").json()["profiles"]] == ["alleen-b", "klantbeeld"]
    assert profiles("elders").status_code == 401  # an organisation this IKO does not hold
    response = profiles(organisation_default().slug)
    assert [p["name"] for p in response.json()["profiles"]] == ["klantbeeld"]
    _clean(response)


# --- grants never join two organisations ---------------------------------------------------------------


def test_a_grant_joining_two_organisations_is_refused_at_save(two_organisations):
    from django.core.exceptions import ValidationError

    world = two_organisations
    with pytest.raises(ValidationError):
        Grant.objects.create(api_client=_client(world, "a"), profile=world["b"]["profile"], purpose=world["b"]["purpose"])
    grant = Grant(api_client=_client(world, "a"), profile=world["a"]["profile"], purpose=world["b"]["purpose"])
    with pytest.raises(ValidationError) as refused:
        grant.full_clean()
    assert "purpose" in refused.value.message_dict


def _client(world, key):
    return world[key]["client"]


# --- the admin ------------------------------------------------------------------------------------------


@pytest.fixture
def admin_a(two_organisations, client):
    user = User.objects.create_user("beheerder-a", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label__in=["profiles", "connectors", "regelingen", "consent", "zgw_consumers"]))
    OrganisationMember.objects.create(user=user, organisation=two_organisations["org_a"])
    client.force_login(user)
    return client


def _scoped_models():
    from profiles.organisations.selectors import ORGANISATION_PATHS

    return [model for model in admin.site._registry if model._meta.label_lower in ORGANISATION_PATHS]


def test_every_admin_page_of_organisation_a_shows_nothing_of_b(admin_a, two_organisations):
    models = _scoped_models()
    assert len(models) >= 12
    for model in models:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = admin_a.get(reverse("admin:%s_%s_changelist" % info))
        assert changelist.status_code in (200, 403), model
        _clean(changelist)
        if admin.site._registry[model].has_add_permission(_request_of(admin_a)):
            _clean(admin_a.get(reverse("admin:%s_%s_add" % info)))
        for obj in model._default_manager.all():
            if MARKER in str(obj) or _organisation_of(obj) == two_organisations["org_b"].pk:
                page = admin_a.get(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
                # "Does not exist" (back to the index), or no access at all (organisations).
                assert page.status_code in (302, 403), (model, obj)
                _clean(page)
    _clean(admin_a.get(reverse("admin:index")))
    _clean(admin_a.get(reverse("source_health")))


def _request_of(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User.objects.get(username="beheerder-a")
    request.session = {}
    return request


def _organisation_of(obj):
    from profiles.organisations.selectors import ORGANISATION_PATHS

    path = ORGANISATION_PATHS[obj._meta.label_lower]
    return type(obj)._default_manager.filter(pk=obj.pk).values_list(path, flat=True).first()


def test_the_admin_offers_only_the_organisations_own_choices(admin_a, two_organisations):
    page = admin_a.get(reverse("admin:profiles_grant_add")).content.decode()
    assert MARKER not in page
    relation_page = admin_a.get(reverse("admin:profiles_profile_change", args=[two_organisations["a"]["profile"].pk]))
    assert relation_page.status_code == 200
    assert "alleen-b-bron" not in _clean(relation_page)


def test_a_superuser_sees_every_organisation_and_can_work_in_one(two_organisations, client):
    user = User.objects.create_superuser("super", password="x")
    client.force_login(user)
    page = client.get(reverse("admin:profiles_profile_changelist")).content.decode()
    assert MARKER in page and "Alpha" in page  # both, with the organisation column
    client.post(reverse("admin:profiles_organisation_changelist"),
                {"action": "work_in_organisation", "_selected_action": [two_organisations["org_a"].pk]})
    page = client.get(reverse("admin:profiles_profile_changelist")).content.decode()
    assert MARKER not in page and "Alpha" in page


def test_the_privacy_officer_finds_only_their_organisations_records(two_organisations):
    from profiles.processing_log.inspection import processing_log_inspect
    from profiles.subjects import Subject

    found = processing_log_inspect(subject=Subject("bsn", BSN), username="fg-a",
                                   organisation_id=two_organisations["org_a"].pk)
    assert {r.organisation_id for r in found} == {two_organisations["org_a"].pk}
    assert not [r for r in found if MARKER in r.actor]


def test_pseudonyms_are_keyed_per_organisation(two_organisations):
    a, b = two_organisations["org_a"].pk, two_organisations["org_b"].pk
    assert subject_pseudonym(subject_type="bsn", value=BSN, organisation_id=a) != subject_pseudonym(
        subject_type="bsn", value=BSN, organisation_id=b)
    # The default organisation keeps IKO_PSEUDONYM_KEY: pseudonyms written before organisations stay valid.
    assert subject_pseudonym(subject_type="bsn", value=BSN, organisation_id=a) == subject_pseudonym(
        subject_type="bsn", value=BSN)


# --- configuration as code per organisation ------------------------------------------------------------


def test_config_export_of_one_organisation_holds_nothing_of_another(two_organisations):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("config_export", stdout=out)
    assert MARKER not in out.getvalue() and "alleen-b" not in out.getvalue() and "Alpha" in out.getvalue()
    out = StringIO()
    call_command("config_export", "--organisation", "gemeente-b", stdout=out)
    assert MARKER in out.getvalue() and "Alpha" not in out.getvalue()


def test_a_file_applied_to_one_organisation_cannot_reach_another(two_organisations):
    from profiles.configuration.apply import configuration_apply
    from profiles.configuration.document import ConfigurationInvalid, configuration_organisation

    # Organisation A's file naming B's own profile: there is no such profile in A.
    grant = ("iko_grants_config_enable: true\niko_grants:\n  items:\n"
             "  - {kind: api_client, apiClient: Zaaksysteem, profile: alleen-b, purpose: klantcontact}\n")
    with pytest.raises(ConfigurationInvalid) as refused:
        configuration_apply(text=grant)
    assert "alleen-b" in " ".join(refused.value.problems)
    # Into B, with the same names A uses: only B's objects change, A's stay.
    b = two_organisations["org_b"].pk
    purpose = ("iko_purposes_config_enable: true\niko_purposes:\n  items:\n"
               "  - {code: klantcontact, name: KCC opnieuw GEHEIM-B}\n")
    with configuration_organisation(b):
        configuration_apply(text=purpose)
    assert Purpose.objects.get(organisation_id=b, code="klantcontact").name == "KCC opnieuw GEHEIM-B"
    assert Purpose.objects.get(organisation=two_organisations["org_a"], code="klantcontact").name == "KCC Alpha"


def test_setup_configuration_names_its_organisation(two_organisations, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "b.yaml"
    path.write_text("iko_purposes_config_enable: true\niko_purposes:\n  items:\n"
                    "  - {code: nieuw-b, name: Alleen in B}\n", encoding="utf-8")
    call_command("setup_configuration", "--yaml-file", str(path), "--organisation", "gemeente-b", stdout=StringIO())
    assert Purpose.objects.get(code="nieuw-b").organisation == two_organisations["org_b"]
    with pytest.raises(CommandError, match="no organisation"):
        call_command("setup_configuration", "--yaml-file", str(path), "--organisation", "gemeente-x")


# --- one organisation stays simple --------------------------------------------------------------------------


def test_the_demo_is_one_organisation_and_shows_no_tenancy(db, client):
    """The demo's configuration, imported as `manage.py demo` does: one organisation, and neither
    the admin nor the API shows anything of tenancy."""
    from demo.config import DEMO_TOKEN, demo_admin_ensure, demo_configure
    from demo.tests.test_config import ROOTS

    demo_configure(**ROOTS)
    demo_admin_ensure()
    assert Organisation.objects.count() == 1
    assert {s.organisation_id for s in Source.objects.all()} == {organisation_default().pk}
    client.force_login(User.objects.get(username="admin"))
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/profiles/organisation/" not in index
    for model in _scoped_models():
        if model is Organisation:  # tenancy itself: out of the index, only for superusers who ask for it
            continue
        info = (model._meta.app_label, model._meta.model_name)
        page = client.get(reverse("admin:%s_%s_changelist" % info)).content.decode()
        assert "column-organisation" not in page and "organisation__id__exact" not in page, model
        add = client.get(reverse("admin:%s_%s_add" % info))
        assert 'name="organisation"' not in add.content.decode(), model
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {DEMO_TOKEN}")
    profiles = api.get("/api/v1/profiles")
    assert profiles.status_code == 200 and profiles.json()["profiles"]
    assert "organisation" not in profiles.content.decode()


def test_two_organisations_sources_of_one_name_never_share_a_circuit_or_a_metrics_label(two_organisations):
    a, b = two_organisations["a"]["source"], two_organisations["b"]["source"]
    assert a.name == b.name == "brp"
    assert a.to_config().circuit_key == "brp"  # the default organisation's, as before
    assert b.to_config().circuit_key == f"brp.org{two_organisations['org_b'].pk}"
