"""The BAG connector's operations on the objects behind an address: the adresseerbaar object
(verblijfsobject, ligplaats or standplaats) and the pand.

Spec: BAG API Individuele Bevragingen 2.6.0 (Kadaster), HAL JSON, the same API key as `adres`.
- `adresseerbaar_object` (param "adresseerbaarObjectIdentificatie", or "nummeraanduidingIdentificatie"
  for the object of an address): `GET adresseerbareobjecten/{id}` (`bevragenAdresseerbaarObject`),
  or `GET adresseerbareobjecten?nummeraanduidingIdentificatie=<id>` (`zoekAdresseerbareObjecten`).
  With an object id the answer must be that object; with an address (alone or beside the object
  id) the object must have that nummeraanduiding as its hoofd- or nevenadres. Objects that do not
  are dropped and counted; an object found by its hoofdadres comes before one by a nevenadres.
- `pand` (param "pandIdentificatie"): `GET panden/{id}` (`pandIdentificatie`); the answer must be
  that pand. The panden of an object are its `pandIdentificaties` (a relation calls `pand` once
  per id).

Each answer is reduced to the compact shapes below; `_links` and `_embedded` are never followed.

    adresseerbaar object: {"type", "identificatie", "status", "gebruiksdoelen", "oppervlakte",
        "pandIdentificaties", "heeftAlsHoofdAdres", "heeftAlsNevenAdres", "geconstateerd",
        "documentdatum", "documentnummer", "inOnderzoek"}
    pand: {"identificatie", "oorspronkelijkBouwjaar", "status", "geconstateerd", "documentdatum",
        "documentnummer", "geometrie", "inOnderzoek"}

`type` is the BAG's `TypeAdresseerbaarObject` (Verblijfsobject, Ligplaats, Standplaats);
`gebruiksdoelen`, `oppervlakte` and `pandIdentificaties` (the BAG's `maaktDeelUitVan`) exist only
for a verblijfsobject and are null otherwise. `inOnderzoek` says whether the BAG lists any of the
object's data as under investigation.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import quote

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import Connector, ConnectorError, ConnectorResult, Operation, Status
from ...http import HttpResponse, SourceHttp
from ...listing import answer_json
from ...params import Param

ADRESSEERBAAR_OBJECT = "adresseerbaar_object"
PAND = "pand"
HAL_HEADERS = {"Accept": "application/hal+json"}
ADRESSEERBAAR_OBJECT_RE = re.compile(r"^[0-9]{4}(01|02|03)[0-9]{10}$")
PAND_RE = re.compile(r"^[0-9]{4}10[0-9]{10}$")
NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")
# The keys of the BAG's AdresseerbaarObjectIOHal, one per kind of object.
KINDS = ("verblijfsobject", "ligplaats", "standplaats")

ADRESSEERBAAR_OBJECT_FIELDS: tuple[str, ...] = (
    "type",
    "identificatie",
    "status",
    "gebruiksdoelen",
    "oppervlakte",
    "pandIdentificaties",
    "heeftAlsHoofdAdres",
    "heeftAlsNevenAdres",
    "geconstateerd",
    "documentdatum",
    "documentnummer",
    "inOnderzoek",
)
PAND_FIELDS: tuple[str, ...] = (
    "identificatie",
    "oorspronkelijkBouwjaar",
    "status",
    "geconstateerd",
    "documentdatum",
    "documentnummer",
    "geometrie",
    "inOnderzoek",
)

OBJECT_OPERATIONS = {
    ADRESSEERBAAR_OBJECT: Operation(
        name=ADRESSEERBAAR_OBJECT,
        description=gettext_noop("The adresseerbaar object (verblijfsobject, ligplaats, standplaats) by its id or of an "
        "address (nummeraanduiding id): gebruiksdoelen, oppervlakte, status, panden."),
        subject_types=(),
        fields=ADRESSEERBAAR_OBJECT_FIELDS,
        params=("adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie"),
        parameters=(
            Param("adresseerbaarObjectIdentificatie", pattern=ADRESSEERBAAR_OBJECT_RE.pattern,
                  hint="16 digits with object-type code 01, 02 or 03 at positions 5-6"),
            Param("nummeraanduidingIdentificatie", pattern=NUMMERAANDUIDING_RE.pattern,
                  hint="16 digits with object-type code 20 at positions 5-6"),
        ),
    ),
    PAND: Operation(
        name=PAND,
        description=gettext_noop("One pand by its id: oorspronkelijk bouwjaar, status, geometry."),
        subject_types=(),
        fields=PAND_FIELDS,
        params=("pandIdentificatie",),
        parameters=(Param("pandIdentificatie", pattern=PAND_RE.pattern,
                          hint="16 digits with object-type code 10 at positions 5-6", required=True),),
    ),
}


def _hal(response: HttpResponse, title: str) -> dict[str, Any]:
    payload = answer_json(response, title=title)
    if not isinstance(payload, dict):
        raise ConnectorError("The BAG answer is not a JSON object.")
    return payload


def _identifier(value: Any, pattern: re.Pattern, detail: str) -> str | None:
    if value is None or value == "":
        return None
    # A string only: as a number the leading zeros of the gemeentecode would be lost.
    if not isinstance(value, str) or not pattern.match(value):
        raise ConnectorError(f"Invalid BAG parameter: {detail}")
    return value


def object_operation_run(connector: Connector, name: str, params: Mapping[str, Any]) -> ConnectorResult:
    """Run `name` for the BagConnector `connector` (its source)."""
    unknown = sorted(set(params) - set(OBJECT_OPERATIONS[name].params))
    if unknown:
        raise ConnectorError(f"{name} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(OBJECT_OPERATIONS[name].params)}.")
    if name == PAND:
        return _pand(connector, params)
    return _adresseerbaar_object(connector, params)


def _adresseerbaar_object(connector: Connector, params: Mapping[str, Any]) -> ConnectorResult:
    identificatie = _identifier(
        params.get("adresseerbaarObjectIdentificatie"), ADRESSEERBAAR_OBJECT_RE,
        "an adresseerbaarObjectIdentificatie is 16 digits with object-type code 01, 02 or 03 at positions 5-6.",
    )
    nummeraanduiding = _identifier(
        params.get("nummeraanduidingIdentificatie"), NUMMERAANDUIDING_RE,
        "a nummeraanduidingIdentificatie is 16 digits with object-type code 20 at positions 5-6.",
    )
    if identificatie is None and nummeraanduiding is None:
        raise ConnectorError("No adresseerbaar object or address to look up.", Status.SKIPPED)
    http = SourceHttp(connector.source)
    if identificatie is not None:
        response = http.request("GET", f"adresseerbareobjecten/{quote(identificatie, safe='')}", headers=HAL_HEADERS)
        if response.status_code == 404:
            return ConnectorResult(status=Status.NOT_FOUND, detail="The BAG has no adresseerbaar object with this id.")
        found = [_compact_object(_hal(response, connector.title))]
        if found[0] is None or found[0]["identificatie"] != identificatie:
            raise ConnectorError("The BAG answered with another adresseerbaar object than asked for; dropped.")
    else:
        response = http.request(
            "GET", "adresseerbareobjecten", params={"nummeraanduidingIdentificatie": nummeraanduiding}, headers=HAL_HEADERS
        )
        embedded = _hal(response, connector.title).get("_embedded") or {}
        items = embedded.get("adresseerbareObjecten", []) if isinstance(embedded, dict) else None
        if not isinstance(items, list):
            raise ConnectorError("The BAG answer has no '_embedded.adresseerbareObjecten' list.")
        found = [_compact_object(item) for item in items]
    if nummeraanduiding is None:
        return ConnectorResult(status=Status.OK, data=found[0])
    hoofd = [o for o in found if o is not None and o["heeftAlsHoofdAdres"] == nummeraanduiding]
    neven = [o for o in found if o is not None and nummeraanduiding in (o["heeftAlsNevenAdres"] or [])]
    kept = hoofd + [o for o in neven if o not in hoofd]
    if identificatie is not None and not kept:
        raise ConnectorError("The adresseerbaar object asked for does not have this address; dropped.")
    if not kept:
        detail = "The BAG has no adresseerbaar object with this address."
        if found:
            detail += f" Dropped {len(found)} object(s) of another address."
        return ConnectorResult(status=Status.NOT_FOUND, detail=detail)
    notes = []
    if len(found) > len(kept):
        notes.append(f"Dropped {len(found) - len(kept)} object(s) that do not have this address.")
    if len(kept) > 1:
        notes.append(f"The address belongs to {len(kept)} objects; showing the one with it as hoofdadres first.")
    return ConnectorResult(status=Status.OK, data=kept[0], detail=" ".join(notes))


def _compact_object(payload: Any) -> dict | None:
    """The compact shape of one AdresseerbaarObjectIOHal, or None when it holds no object."""
    if not isinstance(payload, dict):
        return None
    kind = next((k for k in KINDS if isinstance(payload.get(k), dict)), None)
    if kind is None:
        return None
    io = payload[kind]
    obj = io.get(kind)
    if not isinstance(obj, dict):
        return None
    verblijfsobject = kind == "verblijfsobject"
    return {
        "type": obj.get("type") or kind.capitalize(),
        "identificatie": obj.get("identificatie"),
        "status": obj.get("status"),
        "gebruiksdoelen": obj.get("gebruiksdoelen") if verblijfsobject else None,
        "oppervlakte": obj.get("oppervlakte") if verblijfsobject else None,
        "pandIdentificaties": obj.get("maaktDeelUitVan") if verblijfsobject else None,
        "heeftAlsHoofdAdres": obj.get("heeftAlsHoofdAdres"),
        "heeftAlsNevenAdres": obj.get("heeftAlsNevenAdres") or [],
        "geconstateerd": obj.get("geconstateerd"),
        "documentdatum": obj.get("documentdatum"),
        "documentnummer": obj.get("documentnummer"),
        "inOnderzoek": bool(io.get("inonderzoek")),
    }


def _pand(connector: Connector, params: Mapping[str, Any]) -> ConnectorResult:
    identificatie = _identifier(
        params.get("pandIdentificatie"), PAND_RE,
        "a pandIdentificatie is 16 digits with object-type code 10 at positions 5-6.",
    )
    if identificatie is None:
        raise ConnectorError("No pand to look up.", Status.SKIPPED)
    response = SourceHttp(connector.source).request("GET", f"panden/{quote(identificatie, safe='')}", headers=HAL_HEADERS)
    if response.status_code == 404:
        return ConnectorResult(status=Status.NOT_FOUND, detail="The BAG has no pand with this id.")
    io = _hal(response, connector.title)
    pand = io.get("pand")
    if not isinstance(pand, dict) or pand.get("identificatie") != identificatie:
        raise ConnectorError("The BAG answered with another pand than asked for; dropped.")
    data = {key: pand.get(key) for key in PAND_FIELDS if key != "inOnderzoek"}
    data["inOnderzoek"] = bool(io.get("inonderzoek"))
    return ConnectorResult(status=Status.OK, data=data)
