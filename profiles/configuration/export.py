"""Export the whole configuration as one setup_configuration file (`manage.py config_export`): every
object by its natural key, never a secret (see document.py for the format). Each step of
settings.SETUP_CONFIGURATION_STEPS that can write its part (`export_document`, steps.py) does so
with the functions here, so the file holds exactly what the steps read."""

from __future__ import annotations

import json
from datetime import datetime, timezone as dt_timezone
from typing import Any

import yaml
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient
from connectors.models import ServerFsc, Source

from profiles.access.models import Grant, Purpose
from profiles.definitions.models import Profile, SearchAction
from profiles.definitions.portability import profile_to_dict
from profiles.configuration.apply import configured_steps
from profiles.configuration.front_door import source_front_door_to_dict
from profiles.configuration.document import (
    SERVER_FSC_KEYS,
    GRANT_DATE_KEYS,
    GRANT_KEYS,
    GRANT_PRINCIPAL_KEYS,
    PURPOSE_KEYS,
    SEARCH_ACTION_KEYS,
    SERVER_CERTIFICATE_KEYS,
    SERVER_KEYS,
    SOURCE_KEYS,
    configuration_objects,
    env_name,
    grant_principal_name,
    plain_value,
    server_secret_keys,
)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")


def _secret_from_env(variable: str) -> dict[str, Any]:
    """A secret as the file names it: the environment variable django-setup-configuration reads it
    from; when that is not set, the stored secret is kept."""
    return {"value_from": {"env": variable, "required": False}}


def _server_to_dict(service: Service) -> dict[str, Any]:
    data: dict[str, Any] = {"identifier": service.slug}
    data.update({key: plain_value(getattr(service, attr)) for key, attr in SERVER_KEYS.items()})
    for key, attr in SERVER_CERTIFICATE_KEYS.items():
        certificate = getattr(service, attr)
        data[key] = certificate.label if certificate else None
    for key in server_secret_keys(service):
        data[key] = _secret_from_env(env_name("SERVER", service.slug, key))
    fsc = ServerFsc.objects.filter(service=service).first()
    if fsc is not None:
        data["fsc"] = {key: getattr(fsc, attr) for key, attr in SERVER_FSC_KEYS.items()}
    return data


def _source_to_dict(source: Source) -> dict[str, Any]:
    return {"name": source.name, "server": source.service.slug,
            **{key: plain_value(getattr(source, attr)) for key, attr in SOURCE_KEYS.items()},
            **source_front_door_to_dict(source)}


def _purpose_to_dict(purpose: Purpose) -> dict[str, Any]:
    return {"code": purpose.code, **{key: getattr(purpose, attr) for key, attr in PURPOSE_KEYS.items()}}


def _search_action_to_dict(action: SearchAction) -> dict[str, Any]:
    return {"profile": action.profile.name, "name": action.name, "source": action.source.name,
            **{key: plain_value(getattr(action, attr)) for key, attr in SEARCH_ACTION_KEYS.items()}}


def _api_client_to_dict(client: ApiClient) -> dict[str, Any]:
    return {"name": client.name, "enabled": client.enabled,
            "defaultPurpose": client.default_purpose.code if client.default_purpose else None,
            "oin": client.oin, **({"fscPeerId": client.fsc_peer_id} if client.fsc_peer_id else {}),
            "token": _secret_from_env(env_name("API_CLIENT", client.name, "TOKEN"))}




def _grant_to_dict(grant: Grant) -> dict[str, Any]:
    kind = plain_value(grant.kind)
    data: dict[str, Any] = {"kind": kind, GRANT_PRINCIPAL_KEYS[kind]: grant_principal_name(grant),
                            "profile": grant.profile.name, "purpose": grant.purpose.code}
    data.update({key: getattr(grant, attr) for key, attr in GRANT_KEYS.items()})
    data.update({key: _iso(getattr(grant, attr)) for key, attr in GRANT_DATE_KEYS.items()})
    return data


def _grant_sort_key(data: dict[str, Any]) -> tuple:
    return (data["profile"], data["purpose"], data["kind"], data[GRANT_PRINCIPAL_KEYS[data["kind"]]])


def servers_export() -> list[dict[str, Any]]:
    servers = configuration_objects(Service).select_related("client_certificate", "server_certificate").order_by("slug")
    return [_server_to_dict(s) for s in servers]


def purposes_export() -> list[dict[str, Any]]:
    return [_purpose_to_dict(p) for p in configuration_objects(Purpose).order_by("code")]


def sources_export() -> list[dict[str, Any]]:
    return [_source_to_dict(s) for s in configuration_objects(Source).select_related("service").order_by("name")]


def profiles_export() -> list[dict[str, Any]]:
    return [profile_to_dict(p)["profile"] for p in configuration_objects(Profile).filter(draft_of__isnull=True).order_by("name")]


def search_actions_export() -> list[dict[str, Any]]:
    actions = configuration_objects(SearchAction).filter(profile__draft_of__isnull=True).select_related("profile", "source")
    return [_search_action_to_dict(a) for a in actions.order_by("profile__name", "order", "name")]


def api_clients_export() -> list[dict[str, Any]]:
    return [_api_client_to_dict(c) for c in configuration_objects(ApiClient).select_related("default_purpose").order_by("name")]


def grants_export() -> list[dict[str, Any]]:
    grants = configuration_objects(Grant).filter(profile__draft_of__isnull=True).select_related("api_client", "group", "profile", "purpose")
    return sorted((_grant_to_dict(g) for g in grants), key=_grant_sort_key)


def configuration_to_dict() -> dict[str, Any]:
    """The whole configuration as the data of a setup_configuration file, in a stable order (equal
    configurations, equal files): each configured step that writes its part, in the steps' order."""
    document: dict[str, Any] = {}
    for step in configured_steps():
        if hasattr(step, "export_document"):
            document.update(step.export_document())
    return document


def configuration_dump(document: dict[str, Any], *, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def configuration_export(*, fmt: str = "yaml") -> str:
    return configuration_dump(configuration_to_dict(), fmt=fmt)
