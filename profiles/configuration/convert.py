"""Convert a file of the earlier `config_import` format (`formatVersion: 1`, `kind: iko-configuration`,
sections `servers`, `purposes`, ...) into a setup_configuration file (`manage.py config_convert`).

What changes:
- each section becomes the `items` of its step's namespace, with the step's enable flag set to true
  (`servers` become zgw-consumers' `zgw_consumers.services`, their keys in its snake_case, `slug`
  becomes `identifier`);
- `secretsFromEnv` and `tokenFromEnv` become `{value_from: {env: NAME, required: false}}` on the
  secret itself, which keeps, as before, what is stored when the variable is not set;
- a text that is a whole `${NAME}` becomes `{value_from: {env: NAME}}` (required, as before); a
  `${NAME}` inside a longer text cannot be expressed and is refused with its place; `$${` is `${`;
- `--prune-grants` of config_import becomes `iko_grants.prune: true`.
Everything else is carried over as it is; the steps validate it when the file is applied.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from profiles.configuration.document import ConfigurationInvalid

OLD_FORMAT_VERSION = 1
OLD_KIND = "iko-configuration"
# Old section -> the namespace of the step that reads it now (steps.py, profiles/regelingen/setup_configuration.py).
NAMESPACES = {
    "servers": "zgw_consumers", "purposes": "iko_purposes", "sources": "iko_sources", "profiles": "iko_profiles",
    "searchActions": "iko_search_actions", "apiClients": "iko_api_clients", "grants": "iko_grants",
    "regelingen": "iko_regelingen", "prefillAttributes": "iko_prefill_attributes",
}
OLD_SERVER_KEYS = {
    "slug": "identifier", "label": "label", "apiType": "api_type", "apiRoot": "api_root",
    "apiConnectionCheckPath": "api_connection_check_path", "authType": "auth_type", "clientId": "client_id",
    "oauth2TokenUrl": "oauth2_token_url", "oauth2Scope": "oauth2_scope", "jwtValidFor": "jwt_valid_for",
    "headerKey": "header_key", "nlx": "nlx", "userId": "user_id", "userRepresentation": "user_representation",
    "timeout": "timeout", "clientCertificate": "client_certificate", "serverCertificate": "server_certificate",
}
OLD_SECRET_KEYS = {"secret": "secret", "headerValue": "header_value"}
_VARIABLE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WHOLE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _from_env(name: str, *, required: bool) -> dict[str, Any]:
    return {"value_from": {"env": name} if required else {"env": name, "required": False}}


def _variables(value: Any, where: str, problems: list[str]) -> Any:
    """`${NAME}` texts as value_from, `$${` as `${`, everywhere in the document."""
    if isinstance(value, str):
        whole = _WHOLE_VARIABLE.fullmatch(value)
        if whole:
            return _from_env(whole.group(1), required=True)
        if any(match.group(1) for match in _VARIABLE.finditer(value)):
            problems.append(f"{where}: ${{NAME}} inside a longer text cannot be read from the environment any "
                            "more; give the whole value as ${NAME} (it becomes a value_from).")
            return value
        return value.replace("$${", "${")
    if isinstance(value, list):
        return [_variables(v, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _variables(v, f"{where}.{k}" if where else str(k), problems) for k, v in value.items()}
    return value


def _server(item: Any, where: str, problems: list[str]) -> Any:
    if not isinstance(item, dict):
        return item  # the step reports it
    literal = sorted(set(item) & set(OLD_SECRET_KEYS))
    if literal:
        problems.append(f"{where} ({item.get('slug')}): secrets do not belong in a file ({', '.join(literal)}); "
                        "name their environment variable in secretsFromEnv.")
    server = {OLD_SERVER_KEYS.get(key, key): value for key, value in item.items()
              if key not in ("secretsFromEnv", *OLD_SECRET_KEYS)}
    secrets = item.get("secretsFromEnv") or {}
    if not isinstance(secrets, dict) or set(secrets) - set(OLD_SECRET_KEYS):
        problems.append(f"{where}.secretsFromEnv: maps {sorted(OLD_SECRET_KEYS)} to names of environment variables.")
        return server
    for key, variable in secrets.items():
        server[OLD_SECRET_KEYS[key]] = _from_env(variable, required=False)
    return server


def _api_client(item: Any) -> Any:
    if not isinstance(item, dict) or "tokenFromEnv" not in item:
        return item
    client = {key: value for key, value in item.items() if key != "tokenFromEnv"}
    if item["tokenFromEnv"]:
        client["token"] = _from_env(item["tokenFromEnv"], required=False)
    return client


def configuration_convert(old: dict[str, Any], *, prune_grants: bool = False) -> dict[str, Any]:
    """The setup_configuration file for a document of the earlier format; raises
    ConfigurationInvalid listing every problem."""
    problems: list[str] = []
    if not isinstance(old, dict):
        raise ConfigurationInvalid(["The document must be a mapping with formatVersion and its sections."])
    if old.get("formatVersion") != OLD_FORMAT_VERSION:
        problems.append(f"formatVersion: expected {OLD_FORMAT_VERSION}, found {old.get('formatVersion')!r}.")
    if old.get("kind", OLD_KIND) != OLD_KIND:
        problems.append(f"kind: expected {OLD_KIND!r}, found {old.get('kind')!r}.")
    unknown = sorted(set(old) - {"formatVersion", "kind", *NAMESPACES})
    if unknown:
        problems.append(f"Unknown sections {unknown}; known: {list(NAMESPACES)}.")
    document: dict[str, Any] = {}
    for section, namespace in NAMESPACES.items():
        items = old.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(f"{section}: must be a list.")
            continue
        items = _variables(items, section, problems)
        if section == "servers":
            items = [_server(item, f"servers[{i}]", problems) for i, item in enumerate(items)]
        elif section == "apiClients":
            items = [_api_client(item) for item in items]
        document[f"{namespace}_config_enable"] = True
        document[namespace] = {"services" if section == "servers" else "items": items}
    if prune_grants:
        if "iko_grants" not in document:
            problems.append("grants: pruning grants needs a grants section (an empty list removes them all).")
        else:
            document["iko_grants"]["prune"] = True
    if problems:
        raise ConfigurationInvalid(problems)
    return document


def configuration_convert_text(text: str, *, prune_grants: bool = False) -> str:
    """The YAML of the setup_configuration file for a document of the earlier format (YAML or JSON),
    after the document's leading comment lines (what the file is about stays with it)."""
    try:
        old = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationInvalid([f"Not valid YAML or JSON: {exc}"]) from None
    document = configuration_convert(old, prune_grants=prune_grants)
    header = "".join(f"{line}\n" for line in _leading_comments(text))
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _leading_comments(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines
