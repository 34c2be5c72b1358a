"""Servers (`zgw_consumers.Service`) as IKO uses them: what makes one usable.

A server is usable when its API root is an http or https URL with a host, it has the
credentials its auth type needs (ZGW: client id and secret; API key: header name and value;
OAuth2 client credentials: client id, secret and token URL), its connection check path stays
below the API root, and its NLX outway field is empty: NLX is succeeded by FSC, and IKO calls
through an FSC outway (connectors/fsc.py, set on the server's FSC outway row), not through the NLX
URL rewriting that field stands for; a field that calls silently bypassed would be configuration
that does nothing. A server with an FSC outway needs a valid outway address and grant hash, and no
OAuth2 client credentials (the token would be fetched straight from the token URL, past the outway).
`server_problems` says what is wrong; the admin refuses to save such a server, `manage.py check`
reports one that is in use, and `connectors.http.SourceHttp` refuses to call it. The connection
test of a server is in `probes.py`.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _, gettext_lazy
from zgw_consumers.constants import AuthTypes

from .fsc import grant_hash_problems, outway_address_problems
from .fsc_models import fsc_route_of

# The credentials each auth type needs, as (field, what it is).
NEEDED = {
    AuthTypes.zgw: (("client_id", "a client ID"), ("secret", "a secret")),
    AuthTypes.api_key: (("header_key", "an API key header name"), ("header_value", "an API key value")),
    AuthTypes.oauth2_client_credentials: (
        ("client_id", "a client ID"), ("secret", "a secret"), ("oauth2_token_url", "a token URL"),
    ),
}


def server_field_problems(service, *, credentials: bool = True) -> dict[str, list[str]]:
    """What makes this server unusable, by field name ({} when it is usable).

    `credentials=False` leaves out the credentials: configuration as code imports servers
    without their secrets, which are set afterwards (or read from the environment)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    root = getattr(service, "api_root", "") or ""
    parts = urlsplit(root)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in root:
        add("api_root", _("The API root must be an http or https URL with a host, such as https://api.example.nl/zaken/api/v1/."))
    auth_type = getattr(service, "auth_type", "")
    label = AuthTypes(auth_type).label if auth_type in AuthTypes.values else auth_type
    for field, what in NEEDED.get(auth_type, ()) if credentials else ():
        if not str(getattr(service, field, "") or "").strip():
            add(field, _("The auth type %(auth_type)s needs %(what)s.") % {"auth_type": label, "what": what})
    check_path = getattr(service, "api_connection_check_path", "") or ""
    check = urlsplit(check_path)
    if check.scheme or check.netloc or check_path.startswith(("/", "\\")) or ".." in unquote(check.path).split("/"):
        add("api_connection_check_path", _("The connection check path must be relative to the API root, such as zaken?page=1."))
    if getattr(service, "nlx", ""):
        add("nlx", _(
            "IKO does not use NLX, which FSC succeeded: calls would go straight to the API root. Leave "
            "this field empty and set the FSC outway (address and grant hash) of this server instead."
        ))
    route = fsc_route_of(service) if service is not None else None
    if route is not None:
        for problem in outway_address_problems(route.outway_address) + grant_hash_problems(route.grant_hash):
            add("iko_fsc", problem)
        if auth_type == AuthTypes.oauth2_client_credentials:
            add("auth_type", str(FSC_OAUTH2))
    return problems


FSC_OAUTH2 = gettext_lazy(
    "A server reached through an FSC outway cannot use OAuth2 client credentials: IKO would fetch the "
    "token straight from the token URL, past the outway. Use another auth type, or no FSC outway."
)


def server_problems(service, *, credentials: bool = True) -> list[str]:
    """What makes this server unusable, as sentences ([] when it is usable)."""
    problems = server_field_problems(service, credentials=credentials)
    return [message for messages in problems.values() for message in messages]
