"""Export the whole configuration as one document (`manage.py config_export`): every object by
its natural key, never a secret (see document.py for the format)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone as dt_timezone
from typing import Any

import yaml
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient
from connectors.models import ServerFsc, Source

from profiles.access.models import Grant, Purpose
from profiles.definitions.models import Profile, SearchAction
from profiles.definitions.portability import profile_to_dict
from profiles.configuration.front_door import source_front_door_to_dict
from profiles.configuration.document import (
    SERVER_FSC_KEYS,
    DOCUMENT_KIND,
    FORMAT_VERSION,
    GRANT_DATE_KEYS,
    GRANT_KEYS,
    GRANT_PRINCIPAL_KEYS,
    PURPOSE_KEYS,
    SEARCH_ACTION_KEYS,
    SERVER_CERTIFICATE_KEYS,
    SERVER_KEYS,
    SOURCE_KEYS,
    env_name,
    grant_principal_name,
    plain_value,
    server_secret_keys,
)
from profiles.configuration.sections import extra_sections


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")


def _server_to_dict(service: Service) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": service.slug}
    data.update({key: plain_value(getattr(service, attr)) for key, attr in SERVER_KEYS.items()})
    for key, attr in SERVER_CERTIFICATE_KEYS.items():
        certificate = getattr(service, attr)
        data[key] = certificate.label if certificate else None
    data["secretsFromEnv"] = {key: env_name("SERVER", service.slug, _snake(key)) for key in server_secret_keys(service)}
    fsc = ServerFsc.objects.filter(service=service).first()
    if fsc is not None:
        data["fsc"] = {key: getattr(fsc, attr) for key, attr in SERVER_FSC_KEYS.items()}
    return data




def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key)


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
            "tokenFromEnv": env_name("API_CLIENT", client.name, "TOKEN")}




def _grant_to_dict(grant: Grant) -> dict[str, Any]:
    kind = plain_value(grant.kind)
    data: dict[str, Any] = {"kind": kind, GRANT_PRINCIPAL_KEYS[kind]: grant_principal_name(grant),
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
        # The sections installed apps add (sections.py), after the core ones.
        **{name: items for extra in extra_sections() for name, items in extra.export().items()},
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
