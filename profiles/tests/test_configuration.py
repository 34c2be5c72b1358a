"""The whole configuration as a file: export, import into an empty database, no secrets, dry runs,
refusals that list every problem, and re-imports that change nothing (profiles/configuration/)."""

from __future__ import annotations

import json
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
from profiles.configuration.export import configuration_export, configuration_to_dict
from profiles.configuration.importer import configuration_import
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
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose, note="Besluit 12")
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


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_into_an_empty_database_gives_the_same_configuration(configured, fmt, monkeypatch):
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    exported = configuration_export(fmt=fmt)
    _wipe()
    assert configuration_to_dict()["profiles"] == []

    result = configuration_import(text=exported)

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
        "API client 'Portal' has no token yet: set IKO_API_CLIENT_PORTAL_TOKEN and import again, or use "
        "'Make a new token' in the admin."
    ]


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
    for server in document["servers"]:
        assert not set(server) & {"secret", "headerValue", "header_value"}
    kvk = next(s for s in document["servers"] if s["slug"] == "kvk")
    assert kvk["secretsFromEnv"] == {"headerValue": "IKO_SERVER_KVK_HEADER_VALUE"}


def test_every_field_of_the_models_is_exported_or_deliberately_left_out(db):
    """A new model field (a zgw-consumers upgrade, a change to grants) must be decided on here:
    exported, or a secret, or left out on purpose."""
    service_fields = {f.name for f in Service._meta.concrete_fields}
    handled = set(SERVER_KEYS.values()) | set(SERVER_SECRET_KEYS.values()) | set(SERVER_CERTIFICATE_KEYS.values())
    assert service_fields == handled | SERVER_SKIPPED
    assert {f.name for f in Source._meta.concrete_fields} == {
        "id", "name", "service", *SOURCE_KEYS.values(), *SOURCE_TAG_KEYS.values()}
    assert {f.name for f in OperationAlias._meta.concrete_fields} == {"id", "source", "name", *ALIAS_KEYS.values()}
    assert {f.name for f in Purpose._meta.concrete_fields} == {"id", "code", *PURPOSE_KEYS.values()}
    assert {f.name for f in SearchAction._meta.concrete_fields} == {
        "id", "profile", "name", "source", *SEARCH_ACTION_KEYS.values()}
    assert {f.name for f in ApiClient._meta.concrete_fields} == {
        "id", "name", "default_purpose", "token_hash", "token_hint", "created_at", "last_used_at",
        *API_CLIENT_KEYS.values()}
    assert {f.name for f in Grant._meta.concrete_fields} == {
        "id", "kind", "api_client", "group", "role", "portal_client_id", "profile", "purpose", "created_at",
        *GRANT_KEYS.values(), *GRANT_DATE_KEYS.values()}


def test_importing_the_same_file_again_changes_nothing(configured, monkeypatch):
    monkeypatch.setenv("IKO_API_CLIENT_CASE_SYSTEM_TOKEN", CLIENT_TOKEN)
    exported = configuration_export()
    _wipe()
    configuration_import(text=exported)
    versions = dict(Profile.objects.values_list("name", "version"))
    relation_ids = set(Relation.objects.values_list("pk", flat=True))

    again = configuration_import(text=exported)

    assert again.changed == []
    assert {c.action for c in again.changes} == {"unchanged"}
    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert set(Relation.objects.values_list("pk", flat=True)) == relation_ids
    assert configuration_export() == exported


def test_an_existing_server_keeps_its_secret_when_the_variable_is_not_set(configured):
    exported = configuration_export()
    result = configuration_import(text=exported)
    assert result.changed == []
    assert Service.objects.get(slug="kvk").header_value == KVK_KEY
    assert Service.objects.get(slug="zaken").secret == ZAKEN_SECRET
    assert result.notices == []


def test_the_import_names_the_servers_and_clients_that_still_need_a_secret(configured):
    exported = configuration_export()
    _wipe()
    Certificate.objects.all().delete()
    result = configuration_import(text=exported)
    text = "\n".join(result.notices)
    for needs in ("Server brp still needs its headerValue: set IKO_SERVER_BRP_HEADER_VALUE",
                  "Server kvk still needs its headerValue: set IKO_SERVER_KVK_HEADER_VALUE",
                  "Server zaken still needs its secret: set IKO_SERVER_ZAKEN_SECRET",
                  "Server catalogi still needs its secret",
                  "API client 'Case system' has no token yet",
                  "Server brp needs certificate 'iko-mtls-client'"):
        assert needs in text
    assert "idp" not in text  # no authentication, nothing missing
    assert Service.objects.get(slug="kvk").header_value == ""


