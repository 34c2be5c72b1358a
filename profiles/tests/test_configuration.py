"""The whole configuration as a setup_configuration file, step by step: export, apply to an empty
database, no secrets, refusals that list every problem with its place, all or nothing across the
steps, and runs that change nothing the second time (profiles/configuration/)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from simple_certmanager.constants import CertificateTypes
from simple_certmanager.models import Certificate
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient, token_hash
from connectors.aliases import OperationAlias
from connectors.models import Source
from connectors.reference_aliases import ALIAS_KEYS
from profiles.configuration.front_door import SOURCE_TAG_KEYS
from profiles.configuration.document import (
    API_CLIENT_KEYS,
    GRANT_DATE_KEYS,
    GRANT_KEYS,
    PURPOSE_KEYS,
    SEARCH_ACTION_KEYS,
    SERVER_CERTIFICATE_KEYS,
    SERVER_KEYS,
    SERVER_SECRET_KEYS,
    SERVER_SKIPPED,
    SOURCE_KEYS,
    ConfigurationInvalid,
)
from profiles.configuration.apply import configuration_apply
from profiles.configuration.export import configuration_export, configuration_to_dict
from profiles.models import Grant, Profile, Purpose, Relation, SearchAction

KVK_KEY = "kvk-api-key-that-must-never-leave"
ZAKEN_SECRET = "zaken-jwt-secret-that-must-never-leave-this-db"
OAUTH_SECRET = "oauth-client-secret-never-exported"
CLIENT_TOKEN = "iko_a_client_token_that_is_never_exported_000"
SECRET_ENV = {
    "IKO_SERVER_KVK_HEADER_VALUE": KVK_KEY,
    "IKO_SERVER_ZAKEN_SECRET": ZAKEN_SECRET,
    "IKO_SERVER_CATALOGI_SECRET": ZAKEN_SECRET,
    "IKO_SERVER_IDP_SECRET": OAUTH_SECRET,
    "IKO_SERVER_BRP_HEADER_VALUE": "brp-secret",
    "IKO_API_CLIENT_CASE_SYSTEM_TOKEN": CLIENT_TOKEN,
}


def _key_pair_certificate() -> Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "iko.example.org")])
    now = datetime.now(dt_timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificate = Certificate(label="iko-mtls-client", type=CertificateTypes.key_pair)
    certificate.public_certificate.save("client.pem", ContentFile(cert.public_bytes(serialization.Encoding.PEM)), save=False)
    certificate.private_key.save("client.key", ContentFile(private_pem), save=False)
    certificate.save()
    return certificate


@pytest.fixture
def configured(profile, purpose, brp_source, brp_service, api_client_with_token, settings, tmp_path):
    """A configuration with one of everything: every auth type, a linked server, a certificate, a
    relation tree, a search action, API clients, and grants of all four kinds."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")  # the certificate's files
    certificate = _key_pair_certificate()
    brp_service.client_certificate = certificate
    brp_service.save()
    kvk = Service.objects.create(
        label="KVK", slug="kvk", api_type=APITypes.orc, api_root="https://kvk.example.org/api/",
        auth_type=AuthTypes.api_key, header_key="apikey", header_value=KVK_KEY, timeout=7,
    )
    Service.objects.create(
        label="Zaken", slug="zaken", api_type=APITypes.zrc, api_root="https://zaken.example.org/zaken/api/v1/",
        auth_type=AuthTypes.zgw, client_id="iko", secret=ZAKEN_SECRET, user_id="iko", user_representation="IKO",
    )
    Service.objects.create(
        label="Catalogi", slug="catalogi", api_type=APITypes.ztc,
        api_root="https://zaken.example.org/catalogi/api/v1/", auth_type=AuthTypes.zgw, client_id="iko",
        secret=ZAKEN_SECRET,
    )
    Service.objects.create(
        label="Verwerkingenlogging", slug="idp", api_type=APITypes.orc, api_root="https://vwl.example.org/api/",
        auth_type=AuthTypes.no_auth, api_connection_check_path="health",
    )
    zaken = Source.objects.create(
        name="zaken", title="Open Zaak", connector="zaken", service=Service.objects.get(slug="zaken"),
        options={"catalogi_service": "catalogi", "max_zaken": 25}, timeout=4.0,
    )
    zaken.full_clean()
    zaken.save()
    kvk_source = Source(name="kvk", connector="kvk", service=kvk, enabled=False)
    kvk_source.full_clean()  # as the admin saves it: options with the connector's defaults
    kvk_source.save()
    Purpose.objects.create(
        code="sociaal-domein", name="Sociaal domein", legal_basis="Participatiewet", brp_verwerking="Wmo@Aanvraag",
        brp_doelbinding_consult="BRPACT-Sociaal", brp_doelbinding_search="BRPACT-SociaalZoeken",
    )
    persoon = Relation.objects.get(profile=profile, name="persoon")
    persoon.fields = [*persoon.fields, "burgerservicenummer"]
    persoon.release_fields = ["naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres"]
    persoon.save()
    Relation.objects.create(
        profile=profile, parent=persoon, name="zaken", source=zaken, operation="zaken_van_persoon",
        input_expression="{bsn: .burgerservicenummer}", fields=["identificatie", "omschrijving"],
        output_transform="map({identificatie})", max_calls=3, order=2,
    )
    profile.output_transform = ".persoon"
    profile.description = "Persoon met zaken"
    profile.save()
    SearchAction.objects.create(
        profile=profile, name="op-bsn", title="Zoek op BSN", source=brp_source,
        operation="RaadpleegMetBurgerservicenummer",
        criteria=[{"name": "bsn", "type": "bsn", "required": True, "label": "BSN"}],
        columns=[{"name": "bsn", "field": "burgerservicenummer", "label": "BSN"},
                 {"name": "naam", "field": "naam.volledigeNaam", "label": "Naam"}],
        identifier_column="bsn", identifier_type="bsn", max_results=10, order=1,
    )
    api_client_with_token.default_purpose = purpose
    api_client_with_token.oin = "00000001234567890000"
    api_client_with_token.save()
    portal = ApiClient(name="Portal", enabled=False)
    portal.set_new_token()
    portal.save()
    kcc = Group.objects.create(name="kcc")
    start = datetime(2026, 1, 1, 8, 0, tzinfo=dt_timezone.utc)
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose, note="Besluit 12",
                         max_vertrouwelijkheidaanduiding="vertrouwelijk")
    Grant.objects.create(kind=Grant.Kind.GROUP, group=kcc, profile=profile, purpose=purpose, is_default=True,
                         fields=["persoon.naam"])
    Grant.objects.create(kind=Grant.Kind.ROLE, role="wmo-consulent", profile=profile,
                         purpose=Purpose.objects.get(code="sociaal-domein"), valid_from=start,
                         valid_until=start + timedelta(days=365), enabled=False)
    Grant.objects.create(kind=Grant.Kind.SELF_SERVICE, portal_client_id="mijn-gemeente", profile=profile,
                         purpose=purpose, fields=["persoon.naam.volledigeNaam"])
    return profile


