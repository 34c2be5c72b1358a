"""The demo configuration: `demo/config.yaml`, a setup_configuration file applied with IKO's
configuration steps (profiles/configuration/), as an operator sets up an environment with
`manage.py setup_configuration --yaml-file`.

`demo_configure` sets the environment variables the file's `value_from`s read: `IKO_DEMO_*`, where
`manage.py demo` started the seven demo servers of `demo/servers/` (the Zaken server also serves
the Documenten and Besluiten APIs, as Open Zaak does), and the demo credentials those sources
expect. What the demo profiles are is described in the file.

Idempotent: applying the same file again saves nothing (a profile's version only changes when
the profile does); new source addresses update the servers; a relation or search action a demo
profile no longer has is removed. The tokens and keys here are fixed, public demo values so that
the README's curl works; only the demo command loads them.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from demo.universe import COMPANY, GEZAGHOUDER, MINOR_CHILD, OBJECT_STORY_ADDRESS, PERSONS, pand_identificatie
import yaml

from profiles.configuration.apply import configuration_apply
from profiles.consent.models import ConsentText
from profiles.consent.scopes import ConsentScope
from profiles.definitions.models import SearchAction

CONFIG_FILE = Path(__file__).with_name("config.yaml")
# What makes the demo answer Valtimo's own development configuration (see the file).
VALTIMO_FILE = Path(__file__).with_name("valtimo.yaml")

DEMO_TOKEN = "iko_demo_token_only_for_the_local_demo"
DEMO_BSN = PERSONS[0]["bsn"]
DEMO_KVK = COMPANY["kvkNummer"]
DEMO_PURPOSE = "klantcontact"
# The object views (adresbeeld, zaakbeeld): Boterdiep 31 for a permit handler, the objection against
# the enforcement there for an objection handler.
DEMO_ADRES = OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"]
DEMO_ADRES_PURPOSE = "vergunningverlening"
DEMO_ZAAK = "ZAAK-2025-0000000303"
DEMO_ZAAK_PURPOSE = "bezwaarbehandeling"
# The pandbeeld: the bakery's building at Boterdiep 33, with the shop's rebuilding permit located in
# it (its terrace permit lies on the pavement outside).
DEMO_PAND = pand_identificatie(COMPANY["vestigingen"][0]["adres"]["adresseerbaarObjectIdentificatie"])
# Self-service (docs/integrator/citizen.md): the profile, its purpose, and the relation that needs
# consent, with the text a citizen agrees to (config as code holds no consent texts, so it is made
# here).
SELF_SERVICE_PROFILE = "mijn-omgeving"
SELF_SERVICE_PURPOSE = "mijn-omgeving"
CONSENT_SCOPE = ConsentScope.for_relation(SELF_SERVICE_PROFILE, "inkomens")
CONSENT_TEXT = {
    "version": "1",
    "title": "Uw inkomens in mijn omgeving",
    "text": "Ik geef de gemeente toestemming om mijn inkomens uit het inkomensregister op te halen en "
    "aan mij te tonen in mijn omgeving. Ik kan deze toestemming altijd intrekken.",
}
# The regelingen demo (docs/integrator/regelingen.md): suggestions for a test person who
# qualifies, and the staff group whose grant prefills the application form (the demo admin is in it).
DEMO_SUGGESTIONS_PROFILE = "regelingentoets"
DEMO_SUGGESTIONS_BSN = "999993847"
DEMO_STAFF_GROUP = "Demo baliemedewerkers"

# The sources config.yaml configures and the connector each uses: every installed connector once,
# Objecten three times (one objecttype per source).
SOURCE_CONNECTORS = {
    "brp": "brp",
    "kvk": "kvk",
    "zaken": "zaken",
    "documenten": "documenten",
    "besluiten": "besluiten",
    "klantinteracties": "klantinteracties",
    "objecten": "objecten",
    "bedrijfsobjecten": "objecten",
    "vergunningen": "objecten",
    "bag": "bag",
    "inkomensregister": "generic",
}

# Credentials the demo sources require (demo/management/commands/demo.py starts them with these).
DEMO_KVK_API_KEY = "demo-kvk-key-only-for-the-local-demo"
DEMO_ZAKEN_CLIENT_ID = "iko-demo"  # also in config.yaml (clientId is no secret)
# HS256 wants at least 32 bytes of secret.
DEMO_ZAKEN_SECRET = "demo-zaken-secret-only-for-the-local-demo"
DEMO_OPENKLANT_TOKEN = "demo-openklant-token"
DEMO_OBJECTEN_TOKEN = "demo-objecten-token-only-for-the-local-demo"
DEMO_BAG_API_KEY = "demo-bag-key-only-for-the-local-demo"

# The variables config.yaml's value_from of secrets and tokens name.
DEMO_SECRETS = {
    "IKO_SERVER_DEMO_KVK_HEADER_VALUE": DEMO_KVK_API_KEY,
    "IKO_SERVER_DEMO_ZAKEN_SECRET": DEMO_ZAKEN_SECRET,
    "IKO_SERVER_DEMO_CATALOGI_SECRET": DEMO_ZAKEN_SECRET,
    # One Open Zaak, one client: the same credentials for its Documenten and Besluiten APIs.
    "IKO_SERVER_DEMO_DOCUMENTEN_SECRET": DEMO_ZAKEN_SECRET,
    "IKO_SERVER_DEMO_BESLUITEN_SECRET": DEMO_ZAKEN_SECRET,
    "IKO_SERVER_DEMO_KLANTINTERACTIES_HEADER_VALUE": f"Token {DEMO_OPENKLANT_TOKEN}",
    "IKO_SERVER_DEMO_CONTACTGEGEVENS_HEADER_VALUE": f"Token {DEMO_OPENKLANT_TOKEN}",
    "IKO_SERVER_DEMO_OBJECTEN_HEADER_VALUE": f"Token {DEMO_OBJECTEN_TOKEN}",
    "IKO_SERVER_DEMO_BAG_HEADER_VALUE": DEMO_BAG_API_KEY,
    "IKO_API_CLIENT_DEMO_CASE_SYSTEM_TOKEN": DEMO_TOKEN,
}


def demo_environ(**roots: str) -> dict[str, str]:
    """The environment config.yaml is applied with: each of `demo_configure`'s addresses as
    ${IKO_DEMO_<ARGUMENT>} (brp_api_root -> IKO_DEMO_BRP_API_ROOT), and the demo credentials."""
    return {**{f"IKO_DEMO_{name.upper()}": value for name, value in roots.items()}, **DEMO_SECRETS}


@transaction.atomic
def demo_configure(
    *,
    brp_api_root: str,
    kvk_api_root: str,
    zaken_api_root: str,
    catalogi_api_root: str,
    documenten_api_root: str,
    besluiten_api_root: str,
    klantinteracties_api_root: str,
    contactgegevens_api_root: str,
    objecten_api_root: str,
    objecttype_url: str,
    company_objecttype_url: str,
    vergunning_objecttype_url: str,
    bag_api_root: str,
    inkomensregister_api_root: str,
) -> dict:
    """Configure IKO for the demo sources at these API roots; returns what the README's curls use."""
    roots = dict(locals())  # the addresses above, by argument name
    result = configuration_apply(CONFIG_FILE, environ=demo_environ(**roots))
    if result.notices:
        # A secret or token the file asks for that DEMO_SECRETS does not give: the demo would not work.
        raise RuntimeError("demo/config.yaml needs more than demo_configure gives it:\n" + "\n".join(result.notices))
    _remove_other_search_actions(CONFIG_FILE)
    ConsentText.objects.get_or_create(**CONSENT_SCOPE.lookup(), version=CONSENT_TEXT["version"], defaults=CONSENT_TEXT)
    return {
        "token": DEMO_TOKEN,
        "purpose": DEMO_PURPOSE,
        "profile": "klantbeeld",
        "bsn": DEMO_BSN,
        "company_profile": "bedrijfsbeeld",
        "kvk": DEMO_KVK,
        "adres": DEMO_ADRES, "adres_purpose": DEMO_ADRES_PURPOSE,
        "zaak": DEMO_ZAAK, "zaak_purpose": DEMO_ZAAK_PURPOSE,
        "pand": DEMO_PAND, "pand_purpose": DEMO_ADRES_PURPOSE,
        "self_service_profile": SELF_SERVICE_PROFILE,
        "consent_scope": CONSENT_SCOPE.key,
        "consent_text_version": CONSENT_TEXT["version"],
        "gezaghouder": GEZAGHOUDER["bsn"],
        "child": MINOR_CHILD["bsn"],
        "suggestions_profile": DEMO_SUGGESTIONS_PROFILE,
        "suggestions_bsn": DEMO_SUGGESTIONS_BSN,
    }


