"""`manage.py config_convert`: a file of the earlier config_import format becomes a setup_configuration
file that sets up the same configuration (profiles/configuration/convert.py)."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient, token_hash
from profiles.configuration.apply import configuration_apply
from profiles.configuration.convert import configuration_convert, configuration_convert_text
from profiles.configuration.document import ConfigurationInvalid
from profiles.models import Grant, Profile, Purpose, SearchAction
from profiles.regelingen.models import Regeling

TOKEN = "iko_" + "v" * 40
OLD = """# A comment about this file.
# It stays with it.
formatVersion: 1
kind: iko-configuration
servers:
  - {slug: brp, label: "BRP ($${literal})", apiType: orc, apiRoot: "${BRP_ROOT}",
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
searchActions:
  - {profile: klantbeeld, name: op-bsn, source: brp, title: Zoek op BSN, operation: RaadpleegMetBurgerservicenummer,
     criteria: [{name: bsn, type: bsn, required: true, label: BSN}],
     columns: [{name: bsn, field: burgerservicenummer, label: BSN}], identifierColumn: bsn, identifierType: bsn}
apiClients:
  - {name: Valtimo, defaultPurpose: klantcontact, tokenFromEnv: IKO_VALTIMO_TOKEN}
grants:
  - {apiClient: Valtimo, profile: klantbeeld, purpose: klantcontact}
  - {kind: role, role: kcc, profile: klantbeeld, purpose: klantcontact, validFrom: "2026-01-01T00:00:00+01:00"}
regelingen:
  - name: stadspas
    title: Stadspas
    profile: klantbeeld
    purpose: klantcontact
    criteria: [{text: U woont in de gemeente., expression: .persoon != null}]
"""


@pytest.fixture
def environment(monkeypatch):
    monkeypatch.setenv("BRP_ROOT", "https://brp.example.org/haalcentraal/api/brp/")
    monkeypatch.setenv("IKO_SERVER_BRP_HEADER_VALUE", "gateway-key")
    monkeypatch.setenv("IKO_VALTIMO_TOKEN", TOKEN)


def test_a_converted_file_sets_up_what_the_earlier_import_did(db, environment):
    converted = configuration_convert_text(OLD)

    result = configuration_apply(text=converted)

    assert result.notices == []
    service = Service.objects.get(slug="brp")
    assert (service.label, service.api_root, service.header_value) == (
        "BRP (${literal})", "https://brp.example.org/haalcentraal/api/brp/", "gateway-key")
    assert Profile.objects.get().relations.get().operation == "RaadpleegMetBurgerservicenummer"
    assert SearchAction.objects.get().identifier_column == "bsn"
    assert ApiClient.objects.get().token_hash == token_hash(TOKEN)
    assert Grant.objects.count() == 2 and Purpose.objects.get().code == "klantcontact"
    assert Regeling.objects.get().criteria.count() == 1
    assert configuration_apply(text=converted).changed == []


def test_the_conversion_speaks_the_steps_namespaces_and_reads_secrets_and_variables_with_value_from():
    document = configuration_convert(yaml.safe_load(OLD))

    assert [key for key in document if not key.endswith("_config_enable")] == [
        "zgw_consumers", "iko_purposes", "iko_sources", "iko_profiles", "iko_search_actions", "iko_api_clients",
        "iko_grants", "iko_regelingen"]
    [server] = document["zgw_consumers"]["services"]
    assert server["identifier"] == "brp" and server["api_type"] == "orc" and server["header_key"] == "X-Api-Key"
    assert server["api_root"] == {"value_from": {"env": "BRP_ROOT"}}
    assert server["header_value"] == {"value_from": {"env": "IKO_SERVER_BRP_HEADER_VALUE", "required": False}}
    assert "secretsFromEnv" not in server and "slug" not in server
    [client] = document["iko_api_clients"]["items"]
    assert client["token"] == {"value_from": {"env": "IKO_VALTIMO_TOKEN", "required": False}}
    assert "prune" not in document["iko_grants"]
    assert configuration_convert(yaml.safe_load(OLD), prune_grants=True)["iko_grants"]["prune"] is True


def test_the_files_leading_comments_stay_with_it():
    assert configuration_convert_text(OLD).startswith("# A comment about this file.\n# It stays with it.\nzgw_")


@pytest.mark.parametrize("text, words", [
    ("formatVersion: 2\nservers: []", "formatVersion: expected 1, found 2"),
    ("formatVersion: 1\nkind: iko-profile", "kind: expected 'iko-configuration'"),
    ("formatVersion: 1\nprofile: {name: x}", "Unknown sections ['profile']"),
    ("formatVersion: 1\nservers: {slug: x}", "servers: must be a list"),
    ("formatVersion: 1\nservers: [{slug: x, headerValue: literal}]", "servers[0] (x): secrets do not belong in a file"),
    ("formatVersion: 1\nservers: [{slug: x, apiRoot: 'https://${HOST}/api/'}]",
     "servers[0].apiRoot: ${NAME} inside a longer text"),
    ("formatVersion: 1\npurposes: []", None),
    ("{unclosed", "Not valid YAML or JSON"),
])
def test_what_cannot_be_converted_is_refused_with_its_place(text, words):
    if words is None:  # pruning needs a grants section
        with pytest.raises(ConfigurationInvalid, match="pruning grants needs a grants section"):
            configuration_convert_text(text, prune_grants=True)
        return
    with pytest.raises(ConfigurationInvalid) as refused:
        configuration_convert_text(text)
    assert any(words in problem for problem in refused.value.problems), refused.value.problems


def test_the_command_writes_the_converted_file_and_refuses_a_bad_one(tmp_path, capsys):
    (tmp_path / "old.yaml").write_text(OLD)
    call_command("config_convert", str(tmp_path / "old.yaml"), "--prune-grants", "--output", str(tmp_path / "new.yaml"))
    assert yaml.safe_load((tmp_path / "new.yaml").read_text())["iko_grants"]["prune"] is True
    assert "setup_configuration --yaml-file" in capsys.readouterr().err

    (tmp_path / "bad.yaml").write_text("formatVersion: 3\n")
    with pytest.raises(CommandError, match="Not converted; the file has 1 problem"):
        call_command("config_convert", str(tmp_path / "bad.yaml"))