def _wipe() -> None:
    Grant.objects.all().delete()
    SearchAction.objects.all().delete()
    Profile.objects.all().delete()
    Source.objects.all().delete()
    Service.objects.all().delete()
    ApiClient.objects.all().delete()
    Purpose.objects.all().delete()
    Group.objects.all().delete()


def apply(document: dict | str, **kwargs):
    return configuration_apply(text=document if isinstance(document, str) else yaml.safe_dump(document), **kwargs)


def items(document: dict, namespace: str) -> list[dict]:
    return document[namespace]["services" if namespace == "zgw_consumers" else "items"]


def _grant_label(grant: dict) -> str:
    principal = {"api_client": "apiClient", "group": "group", "role": "role", "self_service": "portalClientId"}
    return f"{grant['kind']}:{grant[principal[grant['kind']]]}/{grant['profile']}/{grant['purpose']}"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_wipe_apply_and_export_again_gives_the_same_file(configured, fmt, monkeypatch):
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    exported = configuration_export(fmt=fmt)
    _wipe()
    assert configuration_to_dict()["iko_profiles"] == {"items": []}

    result = apply(exported)

    assert configuration_export(fmt=fmt) == exported
    assert {c.action for c in result.changes} == {"create"}
    # The secrets came from the environment variables the file names, the certificate by label.
    assert Service.objects.get(slug="kvk").header_value == KVK_KEY
    assert Service.objects.get(slug="zaken").secret == ZAKEN_SECRET
    assert Service.objects.get(slug="brp").client_certificate.label == "iko-mtls-client"
    assert ApiClient.objects.get(name="Case system").token_hash == token_hash(CLIENT_TOKEN)
    assert Relation.objects.get(name="zaken").parent.name == "persoon"
    assert Group.objects.filter(name="kcc").exists()
    assert result.notices == [
        "API client 'Portal' has no token yet: set the environment variable its token's value_from names and run "
        "again, or use 'Make a new token' in the admin."
    ]


