"""Applying a configuration file's items (the configuration steps of steps.py): update or create
every object by its natural key, validated as the admin does, collecting every problem with its
place in the file (see document.py for the format).

`ConfigurationRun` is one step's run: its helpers (`shape`, `ref`, `diff`, `record`, `save`, `flat`)
are what every section uses, the steps of installed apps too (profiles/regelingen/setup_configuration.py).
Objects are looked up, listed and exported only through `configuration_objects` (document.py), and
created only in `flat` (and the relation tree's own loop): a scope that all configuration belongs to
(an organisation) is added there.

A run saves as it goes, inside django-setup-configuration's transaction, so that what it saved is
validated with what refers to it; when it found a problem, the step raises and the whole run
(every step) is rolled back."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Callable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_certmanager.models import Certificate
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient, token_hash
from connectors.models import ServerFsc, Source
from connectors.server_owners import server_owner_set

from profiles.access.models import Grant, Purpose
from profiles.definitions.models import Profile
from profiles.configuration.document import (
    SERVER_FSC_KEYS,
    API_CLIENT_KEYS,
    GRANT_DATE_KEYS,
    GRANT_KEYS,
    GRANT_PRINCIPAL_KEYS,
    MIN_TOKEN_LENGTH,
    PURPOSE_KEYS,
    SERVER_CERTIFICATE_KEYS,
    SERVER_KEYS,
    SERVER_SECRET_KEYS,
    SOURCE_KEYS,
    Change,
    ImportResult,
    configuration_objects,
    configuration_organisation_id,
    grant_principal_name,
    plain_value,
    server_secret_keys,
    values_with_defaults,
)
from profiles.configuration.front_door import SOURCE_FRONT_DOOR_KEYS, SOURCE_TAG_KEYS, SourceAliasSection, source_tag_values
from profiles.configuration.profile_sections import ProfileSections


def items_import(run: "ConfigurationRun", where: str, items: list[Any], importer: Callable[[str, Any], None],
                 key: Callable[[dict[str, Any]], Any]) -> None:
    """Apply the items of one step (`where` is their place in the file, e.g. `iko_sources.items`):
    an item listed twice is a problem, each item is applied by `importer`."""
    keys = [key(item) for item in items if isinstance(item, dict)]
    duplicates = sorted({str(k) for k in keys if k is not None and keys.count(k) > 1})
    if duplicates:
        run.problems.append(f"{where}: listed more than once: {', '.join(duplicates)}.")
    for index, item in enumerate(items):
        importer(f"{where}[{index}]", item)


def grant_key(item: dict[str, Any]) -> str:
    kind = item.get("kind", Grant.Kind.API_CLIENT)
    return f"{kind}:{item.get(GRANT_PRINCIPAL_KEYS.get(kind, 'apiClient'))}/{item.get('profile')}/{item.get('purpose')}"


def _messages(exc: ValidationError, keymap: dict[str, str]) -> list[str]:
    """The admin's messages, with model attribute names turned into the file's keys."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    reverse = {attr: key for key, attr in keymap.items()}
    return [
        " ".join(messages) if name == "__all__" else f"{reverse.get(name, name)}: {' '.join(messages)}"
        for name, messages in exc.message_dict.items()
    ]




