"""The fields of the Zaken connector's object-keyed operations (see objects.py), as dot paths.

- `zaken_over_object`: the compact zaak of fields.py plus `zaakobjecten`, how the zaak concerns
  the object: `[{"objectType", "relatieomschrijving"}]`.
- `gerelateerde_zaken`: the compact zaak plus `aardRelatie` (the `RelevanteZaak.aardRelatie` of
  the Zaken API, or "hoofdzaak" / "deelzaak").
- `statussen_van_zaak`: per `Status`: `{"url", "datumStatusGezet", "statustoelichting",
  "indicatieLaatstGezetteStatus", "statustype": {"url", "omschrijving", "volgnummer",
  "isEindstatus"}}`, the statustype's keys from the Catalogi API's `StatusType`.
- `rollen_van_zaak`: per `Rol`: `{"url", "betrokkeneType", "omschrijving",
  "omschrijvingGeneriek", "roltoelichting", "registratiedatum", "betrokkeneIdentificatie"}`, the
  identification reduced to names and numbers of its kind of betrokkene (BETROKKENE_KEYS): no
  addresses, birth dates or other details, whatever a profile asks.
- `zaakobjecten_van_zaak`: per `ZaakObject`: `{"url", "object", "objectType",
  "objectTypeOverige", "relatieomschrijving", "objectIdentificatie": {"identificatie"}}`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .fields import ZAAK_FIELDS

OBJECT_ZAAK_FIELDS: tuple[str, ...] = (
    *ZAAK_FIELDS,
    "zaakobjecten",
    "zaakobjecten.objectType",
    "zaakobjecten.relatieomschrijving",
)
RELATED_ZAAK_FIELDS: tuple[str, ...] = (*ZAAK_FIELDS, "aardRelatie")

STATUS_KEYS_OF_ZAAK: tuple[str, ...] = ("url", "datumStatusGezet", "statustoelichting", "indicatieLaatstGezetteStatus")
STATUSTYPE_HISTORY_KEYS: tuple[str, ...] = ("omschrijving", "volgnummer", "isEindstatus")
STATUS_HISTORY_FIELDS: tuple[str, ...] = (
    *STATUS_KEYS_OF_ZAAK,
    "statustype",
    "statustype.url",
    *(f"statustype.{key}" for key in STATUSTYPE_HISTORY_KEYS),
)

ROL_KEYS_OF_ZAAK: tuple[str, ...] = (
    "url", "betrokkeneType", "omschrijving", "omschrijvingGeneriek", "roltoelichting", "registratiedatum",
)
# Per betrokkeneType, the keys of its `betrokkeneIdentificatie` that identify or name it.
BETROKKENE_KEYS: dict[str, tuple[str, ...]] = {
    "natuurlijk_persoon": ("inpBsn", "geslachtsnaam", "voorvoegselGeslachtsnaam", "voorletters", "voornamen"),
    "niet_natuurlijk_persoon": ("innNnpId", "kvkNummer", "vestigingsNummer", "statutaireNaam"),
    "vestiging": ("vestigingsNummer", "kvkNummer", "handelsnaam"),
    "medewerker": ("identificatie", "achternaam", "voorletters", "voorvoegselAchternaam"),
    "organisatorische_eenheid": ("identificatie", "naam"),
}
ROL_FIELDS: tuple[str, ...] = (
    *ROL_KEYS_OF_ZAAK,
    "betrokkeneIdentificatie",
    *sorted({f"betrokkeneIdentificatie.{key}" for keys in BETROKKENE_KEYS.values() for key in keys}),
)

ZAAKOBJECT_KEYS: tuple[str, ...] = ("url", "object", "objectType", "objectTypeOverige", "relatieomschrijving")
ZAAKOBJECT_FIELDS: tuple[str, ...] = (*ZAAKOBJECT_KEYS, "objectIdentificatie", "objectIdentificatie.identificatie")


def needs_statustype_history(fields: Iterable[str]) -> bool:
    """A statustype key beyond its URL is asked for (no paths: every field)."""
    fields = tuple(fields)
    wanted = {"statustype", *(f"statustype.{key}" for key in STATUSTYPE_HISTORY_KEYS)}
    return not fields or any(path in wanted for path in fields)