def test_the_exported_file_enables_every_step_in_the_order_they_run(configured):
    document = configuration_to_dict()

    assert list(document) == [
        "zgw_consumers_config_enable", "zgw_consumers", "iko_purposes_config_enable", "iko_purposes",
        "iko_sources_config_enable", "iko_sources", "iko_profiles_config_enable", "iko_profiles",
        "iko_search_actions_config_enable", "iko_search_actions", "iko_api_clients_config_enable", "iko_api_clients",
        "iko_grants_config_enable", "iko_grants", "iko_regelingen_config_enable", "iko_regelingen",
        "iko_prefill_attributes_config_enable", "iko_prefill_attributes",
    ]
    assert all(document[key] is True for key in document if key.endswith("_config_enable"))


def test_no_secret_token_or_private_key_ever_appears_in_an_export(configured):
    private_key = Certificate.objects.get().private_key.read().decode()
    forbidden = [KVK_KEY, ZAKEN_SECRET, "brp-secret", private_key.splitlines()[1],
                 *(c.token_hash for c in ApiClient.objects.all()), *(c.token_hint for c in ApiClient.objects.all())]
    for fmt in ("yaml", "json"):
        text = configuration_export(fmt=fmt)
        for secret in forbidden:
            assert secret not in text
        assert "PRIVATE KEY" not in text
        assert "fernet:" not in text  # nor the encrypted form the database holds
    document = configuration_to_dict()
    kvk = next(s for s in items(document, "zgw_consumers") if s["identifier"] == "kvk")
    assert kvk["header_value"] == {"value_from": {"env": "IKO_SERVER_KVK_HEADER_VALUE", "required": False}}
    assert "secret" not in kvk
    client = next(c for c in items(document, "iko_api_clients") if c["name"] == "Case system")
    assert client["token"] == {"value_from": {"env": "IKO_API_CLIENT_CASE_SYSTEM_TOKEN", "required": False}}


def test_every_field_of_the_models_is_exported_or_deliberately_left_out(db):
    """A new model field (a zgw-consumers upgrade, a change to grants) must be decided on here:
    exported, or a secret, or left out on purpose. The organisation is the document's scope
    (config_export --organisation), not a field of its items."""
    service_fields = {f.name for f in Service._meta.concrete_fields}
    handled = set(SERVER_KEYS.values()) | set(SERVER_SECRET_KEYS.values()) | set(SERVER_CERTIFICATE_KEYS.values())
    assert service_fields == handled | SERVER_SKIPPED
    assert {f.name for f in Source._meta.concrete_fields} == {
        "id", "organisation", "name", "service", *SOURCE_KEYS.values(), *SOURCE_TAG_KEYS.values()}
    assert {f.name for f in OperationAlias._meta.concrete_fields} == {"id", "source", "name", *ALIAS_KEYS.values()}
    assert {f.name for f in Purpose._meta.concrete_fields} == {"id", "organisation", "code", *PURPOSE_KEYS.values()}
    assert {f.name for f in SearchAction._meta.concrete_fields} == {
        "id", "profile", "name", "source", *SEARCH_ACTION_KEYS.values()}
    assert {f.name for f in ApiClient._meta.concrete_fields} == {
        "id", "organisation", "name", "default_purpose", "token_hash", "token_hint", "created_at", "last_used_at",
        *API_CLIENT_KEYS.values()}
    assert {f.name for f in Grant._meta.concrete_fields} == {
        "id", "kind", "api_client", "group", "role", "portal_client_id", "profile", "purpose", "created_at",
        *GRANT_KEYS.values(), *GRANT_DATE_KEYS.values()}


def test_running_the_same_file_again_changes_nothing(configured, monkeypatch):
    monkeypatch.setenv("IKO_API_CLIENT_CASE_SYSTEM_TOKEN", CLIENT_TOKEN)
    exported = configuration_export()
    _wipe()
    apply(exported)
    versions = dict(Profile.objects.values_list("name", "version"))
    relation_ids = set(Relation.objects.values_list("pk", flat=True))
    grant_ids = set(Grant.objects.values_list("pk", flat=True))

    again = apply(exported)

    assert again.changed == []
    assert {c.action for c in again.changes} == {"unchanged"}
    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert set(Relation.objects.values_list("pk", flat=True)) == relation_ids
    assert set(Grant.objects.values_list("pk", flat=True)) == grant_ids
    assert configuration_export() == exported


def test_each_step_updates_what_differs_and_only_that(configured):
    document = configuration_to_dict()
    items(document, "zgw_consumers")[0]["timeout"] = 3
    items(document, "iko_purposes")[0]["name"] = "Klantcontact (nieuw)"
    next(s for s in items(document, "iko_sources") if s["name"] == "zaken")["timeout"] = 6.0
    items(document, "iko_profiles")[0]["relations"][0]["maxCalls"] = 5
    items(document, "iko_search_actions")[0]["title"] = "Zoeken op BSN"
    items(document, "iko_api_clients")[0]["oin"] = "00000009999999990000"
    items(document, "iko_grants")[0]["enabled"] = False
    version = Profile.objects.get().version

    result = apply(document)

    assert [str(c) for c in result.changed] == [
        "update server brp: timeout",
        "update purpose klantcontact: name",
        "update source zaken: timeout",
        "update profile klantbeeld: relations",
        "update search action klantbeeld/op-bsn: title",
        "update API client Case system: oin",
        f"update grant {_grant_label(items(document, 'iko_grants')[0])}: enabled",
    ]
    assert Profile.objects.get().version == version + 1
    assert Relation.objects.get(name="persoon").max_calls == 5
    assert configuration_to_dict() == document


def test_an_existing_server_keeps_its_secret_when_the_variable_is_not_set(configured):
    result = apply(configuration_export())
    assert result.changed == []
    assert Service.objects.get(slug="kvk").header_value == KVK_KEY
    assert Service.objects.get(slug="zaken").secret == ZAKEN_SECRET
    assert result.notices == []


def test_a_run_names_the_servers_and_clients_that_still_need_a_secret(configured, caplog):
    exported = configuration_export()
    _wipe()
    Certificate.objects.all().delete()
    with caplog.at_level(logging.WARNING, logger="profiles.configuration.steps"):
        result = apply(exported)
    text = "\n".join(result.notices)
    for needs in ("Server brp still needs its header_value",
                  "Server kvk still needs its header_value",
                  "Server zaken still needs its secret",
                  "Server catalogi still needs its secret",
                  "API client 'Case system' has no token yet",
                  "Server brp needs certificate 'iko-mtls-client'"):
        assert needs in text
    assert "idp" not in text  # no authentication, nothing missing
    assert Service.objects.get(slug="kvk").header_value == ""
    assert "zgw_consumers: needs attention: Server kvk still needs its header_value" in caplog.text