@transaction.atomic
def demo_configure_valtimo() -> dict:
    """Apply demo/valtimo.yaml on top of the demo configuration (`demo_configure` first: it uses
    that file's servers, sources, purpose and API client). Idempotent like `demo_configure`;
    returns the names a Valtimo installation's files use."""
    result = configuration_apply(VALTIMO_FILE, environ=DEMO_SECRETS)
    if result.notices:
        raise RuntimeError("demo/valtimo.yaml needs more than the demo gives it:\n" + "\n".join(result.notices))
    _remove_other_search_actions(VALTIMO_FILE)
    return {"profiles": ["Personen", "demo"], "endpoints": ["brp/brp1/Personen", "demo/demo1/getMockData"]}


def _remove_other_search_actions(path: Path) -> None:
    """The file is the whole truth about the demo profiles: the steps delete nothing, so a search
    action the file no longer lists (renamed, or left from an older demo) is removed here. (Their
    relation trees are replaced by the steps themselves.)"""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    listed = {(a["profile"], a["name"]) for a in (document.get("iko_search_actions") or {}).get("items") or []}
    for profile in (document.get("iko_profiles") or {}).get("items") or []:
        names = [name for owner, name in listed if owner == profile["name"]]
        SearchAction.objects.filter(profile__name=profile["name"], profile__draft_of__isnull=True).exclude(
            name__in=names
        ).delete()


def demo_admin_ensure() -> None:
    """The demo's admin user `admin` (password `IKO_DEMO_ADMIN_PASSWORD`, default `admin`), once,
    in the demo staff group."""
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.org", os.environ.get("IKO_DEMO_ADMIN_PASSWORD", "admin"))
    # The admin is demo staff: its group's grant prefills the demo application form.
    group, _ = Group.objects.get_or_create(name=DEMO_STAFF_GROUP)
    User.objects.get(username="admin").groups.add(group)
