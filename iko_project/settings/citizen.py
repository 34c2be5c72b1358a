"""Settings of citizen self-service (docs/integrator/citizen.md), read by `base.py`.

Citizens and companies log in at a portal with DigiD or eHerkenning through the municipality's
broker; the portal passes on an access token of this separate issuer (api/citizen_auth.py). Staff
tokens (`IKO_OIDC_*`) are never accepted on the self-service paths, these tokens never on the
others, and a token of the staff issuer that names a citizen is refused everywhere: citizens come
only from the citizens' issuer. An empty issuer switches self-service off (its paths answer 404).
"""

from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv
from profiles.services.self_service.assurance import loa_rank as _loa_rank  # plain Python, no models

env = DeclaredEnv(__name__)

__all__ = [
    "IKO_CITIZEN_ISSUER", "IKO_CITIZEN_AUDIENCE", "IKO_CITIZEN_JWKS_URI", "IKO_CITIZEN_BSN_CLAIM",
    "IKO_CITIZEN_KVK_CLAIM", "IKO_CITIZEN_PORTAL_CLAIM", "IKO_CITIZEN_LOA_CLAIM", "IKO_CITIZEN_MIN_LOA",
    "IKO_CITIZEN_GEZAG_SOURCE", "IKO_CITIZEN_REPORT_SOURCE", "IKO_ORGANISATION_NAME",
    "IKO_OIDC_CITIZEN_BSN_CLAIM", "IKO_OIDC_CITIZEN_KVK_CLAIM", "IKO_CITIZEN_ORGANISATION_CLAIM",
]

IKO_CITIZEN_ISSUER = env.str(
    "IKO_CITIZEN_ISSUER", default="", group="citizen",
    help_text="Issuer of citizens' and companies' tokens (the DigiD / eHerkenning broker); it must differ from "
    "`IKO_OIDC_ISSUER`. Empty: self-service is off and its paths answer 404.")
IKO_CITIZEN_AUDIENCE = env.list(
    "IKO_CITIZEN_AUDIENCE", default=[], group="citizen",
    help_text="Audiences a citizen's token must name (at least one); required with `IKO_CITIZEN_ISSUER`, and "
    "sharing no value with `IKO_OIDC_AUDIENCE`.")
IKO_CITIZEN_JWKS_URI = env.str(
    "IKO_CITIZEN_JWKS_URI", default="", group="citizen",
    help_text="The citizens' issuer's JWKS; empty: read from `<issuer>/.well-known/openid-configuration` on "
    "first use (never the staff issuer's keys).")
IKO_CITIZEN_BSN_CLAIM = env.str(
    "IKO_CITIZEN_BSN_CLAIM", default="bsn", group="citizen",
    help_text="Dotted path of the claim of a citizen's token with the citizen's BSN.")
IKO_CITIZEN_KVK_CLAIM = env.str(
    "IKO_CITIZEN_KVK_CLAIM", default="kvk", group="citizen",
    help_text="Dotted path of the claim of a company's token (eHerkenning) with the KVK number.")
IKO_CITIZEN_PORTAL_CLAIM = env.str(
    "IKO_CITIZEN_PORTAL_CLAIM", default="azp", group="citizen",
    help_text="Dotted path of the claim naming the portal that passed the token on: the client id that "
    "self-service grants name.")
IKO_CITIZEN_ORGANISATION_CLAIM = env.str(
    "IKO_CITIZEN_ORGANISATION_CLAIM", default="", group="citizen",
    help_text="Several organisations in one IKO: dotted path of the claim of a citizen's token naming the "
    "organisation (its short name or OIN) whose portal passed it on. Empty: every citizen's token is for the "
    "default organisation.")
IKO_CITIZEN_LOA_CLAIM = env.str(
    "IKO_CITIZEN_LOA_CLAIM", default="acr", group="citizen",
    help_text="Dotted path of the claim with the login's level of assurance (betrouwbaarheidsniveau).")
IKO_CITIZEN_MIN_LOA = env.str(
    "IKO_CITIZEN_MIN_LOA", default="urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    group="citizen",
    help_text="The lowest level of assurance self-service accepts: a DigiD SAML class, an eHerkenning "
    "assurance class or an eIDAS level, or its plain name (`midden`, `loa3`, `substantial`); a weaker "
    "login is refused with 403 `loa-too-low`.")
IKO_CITIZEN_GEZAG_SOURCE = env.str(
    "IKO_CITIZEN_GEZAG_SOURCE", default="brp", group="citizen",
    help_text="The BRP source asked for a child's gezag before a parent may open the child's view.")
IKO_CITIZEN_REPORT_SOURCE = env.str(
    "IKO_CITIZEN_REPORT_SOURCE", default="klantinteracties", group="citizen",
    help_text="The Open Klant source a citizen's report of incorrect data is forwarded to, as a klantcontact.")
IKO_ORGANISATION_NAME = env.str(
    "IKO_ORGANISATION_NAME", default="", group="citizen",
    help_text="The organisation IKO works for, as citizens see it in \"what has been done with my data\".")
# A staff-issuer token is never a citizen's: one that carries one of these claims is refused on
# every path (401), whatever roles it has.
IKO_OIDC_CITIZEN_BSN_CLAIM = env.str(
    "IKO_OIDC_CITIZEN_BSN_CLAIM", default="bsn", group="citizen",
    help_text="Dotted path of a claim that marks a token of the staff issuer (`IKO_OIDC_ISSUER`) as a "
    "citizen's login; such a token is refused everywhere (citizens log in through `IKO_CITIZEN_ISSUER`). "
    "Empty: no claim marks one.")
IKO_OIDC_CITIZEN_KVK_CLAIM = env.str(
    "IKO_OIDC_CITIZEN_KVK_CLAIM", default="kvk", group="citizen",
    help_text="The same for a company's KVK number. Empty: no claim marks one.")

if _loa_rank(IKO_CITIZEN_MIN_LOA) is None:
    raise ImproperlyConfigured(f"IKO_CITIZEN_MIN_LOA {IKO_CITIZEN_MIN_LOA!r} is not a known level of assurance.")


def citizen_issuer_check(*, staff_issuer: str, staff_audience: list[str]) -> None:
    """Refuse settings that could confuse staff and citizen tokens (base.py calls it)."""
    if not IKO_CITIZEN_ISSUER:
        return
    if IKO_CITIZEN_ISSUER.rstrip("/") == staff_issuer.rstrip("/"):
        raise ImproperlyConfigured(
            "IKO_CITIZEN_ISSUER must differ from IKO_OIDC_ISSUER: staff and citizen tokens must never be confused."
        )
    if not IKO_CITIZEN_AUDIENCE:
        raise ImproperlyConfigured("IKO_CITIZEN_ISSUER is set, but IKO_CITIZEN_AUDIENCE is not.")
    if set(IKO_CITIZEN_AUDIENCE) & set(staff_audience):
        raise ImproperlyConfigured("IKO_CITIZEN_AUDIENCE and IKO_OIDC_AUDIENCE must not share a value.")