def test_a_secret_from_the_environment_replaces_the_one_stored_and_is_never_reported(configured, monkeypatch):
    monkeypatch.setenv("IKO_SERVER_KVK_HEADER_VALUE", "a-new-key")
    result = apply(configuration_export())
    assert [str(c) for c in result.changed] == ["update server kvk: header_value"]
    assert Service.objects.get(slug="kvk").header_value == "a-new-key"
    assert "a-new-key" not in "\n".join(map(str, result.changes)) + "\n".join(result.notices)


def test_a_required_variable_that_is_not_set_is_refused_with_its_name(configured):
    document = configuration_to_dict()
    items(document, "zgw_consumers")[0]["api_root"] = {"value_from": {"env": "IKO_TEST_UNSET_BRP_ROOT"}}

    with pytest.raises(ConfigurationInvalid, match="Required environment variable 'IKO_TEST_UNSET_BRP_ROOT' not found"):
        apply(document)


def test_any_value_can_come_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("BRP_ROOT", "http://127.0.0.1:5010/haalcentraal/api/brp/")
    monkeypatch.setenv("BRP_KEY", "k")
    text = """
zgw_consumers_config_enable: true
zgw_consumers:
  services:
  - identifier: brp
    label: BRP
    api_type: orc
    api_root: {value_from: {env: BRP_ROOT}}
    auth_type: api_key
    header_key: X-Api-Key
    header_value: {value_from: {env: BRP_KEY}}
"""
    apply(text)

    service = Service.objects.get(slug="brp")
    assert service.api_root == "http://127.0.0.1:5010/haalcentraal/api/brp/" and service.header_value == "k"


def test_a_failing_later_step_rolls_back_every_earlier_one(configured):
    """All or nothing across the steps: a purpose, a server and a profile change, then the grants
    step fails; django-setup-configuration rolls back its one transaction."""
    before = configuration_export()
    document = yaml.safe_load(before)
    items(document, "iko_purposes")[0]["name"] = "Klantcontact (nieuw)"
    items(document, "iko_profiles")[0]["relations"][0]["maxCalls"] = 5
    items(document, "zgw_consumers").append({"identifier": "bag", "label": "BAG", "api_type": "orc",
                                             "api_root": "https://bag.example.org/api", "auth_type": "no_auth"})
    items(document, "iko_grants")[0]["purpose"] = "no-such-purpose"
    versions = dict(Profile.objects.values_list("name", "version"))

    with pytest.raises(ConfigurationInvalid) as refused:
        apply(document)

    assert refused.value.problems == [
        "iko_grants.items[0]: there is no purpose 'no-such-purpose' (neither in this file nor here)."]
    assert configuration_export() == before
    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert not Service.objects.filter(slug="bag").exists()


def test_values_of_the_wrong_shape_are_refused_before_any_step_runs_with_their_path(configured):
    before = configuration_export()
    document = yaml.safe_load(before)
    items(document, "zgw_consumers")[0]["api_type"] = "telex"
    items(document, "zgw_consumers")[3]["timeout"] = "soon"
    items(document, "iko_profiles")[0]["relations"][0]["relations"][0]["maxCalls"] = "many"
    items(document, "iko_sources")[0]["colour"] = "red"
    items(document, "iko_grants")[0]["validFrom"] = "next tuesday"
    items(document, "iko_purposes")[0]["code"] = None

    with pytest.raises(ConfigurationInvalid) as refused:
        apply(document)

    problems = [p.split(":")[0] for p in refused.value.problems]
    assert problems == [
        "zgw_consumers.services.0.api_type", "zgw_consumers.services.3.timeout", "iko_purposes.items.0.code",
        "iko_sources.items.0.colour", "iko_profiles.items.0.relations.0.relations.0.maxCalls",
        "iko_grants.items.0.validFrom",
    ]
    assert configuration_export() == before


