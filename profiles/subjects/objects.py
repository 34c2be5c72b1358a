"""The object subject types: addresses, buildings, zaken and Objects API objects.

- `adres`: a BAG nummeraanduiding identificatie, 16 digits with object-type code 20 at positions
  5-6 (BAG API Individuele Bevragingen 2.6.0, `nummeraanduidingIdentificatie`). Postcode and
  huisnummer are resolved to one before the view (profiles/services/subject_resolution.py).
- `pand`: a BAG pand identificatie, code 10; `verblijfsobject`: a verblijfsobject identificatie,
  code 01 (the adresseerbaar object the BAG gives for a dwelling, shop or office).
- `zaak`: a zaak `identificatie` (Zaken API 1.5.1: at most 40 characters; here letters, digits,
  `.`, `_` and `-`), unique per `bronorganisatie` (an RSIN: 9 digits passing the eleven test),
  which may be given beside it; or the URL of a zaak (`<API root>zaken/<uuid>`) under the API
  root of an enabled source of the Zaken connector. Any other URL is refused: IKO never calls a
  server a caller names.
- `object`: an Objects API object by URL (`<API root>objects/<uuid>`) under the API root of an
  enabled source of the Objecten connector, or by uuid with `server` naming that server (its slug);
  either way the subject's value is the object's URL.

Profiles read the identifying parts as `$subject.identificatie`, `$subject.bronorganisatie` and
`$subject.url`.
"""

from __future__ import annotations

import re
from typing import Mapping
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext_lazy as _

from profiles.refusals import InvalidSubject

from . import SubjectType, is_elfproef

NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")
PAND_RE = re.compile(r"^[0-9]{4}10[0-9]{10}$")
VERBLIJFSOBJECT_RE = re.compile(r"^[0-9]{4}01[0-9]{10}$")
ZAAK_IDENTIFICATIE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
MAX_URL = 1000


def _bag_id(pattern: re.Pattern, what: str, code: str):
    def validate(value: str, qualifiers: Mapping[str, str]):
        if not pattern.match(value):
            raise InvalidSubject(f"{what} is 16 digits with object-type code {code} at positions 5-6.")
        return value, ()
    return validate


def _api_roots(connector_id: str) -> dict[str, str]:
    """The API roots of the servers of the enabled sources of this connector, by server slug."""
    from connectors.models import Source  # the app registry is ready by the time a subject is parsed

    return {
        source.service.slug: source.service.api_root
        for source in Source.objects.filter(connector=connector_id, enabled=True).select_related("service")
    }


def _url_under(url: str, roots, resource: str) -> str | None:
    """`url` lowercased in its uuid when it is `<root><resource>/<uuid>` under one of `roots`."""
    if len(url) > MAX_URL or any(ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment or ".." in unquote(parts.path).split("/"):
        return None
    for root in roots:
        if root and url.startswith(root):
            match = re.fullmatch(rf"{re.escape(resource)}/({UUID_RE})/?", url[len(root):])
            if match:
                return root + f"{resource}/{match.group(1).lower()}"
    return None


def _validate_zaak(value: str, qualifiers: Mapping[str, str]):
    bronorganisatie = qualifiers.get("bronorganisatie", "")
    if value.lower().startswith(("http://", "https://")):
        if bronorganisatie:
            raise InvalidSubject("A zaak URL takes no bronorganisatie: the URL names one zaak.", param="bronorganisatie")
        url = _url_under(value, _api_roots("zaken").values(), "zaken")
        if url is None:
            raise InvalidSubject(
                "A zaak URL must be <API root>zaken/<uuid> under a configured Zaken server; "
                "IKO calls no other server."
            )
        return url, (("url", url),)
    if not ZAAK_IDENTIFICATIE_RE.match(value):
        raise InvalidSubject(
            "A zaak is its identificatie (1 to 40 letters, digits, '.', '_' or '-') or its URL under a "
            "configured Zaken server."
        )
    if bronorganisatie and not is_elfproef(bronorganisatie):
        raise InvalidSubject("A bronorganisatie is an RSIN: 9 digits that pass the eleven test.", param="bronorganisatie")
    kept = (("identificatie", value),) + ((("bronorganisatie", bronorganisatie),) if bronorganisatie else ())
    return value, kept


def _validate_object(value: str, qualifiers: Mapping[str, str]):
    server = qualifiers.get("server", "")
    roots = _api_roots("objecten")
    if server:
        if not re.fullmatch(UUID_RE, value):
            raise InvalidSubject("With a server named, an object is its uuid.")
        if server not in roots:
            raise InvalidSubject("The server named is not the server of an enabled Objects API source.", param="server")
        url = roots[server] + f"objects/{value.lower()}"
    else:
        url = _url_under(value, roots.values(), "objects")
        if url is None:
            raise InvalidSubject(
                "An object is its URL, <API root>objects/<uuid> under a configured Objects API server, "
                "or its uuid with that server's slug as 'server'."
            )
    return url, (("url", url),)


OBJECT_SUBJECT_TYPES = (
    SubjectType("adres", _("Address (BAG nummeraanduiding)"),
                _bag_id(NUMMERAANDUIDING_RE, "A nummeraanduiding identificatie", "20")),
    SubjectType("pand", _("Building (BAG pand)"), _bag_id(PAND_RE, "A pand identificatie", "10")),
    SubjectType("verblijfsobject", _("Verblijfsobject (BAG)"),
                _bag_id(VERBLIJFSOBJECT_RE, "A verblijfsobject identificatie", "01")),
    SubjectType("zaak", _("Zaak (identificatie or URL)"), _validate_zaak, qualifiers=("bronorganisatie",)),
    SubjectType("object", _("Object (Objects API)"), _validate_object, qualifiers=("server",)),
)
