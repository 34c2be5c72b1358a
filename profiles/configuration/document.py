"""What the configuration steps share: the keys of each kind of object in a configuration file
(file key -> model attribute), how a change is reported, and the problem list a step raises.

The file is the one `manage.py setup_configuration --yaml-file FILE` reads (django-setup-configuration,
as Open Zaak, Open Klant and the Objects API are set up): each kind of object is the `items` of one
step's namespace (steps.py), next to its `*_config_enable` flag; the servers are zgw-consumers'
own `zgw_consumers.services`. Everything is named by its natural key (a server's identifier, a
source's name, a purpose's code, a profile's name, an API client's or group's name, an OIDC role,
a portal's client id), never by a database id, so a file made on one environment sets up another.
`manage.py config_export` writes such a file (export.py), `manage.py config_convert` turns a file of
the earlier `config_import` format into one (convert.py).

**Never a secret in an exported file.** A server's secret or API key and an API client's token are
written as `{value_from: {env: NAME, required: false}}`: django-setup-configuration reads them from
that environment variable; when it is not set, what the environment already has is kept and the
run says which servers and clients still need one. Certificates are named by label and uploaded
in the admin. Any other value may come from the environment the same way (`apiRoot` of a demo
server, an objecttype URL in a source's options).

**Applying a file** (importer.py) updates or creates by natural key and deletes nothing, except that
a profile's relation tree and a source's aliases are replaced as a whole when they differ, and
that `iko_grants.prune: true` deletes the grants the file does not list. A grant for a group that
does not exist creates the (empty) group. Unchanged objects are not saved, so applying the same
file twice changes nothing (profile versions stay). Each object is validated as the admin does
(the models' `full_clean`, the connectors' option checks); a step lists every problem it finds,
each with its place in the file, and django-setup-configuration runs all steps in one transaction
that is rolled back when any step fails.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

from django.db import models
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import Service

from profiles.access.models import Grant
from profiles.organisations.selectors import of_organisation, organisation_scope

# File key -> model attribute. A server is zgw-consumers' own step's entry (its `identifier` is the
# slug), with IKO's certificate labels added; its secrets are in SERVER_SECRET_KEYS.
SERVER_KEYS = {key: key for key in (
    "label", "api_type", "api_root", "api_connection_check_path", "auth_type", "client_id", "oauth2_token_url",
    "oauth2_scope", "jwt_valid_for", "header_key", "nlx", "user_id", "user_representation", "timeout",
)}
SERVER_SECRET_KEYS = {"secret": "secret", "header_value": "header_value"}
# A server's FSC outway (connectors.models.ServerFsc), under the server's key "fsc".
SERVER_FSC_KEYS = {"outway_address": "outway_address", "grant_hash": "grant_hash"}
SERVER_CERTIFICATE_KEYS = {"client_certificate": "client_certificate", "server_certificate": "server_certificate"}
# Service fields that are neither configuration to carry over nor secrets.
SERVER_SKIPPED = {"id", "uuid", "slug"}
SOURCE_KEYS = {"title": "title", "connector": "connector", "options": "options", "timeout": "timeout",
               "enabled": "enabled"}
PURPOSE_KEYS = {
    "name": "name", "legalBasis": "legal_basis", "processingActivityId": "processing_activity_id",
    "brpDoelbindingConsult": "brp_doelbinding_consult", "brpDoelbindingSearch": "brp_doelbinding_search",
    "brpVerwerking": "brp_verwerking",
    "needsConsent": "needs_consent",
}
SEARCH_ACTION_KEYS = {
    "title": "title", "description": "description", "operation": "operation", "criteria": "criteria",
    "columns": "columns", "identifierColumn": "identifier_column", "identifierType": "identifier_type",
    "brpDoelbinding": "brp_doelbinding", "maxResults": "max_results", "order": "order",
}
API_CLIENT_KEYS = {"enabled": "enabled", "oin": "oin", "fscPeerId": "fsc_peer_id"}
GRANT_KEYS = {"isDefault": "is_default", "fields": "fields",
              "maxVertrouwelijkheidaanduiding": "max_vertrouwelijkheidaanduiding", "enabled": "enabled", "note": "note"}
GRANT_DATE_KEYS = {"validFrom": "valid_from", "validUntil": "valid_until"}
# Which key of a grant names its principal, per kind.
GRANT_PRINCIPAL_KEYS = {
    Grant.Kind.API_CLIENT: "apiClient", Grant.Kind.GROUP: "group",
    Grant.Kind.ROLE: "role", Grant.Kind.SELF_SERVICE: "portalClientId",
}
MIN_TOKEN_LENGTH = 32


class ConfigurationInvalid(Exception):
    """The document cannot be imported; `problems` says everything that is wrong with it."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Change:
    section: str  # singular: server, source, ...
    key: str
    action: str  # create | update | unchanged
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f": {', '.join(self.fields)}" if self.fields and self.action == "update" else ""
        return f"{self.action} {self.section} {self.key}{detail}"