def test_a_grant_s_maximum_vertrouwelijkheidaanduiding_travels_is_updated_and_must_be_an_api_value(configured):
    document = configuration_to_dict()
    grant = next(g for g in items(document, "iko_grants") if g["kind"] == "api_client")
    kcc = next(g for g in items(document, "iko_grants") if g["kind"] == "group")
    assert (grant["maxVertrouwelijkheidaanduiding"], kcc["maxVertrouwelijkheidaanduiding"]) == ("vertrouwelijk", "")

    grant["maxVertrouwelijkheidaanduiding"] = "intern"
    result = apply(document)

    assert [str(c) for c in result.changed] == [f"update grant {_grant_label(grant)}: maxVertrouwelijkheidaanduiding"]
    assert Grant.objects.get(kind="api_client").max_vertrouwelijkheidaanduiding == "intern"

    before = configuration_export()
    grant["maxVertrouwelijkheidaanduiding"] = "alles"
    with pytest.raises(ConfigurationInvalid) as refused:
        apply(document)

    problems = "\n".join(refused.value.problems)
    assert "maxVertrouwelijkheidaanduiding" in problems and "'alles' is not a valid choice" in problems, problems
    assert configuration_export() == before


def test_what_the_admin_would_refuse_is_refused_with_every_problem_listed_and_nothing_changed(configured):
    before = configuration_export()
    document = yaml.safe_load(before)
    items(document, "iko_sources").append({"name": "bag", "connector": "no-such-connector", "server": "kvk"})
    next(s for s in items(document, "iko_sources") if s["name"] == "zaken")["options"] = {"max_zaken": -1}
    items(document, "iko_profiles")[0]["relations"][0]["operation"] = "ZoekMetPostcode"
    items(document, "iko_profiles")[0]["relations"][0]["relations"][0]["inputExpression"] = ".bsn |||"
    items(document, "iko_search_actions")[0]["columns"] = []
    items(document, "iko_grants")[0]["purpose"] = "no-such-purpose"
    items(document, "iko_purposes")[0]["brpVerwerking"] = "a@b@c"

    with pytest.raises(ConfigurationInvalid) as refused:
        apply(document)

    problems = "\n".join(refused.value.problems)
    for expected in (
        "iko_purposes.items[0] (klantcontact): brpVerwerking: Use at most one '@'",
        "iko_sources.items[3] (bag): connector: No connector 'no-such-connector' is installed",
        "operation: BRP Personen has no operation 'ZoekMetPostcode'",
        "klantbeeld.zaken): inputExpression: This JQ expression does not compile",
        "iko_search_actions.items[0] (klantbeeld/op-bsn): columns: This field cannot be blank. Give at least one column",
        "iko_grants.items[0]: there is no purpose 'no-such-purpose'",
    ):
        assert expected in problems, f"{expected!r} not in:\n{problems}"
    assert "iko_sources.items[2] (zaken): options: Option max_zaken must be from 1 to 1000" in problems
    assert configuration_export() == before


@pytest.mark.parametrize("text, words", [
    ("- just a list", "must be a mapping"),
    ("iko_profile: {items: []}\niko_purposes_config_enable: true", "Unknown keys ['iko_profile']"),
    ("iko_purposes: {items: []}", "iko_purposes is given but iko_purposes_config_enable is not"),
    ("iko_purposes_config_enable: false\niko_purposes: {items: []}", "No step is enabled"),
    ("zgw_consumers_config_enable: true\nzgw_consumers: {services: {identifier: x}}",
     "zgw_consumers.services: Input should be a valid list"),
    ("iko_purposes_config_enable: true\niko_purposes: {items: [{code: a, name: A}, {code: a, name: B}]}",
     "iko_purposes.items: listed more than once: a"),
    ("{unclosed", "Not valid YAML"),
    ("formatVersion: 1\npurposes: []", "config_convert"),
])
def test_malformed_files_are_refused_with_a_readable_reason(db, text, words):
    with pytest.raises(ConfigurationInvalid, match=words.replace("[", r"\[").replace("]", r"\]")):
        apply(text)
    assert not Purpose.objects.exists() and not Service.objects.exists()


