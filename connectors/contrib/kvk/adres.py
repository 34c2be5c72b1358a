"""The KVK connector's operation keyed on an address: the vestigingen at that address.

Spec: KVK API Zoeken 2.1.0, `GET v2/zoeken` with `postcode` + `huisnummer` (+ `huisletter`), the
spec's only address search by number, and `type=hoofdvestiging&type=nevenvestiging` (rechtspersonen
have no address of their own in Zoeken). Paged like `zoeken`, up to the source's `max_results`.

`vestigingen_op_adres` (params "postcode", "huisnummer", optional "huisletter"): the `ResultaatItem`s
of the vestigingen whose `adres.binnenlandsAdres` is that address exactly: the same postcode and
huisnummer, the same huisletter or none when none was asked (31A is another address than 31), and
a bezoekadres (a vestiging with only its postadres there is not located there). Results of another
address or type are dropped and counted: KVK's search may widen an address, and a results list
must not carry registrations that are not at the address. No registration at the address (KVK
answers 404 to an empty search) is an empty list.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...params import Param
from .fields import ZOEKEN_FIELDS
from .params import ZOEKEN_PARAMETERS, zoeken_query

VESTIGINGEN_OP_ADRES = "vestigingen_op_adres"
ADRES_PARAMS = ("postcode", "huisnummer", "huisletter")
VESTIGING_TYPES = ["hoofdvestiging", "nevenvestiging"]

ADRES_OPERATIONS = {
    VESTIGINGEN_OP_ADRES: Operation(
        name=VESTIGINGEN_OP_ADRES,
        description=gettext_noop("The vestigingen (hoofd- and nevenvestigingen) at an address, by postcode and huisnummer "
        "(and huisletter); API Zoeken v2."),
        subject_types=(),
        fields=ZOEKEN_FIELDS,
        params=ADRES_PARAMS,
        parameters=tuple(
            Param(**{**param.__dict__, "required": param.name != "huisletter"})
            for param in ZOEKEN_PARAMETERS if param.name in ADRES_PARAMS
        ),
        many=True,
    ),
}


def _at(item: Any, query: dict[str, Any]) -> bool:
    if not isinstance(item, dict) or item.get("type") not in VESTIGING_TYPES:
        return False
    adres = (item.get("adres") or {}).get("binnenlandsAdres") if isinstance(item.get("adres"), dict) else None
    if not isinstance(adres, dict) or adres.get("type") == "postadres":
        return False
    postcode = str(adres.get("postcode") or "").replace(" ", "").upper()
    letter = str(adres.get("huisletter") or "").upper()
    return (
        postcode == query["postcode"]
        and adres.get("huisnummer") == query["huisnummer"]
        and letter == str(query.get("huisletter") or "").upper()
    )


def vestigingen_op_adres(connector: Connector, request: ConnectorRequest) -> ConnectorResult:
    """`connector` is the KvkConnector of the source: its Zoeken paging does the search."""
    unknown = sorted(set(request.params) - set(ADRES_PARAMS))
    if unknown:
        raise ConnectorError(
            f"{VESTIGINGEN_OP_ADRES} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(ADRES_PARAMS)}."
        )
    if not request.params.get("postcode") and not request.params.get("huisnummer"):
        raise ConnectorError("No address to search vestigingen at.", Status.SKIPPED)
    if not request.params.get("postcode") or not request.params.get("huisnummer"):
        raise ConnectorError("An address search needs both the postcode and the huisnummer.")
    params = {**request.params, "type": VESTIGING_TYPES}
    query = zoeken_query(params)  # checked here, so the dropped-results check below compares clean values
    try:
        result = connector._zoeken(replace(request, operation="zoeken", params=params))
    except ConnectorError as exc:
        if exc.status is Status.NOT_FOUND:
            return ConnectorResult(Status.OK, data=[], detail="KVK has no vestiging at this address.")
        raise
    items = result.data or []
    kept = [item for item in items if _at(item, query)]
    notes = [result.detail] if result.detail else []
    if len(kept) < len(items):
        notes.append(f"Dropped {len(items) - len(kept)} result(s) that are not a vestiging at exactly this address.")
    if not kept:
        notes.insert(0, "KVK has no vestiging at this address.")
    return ConnectorResult(Status.OK, data=kept, detail=" ".join(notes))