def test_a_secret_from_the_environment_replaces_the_one_stored(configured, monkeypatch):
    monkeypatch.setenv("IKO_SERVER_KVK_HEADER_VALUE", "a-new-key")
    result = configuration_import(text=configuration_export())
    assert [str(c) for c in result.changed] == ["update server kvk: headerValue"]
    assert Service.objects.get(slug="kvk").header_value == "a-new-key"
    assert "a-new-key" not in "\n".join(map(str, result.changes)) + "\n".join(result.notices)


def test_a_dry_run_reports_the_changes_and_changes_nothing(configured):
    before = configuration_export()
    document = yaml.safe_load(before)
    document["purposes"][0]["name"] = "Klantcontact (nieuw)"
    document["profiles"][0]["relations"][0]["maxCalls"] = 5
    document["servers"].append({"slug": "bag", "label": "BAG", "apiType": "orc",
                                "apiRoot": "https://bag.example.org/api", "authType": "no_auth"})
    document["grants"][0]["enabled"] = False
    versions = dict(Profile.objects.values_list("name", "version"))

    result = configuration_import(text=yaml.safe_dump(document), dry_run=True)

    assert [str(c) for c in result.changed] == [
        "create server bag",
        "update purpose klantcontact: name",
        "update profile klantbeeld: relations",
        f"update grant {_grant_label(document['grants'][0])}: enabled",
    ]
    assert configuration_export() == before
    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert result.summary().startswith("Would create 1, update 3")


def _grant_label(grant: dict) -> str:
    principal = {"api_client": "apiClient", "group": "group", "role": "role", "self_service": "portalClientId"}
    return f"{grant['kind']}:{grant[principal[grant['kind']]]}/{grant['profile']}/{grant['purpose']}"


def test_an_invalid_file_is_refused_with_every_problem_listed_and_nothing_changed(configured):
    before = configuration_export()
    document = yaml.safe_load(before)
    document["servers"][0]["apiType"] = "telex"
    document["servers"][1]["headerValue"] = "a-literal-secret"
    document["sources"].append({"name": "bag", "connector": "no-such-connector", "server": "kvk"})
    next(s for s in document["sources"] if s["name"] == "zaken")["options"] = {"max_zaken": -1}
    document["profiles"][0]["relations"][0]["operation"] = "ZoekMetPostcode"
    document["profiles"][0]["relations"][0]["relations"][0]["inputExpression"] = ".bsn |||"
    document["searchActions"][0]["columns"] = []
    document["grants"][0]["purpose"] = "no-such-purpose"
    document["profiles"][0]["outputTransform"] = ""  # so grant paths are checked against the profile
    document["grants"][1]["fields"] = ["persoon.iban"]
    document["purposes"][0]["brpVerwerking"] = "a@b@c"
    document["servers"][3]["timeout"] = "soon"
    document["profiles"][0]["relations"][0]["relations"][0]["maxCalls"] = "many"

    with pytest.raises(ConfigurationInvalid) as refused:
        configuration_import(text=yaml.safe_dump(document))

    problems = "\n".join(refused.value.problems)
    for expected in (
        "servers[0] (brp): apiType: Value 'telex' is not a valid choice.",
        "servers[1] (catalogi): secrets do not belong in a file (headerValue)",
        "sources[3] (bag): connector: No connector 'no-such-connector' is installed",
        "operation: BRP Personen has no operation 'ZoekMetPostcode'",
        "klantbeeld.zaken): inputExpression: This JQ expression does not compile",
        "searchActions[0] (klantbeeld/op-bsn): columns: This field cannot be blank. Give at least one column",
        "grants[0]: there is no purpose 'no-such-purpose'",
        "grants[1] (group:kcc/klantbeeld/klantcontact): fields: Narrow only to fields the profile releases",
        "purposes[0] (klantcontact): brpVerwerking: Use at most one '@'",
        "servers[3] (kvk): timeout: “soon” value must be an integer.",
        "klantbeeld.zaken): maxCalls: “many” value must be an integer.",
    ):
        assert expected in problems, f"{expected!r} not in:\n{problems}"
    assert "max_zaken" in problems
    assert len(refused.value.problems) >= 10
    assert configuration_export() == before


