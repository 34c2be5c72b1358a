"""ZGW Besluiten API 1.1 connector: the besluiten of a zaak, of an informatieobject, or one by URL.

Spec: Besluiten API 1.1.0 as served by Open Zaak 1.30, with the Catalogi API 1.3.1 for the
besluittype names. Auth is the server's: a ZGW JWT built by zgw-consumers (auth type "ZGW
client_id + secret"), as for the Zaken connector.

Operations (each besluit in the compact shape of fields.py):
- `besluiten_van_zaak` (param "zaak", a zaak URL): `GET besluiten?zaak=<url>`, paged up to
  `max_besluiten`. The Besluiten API ignores a misspelt filter and then answers with every
  besluit, so each besluit must carry exactly that `zaak`; others are dropped and counted.
- `besluit` (param "url"): `GET <url>` for a URL `besluiten/<uuid>` under the Besluiten server's
  API root only; the answer must be that besluit.
- `besluiten_van_informatieobject` (param "informatieobject", a document URL):
  `GET besluitinformatieobjecten?informatieobject=<url>` (a plain list), keeping the relations of
  exactly that informatieobject, then `GET` each related besluit under the Besluiten server (at
  most `max_besluiten`). The Besluiten API links a besluit to nothing else: a zaak (`zaak`) and
  documents (`besluitinformatieobjecten`). The besluiten about a BAG object are therefore those of
  the zaken about that object (the Zaken connector's `zaken_over_object`, then this connector's
  `besluiten_van_zaak` per zaak).

The besluittype's name is looked up in the Catalogi server (option `catalogi_service`), cached per
process, only when an allowed field needs it. `toelichting` is a field like any other: a profile
releases it or not.
"""

from __future__ import annotations

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
from ...params import Param
from ...registry import register
from ..zgw import NIL_UUID, ZgwSession, check_servers, clean_url, resource_uuid
from .fields import BESLUIT_FIELDS, BESLUITTYPE_KEYS, compact_besluit, needs_besluittype
from .options import BesluitenOptions

BESLUITEN_VAN_ZAAK = "besluiten_van_zaak"
BESLUIT = "besluit"
BESLUITEN_VAN_INFORMATIEOBJECT = "besluiten_van_informatieobject"
URL = r"https?://\S+"


