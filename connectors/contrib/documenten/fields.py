"""The compact document the Documenten connector returns, as `fields` dot paths: metadata only.

Per document (an `EnkelvoudigInformatieObject` of the Documenten API 1.4.2):

    {"url", "identificatie", "bronorganisatie", "titel", "beschrijving", "creatiedatum",
     "ontvangstdatum", "verzenddatum", "vertrouwelijkheidaanduiding", "status", "bestandsnaam",
     "formaat", "bestandsomvang", "taal", "versie",
     "informatieobjecttype": {"url", "omschrijving"},
     "relatie": {"titel", "beschrijving", "registratiedatum"} or null}

`informatieobjecttype.omschrijving` comes from the Catalogi API's `InformatieObjectType` and is
looked up only when allowed; `relatie` is the zaak's own `ZaakInformatieObject` (the title and
description of the document within the zaak), null when the relations are read from the
Documenten API. Never part of the shape, whatever a profile asks: the content and every way to
it (`inhoud`, `link`, `bestandsdelen`), the author (`auteur`, often a person's name), signatures
and integrity data.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...base import VERTROUWELIJKHEIDAANDUIDINGEN

DOCUMENT_SCALARS: tuple[str, ...] = (
    "url",
    "identificatie",
    "bronorganisatie",
    "titel",
    "beschrijving",
    "creatiedatum",
    "ontvangstdatum",
    "verzenddatum",
    "vertrouwelijkheidaanduiding",
    "status",
    "bestandsnaam",
    "formaat",
    "bestandsomvang",
    "taal",
    "versie",
)
RELATIE_KEYS: tuple[str, ...] = ("titel", "beschrijving", "registratiedatum")

DOCUMENT_FIELDS: tuple[str, ...] = (
    *DOCUMENT_SCALARS,
    "informatieobjecttype",
    "informatieobjecttype.url",
    "informatieobjecttype.omschrijving",
    "relatie",
    *(f"relatie.{key}" for key in RELATIE_KEYS),
)

# The Documenten API's `VertrouwelijkheidaanduidingEnum`, from most open to most secret (the ZGW
# enum the call context's grant maximum also uses).
VERTROUWELIJKHEID: tuple[str, ...] = VERTROUWELIJKHEIDAANDUIDINGEN


def needs_informatieobjecttype(fields: Iterable[str]) -> bool:
    """The informatieobjecttype's name is asked for (no paths: every field)."""
    fields = tuple(fields)
    return not fields or any(path in ("informatieobjecttype", "informatieobjecttype.omschrijving") for path in fields)


def compact_document(document: dict, informatieobjecttype: dict | None, relatie: dict | None) -> dict:
    compact = {key: document.get(key) for key in DOCUMENT_SCALARS}
    compact["informatieobjecttype"] = {
        "url": document.get("informatieobjecttype"),
        "omschrijving": (informatieobjecttype or {}).get("omschrijving"),
    }
    compact["relatie"] = {key: relatie.get(key) for key in RELATIE_KEYS} if relatie is not None else None
    return compact
