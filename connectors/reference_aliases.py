"""The operation names and parameters of the reference IKO Server's connectors, as IKO aliases.

Case systems configured for the reference IKO Server (Integraal-Klant-en-Objectbeeld/iko) call its
connector endpoints by the names its connector definitions give them. These are those names as
`OperationAlias` definitions (aliases.py, in the shape of `OperationAlias.as_dict`), per IKO
connector id, as far as the reference server's public connector documentation describes them:

- BRP (`haalcentraal-brp`): one endpoint `Personen` for every query type, chosen by `type`
  (consulting by BSN when there is none), `burgerservicenummer` (or the `id`) for the BSN, `fields`
  as a comma-separated list of field paths, and the search parameters under the BRP's own names.
- KVK (`kvk`): `getResults`, KVK Zoeken with its own parameters; `pagina` and
  `resultatenPerPagina` are accepted, but IKO reads every page itself (up to the source's cap),
  so a caller gets all results at once.
- Zaken (`openzaak`): `zaak_list` by the BSN of a natural person's rol
  (`rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn`) or by `identificatie` (and
  `bronorganisatie`). Its other filters, and `zaak_read` (a zaak by its uuid), have no IKO
  counterpart: the front door never takes an object's id from the caller.

The source admin's action "Add the reference IKO Server's aliases" creates the missing ones for
each selected source; a configuration file lists them like any other alias.
"""

from __future__ import annotations

from typing import Any

BRP_QUERY_TYPES = (
    "RaadpleegMetBurgerservicenummer",
    "ZoekMetGeslachtsnaamEnGeboortedatum",
    "ZoekMetNaamEnGemeenteVanInschrijving",
    "ZoekMetPostcodeEnHuisnummer",
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
    "ZoekMetNummeraanduidingIdentificatie",
    "ZoekMetAdresseerbaarObjectIdentificatie",
)

REFERENCE_ALIASES: dict[str, tuple[dict[str, Any], ...]] = {
    "brp": (
        {
            "name": "Personen",
            "description": "The reference IKO Server's BRP endpoint: every query type, chosen by type.",
            "operations": list(BRP_QUERY_TYPES),
            "selectorParam": "type",
            "selectorValues": {},
            "params": {"burgerservicenummer": "bsn", "id": "bsn"},
            "fixedParams": {},
            "fieldsParam": "fields",
            "resultTransform": "",
        },
    ),
    "kvk": (
        {
            "name": "getResults",
            "description": "The reference IKO Server's KVK Zoeken endpoint; IKO reads every page itself.",
            "operations": ["zoeken"],
            "selectorParam": "",
            "selectorValues": {},
            "params": {"pagina": None, "resultatenPerPagina": None},
            "fixedParams": {},
            "fieldsParam": "",
            "resultTransform": "",
        },
    ),
    "zaken": (
        {
            "name": "zaak_list",
            "description": "The reference IKO Server's zaken list, by a natural person's BSN or by identificatie.",
            "operations": ["zaken_van_persoon", "zaken_op_identificatie"],
            "selectorParam": "",
            "selectorValues": {},
            "params": {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": "bsn"},
            "fixedParams": {},
            "fieldsParam": "",
            "resultTransform": "",
        },
    ),
}

# Configuration-document key -> OperationAlias attribute.
ALIAS_KEYS = {
    "description": "description", "operations": "operations", "selectorParam": "selector_param",
    "selectorValues": "selector_values", "params": "params", "fixedParams": "fixed_params",
    "fieldsParam": "fields_param", "resultTransform": "result_transform",
}


def reference_aliases_for(connector_id: str) -> tuple[dict[str, Any], ...]:
    """The reference server's aliases for sources of this connector (none for most connectors)."""
    return REFERENCE_ALIASES.get(connector_id, ())
