"""IKO behind an FSC inway: the calling organisation as the API client, and its transaction id.

When IKO is offered to other organisations as an FSC Service, their requests arrive through the
organisation's own Inway (FSC Core, https://gitdocumentatie.logius.nl/publicatie/fsc/core/,
"Inway"). The Inway has checked the caller's mTLS certificate and its access token, and passes
the token on to the Service in the `Fsc-Authorization` header ("The Inway MUST not delete the HTTP
Header `Fsc-Authorization`"); the token's `sub` claim is the Peer ID of the organisation that
connects (its OIN, from its certificate's subject serial number), `gid` its Group. With the FSC
Logging extension (https://gitdocumentatie.logius.nl/publicatie/fsc/logging/) it also passes on the
transaction's id in `Fsc-Transaction-Id`.

Anyone can write those headers, so IKO reads them only from a request that comes from the inway
itself: its connection's address lies in `IKO_FSC_INWAY_ADDRESSES` (deny by default: without that
setting the headers are ignored everywhere). Then:
- `FscInwayAuthentication`: the API client whose FSC peer id is the token's `sub` is the request's
  principal, so grants, rate limits and the processing record name that client. A token that
  cannot be read is a 401; a peer no enabled API client is configured for, or a token of another
  Group (`IKO_FSC_GROUP_ID`), a 403, both as problem+json. The token's signature is the inway's
  to check (it holds its manager's keys), which is why only the inway's own requests count.
- `fsc_transaction_id_of`: the transaction id, continued into the request's trace
  (`profiles.tracing.TraceContext.fsc_transaction_id`, set by `api.middleware`), and so into the
  processing record and the log lines.
A request that does not come from the inway is authenticated as any other (its token), whatever
FSC headers it carries.
"""

from __future__ import annotations

import ipaddress

import jwt
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from connectors.fsc import TRANSACTION_ID_HEADER, transaction_id_clean
from profiles.access.api_clients import ApiClient
from profiles.access.config_cache import config_cached

AUTHORIZATION_META = "HTTP_FSC_AUTHORIZATION"
TRANSACTION_ID_META = "HTTP_" + TRANSACTION_ID_HEADER.upper().replace("-", "_")


def from_inway(request) -> bool:
    """True when the request comes from a configured FSC inway address (never by a forwarded one)."""
    networks = getattr(settings, "IKO_FSC_INWAY_NETWORKS", ())
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in networks)


def fsc_transaction_id_of(request) -> str:
    """The FSC transaction id the inway passed on ("" when there is none, or not from the inway)."""
    if not from_inway(request):
        return ""
    return transaction_id_clean(request.META.get(TRANSACTION_ID_META))


def api_client_by_peer(peer_id: str) -> ApiClient | None:
    """The enabled API client configured for this FSC peer, reused for a few seconds like the
    clients found by their token (api/authentication.py)."""
    return config_cached(
        ("api-client-fsc-peer", peer_id),
        lambda: ApiClient.objects.select_related("default_purpose").filter(fsc_peer_id=peer_id, enabled=True).first(),
    )


class FscInwayAuthentication(authentication.BaseAuthentication):
    """The organisation that calls through the FSC inway, as its API client (see the module)."""

    keyword = "Bearer"

    def authenticate(self, request):
        token = request.META.get(AUTHORIZATION_META, "").strip()
        if not token or not from_inway(request):
            return None
        # Imported here: api.problems imports rest_framework.views, which imports the authentication.
        from .problems import ProblemError

        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        try:
            claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": True, "verify_nbf": True},
                                leeway=60)
        except jwt.ExpiredSignatureError:
            raise exceptions.AuthenticationFailed("The FSC access token in Fsc-Authorization has expired.") from None
        except jwt.PyJWTError:
            raise exceptions.AuthenticationFailed("Fsc-Authorization holds no readable FSC access token.") from None
        peer_id = claims.get("sub")
        if not isinstance(peer_id, str) or not peer_id.strip():
            raise exceptions.AuthenticationFailed("The FSC access token names no peer (claim sub).")
        group = settings.IKO_FSC_GROUP_ID
        if group and claims.get("gid") != group:
            raise ProblemError(status_code=403, code="wrong-fsc-group", title="Forbidden",
                               detail="The FSC access token belongs to another FSC group than this inway's.")
        client = api_client_by_peer(peer_id.strip())
        if client is None:
            raise ProblemError(
                status_code=403, code="unknown-fsc-peer", title="Forbidden",
                detail="No API client is configured for this FSC peer; ask the organisation that offers IKO.",
            )
        return client, None

    def authenticate_header(self, request):
        return self.keyword


class FscInwayScheme(OpenApiAuthenticationExtension):
    """`FscInwayAuthentication` in the OpenAPI document: left out. The header counts only on requests
    from the inway's own address, a matter of the installation (docs/operator/fsc.md), not an
    alternative way to call an operation; an operation's security lists the ways any caller has."""

    target_class = "api.fsc.FscInwayAuthentication"
    name: list[str] = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []
