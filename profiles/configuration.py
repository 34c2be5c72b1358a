"""The whole configuration as one document (YAML or JSON): export it, and set up an environment
from it (`manage.py config_export`, `manage.py config_import`; issue 7, "Config as code").

A document holds, in this order: `servers` (zgw_consumers services), `purposes`, `sources`,
`profiles` (each with its relation tree, in the format of `profiles/portability.py`),
`searchActions`, `apiClients` and `grants`. Everything is named by its natural key (a server's
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

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from typing import Any, Callable, Mapping

import yaml
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_certmanager.models import Certificate
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import Service

from api.models import ApiClient, token_hash
from connectors.models import Source

from .models import Grant, Profile, Purpose, Relation, SearchAction
from .portability import PROFILE_KEYS, RELATION_KEYS, profile_to_dict

FORMAT_VERSION = 1
DOCUMENT_KIND = "iko-configuration"
SECTIONS = ("servers", "purposes", "sources", "profiles", "searchActions", "apiClients", "grants")

# File key -> model attribute. Secrets are deliberately absent (see SERVER_SECRET_KEYS).
SERVER_KEYS = {
    "label": "label", "apiType": "api_type", "apiRoot": "api_root",
    "apiConnectionCheckPath": "api_connection_check_path", "authType": "auth_type",
    "clientId": "client_id", "oauth2TokenUrl": "oauth2_token_url", "oauth2Scope": "oauth2_scope",
    "jwtValidFor": "jwt_valid_for", "headerKey": "header_key", "nlx": "nlx", "userId": "user_id",
    "userRepresentation": "user_representation", "timeout": "timeout",
}
SERVER_SECRET_KEYS = {"secret": "secret", "headerValue": "header_value"}
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
API_CLIENT_KEYS = {"enabled": "enabled", "oin": "oin"}
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


# --- export ----------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")


def _server_to_dict(service: Service) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": service.slug}
    data.update({key: _plain(getattr(service, attr)) for key, attr in SERVER_KEYS.items()})
    for key, attr in SERVER_CERTIFICATE_KEYS.items():
        certificate = getattr(service, attr)
        data[key] = certificate.label if certificate else None
    data["secretsFromEnv"] = {key: env_name("SERVER", service.slug, _snake(key)) for key in server_secret_keys(service)}
    return data


def _plain(value: Any) -> Any:
    # TextChoices members print as their value in JSON but not in YAML.
    return value.value if isinstance(value, models.Choices) else value


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key)


def _source_to_dict(source: Source) -> dict[str, Any]:
    return {"name": source.name, "server": source.service.slug,
            **{key: _plain(getattr(source, attr)) for key, attr in SOURCE_KEYS.items()}}


def _purpose_to_dict(purpose: Purpose) -> dict[str, Any]:
    return {"code": purpose.code, **{key: getattr(purpose, attr) for key, attr in PURPOSE_KEYS.items()}}


def _search_action_to_dict(action: SearchAction) -> dict[str, Any]:
    return {"profile": action.profile.name, "name": action.name, "source": action.source.name,
            **{key: _plain(getattr(action, attr)) for key, attr in SEARCH_ACTION_KEYS.items()}}


def _api_client_to_dict(client: ApiClient) -> dict[str, Any]:
    return {"name": client.name, "enabled": client.enabled,
            "defaultPurpose": client.default_purpose.code if client.default_purpose else None,
            "oin": client.oin, "tokenFromEnv": env_name("API_CLIENT", client.name, "TOKEN")}


def _grant_principal(grant: Grant) -> str:
    if grant.kind == Grant.Kind.API_CLIENT:
        return grant.api_client.name
    if grant.kind == Grant.Kind.GROUP:
        return grant.group.name
    if grant.kind == Grant.Kind.ROLE:
        return grant.role
    return grant.portal_client_id


def _grant_to_dict(grant: Grant) -> dict[str, Any]:
    kind = _plain(grant.kind)
    data: dict[str, Any] = {"kind": kind, GRANT_PRINCIPAL_KEYS[kind]: _grant_principal(grant),
                            "profile": grant.profile.name, "purpose": grant.purpose.code}
    data.update({key: getattr(grant, attr) for key, attr in GRANT_KEYS.items()})
    data.update({key: _iso(getattr(grant, attr)) for key, attr in GRANT_DATE_KEYS.items()})
    return data


def _grant_sort_key(data: dict[str, Any]) -> tuple:
    return (data["profile"], data["purpose"], data["kind"], data[GRANT_PRINCIPAL_KEYS[data["kind"]]])


def configuration_to_dict() -> dict[str, Any]:
    """The whole configuration as plain data, in a stable order (equal configurations, equal
    documents)."""
    live = Profile.objects.filter(draft_of__isnull=True)
    servers = Service.objects.select_related("client_certificate", "server_certificate").order_by("slug")
    grants = Grant.objects.filter(profile__draft_of__isnull=True).select_related("api_client", "group", "profile", "purpose")
    return {
        "formatVersion": FORMAT_VERSION,
        "kind": DOCUMENT_KIND,
        "servers": [_server_to_dict(s) for s in servers],
        "purposes": [_purpose_to_dict(p) for p in Purpose.objects.order_by("code")],
        "sources": [_source_to_dict(s) for s in Source.objects.select_related("service").order_by("name")],
        "profiles": [profile_to_dict(p)["profile"] for p in live.order_by("name")],
        "searchActions": [
            _search_action_to_dict(a)
            for a in SearchAction.objects.filter(profile__draft_of__isnull=True)
            .select_related("profile", "source").order_by("profile__name", "order", "name")
        ],
        "apiClients": [_api_client_to_dict(c) for c in ApiClient.objects.select_related("default_purpose").order_by("name")],
        "grants": sorted((_grant_to_dict(g) for g in grants), key=_grant_sort_key),
    }


def _escape(value: Any) -> Any:
    """`${` in a value is written `$${`, so that the import does not take it for a variable."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value


