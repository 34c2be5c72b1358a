"""ZGW Documenten API 1.4 connector: the documents of a zaak, as metadata only.

Spec: Documenten API 1.4.2 as served by Open Zaak 1.30; the Zaken API 1.5.1 for the zaak's
relations and the Catalogi API 1.3.1 for informatieobjecttype names. Auth is the server's: a ZGW
JWT built by zgw-consumers, as for the Zaken connector.

Operation `documenten_van_zaak` (param "zaak", a zaak URL; optional
"maximaleVertrouwelijkheidaanduiding"), a list of documents in the compact shape of fields.py,
newest `creatiedatum` first:

1. The zaak's relations. With `relations_via: zaken` (default):
   `GET zaakinformatieobjecten?zaak=<url>` on the Zaken server, the zaak's own relations (each with
   its title within the zaak). With `relations_via: documenten`:
   `GET objectinformatieobjecten?object=<url>` on the Documenten server. Both answer a plain list,
   and both APIs ignore a misspelt filter and then answer with every relation: only relations of
   exactly this zaak (and, from the Documenten API, of `objectType` "zaak") are kept; the rest is
   dropped and counted.
2. The documents: `POST enkelvoudiginformatieobjecten/_zoek` with `{"uuid__in": [...]}`, one call
   for all of them (paged), for the informatieobjecten under the Documenten server's API root only
   (others are counted, never fetched). Every document that comes back must be one of those asked.
3. Confidentiality: a document whose `vertrouwelijkheidaanduiding` is above the maximum, or
   missing or unknown, is left out and counted in `detail`. The maximum is the source's
   `max_vertrouwelijkheidaanduiding`, lowered (never raised) by the grant's maximum that the call
   context carries (`CallContext.max_vertrouwelijkheidaanduiding`, set by IKO from the grant the
   view is served under) and by the call's own `maximaleVertrouwelijkheidaanduiding` when given:
   the lowest of the three wins.

The content is never fetched: `inhoud`, `link` and `bestandsdelen` are not read, not followed and
not returned, and no `download` is ever asked for. A zaak URL is accepted only when it lies under
the configured Zaken server (when one is configured).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import (
    CheckResult,
    Connector,
    ConnectorError,
    ConnectorRequest,
    ConnectorResult,
    Operation,
    Status,
)
from ...http import SourceHttp
from ...params import Param
from ...registry import register
from ..zgw import NIL_UUID, ZgwSession, check_servers, clean_url, resource_uuid
from .fields import DOCUMENT_FIELDS, VERTROUWELIJKHEID, compact_document, needs_informatieobjecttype
from .options import DocumentenOptions

DOCUMENTEN_VAN_ZAAK = "documenten_van_zaak"
MAXIMUM_PARAM = "maximaleVertrouwelijkheidaanduiding"
EIO = "enkelvoudiginformatieobjecten"
# Relations read at most per zaak, before the documents are capped at max_documenten.
RELATIONS_PER_DOCUMENT = 5


@register("documenten")
class DocumentenConnector(Connector):
    title = "ZGW Documenten"
    options_class = DocumentenOptions
    operations = {
        DOCUMENTEN_VAN_ZAAK: Operation(
            name=DOCUMENTEN_VAN_ZAAK,
            description=gettext_noop("The documents of a zaak (by the zaak's URL): metadata only, never the content, "
            "up to a maximum vertrouwelijkheidaanduiding."),
            subject_types=(),
            fields=DOCUMENT_FIELDS,
            params=("zaak", MAXIMUM_PARAM),
            parameters=(
                Param("zaak", pattern=r"https?://\S+", hint="the URL of a zaak", max_length=1000, required=True),
                Param(MAXIMUM_PARAM, enum=VERTROUWELIJKHEID),
            ),
            many=True,
        ),
    }

    def _session(self, options: DocumentenOptions) -> ZgwSession:
        return ZgwSession(
            self.source,
            self.title,
            catalogi_service=self.source.services.get("catalogi_service"),
            cache_seconds=options.informatieobjecttype_cache_seconds,
        )

    def _zaken_http(self, options: DocumentenOptions) -> SourceHttp | None:
        service = self.source.services.get("zaken_service")
        if options.zaken_service and service is None:
            raise ConnectorError("The Zaken server named in zaken_service is not configured.")
        return SourceHttp(self.source, service=service) if service is not None else None

    # -- fetching ---------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        unknown = sorted(set(request.params) - set(operation.params))
        if unknown:
            raise ConnectorError(
                f"{operation.name} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(operation.params)}."
            )
        options = self.options
        session = self._session(options)
        if options.catalogi_service and session.catalogi is None:
            raise ConnectorError("The Catalogi server named in catalogi_service is not configured.")
        zaken = self._zaken_http(options)
        maximum = self._maximum(options, request.params.get(MAXIMUM_PARAM),
                                request.context.max_vertrouwelijkheidaanduiding)
        if request.params.get("zaak") in (None, ""):
            raise ConnectorError("No zaak to look up documents for.", Status.SKIPPED)
        zaak = clean_url(request.params.get("zaak"), "zaak")
        if zaken is not None and resource_uuid(zaken, zaak, "zaken") is None:
            raise ConnectorError("Refused a zaak URL that is not a zaak of the configured Zaken server.")

        relations, dropped = self._relations(session, options, zaken, zaak)
        by_url = {}
        foreign = 0
        for informatieobject, relatie in relations:
            if resource_uuid(session.http, informatieobject, EIO) is None:
                foreign += 1
            else:
                by_url.setdefault(informatieobject, relatie)
        wanted = list(by_url)[: options.max_documenten]
        documents = self._documents(session, wanted)

        fields = tuple(request.fields)
        allowed_rank = VERTROUWELIJKHEID.index(maximum)
        kept, above = [], 0
        for url, document in documents.items():
            aanduiding = document.get("vertrouwelijkheidaanduiding")
            if aanduiding not in VERTROUWELIJKHEID or VERTROUWELIJKHEID.index(aanduiding) > allowed_rank:
                above += 1
                continue
            informatieobjecttype = None
            if needs_informatieobjecttype(fields):
                informatieobjecttype = session.reference(document.get("informatieobjecttype"), ("omschrijving",))
            kept.append(compact_document(document, informatieobjecttype, by_url[url]))
        kept.sort(key=lambda d: (d.get("creatiedatum") or "", d.get("titel") or ""), reverse=True)

        detail = []
        if not relations:
            detail.append("No documents for this zaak.")
        if dropped:
            detail.append(f"Dropped {dropped} relation(s) of another zaak than asked for.")
        if foreign:
            detail.append(f"{foreign} document URL(s) outside the Documenten server were not followed.")
        if len(by_url) > len(wanted):
            detail.append(f"Only the first {len(wanted)} of {len(by_url)} documents were read (max_documenten).")
        missing = len(wanted) - len(documents)
        if missing:
            detail.append(f"{missing} document(s) could not be read from the Documenten API.")
        if above:
            detail.append(
                f"{above} document(s) above the maximum vertrouwelijkheidaanduiding ({maximum}) were left out."
            )
        detail.extend(session.detail())
        return ConnectorResult(status=Status.OK, data=kept, detail=" ".join(detail))

    @staticmethod
    def _maximum(options: DocumentenOptions, asked: Any, granted: str = "") -> str:
        """The source's maximum, lowered (never raised) by the grant's maximum (from the call
        context) and by the call's own parameter; an empty one sets no limit of its own."""
        maximum = options.max_vertrouwelijkheidaanduiding
        if granted:
            if granted not in VERTROUWELIJKHEID:
                # Fail closed: a grant maximum IKO cannot read must not mean "no limit".
                raise ConnectorError("The grant's maximum vertrouwelijkheidaanduiding is not a value of the API.")
            maximum = min(maximum, granted, key=VERTROUWELIJKHEID.index)
        if asked in (None, ""):
            return maximum
        if asked not in VERTROUWELIJKHEID:
            raise ConnectorError(f"{MAXIMUM_PARAM} must be one of {', '.join(VERTROUWELIJKHEID)}.")
        return min(maximum, asked, key=VERTROUWELIJKHEID.index)

    def _relations(
        self, session: ZgwSession, options: DocumentenOptions, zaken: SourceHttp | None, zaak: str
    ) -> tuple[list[tuple[str, dict | None]], int]:
        """(informatieobject URL, the zaak's relation or None) of this zaak, and how many
        relations in the answer were of another zaak."""
        limit = RELATIONS_PER_DOCUMENT * options.max_documenten
        if options.relations_via == "zaken":
            items, _ = session.array(zaken, "zaakinformatieobjecten", {"zaak": zaak}, limit=limit)
            own = [(i.get("informatieobject"), i) for i in items if i.get("zaak") == zaak]
        else:
            items, _ = session.array(session.http, "objectinformatieobjecten", {"object": zaak}, limit=limit)
            own = [
                (i.get("informatieobject"), None)
                for i in items
                if i.get("object") == zaak and i.get("objectType") == "zaak"
            ]
        return own, len(items) - len(own)

    def _documents(self, session: ZgwSession, urls: list[str]) -> dict[str, dict]:
        """The asked documents by URL, in one `_zoek` (paged); anything not asked is ignored."""
        if not urls:
            return {}
        uuids = {resource_uuid(session.http, url, EIO): url for url in urls}
        found, _, _ = session.pages(
            session.http, f"{EIO}/_zoek", None, limit=len(uuids), body={"uuid__in": list(uuids)}
        )
        documents: dict[str, dict] = {}
        for document in found:
            url = uuids.get(resource_uuid(session.http, document.get("url"), EIO))
            if url is not None:
                documents.setdefault(url, document)
        return documents

    # -- admin check ------------------------------------------------------------------------
    def check_connection(self) -> CheckResult:
        """Ask each server for a resource with the nil UUID: a 404 proves it is reachable and
        accepts IKO's credentials, without reading a document."""
        try:
            options = self.options
            session = self._session(options)
            zaken = self._zaken_http(options)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        checks = [("Documenten API", session.http, f"{EIO}/{NIL_UUID}")]
        if zaken is not None:
            checks.append(("Zaken API", zaken, f"zaakinformatieobjecten/{NIL_UUID}"))
        if session.catalogi is not None:
            checks.append(("Catalogi API", session.catalogi, f"informatieobjecttypen/{NIL_UUID}"))
        elif options.catalogi_service:
            return CheckResult(False, "The Catalogi server named in catalogi_service is not configured.")
        return check_servers(self.title, checks)