@pytest.mark.parametrize("text, words", [
    ("- just a list", "must be a mapping"),
    ("formatVersion: 2\nservers: []", "formatVersion: expected 1, found 2"),
    ("formatVersion: 1\nprofile: {name: x}", "Unknown sections ['profile']"),
    ("formatVersion: 1\nservers: {slug: x}", "servers: must be a list"),
    ("formatVersion: 1\nservers: [{slug: a, label: A, apiType: orc, apiRoot: 'https://a/', color: red}]",
     "unknown keys ['color']"),
    ("formatVersion: 1\npurposes: [{code: a, name: A}, {code: a, name: B}]", "purposes: listed more than once: a"),
    ("formatVersion: 1\n{unclosed", "Not valid YAML or JSON"),
])
def test_malformed_documents_are_refused_with_a_readable_reason(db, text, words):
    with pytest.raises(ConfigurationInvalid, match=words.replace("[", r"\[").replace("]", r"\]")):
        configuration_import(text=text)
    assert not Purpose.objects.exists() and not Service.objects.exists()


def test_a_hand_written_file_needs_only_what_differs_from_the_defaults(db, monkeypatch):
    monkeypatch.setenv("IKO_SERVER_BRP_HEADER_VALUE", "gateway-key")
    monkeypatch.setenv("IKO_VALTIMO_TOKEN", "iko_" + "v" * 40)
    text = """
formatVersion: 1
servers:
  - {slug: brp, label: BRP, apiType: orc, apiRoot: "https://brp.example.org/haalcentraal/api/brp",
     authType: api_key, headerKey: X-Api-Key, secretsFromEnv: {headerValue: IKO_SERVER_BRP_HEADER_VALUE}}
purposes:
  - {code: klantcontact, name: Klantcontact}
sources:
  - {name: brp, connector: brp, server: brp}
profiles:
  - name: klantbeeld
    title: Klantbeeld
    subjectTypes: [bsn]
    status: active
    relations:
      - {name: persoon, source: brp, operation: RaadpleegMetBurgerservicenummer, fields: [naam.volledigeNaam]}
apiClients:
  - {name: Valtimo, defaultPurpose: klantcontact, tokenFromEnv: IKO_VALTIMO_TOKEN}
grants:
  - {apiClient: Valtimo, profile: klantbeeld, purpose: klantcontact}
  - {kind: role, role: kcc, profile: klantbeeld, purpose: klantcontact, validFrom: "2026-01-01T00:00:00+01:00"}
"""
    result = configuration_import(text=text)

    assert result.notices == []
    service = Service.objects.get(slug="brp")
    assert service.api_root.endswith("/brp/") and service.header_value == "gateway-key" and service.timeout == 10
    assert Relation.objects.get().max_calls == 20
    grant = Grant.objects.get(kind="role")
    assert grant.valid_from == datetime(2025, 12, 31, 23, 0, tzinfo=dt_timezone.utc)
    assert ApiClient.objects.get().token_hash == token_hash("iko_" + "v" * 40)
    assert configuration_import(text=text).changed == []


def test_a_short_token_in_the_environment_is_refused(db, monkeypatch):
    monkeypatch.setenv("IKO_SHORT", "iko_short")
    with pytest.raises(ConfigurationInvalid, match="shorter than 32"):
        configuration_import(text="formatVersion: 1\napiClients: [{name: X, tokenFromEnv: IKO_SHORT}]")


def test_the_management_commands_round_trip_and_dry_run(configured, tmp_path, capsys):
    call_command("config_export", "--format", "json", "--output", str(tmp_path / "c.json"))
    exported = (tmp_path / "c.json").read_text()
    assert json.loads(exported)["kind"] == "iko-configuration"
    _wipe()

    call_command("config_import", str(tmp_path / "c.json"), "--dry-run")
    out = capsys.readouterr().out
    assert "would create server kvk" in out and "dry run: nothing was changed" in out
    assert not Service.objects.exists()

    call_command("config_import", str(tmp_path / "c.json"))
    out = capsys.readouterr().out
    assert "create profile klantbeeld" in out and "needs attention: Server kvk still needs its headerValue" in out
    call_command("config_export", "--format", "json")
    assert capsys.readouterr().out == exported