HAND_WRITTEN = """
zgw_consumers_config_enable: true
zgw_consumers:
  services:
  - {identifier: brp, label: BRP, api_type: orc, api_root: "https://brp.example.org/haalcentraal/api/brp",
     auth_type: api_key, header_key: X-Api-Key, header_value: {value_from: {env: IKO_SERVER_BRP_HEADER_VALUE}}}
iko_purposes_config_enable: true
iko_purposes:
  items:
  - {code: klantcontact, name: Klantcontact}
iko_sources_config_enable: true
iko_sources:
  items:
  - {name: brp, connector: brp, server: brp}
iko_profiles_config_enable: true
iko_profiles:
  items:
  - name: klantbeeld
    title: Klantbeeld
    subjectTypes: [bsn]
    status: active
    relations:
    - {name: persoon, source: brp, operation: RaadpleegMetBurgerservicenummer, fields: [naam.volledigeNaam]}
iko_api_clients_config_enable: true
iko_api_clients:
  items:
  - {name: Valtimo, defaultPurpose: klantcontact, token: {value_from: {env: IKO_VALTIMO_TOKEN}}}
iko_grants_config_enable: true
iko_grants:
  items:
  - {apiClient: Valtimo, profile: klantbeeld, purpose: klantcontact}
  - {kind: role, role: kcc, profile: klantbeeld, purpose: klantcontact, validFrom: "2026-01-01T00:00:00+01:00"}
"""


def test_a_hand_written_file_needs_only_what_differs_from_the_defaults(db, monkeypatch):
    monkeypatch.setenv("IKO_SERVER_BRP_HEADER_VALUE", "gateway-key")
    monkeypatch.setenv("IKO_VALTIMO_TOKEN", "iko_" + "v" * 40)

    result = apply(HAND_WRITTEN)

    assert result.notices == []
    service = Service.objects.get(slug="brp")
    assert service.api_root.endswith("/brp/") and service.header_value == "gateway-key" and service.timeout == 10
    assert Relation.objects.get().max_calls == 20
    grant = Grant.objects.get(kind="role")
    assert grant.valid_from == datetime(2025, 12, 31, 23, 0, tzinfo=dt_timezone.utc)
    assert ApiClient.objects.get().token_hash == token_hash("iko_" + "v" * 40)
    assert apply(HAND_WRITTEN).changed == []


def test_a_short_token_in_the_environment_is_refused_without_showing_it(db, monkeypatch):
    monkeypatch.setenv("IKO_SHORT", "iko_short")
    with pytest.raises(ConfigurationInvalid, match="shorter than 32") as refused:
        apply("iko_api_clients_config_enable: true\n"
              "iko_api_clients: {items: [{name: X, token: {value_from: {env: IKO_SHORT}}}]}")
    assert "iko_short" not in str(refused.value)


def test_setup_configuration_applies_what_config_export_wrote(configured, tmp_path, capsys):
    call_command("config_export", "--format", "json", "--output", str(tmp_path / "c.json"))
    exported = (tmp_path / "c.json").read_text()
    assert json.loads(exported)["iko_profiles_config_enable"] is True
    _wipe()

    call_command("setup_configuration", "--yaml-file", str(tmp_path / "c.json"), "--validate-only")
    assert "Valid configuration settings found for all steps." in capsys.readouterr().out
    assert not Service.objects.exists()

    call_command("setup_configuration", "--yaml-file", str(tmp_path / "c.json"))
    assert "Configuration completed." in capsys.readouterr().out
    call_command("config_export", "--format", "json")
    assert capsys.readouterr().out == exported