def configuration_dump(document: dict[str, Any], *, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def configuration_export(*, fmt: str = "yaml") -> str:
    return configuration_dump(_escape(configuration_to_dict()), fmt=fmt)


# --- import ----------------------------------------------------------------------------------


def configuration_parse(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)  # YAML is a superset of JSON: one parser for both
    except yaml.YAMLError as exc:
        raise ConfigurationInvalid([f"Not valid YAML or JSON: {exc}"]) from None
    if not isinstance(document, dict):
        raise ConfigurationInvalid(["The document must be a mapping with formatVersion and the sections "
                                    f"{', '.join(SECTIONS)}."])
    problems = []
    if document.get("formatVersion") != FORMAT_VERSION:
        problems.append(f"formatVersion: expected {FORMAT_VERSION}, found {document.get('formatVersion')!r}.")
    if document.get("kind", DOCUMENT_KIND) != DOCUMENT_KIND:
        problems.append(f"kind: expected {DOCUMENT_KIND!r}, found {document.get('kind')!r} "
                        "(a single profile imports with profile_import).")
    unknown = sorted(set(document) - {"formatVersion", "kind", *SECTIONS})
    if unknown:
        problems.append(f"Unknown sections {unknown}; known: {list(SECTIONS)}.")
    for section in SECTIONS:
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


def configuration_import(*, text: str, dry_run: bool = False, prune_grants: bool = False,
                         environ: Mapping[str, str] | None = None) -> ImportResult:
    """Apply a configuration document; raises ConfigurationInvalid (changing nothing) if it has
    any problem. With `dry_run`, everything is validated and nothing is kept. `environ` (default:
    the process environment) fills in `${NAME}` and holds the variables that secretsFromEnv and
    tokenFromEnv name. With `prune_grants`, grants the document does not list are deleted: its
    `grants` section is then the whole truth about who may use what."""
    environ = os.environ if environ is None else environ
    document = configuration_parse(text)
    problems: list[str] = []
    document = configuration_substitute(document, environ, problems)
    if problems:
        raise ConfigurationInvalid(problems)
    run = _Import(dry_run=dry_run, environ=environ)
    with transaction.atomic():
        for section, importer in (
            ("servers", run.servers), ("purposes", run.purposes), ("sources", run.sources),
            ("profiles", run.profiles), ("searchActions", run.search_actions),
            ("apiClients", run.api_clients), ("grants", run.grants),
        ):
            items = document.get(section) or []
            keys = [_natural_key(section, item) for item in items if isinstance(item, dict)]
            duplicates = sorted({str(k) for k in keys if k is not None and keys.count(k) > 1})
            if duplicates:
                run.problems.append(f"{section}: listed more than once: {', '.join(duplicates)}.")
            for index, item in enumerate(items):
                importer(f"{section}[{index}]", item)
        if prune_grants:
            if document.get("grants") is None:
                run.problems.append("grants: pruning grants needs a grants section (an empty list removes them all).")
            else:
                run.prune_grants()
        if run.problems:
            raise ConfigurationInvalid(run.problems)
        if dry_run:
            transaction.set_rollback(True)
    return run.result


def _natural_key(section: str, item: dict[str, Any]) -> Any:
    if section == "servers":
        return item.get("slug")
    if section in ("sources", "profiles", "apiClients"):
        return item.get("name")
    if section == "purposes":
        return item.get("code")
    if section == "searchActions":
        return f"{item.get('profile')}/{item.get('name')}"
    if section == "grants":
        kind = item.get("kind", Grant.Kind.API_CLIENT)
        return f"{kind}:{item.get(GRANT_PRINCIPAL_KEYS.get(kind, 'apiClient'))}/{item.get('profile')}/{item.get('purpose')}"
    return None


def _messages(exc: ValidationError, keymap: dict[str, str]) -> list[str]:
    """The admin's messages, with model attribute names turned into the document's keys."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    reverse = {attr: key for key, attr in keymap.items()}
    return [
        " ".join(messages) if name == "__all__" else f"{reverse.get(name, name)}: {' '.join(messages)}"
        for name, messages in exc.message_dict.items()
    ]


def _with_defaults(model: type[models.Model], item: dict[str, Any], keymap: dict[str, str]) -> dict[str, Any]:
    """attr -> value for every key of `keymap`: the item's value, or the model field's default."""
    values = {}
    for key, attr in keymap.items():
        value = item.get(key)
        if value is None:
            model_field = model._meta.get_field(attr)
            value = model_field.get_default() if not model_field.null else None
        values[attr] = value
    return values


class _Import:
    """One import: walks the document section by section, saving as it goes (in the caller's
    transaction, so later sections can refer to earlier ones) and collecting every problem."""

    def __init__(self, *, dry_run: bool, environ: Mapping[str, str]):
        self.environ = environ
        self.kept_grants: set[int] = set()
        self.problems: list[str] = []
        self.result = ImportResult(dry_run=dry_run)
        # (section, key) of items that had a problem: what refers to them is skipped quietly, since
        # the problem is already reported where it is.
        self.failed: set[tuple[str, str]] = set()

    # -- helpers ---------------------------------------------------------------------------

    def _shape(self, where: str, item: Any, *, key: str, allowed: set[str]) -> str | None:
        if not isinstance(item, dict):
            self.problems.append(f"{where}: must be a mapping.")
            return None
        name = item.get(key)
        if not isinstance(name, str) or not name:
            self.problems.append(f"{where}: needs a {key}.")
            return None
        unknown = sorted(set(item) - allowed)
        if unknown:
            self.problems.append(f"{where} ({name}): unknown keys {unknown}; allowed: {sorted(allowed)}.")
            return None
        return name

    def _ref(self, where: str, what: str, section: str, model: type[models.Model], **lookup: Any):
        """The object a reference names, or None (with a problem, unless that object failed)."""
        value = next(iter(lookup.values()))
        if not value:
            self.problems.append(f"{where}: name the {what}.")
            return None
        found = model.objects.filter(**lookup).first()
        if found is None and (section, str(value)) not in self.failed:
            self.problems.append(f"{where}: there is no {what} {value!r} (neither in this document nor here).")
        return found

    def _diff(self, instance: models.Model, values: dict[str, Any]) -> list[str]:
        changed = []
        for attr, value in values.items():
            current = getattr(instance, attr)
            if isinstance(current, models.Model) or isinstance(value, models.Model) or (
                instance._meta.get_field(attr).is_relation
            ):
                current = getattr(instance, f"{attr}_id")
                value = value.pk if isinstance(value, models.Model) else value
            if _plain(current) != _plain(value):
                changed.append(attr)
        return changed

    def _save(self, where: str, section: str, key: str, instance: models.Model, *, keymap: dict[str, str],
              clean: Callable[[models.Model], None] | None = None, label: str = "") -> bool:
        """Validate as the admin does and save. An invalid object is still saved when the
        database takes it, so what depends on it is validated too; the transaction is rolled
        back anyway because of the problem."""
        ok = True
        try:
            clean(instance) if clean else instance.full_clean()
        except ValidationError as exc:
            ok = False
            self.failed.add((section, key))
            self.problems.extend(f"{where} ({label or key}): {m}" for m in _messages(exc, keymap))
        try:
            with transaction.atomic():
                instance.save()
        except (DatabaseError, ValueError, TypeError) as exc:  # a value the column cannot hold
            if ok:
                self.problems.append(f"{where} ({label or key}): the database refused it: {exc}")
            self.failed.add((section, key))
            return False
        return ok

    def _record(self, section: str, key: str, instance: models.Model | None, changed: list[str],
                keymap: dict[str, str]) -> None:
        reverse = {attr: k for k, attr in keymap.items()}
        if instance is None:
            self.result.changes.append(Change(section, key, "create"))
        elif changed:
            self.result.changes.append(Change(section, key, "update", tuple(reverse.get(a, a) for a in changed)))
        else:
            self.result.changes.append(Change(section, key, "unchanged"))

    def _flat(self, where: str, section: str, label: str, model: type[models.Model], key: str,
              lookup: dict[str, Any], values: dict[str, Any], keymap: dict[str, str],
              also: dict[str, Any] | None = None, **save: Any):
        """Update or create one object with these attribute values; None if it failed. `also`
        is set with them but not compared (it follows from a compared value)."""
        instance = model.objects.filter(**lookup).first()
        existing = instance is not None
        changed = self._diff(instance, values) if existing else list(values)
        if existing and not changed:
            self._record(label, key, instance, [], keymap)
            return instance
        if not existing:
            instance = model(**lookup)
        for attr, value in {**values, **(also or {})}.items():
            setattr(instance, attr, value)
        self._record(label, key, instance if existing else None, changed, keymap)
        return instance if self._save(where, section, key, instance, keymap=keymap, **save) else None

    # -- servers ---------------------------------------------------------------------------

    def servers(self, where: str, item: Any) -> None:
        allowed = {"slug", "secretsFromEnv", *SERVER_KEYS, *SERVER_CERTIFICATE_KEYS}
        if isinstance(item, dict):
            literal = sorted(set(item) & set(SERVER_SECRET_KEYS))
            if literal:
                self.failed.add(("servers", str(item.get("slug"))))
                self.problems.append(
                    f"{where} ({item.get('slug')}): secrets do not belong in a file ({', '.join(literal)}); "
                    "name the environment variable to read them from in secretsFromEnv."
                )
                return
        slug = self._shape(where, item, key="slug", allowed=allowed)
        if slug is None:
            self.failed.add(("servers", str(item.get("slug") if isinstance(item, dict) else None)))
            return
        secrets_from_env = item.get("secretsFromEnv") or {}
        if not isinstance(secrets_from_env, dict) or set(secrets_from_env) - set(SERVER_SECRET_KEYS) or not all(
            isinstance(v, str) and v for v in secrets_from_env.values()
        ):
            self.failed.add(("servers", slug))
            self.problems.append(f"{where} ({slug}): secretsFromEnv maps {sorted(SERVER_SECRET_KEYS)} to "
                                 "names of environment variables.")
            return
        values = _with_defaults(Service, item, SERVER_KEYS)
        if values["api_root"] and not values["api_root"].endswith("/"):
            values["api_root"] += "/"  # as Service.save stores it
        if values["nlx"] and not values["nlx"].endswith("/"):
            values["nlx"] += "/"
        for key, attr in SERVER_CERTIFICATE_KEYS.items():
            label = item.get(key)
            if not label:
                values[attr] = None
                continue
            certificates = list(Certificate.objects.filter(label=label)[:2])
            if len(certificates) == 1:
                values[attr] = certificates[0]
            elif certificates:
                self.failed.add(("servers", slug))
                self.problems.append(f"{where} ({slug}): {key}: more than one certificate is labelled {label!r}.")
                return
            else:
                # Private keys never travel in a file: upload the certificate in the admin.
                self.result.notices.append(
                    f"Server {slug} needs certificate {label!r} ({key}): upload it under Simple certmanager > "
                    "Certificates with that label and import again."
                )
                values.pop(attr, None)
        values.update({SERVER_SECRET_KEYS[k]: self.environ[v] for k, v in secrets_from_env.items() if self.environ.get(v)})
        keymap = {**SERVER_KEYS, **SERVER_SECRET_KEYS, **SERVER_CERTIFICATE_KEYS}
        service = self._flat(where, "servers", "server", Service, slug, {"slug": slug}, values, keymap,
                             clean=_server_clean)
        if service is None:
            return
        for key in server_secret_keys(service):
            if not getattr(service, SERVER_SECRET_KEYS[key]):
                variable = secrets_from_env.get(key)
                how = f"set {variable} and import again, or enter it" if variable else "enter it"
                self.result.notices.append(f"Server {slug} still needs its {key}: {how} in the admin (Services).")

    # -- purposes --------------------------------------------------------------------------

    def purposes(self, where: str, item: Any) -> None:
        code = self._shape(where, item, key="code", allowed={"code", *PURPOSE_KEYS})
        if code is None:
            self.failed.add(("purposes", str(item.get("code") if isinstance(item, dict) else None)))
            return
        self._flat(where, "purposes", "purpose", Purpose, code, {"code": code},
                   _with_defaults(Purpose, item, PURPOSE_KEYS), PURPOSE_KEYS)

    # -- sources ---------------------------------------------------------------------------

    def sources(self, where: str, item: Any) -> None:
        name = self._shape(where, item, key="name", allowed={"name", "server", *SOURCE_KEYS})
        if name is None:
            self.failed.add(("sources", str(item.get("name") if isinstance(item, dict) else None)))
            return
        server = self._ref(where, "server", "servers", Service, slug=item.get("server"))
        if server is None:
            self.failed.add(("sources", name))
            return
        values = _with_defaults(Source, item, SOURCE_KEYS)
        values["service"] = server
        connector_class = Source(connector=values["connector"]).connector_class
        if connector_class is not None and isinstance(values["options"], dict):
            # Compare with the options as the connector stores them (defaults filled in), so an
            # unchanged source is not saved; invalid options are reported by full_clean below.
            try:
                values["options"] = connector_class.validate_options(values["options"])
            except ValidationError:
                pass
        self._flat(where, "sources", "source", Source, name, {"name": name}, values,
                   {**SOURCE_KEYS, "server": "service"})

    # -- profiles --------------------------------------------------------------------------

    def profiles(self, where: str, item: Any) -> None:
        name = self._shape(where, item, key="name", allowed={*PROFILE_KEYS, "relations"})
        if name is None:
            self.failed.add(("profiles", str(item.get("name") if isinstance(item, dict) else None)))
            return
        wanted = self._profile_canonical(where, name, item)
        if wanted is None:
            self.failed.add(("profiles", name))
            return
        profile = Profile.objects.filter(name=name, draft_of__isnull=True).first()
        if profile is not None:
            current = profile_to_dict(profile)["profile"]
            if current == wanted:
                self.result.changes.append(Change("profile", name, "unchanged"))
                return
            changed = [k for k in wanted if wanted[k] != current.get(k)]
            self.result.changes.append(Change("profile", name, "update", tuple(changed)))
        else:
            self.result.changes.append(Change("profile", name, "create"))
            profile = Profile(name=name)
        for key, attr in PROFILE_KEYS.items():
            if key != "name":
                setattr(profile, attr, wanted[key])
        keymap = dict(PROFILE_KEYS)
        if not self._save(where, "profiles", name, profile, keymap=keymap,
                          clean=lambda p: p.full_clean(validate_constraints=False)) and profile.pk is None:
            return
        profile.relations.all().delete()
        self._relations_create(profile, wanted["relations"], None, f"{where}.relations", name)

    def _profile_canonical(self, where: str, name: str, item: dict[str, Any]) -> dict[str, Any] | None:
        """The profile as profile_to_dict would give it once imported (defaults filled in, children
        in their stored order), so that an unchanged profile is recognised and left alone."""
        defaults = _with_defaults(Profile, item, PROFILE_KEYS)
        data = {key: defaults[attr] for key, attr in PROFILE_KEYS.items()}
        data["name"] = name
        names: list[str] = []
        relations = self._relations_canonical(f"{where}.relations", name, item.get("relations"), names)
        if relations is None:
            return None
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            self.problems.append(f"{where} ({name}): relation names must be unique in a profile: {duplicates}.")
            return None
        data["relations"] = relations
        return data

    def _relations_canonical(self, where: str, profile: str, items: Any, names: list[str]) -> list | None:
        if items is None:
            return []
        if not isinstance(items, list):
            self.problems.append(f"{where} ({profile}): must be a list of relations.")
            return None
        result, ok = [], True
        allowed = {*RELATION_KEYS, "source", "relations"}
        for index, relation in enumerate(items):
            here = f"{where}[{index}]"
            if not isinstance(relation, dict):
                self.problems.append(f"{here} ({profile}): a relation must be a mapping.")
                ok = False
                continue
            unknown = sorted(set(relation) - allowed)
            if unknown:
                self.problems.append(f"{here} ({profile}.{relation.get('name')}): unknown keys {unknown}.")
                ok = False
                continue
            defaults = _with_defaults(Relation, relation, RELATION_KEYS)
            data = {key: defaults[attr] for key, attr in RELATION_KEYS.items()}
            data["source"] = relation.get("source")
            names.append(data["name"])
            children = self._relations_canonical(f"{here}.relations", profile, relation.get("relations"), names)
            if children is None:
                ok = False
                continue
            data["relations"] = children
            result.append(data)
        if not ok:
            return None
        return sorted(result, key=lambda r: (r["order"] if isinstance(r["order"], int) else 0, str(r["name"])))

    def _relations_create(self, profile: Profile, items: list[dict], parent: Relation | None, where: str,
                          profile_name: str) -> None:
        for index, item in enumerate(items):
            here = f"{where}[{index}]"
            label = f"{profile_name}.{item['name']}"
            source = self._ref(here, "source", "sources", Source, name=item["source"])
            if source is None:
                self.failed.add(("profiles", profile_name))
                continue
            relation = Relation(profile=profile, parent=parent, source=source)
            for key, attr in RELATION_KEYS.items():
                setattr(relation, attr, item[key])
            ok = self._save(here, "profiles", profile_name, relation, keymap=RELATION_KEYS, label=label,
                            clean=lambda r: r.full_clean(exclude=["profile", "parent", "source"]))
            if relation.pk is not None:
                self._relations_create(profile, item["relations"], relation, f"{here}.relations", profile_name)
            elif ok:
                self.failed.add(("profiles", profile_name))

    # -- search actions --------------------------------------------------------------------

    def search_actions(self, where: str, item: Any) -> None:
        name = self._shape(where, item, key="name", allowed={"profile", "name", "source", *SEARCH_ACTION_KEYS})
        if name is None:
            return
        profile = self._ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
        source = self._ref(where, "source", "sources", Source, name=item.get("source"))
        if profile is None or source is None:
            return
        values = _with_defaults(SearchAction, item, SEARCH_ACTION_KEYS)
        values["source"] = source
        self._flat(where, "searchActions", "search action", SearchAction, f"{profile.name}/{name}",
                   {"profile": profile, "name": name}, values, {**SEARCH_ACTION_KEYS, "source": "source"})

    # -- API clients -----------------------------------------------------------------------

    def api_clients(self, where: str, item: Any) -> None:
        name = self._shape(where, item, key="name", allowed={"name", "defaultPurpose", "tokenFromEnv", *API_CLIENT_KEYS})
        if name is None:
            self.failed.add(("apiClients", str(item.get("name") if isinstance(item, dict) else None)))
            return
        values = _with_defaults(ApiClient, item, API_CLIENT_KEYS)
        values["default_purpose"] = None
        if item.get("defaultPurpose"):
            values["default_purpose"] = self._ref(where, "purpose", "purposes", Purpose, code=item["defaultPurpose"])
            if values["default_purpose"] is None:
                self.failed.add(("apiClients", name))
                return
        variable = item.get("tokenFromEnv")
        if variable is not None and (not isinstance(variable, str) or not variable):
            self.problems.append(f"{where} ({name}): tokenFromEnv names an environment variable.")
            self.failed.add(("apiClients", name))
            return
        token = self.environ.get(variable) if variable else None
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            self.problems.append(f"{where} ({name}): the token in {variable} is shorter than {MIN_TOKEN_LENGTH} "
                                 "characters; use a long random value.")
            self.failed.add(("apiClients", name))
            return
        keymap = {**API_CLIENT_KEYS, "defaultPurpose": "default_purpose", "token": "token_hash"}
        also = {}
        if token:
            values["token_hash"] = token_hash(token)
            also["token_hint"] = token[:8]
        elif not ApiClient.objects.filter(name=name).exists():
            # Nobody knows this random token: the client cannot call until it gets a known one.
            values["token_hash"] = token_hash(secrets.token_urlsafe(32))
            also["token_hint"] = "(none)"
            how = f"set {variable} and import again, or use" if variable else "use"
            self.result.notices.append(f"API client {name!r} has no token yet: {how} 'Make a new token' in the admin.")
        self._flat(where, "apiClients", "API client", ApiClient, name, {"name": name}, values, keymap, also=also)

    # -- grants ----------------------------------------------------------------------------

    def grants(self, where: str, item: Any) -> None:
        if not isinstance(item, dict):
            self.problems.append(f"{where}: must be a mapping.")
            return
        kind = str(item.get("kind", Grant.Kind.API_CLIENT.value))
        if kind not in GRANT_PRINCIPAL_KEYS:
            self.problems.append(f"{where}: kind must be one of {list(map(str, GRANT_PRINCIPAL_KEYS))}.")
            return
        principal_key = GRANT_PRINCIPAL_KEYS[kind]
        other = sorted(set(item) & (set(GRANT_PRINCIPAL_KEYS.values()) - {principal_key}))
        allowed = {"kind", principal_key, "profile", "purpose", *GRANT_KEYS, *GRANT_DATE_KEYS}
        principal = item.get(principal_key)
        label = f"{kind}:{principal}/{item.get('profile')}/{item.get('purpose')}"
        if other:
            self.problems.append(f"{where} ({label}): a grant of kind {kind} names its principal with "
                                 f"{principal_key} only, not {other}.")
            return
        unknown = sorted(set(item) - allowed)
        if unknown:
            self.problems.append(f"{where} ({label}): unknown keys {unknown}; allowed: {sorted(allowed)}.")
            return
        if not isinstance(principal, str) or not principal.strip():
            self.problems.append(f"{where}: a grant of kind {kind} needs {principal_key}.")
            return
        profile = self._ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
        purpose = self._ref(where, "purpose", "purposes", Purpose, code=item.get("purpose"))
        lookup: dict[str, Any] = {"kind": kind, "profile": profile, "purpose": purpose}
        if kind == Grant.Kind.API_CLIENT:
            lookup["api_client"] = self._ref(where, "API client", "apiClients", ApiClient, name=principal)
        elif kind == Grant.Kind.GROUP:
            group = Group.objects.filter(name=principal).first()
            if group is None:
                # A grant for a group the environment does not have yet: make the (empty) group, so
                # that an OIDC role of that name (or staff added to it later) gets the grant.
                group = Group.objects.create(name=principal)
                self.result.changes.append(Change("group", principal, "create"))
            lookup["group"] = group
        elif kind == Grant.Kind.ROLE:
            lookup["role"] = principal.strip()
        else:
            lookup["portal_client_id"] = principal.strip()
        if any(v is None for v in lookup.values()):
            return
        values = _with_defaults(Grant, item, GRANT_KEYS)
        for key, attr in GRANT_DATE_KEYS.items():
            value = item.get(key)
            if isinstance(value, str):
                parsed = parse_datetime(value)
                if parsed is None:
                    self.problems.append(f"{where} ({label}): {key}: not an ISO 8601 date and time: {value!r}.")
                    return
                value = parsed
            elif value is not None and not isinstance(value, datetime):
                self.problems.append(f"{where} ({label}): {key}: give an ISO 8601 date and time.")
                return
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value)
            values[attr] = value
        keymap = {**GRANT_KEYS, **GRANT_DATE_KEYS}
        grant = self._flat(where, "grants", "grant", Grant, label, lookup, values, keymap)
        if grant is not None:
            self.kept_grants.add(grant.pk)

    def prune_grants(self) -> None:
        for grant in Grant.objects.exclude(pk__in=self.kept_grants).select_related(
            "api_client", "group", "profile", "purpose"
        ).order_by("profile__name", "purpose__code", "pk"):
            label = f"{grant.kind}:{_grant_principal(grant)}/{grant.profile.name}/{grant.purpose.code}"
            self.result.changes.append(Change("grant", label, "delete"))
            grant.delete()


def _server_clean(service: Service) -> None:
    """Validate a server as the admin does, as if its secrets were there: a missing secret is
    reported as a notice (set it later), not as a problem."""
    missing = [a for a in (SERVER_SECRET_KEYS[k] for k in server_secret_keys(service)) if not getattr(service, a)]
    for attr in missing:
        setattr(service, attr, "(secret)")
    try:
        service.full_clean()
    finally:
        for attr in missing:
            setattr(service, attr, "")
