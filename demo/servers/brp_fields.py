"""The `fields` parameter of the BRP API Personen 2.x: which dot paths a request may name, and
how a converted person is cut down to them, plus the fields the API always adds.

Spec: ``tests/specs/brp-personen/openapi.yaml`` (`PersonenQuery.fields`, schemas `Persoon`,
`PersoonBeperkt`, `GezagPersoonBeperkt`). Behaviour as in the official BrpProxy
(BRP-API/Haal-Centraal-BRP-bevragen, ``src/BrpProxy/Validators/FieldsHelper*.cs``):

* a path naming an object returns the whole object; a path into a date or a coded value
  (``geboorte.datum.langFormaat``, ``geslacht.code``) returns the whole date / Waardetabel;
* ``inOnderzoek``, ``geheimhoudingPersoonsgegevens``, ``opschortingBijhouding``, ``rni`` and
  ``verificatie`` may not be requested: they come automatically. ``inOnderzoek`` only for the
  requested fields, ``rni`` only for the categories of the requested fields, and
  ``indicatieVastgesteldVerblijftNietOpAdres`` whenever verblijfplaats/adressering is asked;
* ``verblijfplaatsBinnenland.*`` / ``adresseringBinnenland.*`` are the RvIG shortcuts: the same
  fields, delivered only when the person does not live abroad.

Simplification: any ``gezag.*`` path returns the whole gezag list, because the schema's
required properties (minderjarige, naam, toelichting) make partial gezag objects invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Union

# A catalogue node is a dict (an object whose parts can be requested one by one), a tuple of
# sub-paths (an object that is always delivered whole) or None (a plain value).
Node = Union[dict[str, Any], tuple[str, ...], None]

DATUM = ("type", "datum", "langFormaat", "jaar", "maand", "onbekend")
WAARDETABEL = ("code", "omschrijving")
ADELLIJKE_TITEL = ("code", "omschrijving", "soort")


def _gezag_paths() -> tuple[str, ...]:
    naam = ("burgerservicenummer", "naam", "naam.volledigeNaam")
    paths = ["type", "toelichting", "minderjarige", "minderjarige.leeftijd"]
    paths += [f"minderjarige.{p}" for p in naam]
    for key in ("ouder", "ouders"):
        paths += [key, *(f"{key}.{p}" for p in naam)]
    for key in ("derde", "derden"):
        paths += [key, f"{key}.type", *(f"{key}.{p}" for p in naam)]
    return tuple(paths)


GEZAG = _gezag_paths()
NAAM_BASIS = {
    "voornamen": None, "adellijkeTitelPredicaat": ADELLIJKE_TITEL, "voorvoegsel": None,
    "geslachtsnaam": None, "voorletters": None,
}
GEBOORTE = {"datum": DATUM, "land": WAARDETABEL, "plaats": WAARDETABEL}
AUTOMATISCH = {
    "geheimhoudingPersoonsgegevens": None,
    "opschortingBijhouding": {"reden": WAARDETABEL, "datum": DATUM},
    "rni": {"deelnemer": WAARDETABEL, "omschrijvingVerdrag": None, "categorie": None},
    "verificatie": {"datum": DATUM, "omschrijving": None},
}
ADRESSERING_BASIS = {
    "adresregel1": None, "adresregel2": None, "adresregel3": None, "land": WAARDETABEL,
    "indicatieVastgesteldVerblijftNietOpAdres": None,
}

PERSOON: dict[str, Node] = {
    "aNummer": None,
    "burgerservicenummer": None,
    "datumEersteInschrijvingGBA": DATUM,
    "geslacht": WAARDETABEL,
    "uitsluitingKiesrecht": {"uitgeslotenVanKiesrecht": None, "einddatum": DATUM},
    "europeesKiesrecht": {"aanduiding": WAARDETABEL, "einddatumUitsluiting": DATUM},
    "leeftijd": None,
    "naam": {**NAAM_BASIS, "volledigeNaam": None, "aanduidingNaamgebruik": WAARDETABEL},
    "nationaliteiten": {
        "type": None, "nationaliteit": WAARDETABEL, "redenOpname": WAARDETABEL, "datumIngangGeldigheid": DATUM,
    },
    "geboorte": GEBOORTE,
    "overlijden": {"datum": DATUM, "land": WAARDETABEL, "plaats": WAARDETABEL},
    "verblijfplaats": {
        "type": None,
        "verblijfadres": {
            "officieleStraatnaam": None, "korteStraatnaam": None, "huisnummer": None, "huisletter": None,
            "huisnummertoevoeging": None, "aanduidingBijHuisnummer": WAARDETABEL, "postcode": None,
            "woonplaats": None, "regel1": None, "regel2": None, "regel3": None, "land": WAARDETABEL,
            "locatiebeschrijving": None,
        },
        "functieAdres": WAARDETABEL,
        "adresseerbaarObjectIdentificatie": None,
        "nummeraanduidingIdentificatie": None,
        "datumVan": DATUM,
        "datumIngangGeldigheid": DATUM,
        "indicatieVastgesteldVerblijftNietOpAdres": None,
    },
    "immigratie": {
        "landVanwaarIngeschreven": WAARDETABEL, "datumVestigingInNederland": DATUM,
        "vanuitVerblijfplaatsOnbekend": None, "indicatieVestigingVanuitBuitenland": None,
    },
    "gemeenteVanInschrijving": WAARDETABEL,
    "datumInschrijvingInGemeente": DATUM,
    "adressering": {
        **ADRESSERING_BASIS,
        "aanhef": None, "aanschrijfwijze": {"naam": None, "aanspreekvorm": None}, "gebruikInLopendeTekst": None,
    },
    "indicatieCurateleRegister": None,
    "indicatieGezagMinderjarige": WAARDETABEL,
    "gezag": GEZAG,
    "verblijfstitel": {"aanduiding": WAARDETABEL, "datumEinde": DATUM, "datumIngang": DATUM},
    "kinderen": {"burgerservicenummer": None, "naam": NAAM_BASIS, "geboorte": GEBOORTE},
    "ouders": {
        "burgerservicenummer": None, "geslacht": WAARDETABEL, "ouderAanduiding": None,
        "datumIngangFamilierechtelijkeBetrekking": DATUM, "naam": NAAM_BASIS, "geboorte": GEBOORTE,
    },
    "partners": {
        "burgerservicenummer": None, "geslacht": WAARDETABEL, "soortVerbintenis": WAARDETABEL,
        "naam": NAAM_BASIS, "geboorte": GEBOORTE,
        "aangaanHuwelijkPartnerschap": {"datum": DATUM, "land": WAARDETABEL, "plaats": WAARDETABEL},
        "ontbindingHuwelijkPartnerschap": {"datum": DATUM},
    },
    **AUTOMATISCH,
}
PERSOON_BEPERKT: dict[str, Node] = {
    "burgerservicenummer": None,
    "geboorte": {"datum": DATUM},
    "geslacht": WAARDETABEL,
    "leeftijd": None,
    "naam": {**NAAM_BASIS, "volledigeNaam": None},
    "adressering": dict(ADRESSERING_BASIS),
    **AUTOMATISCH,
}
GEZAG_PERSOON_BEPERKT: dict[str, Node] = {**PERSOON_BEPERKT, "gezag": GEZAG}

CATALOGUES: dict[str, dict[str, Node]] = {
    "Persoon": PERSOON,
    "PersoonBeperkt": PERSOON_BEPERKT,
    "GezagPersoonBeperkt": GEZAG_PERSOON_BEPERKT,
}
# Shortcut -> (real field, sub-paths that only exist abroad and so are not part of it).
SHORTCUTS = {
    "verblijfplaatsBinnenland": ("verblijfplaats", ("verblijfadres.regel1", "verblijfadres.regel2", "verblijfadres.regel3", "verblijfadres.land")),
    "adresseringBinnenland": ("adressering", ("adresregel3", "land")),
}
FIELD_PATTERN = re.compile(r"[a-zA-Z0-9._]{1,200}")
INVALID_FIELD = ("field", "Parameter bevat een niet bestaande veldnaam.")
AUTOMATIC_FIELD = ("field", "Parameter bevat een niet toegestane veldnaam.")
# Which requested top-level fields make an RNI deelnemer of a category relevant.
RNI_CATEGORIEEN = {
    "Persoon": {"aNummer", "burgerservicenummer", "geslacht", "leeftijd", "naam", "geboorte", "adressering"},
    "Nationaliteit": {"nationaliteiten"},
    "Overlijden": {"overlijden"},
    "Verblijfplaats": {"verblijfplaats", "adressering", "immigratie", "gemeenteVanInschrijving", "datumInschrijvingInGemeente"},
}


def catalogue_paths(tree: dict[str, Node], prefix: str = "") -> Iterable[str]:
    """Every dot path of a catalogue, objects included."""
    for key, node in tree.items():
        path = prefix + key
        yield path
        if isinstance(node, dict):
            yield from catalogue_paths(node, path + ".")
        elif isinstance(node, tuple):
            yield from (f"{path}.{sub}" for sub in node)


def _requestable(schema: str) -> frozenset[str]:
    tree = CATALOGUES[schema]
    paths = {p for p in catalogue_paths(tree) if p.split(".")[0] not in AUTOMATISCH}
    for shortcut, (target, abroad) in SHORTCUTS.items():
        if target in tree:
            paths.add(shortcut)
            for sub in catalogue_paths(tree[target]):
                if not any(sub == a or sub.startswith(a + ".") for a in abroad):
                    paths.add(f"{shortcut}.{sub}")
    return frozenset(paths)


REQUESTABLE = {schema: _requestable(schema) for schema in CATALOGUES}


def field_errors(fields: list[Any], schema: str = "Persoon") -> list[tuple[int, str, str]]:
    """Problems with the requested fields as (index, code, reason); empty when all are valid."""
    allowed = REQUESTABLE[schema]
    errors = []
    for index, field in enumerate(fields):
        if not isinstance(field, str):
            errors.append((index, "string", "Waarde is geen string."))
        elif not FIELD_PATTERN.fullmatch(field):
            errors.append((index, "pattern", "Waarde voldoet niet aan het patroon van een veldpad."))
        elif field.split(".")[0] in AUTOMATISCH or "inOnderzoek" in field.split("."):
            errors.append((index, *AUTOMATIC_FIELD))
        elif field not in allowed:
            errors.append((index, *INVALID_FIELD))
    return errors


# -- selection ----------------------------------------------------------------------------------


def _expand(node: dict[str, Node]) -> dict[str, Any]:
    return {key: _expand(sub) if isinstance(sub, dict) else None for key, sub in node.items()}


def _merge(target: dict[str, Any], addition: dict[str, Any]) -> None:
    for key, sub in addition.items():
        if key not in target:
            target[key] = sub
        elif target[key] is None or sub is None:
            target[key] = None
        else:
            _merge(target[key], sub)


def selection_tree(paths: Iterable[str], schema: str = "Persoon") -> dict[str, Any]:
    """Requested paths -> nested dict; None means "this value or object as a whole"."""
    catalogue = CATALOGUES[schema]
    selection: dict[str, Any] = {}
    for path in paths:
        parts = path.split(".")
        node: Node = catalogue
        branch: dict[str, Any] = {}
        cursor = branch
        for index, part in enumerate(parts):
            if not isinstance(node, dict) or part not in node:
                raise ValueError(f"unknown field path: {path}")
            node = node[part]
            last = index == len(parts) - 1
            if not isinstance(node, dict):
                cursor[part] = None
                break
            if last:
                cursor[part] = _expand(node)
                break
            cursor[part] = {}
            cursor = cursor[part]
        _merge(selection, branch)
    return selection


def _select(value: dict[str, Any], selection: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key not in selection:
            continue
        sub = selection[key]
        if sub is None or not isinstance(item, (dict, list)):
            result[key] = item
        elif isinstance(item, list):
            items = [_select(element, sub) if isinstance(element, dict) else element for element in item]
            items = [element for element in items if element not in ({}, None)]
            if items:
                result[key] = items
        else:
            selected = _select(item, sub)
            if selected:
                result[key] = selected
    if result:
        if "type" in value and "type" not in result:
            result = {"type": value["type"], **result}  # discriminator of polymorphic objects
        onderzoek = value.get("inOnderzoek")
        if onderzoek:
            flags = {key: True for key in result if onderzoek.get(key) is True}
            if flags:
                flags.update({k: v for k, v in onderzoek.items() if k.startswith("datumIngangOnderzoek")})
                result["inOnderzoek"] = flags
    return result


def _resolve_shortcuts(persoon: dict[str, Any], fields: Iterable[str]) -> list[str]:
    abroad = (persoon.get("verblijfplaats") or {}).get("type") == "VerblijfplaatsBuitenland"
    resolved = []
    for field in fields:
        root, _, rest = field.partition(".")
        if root in SHORTCUTS:
            if abroad:
                continue
            field = SHORTCUTS[root][0] + ("." + rest if rest else "")
        resolved.append(field)
    return resolved


def select_fields(persoon: dict[str, Any], fields: Iterable[str], schema: str = "Persoon") -> dict[str, Any]:
    """The requested `fields` of a converted person, plus what the API always delivers.

    `schema` is the response type of the search: "Persoon" (raadplegen), "PersoonBeperkt"
    (zoeken) or "GezagPersoonBeperkt" (zoeken met adresseerbaar object). Fields must have been
    validated with `field_errors`; an unknown path raises ValueError."""
    fields = _resolve_shortcuts(persoon, fields)
    result = _select(persoon, selection_tree(fields, schema))
    for key in ("geheimhoudingPersoonsgegevens", "opschortingBijhouding", "verificatie"):
        if key in persoon:
            result[key] = persoon[key]
    roots = {field.split(".")[0] for field in fields}
    rni = [
        deelnemer for deelnemer in persoon.get("rni", ())
        if roots & RNI_CATEGORIEEN.get(deelnemer.get("categorie"), roots)
    ]
    if rni:
        result["rni"] = rni
    for key in ("verblijfplaats", "adressering"):
        source = persoon.get(key) or {}
        if key in roots and source.get("indicatieVastgesteldVerblijftNietOpAdres"):
            selected = {"type": source["type"]} if "type" in source else {}
            result[key] = {**selected, **result.get(key, {}), "indicatieVastgesteldVerblijftNietOpAdres": True}
    return result
