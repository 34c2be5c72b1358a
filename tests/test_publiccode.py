"""publiccode.yml holds what the publiccode.yml standard 0.4 requires (https://yml.publiccode.tools,
"schema.core"), with values from its controlled lists, and agrees with pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Mandatory top-level keys of the core schema, version 0.4.
REQUIRED = ("publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus",
            "softwareType", "description", "legal", "maintenance", "localisation")
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                  "standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}
# The part of the standard's categories list and scope list that IKO could sensibly use; a value
# outside them is either a typo or needs checking against the full list first.
CATEGORIES = {"contact-management", "crm", "customer-service-and-support", "compliance-management",
              "data-collection", "digital-citizenship", "identity-management", "it-security",
              "workflow-management", "business-process-management"}
SCOPES = {"government", "local-authorities", "society", "welfare"}


def publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_publiccode_has_every_key_the_standard_requires():
    data = publiccode()

    assert [key for key in REQUIRED if not data.get(key)] == []
    assert data["publiccodeYmlVersion"] == "0.4"
    assert data["legal"].get("license")
    assert data["maintenance"].get("type") in MAINTENANCE_TYPES
    assert isinstance(data["localisation"].get("localisationReady"), bool)
    assert data["localisation"].get("availableLanguages")


def test_publiccode_values_come_from_the_standards_lists():
    data = publiccode()

    assert data["developmentStatus"] in DEVELOPMENT_STATUSES
    assert data["softwareType"] in SOFTWARE_TYPES
    assert set(data["platforms"]) <= {"web", "windows", "mac", "linux", "ios", "android"}
    assert set(data["categories"]) <= CATEGORIES
    assert set(data["intendedAudience"]["scope"]) <= SCOPES


def test_publiccode_describes_iko_in_dutch_and_english_within_the_standards_lengths():
    description = publiccode()["description"]

    assert set(description) == {"nl", "en"}
    for language, text in description.items():
        assert 0 < len(text["shortDescription"]) <= 150, language
        assert 150 <= len(text["longDescription"]) <= 10000, language
        assert text["features"], language


def test_the_maintenance_section_names_whom_its_type_requires():
    maintenance = publiccode()["maintenance"]

    if maintenance["type"] == "contract":
        assert maintenance.get("contractors")
    if maintenance["type"] in {"internal", "community"}:
        contacts = maintenance.get("contacts") or []
        assert contacts and all(contact.get("name") for contact in contacts)


def test_publiccode_agrees_with_pyproject_and_the_licence_file():
    data = publiccode()
    project = pyproject()["project"]

    assert data["legal"]["license"] == project["license"] == "EUPL-1.2"
    assert data["softwareVersion"] == project["version"]
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (ROOT / "LICENSE").read_text(encoding="utf-8")