class ConfigurationRun(ProfileSections, SourceAliasSection):
    """One step's run: applies its items, saving as it goes and collecting every problem."""

    def __init__(self, *, dry_run: bool = False):
        self.kept_grants: set[int] = set()
        self.problems: list[str] = []
        self.result = ImportResult(dry_run=dry_run)
        # (section, key) of items that had a problem: what refers to them is skipped quietly, since
        # the problem is already reported where it is.
        self.failed: set[tuple[str, str]] = set()

    # -- helpers ---------------------------------------------------------------------------

    def shape(self, where: str, item: Any, *, key: str, allowed: set[str]) -> str | None:
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

    def ref(self, where: str, what: str, section: str, model: type[models.Model], **lookup: Any):
        """The object a reference names, or None (with a problem, unless that object failed)."""
        value = next(iter(lookup.values()))
        if not value:
            self.problems.append(f"{where}: name the {what}.")
            return None
        found = configuration_objects(model).filter(**lookup).first()
        if found is None and (section, str(value)) not in self.failed:
            self.problems.append(f"{where}: there is no {what} {value!r} (neither in this file nor here).")
        return found

    def diff(self, instance: models.Model, values: dict[str, Any]) -> list[str]:
        changed = []
        for attr, value in values.items():
            current = getattr(instance, attr)
            if isinstance(current, models.Model) or isinstance(value, models.Model) or (
                instance._meta.get_field(attr).is_relation
            ):
                current = getattr(instance, f"{attr}_id")
                value = value.pk if isinstance(value, models.Model) else value
            if plain_value(current) != plain_value(value):
                changed.append(attr)
        return changed

    def save(self, where: str, section: str, key: str, instance: models.Model, *, keymap: dict[str, str],
             clean: Callable[[models.Model], None] | None = None, label: str = "") -> bool:
        """Validate as the admin does and save. An invalid object is still saved when the
        database takes it, so what depends on it is validated too; the transaction is rolled
        back anyway because of the problem."""
        ok = True
        if instance.pk is None and any(f.name == "organisation" for f in instance._meta.concrete_fields):
            # A new object belongs to the organisation being configured (before its checks, which
            # compare it with that organisation's other objects).
            instance.organisation_id = configuration_organisation_id()
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

    def record(self, section: str, key: str, instance: models.Model | None, changed: list[str],
               keymap: dict[str, str]) -> None:
        reverse = {attr: k for k, attr in keymap.items()}
        if instance is None:
            self.result.changes.append(Change(section, key, "create"))
        elif changed:
            self.result.changes.append(Change(section, key, "update", tuple(reverse.get(a, a) for a in changed)))
        else:
            self.result.changes.append(Change(section, key, "unchanged"))

    def flat(self, where: str, section: str, label: str, model: type[models.Model], key: str,
             lookup: dict[str, Any], values: dict[str, Any], keymap: dict[str, str],
             also: dict[str, Any] | None = None, **save: Any):
        """Update or create one object with these attribute values; None if it failed. `also`
        is set with them but not compared (it follows from a compared value)."""
        instance = configuration_objects(model).filter(**lookup).first()
        existing = instance is not None
        changed = self.diff(instance, values) if existing else list(values)
        if existing and not changed:
            self.record(label, key, instance, [], keymap)
            return instance
        if not existing:
            instance = model(**lookup)
        for attr, value in {**values, **(also or {})}.items():
            setattr(instance, attr, value)
        self.record(label, key, instance if existing else None, changed, keymap)
        return instance if self.save(where, section, key, instance, keymap=keymap, **save) else None

    # -- servers ---------------------------------------------------------------------------

    def servers(self, where: str, item: Any) -> None:
        """A server as zgw-consumers' step describes it (`identifier` is the slug). A secret that is
        absent (its `value_from` variable not set) keeps what is stored; one still missing is a notice."""
        slug = self.shape(where, item, key="identifier",
                          allowed={"identifier", "fsc", *SERVER_KEYS, *SERVER_SECRET_KEYS, *SERVER_CERTIFICATE_KEYS})
        if slug is None:
            return
        values = values_with_defaults(Service, item, SERVER_KEYS)
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
                self.problems.append(f"{where} ({slug}): {key}: more than one certificate is labelled {label!r}.")
                return
            else:
                # Private keys never travel in a file: upload the certificate in the admin.
                self.result.notices.append(
                    f"Server {slug} needs certificate {label!r} ({key}): upload it under Simple certmanager > "
                    "Certificates with that label and run setup_configuration again."
                )
                values.pop(attr, None)
        values.update({attr: item[key] for key, attr in SERVER_SECRET_KEYS.items() if item.get(key)})
        keymap = {**SERVER_KEYS, **SERVER_SECRET_KEYS, **SERVER_CERTIFICATE_KEYS}
        created = not Service.objects.filter(slug=slug).exists()
        if not created and not configuration_objects(Service).filter(slug=slug).exists():
            # Slugs are unique in the whole installation: this one is another organisation's.
            self.failed.add(("servers", slug))
            self.problems.append(f"{where} ({slug}): this slug is taken; choose another.")
            return
        service = self.flat(where, "servers", "server", Service, slug, {"slug": slug}, values, keymap,
                            clean=_server_clean)
        if service is None:
            return
        if created and service.pk is not None:
            server_owner_set(service, configuration_organisation_id())
        self.server_fsc(where, slug, service, item.get("fsc"))
        for key in server_secret_keys(service):
            if not getattr(service, SERVER_SECRET_KEYS[key]):
                self.result.notices.append(f"Server {slug} still needs its {key}: set the environment variable "
                                           "its value_from names and run again, or enter it in the admin (Services).")

    def server_fsc(self, where: str, slug: str, service: Service, fsc: Any) -> None:
        """The server's FSC outway as the file has it: set, changed, or (no `fsc`) removed, so that an
        imported server is never called directly while the file says to go through an outway."""
        existing = ServerFsc.objects.filter(service=service).first()
        if fsc is None:
            if existing is not None:
                self.result.changes.append(Change("server FSC outway", slug, "delete"))
                existing.delete()
            return
        if not isinstance(fsc, dict) or set(fsc) != set(SERVER_FSC_KEYS):
            self.failed.add(("servers", slug))
            self.problems.append(f"{where} ({slug}): fsc takes exactly {sorted(SERVER_FSC_KEYS)}.")
            return
        values = {attr: str(fsc[key] or "") for key, attr in SERVER_FSC_KEYS.items()}
        self.flat(where, "servers", "server FSC outway", ServerFsc, slug, {"service": service}, values, SERVER_FSC_KEYS)

    # -- purposes --------------------------------------------------------------------------

    def purposes(self, where: str, item: Any) -> None:
        code = self.shape(where, item, key="code", allowed={"code", *PURPOSE_KEYS})
        if code is None:
            self.failed.add(("purposes", str(item.get("code") if isinstance(item, dict) else None)))
            return
        self.flat(where, "purposes", "purpose", Purpose, code, {"code": code},
                  values_with_defaults(Purpose, item, PURPOSE_KEYS), PURPOSE_KEYS)

    # -- sources ---------------------------------------------------------------------------

    def sources(self, where: str, item: Any) -> None:
        name = self.shape(where, item, key="name", allowed={"name", "server", *SOURCE_KEYS, *SOURCE_FRONT_DOOR_KEYS})
        if name is None:
            self.failed.add(("sources", str(item.get("name") if isinstance(item, dict) else None)))
            return
        server = self.ref(where, "server", "servers", Service, slug=item.get("server"))
        if server is None:
            self.failed.add(("sources", name))
            return
        values = values_with_defaults(Source, item, SOURCE_KEYS)
        values.update(source_tag_values(item))
        values["service"] = server
        connector_class = Source(connector=values["connector"]).connector_class
        if connector_class is not None and isinstance(values["options"], dict):
            # Compare with the options as the connector stores them (defaults filled in), so an
            # unchanged source is not saved; invalid options are reported by full_clean below.
            try:
                values["options"] = connector_class.validate_options(values["options"])
            except ValidationError:
                pass
        source = self.flat(where, "sources", "source", Source, name, {"name": name}, values,
                           {**SOURCE_KEYS, **SOURCE_TAG_KEYS, "server": "service"})
        if source is not None:
            self.source_aliases(where, source, item.get("aliases"))

    # -- API clients -----------------------------------------------------------------------

    def api_clients(self, where: str, item: Any) -> None:
        name = self.shape(where, item, key="name", allowed={"name", "defaultPurpose", "token", *API_CLIENT_KEYS})
        if name is None:
            return
        values = values_with_defaults(ApiClient, item, API_CLIENT_KEYS)
        values["default_purpose"] = None
        if item.get("defaultPurpose"):
            values["default_purpose"] = self.ref(where, "purpose", "purposes", Purpose, code=item["defaultPurpose"])
            if values["default_purpose"] is None:
                self.failed.add(("apiClients", name))
                return
        token = item.get("token")
        if token is not None and (not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH):
            # Never the token itself in a problem: problems are printed and logged.
            self.problems.append(f"{where} ({name}): token: shorter than {MIN_TOKEN_LENGTH} characters; use a long "
                                 "random value.")
            self.failed.add(("apiClients", name))
            return
        keymap = {**API_CLIENT_KEYS, "defaultPurpose": "default_purpose", "token": "token_hash"}
        also = {}
        if token:
            values["token_hash"] = token_hash(token)
            also["token_hint"] = token[:8]
        elif not configuration_objects(ApiClient).filter(name=name).exists():
            # Nobody knows this random token: the client cannot call until it gets a known one.
            values["token_hash"] = token_hash(secrets.token_urlsafe(32))
            also["token_hint"] = "(none)"
            self.result.notices.append(f"API client {name!r} has no token yet: set the environment variable its "
                                       "token's value_from names and run again, or use 'Make a new token' in the admin.")
        self.flat(where, "apiClients", "API client", ApiClient, name, {"name": name}, values, keymap, also=also)

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
        profile = self.ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
        purpose = self.ref(where, "purpose", "purposes", Purpose, code=item.get("purpose"))
        lookup: dict[str, Any] = {"kind": kind, "profile": profile, "purpose": purpose}
        if kind == Grant.Kind.API_CLIENT:
            lookup["api_client"] = self.ref(where, "API client", "apiClients", ApiClient, name=principal)
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
        values = values_with_defaults(Grant, item, GRANT_KEYS)
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
        grant = self.flat(where, "grants", "grant", Grant, label, lookup, values, keymap)
        if grant is not None:
            self.kept_grants.add(grant.pk)

    def prune_grants(self) -> None:
        for grant in configuration_objects(Grant).exclude(pk__in=self.kept_grants).select_related(
            "api_client", "group", "profile", "purpose"
        ).order_by("profile__name", "purpose__code", "pk"):
            label = f"{grant.kind}:{grant_principal_name(grant)}/{grant.profile.name}/{grant.purpose.code}"
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
