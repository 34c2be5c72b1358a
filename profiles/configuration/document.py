"""The whole configuration as one document (YAML or JSON): its format, parsing and `${NAME}`
substitution. Exporting is in export.py, importing in importer.py (`manage.py config_export`,
`manage.py config_import`).

A document holds, in this order: `servers` (zgw_consumers services), `purposes`, `sources`
(with their front-door tags and operation aliases where they have them, see front_door.py),
`profiles` (each with its relation tree, in the format of `profiles/definitions/portability.py`),
`searchActions`, `apiClients` and `grants`, then the sections installed apps add (sections.py, e.g.
`regelingen` and `prefillAttributes`). Everything is named by its natural key (a server's
slug, a source's name, a purpose's code, a profile's name, an API client's or group's name, an
OIDC role, a portal's client id), never by a database id, so a file made on one environment
imports on another.

**Never a secret.** A server's secret or API key, an API client's token and a certificate's
private key never appear in a document. A server names the environment variable its secret is
read from at import (`secretsFromEnv`), an API client the one of its token (`tokenFromEnv`); when
the variable is not set, the import keeps what the environment already has and says which
servers and clients still need one. Certificates are named by label and uploaded in the admin.

**One file, several environments.** `${NAME}` in any text of the document is filled in from the
environment at import (`$${` is a literal `${`), e.g. `apiRoot: ${BRP_API_ROOT}`; an unset
variable is a problem. The export writes what is stored, with any `${` escaped.

**Import** updates or creates by natural key and deletes nothing, except that a profile's
relation tree is replaced as a whole when it differs (as `profile_import` does), and that
`prune_grants` deletes the grants the document does not list. A grant for a group that does not
exist creates the (empty) group. Unchanged
objects are not saved, so importing the same file twice changes nothing (profile versions stay).
It runs in one transaction and validates everything as the admin does (the models' `full_clean`,
the connectors' option checks); when anything is wrong, nothing is changed and the error lists
every problem found, each with where it is in the document. `dry_run` reports what would change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import yaml
from django.db import models
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import Service


from profiles.access.models import Grant
from profiles.configuration.sections import extra_section_names

FORMAT_VERSION = 1
DOCUMENT_KIND = "iko-configuration"
SECTIONS = ("servers", "purposes", "sources", "profiles", "searchActions", "apiClients", "grants")


def configuration_sections() -> tuple[str, ...]:
    """Every section a document may hold: the core ones, then those the installed apps add."""
    return (*SECTIONS, *extra_section_names())


# File key -> model attribute. Secrets are deliberately absent (see SERVER_SECRET_KEYS).
SERVER_KEYS = {
    "label": "label", "apiType": "api_type", "apiRoot": "api_root",
    "apiConnectionCheckPath": "api_connection_check_path", "authType": "auth_type",
    "clientId": "client_id", "oauth2TokenUrl": "oauth2_token_url", "oauth2Scope": "oauth2_scope",
    "jwtValidFor": "jwt_valid_for", "headerKey": "header_key", "nlx": "nlx", "userId": "user_id",
    "userRepresentation": "user_representation", "timeout": "timeout",
}
SERVER_SECRET_KEYS = {"secret": "secret", "headerValue": "header_value"}
# A server's FSC outway (connectors.models.ServerFsc), under the server's key "fsc".
SERVER_FSC_KEYS = {"outwayAddress": "outway_address", "grantHash": "grant_hash"}
SERVER_CERTIFICATE_KEYS = {"clientCertificate": "client_certificate", "serverCertificate": "server_certificate"}
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
GRANT_KEYS = {"isDefault": "is_default", "fields": "fields", "enabled": "enabled", "note": "note"}
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
        return ["headerValue"]
    if service.auth_type in (AuthTypes.zgw, AuthTypes.oauth2_client_credentials):
        return ["secret"]
    return []


def configuration_parse(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)  # YAML is a superset of JSON: one parser for both
    except yaml.YAMLError as exc:
        raise ConfigurationInvalid([f"Not valid YAML or JSON: {exc}"]) from None
    sections = configuration_sections()
    if not isinstance(document, dict):
        raise ConfigurationInvalid(["The document must be a mapping with formatVersion and the sections "
                                    f"{', '.join(sections)}."])
    problems = []
    if document.get("formatVersion") != FORMAT_VERSION:
        problems.append(f"formatVersion: expected {FORMAT_VERSION}, found {document.get('formatVersion')!r}.")
    if document.get("kind", DOCUMENT_KIND) != DOCUMENT_KIND:
        problems.append(f"kind: expected {DOCUMENT_KIND!r}, found {document.get('kind')!r} "
                        "(a single profile imports with profile_import).")
    unknown = sorted(set(document) - {"formatVersion", "kind", *sections})
    if unknown:
        problems.append(f"Unknown sections {unknown}; known: {list(sections)}.")
    for section in sections:
        if document.get(section) is not None and not isinstance(document[section], list):
            problems.append(f"{section}: must be a list.")
    if problems:
        raise ConfigurationInvalid(problems)
    return document


_VARIABLE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def configuration_substitute(document: Any, environ: Mapping[str, str], problems: list[str], where: str = "") -> Any:
    """Fill in `${NAME}` from `environ` in every text of the document (after parsing, so a value
    cannot change the document's structure); `$${` is a literal `${`. This is how one file serves
    several environments (API roots, objecttype URLs); secrets still go by secretsFromEnv."""
    if isinstance(document, str):
        def replace(match: re.Match) -> str:
            if match.group(0) == "$${":
                return "${"
            name = match.group(1)
            if name not in environ:
                problems.append(f"{where or 'document'}: uses ${{{name}}}, which is not set.")
                return match.group(0)
            return environ[name]
        return _VARIABLE.sub(replace, document)
    if isinstance(document, list):
        return [configuration_substitute(v, environ, problems, f"{where}[{i}]") for i, v in enumerate(document)]
    if isinstance(document, dict):
        return {k: configuration_substitute(v, environ, problems, f"{where}.{k}" if where else str(k))
                for k, v in document.items()}
    return document


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