def test_setup_configuration_lists_the_problems_of_a_failing_step_and_changes_nothing(configured, tmp_path, capsys):
    document = configuration_to_dict()
    items(document, "iko_sources")[0]["server"] = "nowhere"
    items(document, "iko_purposes")[0]["code"] = "not a slug"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(document))
    before = configuration_export()

    with pytest.raises(CommandError, match="All database changes have been rolled back"):
        call_command("setup_configuration", "--yaml-file", str(tmp_path / "bad.yaml"))

    assert "iko_purposes.items[0] (not a slug): code:" in capsys.readouterr().err
    assert configuration_export() == before


def test_setup_configuration_refuses_a_file_whose_step_is_not_enabled(db, tmp_path):
    (tmp_path / "c.yaml").write_text("iko_purposes:\n  items: [{code: a, name: A}]\n")
    with pytest.raises(CommandError, match="iko_purposes is given but iko_purposes_config_enable is not"):
        call_command("setup_configuration", "--yaml-file", str(tmp_path / "c.yaml"))
    assert not Purpose.objects.exists()


def test_pruning_deletes_the_grants_the_file_does_not_list_and_only_then(configured):
    document = configuration_to_dict()
    removed, *kept = items(document, "iko_grants")
    document["iko_grants"]["items"] = kept

    assert apply(document).changed == []  # without pruning nothing is deleted
    assert Grant.objects.count() == 4

    document["iko_grants"]["prune"] = True
    result = apply(document)

    assert [str(c) for c in result.changed] == [f"delete grant {_grant_label(removed)}"]
    assert Grant.objects.count() == 3
    assert items(configuration_to_dict(), "iko_grants") == kept


FSC_GRANT = "$1$3$" + "Z" * 86


def test_a_server_s_fsc_outway_and_a_client_s_peer_id_travel_with_the_configuration(configured, monkeypatch):
    from connectors.models import ServerFsc

    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    ServerFsc.objects.create(service=Service.objects.get(slug="kvk"), outway_address="http://outway.internal:8080/",
                             grant_hash=FSC_GRANT)
    ApiClient.objects.filter(name="Case system").update(fsc_peer_id="00000001234567890000")
    exported = configuration_export()
    document = configuration_to_dict()
    kvk = next(s for s in items(document, "zgw_consumers") if s["identifier"] == "kvk")
    assert kvk["fsc"] == {"outway_address": "http://outway.internal:8080/", "grant_hash": FSC_GRANT}
    assert all("fsc" not in s for s in items(document, "zgw_consumers") if s["identifier"] != "kvk")
    _wipe()

    apply(exported)

    assert ServerFsc.objects.get().service.slug == "kvk" and ServerFsc.objects.get().grant_hash == FSC_GRANT
    assert ApiClient.objects.get(name="Case system").fsc_peer_id == "00000001234567890000"
    assert configuration_export() == exported
    # A file without the outway removes it: the server is then called directly, as the file says.
    without = yaml.safe_load(exported)
    del next(s for s in items(without, "zgw_consumers") if s["identifier"] == "kvk")["fsc"]
    result = apply(without)
    assert not ServerFsc.objects.exists()
    assert "delete server FSC outway kvk" in [str(c) for c in result.changes]


def test_an_fsc_outway_with_a_bad_grant_hash_is_not_applied(configured, monkeypatch):
    from profiles.configuration.document import ConfigurationInvalid

    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    document = configuration_to_dict()
    next(s for s in items(document, "zgw_consumers") if s["identifier"] == "kvk")["fsc"] = {
        "outway_address": "http://outway.internal:8080/", "grant_hash": "abc"}

    with pytest.raises(ConfigurationInvalid, match="grant hash"):
        apply(document)