@register("besluiten")
class BesluitenConnector(Connector):
    title = "ZGW Besluiten"
    options_class = BesluitenOptions
    operations = {
        BESLUITEN_VAN_ZAAK: Operation(
            name=BESLUITEN_VAN_ZAAK,
            description=gettext_noop("The besluiten that are the outcome of a zaak (by the zaak's URL)."),
            subject_types=(),
            fields=BESLUIT_FIELDS,
            params=("zaak",),
            parameters=(Param("zaak", pattern=URL, hint="the URL of a zaak", max_length=1000, required=True),),
            many=True,
        ),
        BESLUIT: Operation(
            name=BESLUIT,
            description=gettext_noop("One besluit by its URL (for example a zaakobject of type besluit)."),
            subject_types=(),
            fields=BESLUIT_FIELDS,
            params=("url",),
            parameters=(Param("url", pattern=URL, hint="the URL of a besluit", max_length=1000, required=True),),
        ),
        BESLUITEN_VAN_INFORMATIEOBJECT: Operation(
            name=BESLUITEN_VAN_INFORMATIEOBJECT,
            description=gettext_noop("The besluiten that a document (informatieobject URL) describes."),
            subject_types=(),
            fields=BESLUIT_FIELDS,
            params=("informatieobject",),
            parameters=(Param("informatieobject", pattern=URL, hint="the URL of a document", max_length=1000,
                              required=True),),
            many=True,
        ),
    }

    def _session(self, options: BesluitenOptions) -> ZgwSession:
        return ZgwSession(
            self.source,
            self.title,
            catalogi_service=self.source.services.get("catalogi_service"),
            cache_seconds=options.besluittype_cache_seconds,
        )

    # -- fetching ---------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        options = self.options
        session = self._session(options)
        if options.catalogi_service and session.catalogi is None:
            raise ConnectorError("The Catalogi server named in catalogi_service is not configured.")
        unknown = sorted(set(request.params) - set(operation.params))
        if unknown:
            # A parameter the operation does not know would be dropped, not applied.
            raise ConnectorError(
                f"{operation.name} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(operation.params)}."
            )
        if operation.name == BESLUIT:
            return self._besluit(session, request)
        if operation.name == BESLUITEN_VAN_ZAAK:
            return self._van_zaak(session, options, request)
        return self._van_informatieobject(session, options, request)

    def _compact(self, session: ZgwSession, besluit: dict, fields: tuple[str, ...]) -> dict:
        besluittype = None
        if needs_besluittype(fields):
            besluittype = session.reference(besluit.get("besluittype"), BESLUITTYPE_KEYS)
        return compact_besluit(besluit, besluittype)

    def _van_zaak(self, session: ZgwSession, options: BesluitenOptions, request: ConnectorRequest) -> ConnectorResult:
        if request.params.get("zaak") in (None, ""):
            raise ConnectorError("No zaak to look up besluiten for.", Status.SKIPPED)
        zaak = clean_url(request.params.get("zaak"), "zaak")
        besluiten, cut, count = session.pages(
            session.http, "besluiten", {"zaak": zaak}, limit=options.max_besluiten
        )
        kept = list({b.get("url"): b for b in besluiten if b.get("zaak") == zaak}.values())
        fields = tuple(request.fields)
        data = [self._compact(session, besluit, fields) for besluit in kept]
        detail = []
        if not kept:
            detail.append("No besluiten for this zaak.")
        if cut:
            of = f" of {count}" if count else ""
            detail.append(f"Only the first {len(besluiten)}{of} besluiten were read (max_besluiten).")
        dropped = len({b.get("url") for b in besluiten}) - len(kept)
        if dropped:
            detail.append(f"Dropped {dropped} besluit(en) of another zaak than asked for.")
        detail.extend(session.detail())
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(detail))

    def _besluit(self, session: ZgwSession, request: ConnectorRequest) -> ConnectorResult:
        url = request.params.get("url")
        if url in (None, ""):
            raise ConnectorError("No besluit URL to look up.", Status.SKIPPED)
        if resource_uuid(session.http, url, "besluiten") is None:
            raise ConnectorError("Refused a besluit URL that is not a besluit of the configured Besluiten server.")
        besluit = session.get_json(session.http, url, allow_404=True)
        if besluit is None:
            return ConnectorResult(status=Status.NOT_FOUND, detail="The Besluiten API has no besluit at this URL.")
        if not isinstance(besluit, dict) or besluit.get("url") != url:
            raise ConnectorError("The Besluiten API answered with another besluit than asked; dropped.")
        data = self._compact(session, besluit, tuple(request.fields))
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(session.detail()))

    def _van_informatieobject(
        self, session: ZgwSession, options: BesluitenOptions, request: ConnectorRequest
    ) -> ConnectorResult:
        if request.params.get("informatieobject") in (None, ""):
            raise ConnectorError("No informatieobject to look up besluiten for.", Status.SKIPPED)
        informatieobject = clean_url(request.params.get("informatieobject"), "informatieobject")
        relaties, _ = session.array(
            session.http, "besluitinformatieobjecten", {"informatieobject": informatieobject},
            limit=10 * options.max_besluiten,
        )
        own = [r for r in relaties if r.get("informatieobject") == informatieobject]
        urls = list(dict.fromkeys(r.get("besluit") for r in own))
        foreign = [url for url in urls if resource_uuid(session.http, url, "besluiten") is None]
        wanted = [url for url in urls if url not in foreign]
        fields = tuple(request.fields)
        data = []
        for url in wanted[: options.max_besluiten]:
            besluit = session.get_json(session.http, url, allow_404=True)
            if isinstance(besluit, dict) and besluit.get("url") == url:
                data.append(self._compact(session, besluit, fields))
        detail = []
        if not own:
            detail.append("No besluiten for this informatieobject.")
        if len(relaties) > len(own):
            detail.append(f"Dropped {len(relaties) - len(own)} relation(s) of another informatieobject than asked for.")
        if foreign:
            detail.append(f"{len(foreign)} besluit URL(s) outside the Besluiten server were not followed.")
        if len(wanted) > options.max_besluiten:
            detail.append(f"Only the first {options.max_besluiten} of {len(wanted)} besluiten were read (max_besluiten).")
        missing = min(len(wanted), options.max_besluiten) - len(data)
        if missing:
            detail.append(f"{missing} related besluit(en) could not be read.")
        detail.extend(session.detail())
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(detail))

    # -- admin check ------------------------------------------------------------------------
    def check_connection(self) -> CheckResult:
        """Ask each server for a resource with the nil UUID: a 404 proves it is reachable and
        accepts IKO's credentials, without reading a besluit."""
        try:
            options = self.options
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        session = self._session(options)
        checks = [("Besluiten API", session.http, f"besluiten/{NIL_UUID}")]
        if session.catalogi is not None:
            checks.append(("Catalogi API", session.catalogi, f"besluittypen/{NIL_UUID}"))
        elif options.catalogi_service:
            return CheckResult(False, "The Catalogi server named in catalogi_service is not configured.")
        return check_servers(self.title, checks)