def test_the_import_command_lists_every_problem_and_fails(configured, tmp_path):
    document = configuration_to_dict()
    document["sources"][0]["server"] = "nowhere"
    document["purposes"][0]["code"] = "not a slug"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(CommandError) as refused:
        call_command("config_import", str(tmp_path / "bad.yaml"))
    message = str(refused.value)
    assert message.startswith("Nothing was imported; the document has")
    assert "sources[0]: there is no server 'nowhere'" in message
    assert "purposes[0] (not a slug): code:" in message


def test_variables_in_the_file_are_filled_in_from_the_environment_given(db):
    text = """
formatVersion: 1
servers:
  - {slug: brp, label: "BRP ($${literal})", apiType: orc, apiRoot: "${BRP_ROOT}/haalcentraal/api/brp/",
     authType: api_key, headerKey: X-Api-Key, secretsFromEnv: {headerValue: BRP_KEY}}
"""
    environ = {"BRP_ROOT": "http://127.0.0.1:5010", "BRP_KEY": "k"}
    configuration_import(text=text, environ=environ)

    service = Service.objects.get(slug="brp")
    assert service.api_root == "http://127.0.0.1:5010/haalcentraal/api/brp/" and service.header_value == "k"
    assert service.label == "BRP (${literal})"
    # The export escapes it again, so export -> import keeps the literal text.
    exported = configuration_export()
    assert "BRP ($${literal})" in exported
    assert configuration_import(text=exported, environ={}).changed == []

    with pytest.raises(ConfigurationInvalid, match=r"servers\[0\].apiRoot: uses \$\{BRP_ROOT\}, which is not set"):
        configuration_import(text=text, environ={})


def test_pruning_deletes_the_grants_the_file_does_not_list_and_only_then(configured):
    document = configuration_to_dict()
    kept = document["grants"][1:]
    removed = document["grants"][0]
    document["grants"] = kept
    text = yaml.safe_dump(document)

    assert configuration_import(text=text).changed == []  # without pruning nothing is deleted
    assert Grant.objects.count() == 4

    result = configuration_import(text=text, prune_grants=True)

    assert [str(c) for c in result.changed] == [f"delete grant {_grant_label(removed)}"]
    assert Grant.objects.count() == 3
    assert configuration_to_dict()["grants"] == kept
    with pytest.raises(ConfigurationInvalid, match="pruning grants needs a grants section"):
        configuration_import(text="formatVersion: 1\npurposes: []", prune_grants=True)


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
    kvk = next(s for s in document["servers"] if s["slug"] == "kvk")
    assert kvk["fsc"] == {"outwayAddress": "http://outway.internal:8080/", "grantHash": FSC_GRANT}
    assert all("fsc" not in s for s in document["servers"] if s["slug"] != "kvk")
    _wipe()

    configuration_import(text=exported)

    assert ServerFsc.objects.get().service.slug == "kvk" and ServerFsc.objects.get().grant_hash == FSC_GRANT
    assert ApiClient.objects.get(name="Case system").fsc_peer_id == "00000001234567890000"
    assert configuration_export() == exported
    # A file without the outway removes it: the server is then called directly, as the file says.
    without = yaml.safe_load(exported)
    del next(s for s in without["servers"] if s["slug"] == "kvk")["fsc"]
    result = configuration_import(text=yaml.safe_dump(without))
    assert not ServerFsc.objects.exists()
    assert "delete server FSC outway kvk" in [str(c) for c in result.changes]


def test_an_fsc_outway_with_a_bad_grant_hash_is_not_imported(configured, monkeypatch):
    from profiles.configuration.document import ConfigurationInvalid

    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    document = configuration_to_dict()
    next(s for s in document["servers"] if s["slug"] == "kvk")["fsc"] = {
        "outwayAddress": "http://outway.internal:8080/", "grantHash": "abc"}

    with pytest.raises(ConfigurationInvalid, match="grant hash"):
        configuration_import(text=yaml.safe_dump(document))