@dataclass
class ImportResult:
    changes: list[Change] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.action != "unchanged"]

    def summary(self) -> str:
        counts = {a: sum(1 for c in self.changes if c.action == a) for a in ("create", "update", "delete", "unchanged")}
        verb = "Would" if self.dry_run else "Did"
        deleted = f", delete {counts['delete']}" if counts["delete"] else ""
        return f"{verb} create {counts['create']}, update {counts['update']}{deleted}; {counts['unchanged']} unchanged."


def env_name(*parts: str) -> str:
    """A conventional environment variable name: IKO_SERVER_DEMO_KVK_HEADER_VALUE."""
    return "_".join(re.sub(r"[^A-Z0-9]+", "_", p.upper()).strip("_") for p in ("IKO", *parts))


def server_secret_keys(service: Service) -> list[str]:
    """The file keys of the secrets this server's authentication needs."""
    if service.auth_type == AuthTypes.api_key:
        return ["header_value"]
    if service.auth_type in (AuthTypes.zgw, AuthTypes.oauth2_client_credentials):
        return ["secret"]
    return []


# The organisation that configuration reads, writes and exports (None: the default one). Set for the
# length of one command (`setup_configuration --organisation`, `config_export --organisation`).
_organisation: ContextVar[int | None] = ContextVar("configuration_organisation", default=None)


@contextmanager
def configuration_organisation(organisation_id: int | None) -> Iterator[None]:
    """Scope every configuration lookup, creation and export inside to one organisation."""
    token = _organisation.set(organisation_id)
    try:
        yield
    finally:
        _organisation.reset(token)


def configuration_organisation_id() -> int:
    """The id of the organisation configuration works in now (the default one unless scoped)."""
    return organisation_scope(_organisation.get())


def configuration_objects(model: type[models.Model]) -> models.QuerySet:
    """Every object of `model` that configuration reads, writes and exports: only the current
    organisation's (`configuration_organisation`). The steps look objects up and the export lists
    them only through this, so a file can neither reach nor join another organisation's objects."""
    return of_organisation(model._default_manager.all(), _organisation.get())


def plain_value(value: Any) -> Any:
    # TextChoices members print as their value in JSON but not in YAML.
    return value.value if isinstance(value, models.Choices) else value


def grant_principal_name(grant: Grant) -> str:
    if grant.kind == Grant.Kind.API_CLIENT:
        return grant.api_client.name
    if grant.kind == Grant.Kind.GROUP:
        return grant.group.name
    if grant.kind == Grant.Kind.ROLE:
        return grant.role
    return grant.portal_client_id


def values_with_defaults(model: type[models.Model], item: dict[str, Any], keymap: dict[str, str]) -> dict[str, Any]:
    """attr -> value for every key of `keymap`: the item's value, or the model field's default."""
    values = {}
    for key, attr in keymap.items():
        value = item.get(key)
        if value is None:
            model_field = model._meta.get_field(attr)
            value = model_field.get_default() if not model_field.null else None
        values[attr] = value
    return values
