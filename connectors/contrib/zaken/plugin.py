"""ZGW Zaken API 1.5 connector: the zaken of a person or company, and one zaak by its URL.

Specs: tests/specs/zgw-zaken/openapi.yaml (Zaken API 1.5.1 as served by Open Zaak 1.30)
and tests/specs/zgw-catalogi/openapi.yaml (Catalogi API 1.3.1) for zaaktype names.
Auth is the server's: a ZGW JWT built by zgw-consumers (auth type "ZGW client_id + secret").

Operations (each zaak in the compact shape of fields.py):
- `zaken_van_persoon` (subject "bsn"):
  `GET zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=<bsn>`;
- `zaken_van_bedrijf` (subject "kvk"):
  `GET zaken?rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer=<kvk>`;
- `zaak` (param "url"): `GET <url>` for a URL of a zaak under the Zaken server's API root;
- the operations keyed on an object or on one zaak (`zaken_over_object`, `statussen_van_zaak`,
  `rollen_van_zaak`, `zaakobjecten_van_zaak`, `gerelateerde_zaken`): see objects.py;
- `zaken_op_identificatie` (params "identificatie", optional "bronorganisatie"):
  `GET zaken?identificatie=<id>[&bronorganisatie=<rsin>]`, a list (an identificatie is unique
  per bronorganisatie only). Every zaak returned must carry exactly that identificatie (and
  bronorganisatie); any other is dropped and counted in `detail`, since a server that ignored the
  filter would otherwise hand out every zaak.

A list that held foreign zaken and was cut at `max_zaken` is an error, not an incomplete list:
the server ignored the filter, and the subject's own zaken may lie beyond what was read (a
view that said "ok" with few or no zaken would hide that).

Subject ownership. The Zaken API ignores unknown query parameters and then returns every zaak,
and a zaak in the list carries only URLs of its rollen, never a BSN. So beside the zaken query
the connector asks `GET rollen?betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=<bsn>` (or
`...__nietNatuurlijkPersoon__kvkNummer=<kvk>`), keeps only the rollen whose own
`betrokkeneType` and `betrokkeneIdentificatie.inpBsn` (or `.kvkNummer`) are the subject's, and
returns only zaken that such a rol points at (`rol.zaak`); the rest is dropped and counted in
`detail`. Bounded: the rollen pages stop as soon as every listed zaak is confirmed, and after
at most 3 rollen per allowed zaak. This was preferred over `expand=rollen` (no extra call),
because that inlines every rol of every zaak, with other people's BSNs and names, and is an
Open Zaak extension, while the rollen query returns only the subject's own rollen and is standard.

The two lists do not wait for each other (`connectors.runner.run_together`): the first pages of
zaken and rollen are asked for at the same moment. A next rollen page is asked for as soon as a
zaak listed so far is not confirmed; when every zaak listed so far is, the rollen wait for the
next zaken page before they read on. With no zaken, the one rollen page read is not used.

Calls per subject: ceil(zaken / page size) + usually one rollen page, plus with
`zaaktype_via: catalogi` one call per uncached zaaktype and statustype and one per zaak status
(at most `max_status_lookups`). The zaaktype lookups start, all at once, as soon as the zaken
list is in. With `expand` (default) names and statuses come inline.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import (
    CheckResult,
    Connector,
    ConnectorError,
    ConnectorRequest,
    ConnectorResult,
    MissingInput,
    Operation,
    Status,
)
from ...params import Param
from ...registry import register
from ...runner import call_cutoff, run_together
from ..zgw import NIL_UUID, check_servers
from .fields import (
    ROL_KEYS,
    SUBJECT_ZAAK_FIELDS,
    ZAAK_FIELDS,
    ZAAK_PATH,
    needs_status,
    needs_statustype,
    needs_zaaktype,
)
from .objects import OBJECT_OPERATIONS, object_operation_run
from .handler import AFDELING_OPERATION, BEHANDELENDE_AFDELING, afdeling_fetch
from .options import ZakenOptions
from .session import JSON_HEADERS, ZAKEN_HEADERS, ZakenSession
from .shape import compact_zaak

ZAKEN_VAN_PERSOON = "zaken_van_persoon"
ZAKEN_VAN_BEDRIJF = "zaken_van_bedrijf"
ZAAK = "zaak"
ZAKEN_OP_IDENTIFICATIE = "zaken_op_identificatie"
# Zaak.identificatie: at most 40 characters (Zaken API 1.5.1); printable, no control characters.
IDENTIFICATIE = re.compile(r"[^\x00-\x1f\x7f]{1,40}")
# Zaak.bronorganisatie: an RSIN, 9 digits.
RSIN = re.compile(r"[0-9]{9}")
# Rollen read per allowed zaak at most when confirming ownership.
ROLLEN_PER_ZAAK = 3


@dataclass(frozen=True)
class Subject:
    """How one kind of subject is found among the rollen of a zaak."""

    param: str
    pattern: str
    betrokkene_type: str
    identificatie_group: str
    identificatie_field: str

    @property
    def rollen_filter(self) -> str:
        return f"betrokkeneIdentificatie__{self.identificatie_group}__{self.identificatie_field}"

    @property
    def zaken_filter(self) -> str:
        return f"rol__{self.rollen_filter}"

    def owns(self, rol: Any, value: str) -> bool:
        if not isinstance(rol, dict) or rol.get("betrokkeneType") != self.betrokkene_type:
            return False
        identificatie = rol.get("betrokkeneIdentificatie")
        return isinstance(identificatie, dict) and identificatie.get(self.identificatie_field) == value


SUBJECTS = {
    ZAKEN_VAN_PERSOON: Subject("bsn", r"[0-9]{9}", "natuurlijk_persoon", "natuurlijkPersoon", "inpBsn"),
    ZAKEN_VAN_BEDRIJF: Subject("kvk", r"[0-9]{8}", "niet_natuurlijk_persoon", "nietNatuurlijkPersoon", "kvkNummer"),
}


def expand_values(options: ZakenOptions, fields: tuple[str, ...]) -> list[str]:
    """The `expand` values that inline what the allowed fields need (Open Zaak extension)."""
    if options.zaaktype_via != "expand":
        return []
    values = []
    if needs_zaaktype(fields):
        values.append("zaaktype")
    if needs_status(fields):
        values.append("status")
    if needs_statustype(fields):
        values.append("status.statustype")
    return values


def _foreign_in_cut_list(dropped: int, which: str, count: int | None) -> ConnectorError:
    of = f" of {count}" if count else ""
    return ConnectorError(
        f"The Zaken API answered with {dropped} zaken {which} and with more zaken{of} than IKO "
        "reads (max_zaken): it seems to ignore the filter, so the subject's own zaken may lie "
        "beyond what was read. IKO returns an error rather than an incomplete list."
    )


def _own(subject: Subject, value: str, rollen: list[dict]) -> tuple[dict[str, list[dict]], int]:
    """The subject's own rollen by zaak URL, and how many rollen were someone else's."""
    own: dict[str, list[dict]] = {}
    strangers = 0
    for rol in rollen:
        if subject.owns(rol, value) and isinstance(rol.get("zaak"), str):
            own.setdefault(rol["zaak"], []).append({key: rol.get(key) for key in ROL_KEYS})
        else:
            strangers += 1
    return own, strangers


class _Listing:
    """The zaken read so far, shared by the thread that reads them and the one reading the rollen."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._urls: list[Any] = []
        self._complete = False

    def so_far(self, zaken: list[dict], complete: bool = False) -> bool:
        """Called after each zaken page (as `pages`' `enough`: it never stops the reading)."""
        with self._changed:
            self._urls = [zaak.get("url") for zaak in zaken]
            self._complete = self._complete or complete
            self._changed.notify_all()
        return False

    def needs_more_rollen(self, confirmed) -> bool:
        """True as soon as a zaak listed so far is not confirmed; False once the list is complete
        and every zaak in it is. Until then (all confirmed so far), wait for the next zaken page."""
        with self._changed:
            while True:
                if any(url not in confirmed for url in self._urls):
                    return True
                if self._complete:
                    return False
                cutoff = call_cutoff()
                left = None if cutoff is None else cutoff - time.monotonic()
                if left is not None and left <= 0:
                    return False  # out of time: the zaken that are not confirmed are dropped
                self._changed.wait(left)


@register("zaken")
class ZakenConnector(Connector):
    title = "ZGW Zaken"
    options_class = ZakenOptions
    operations = {
        ZAKEN_VAN_PERSOON: Operation(
            name=ZAKEN_VAN_PERSOON,
            description=gettext_noop("The zaken in which a person (BSN) has a rol, newest first."),
            subject_types=("bsn",),
            fields=SUBJECT_ZAAK_FIELDS,
            many=True,
        ),
        ZAKEN_VAN_BEDRIJF: Operation(
            name=ZAKEN_VAN_BEDRIJF,
            description=gettext_noop("The zaken in which a company (KVK number) has a rol, newest first."),
            subject_types=("kvk",),
            fields=SUBJECT_ZAAK_FIELDS,
            many=True,
        ),
        ZAAK: Operation(
            name=ZAAK,
            description=gettext_noop("One zaak by its URL (for example from a klantcontact's onderwerpobject)."),
            subject_types=(),
            fields=ZAAK_FIELDS,
            params=("url",),
            parameters=(Param("url", max_length=1000, required=True),),
        ),
        ZAKEN_OP_IDENTIFICATIE: Operation(
            name=ZAKEN_OP_IDENTIFICATIE,
            description=gettext_noop("The zaken with this identificatie (optionally of one bronorganisatie, by RSIN)."),
            subject_types=(),
            fields=ZAAK_FIELDS,
            params=("identificatie", "bronorganisatie"),
            parameters=(
                Param("identificatie", pattern=IDENTIFICATIE.pattern, hint="1 to 40 characters", required=True),
                Param("bronorganisatie", pattern=RSIN.pattern, hint="an RSIN of 9 digits"),
            ),
            many=True,
        ),
        # Keyed on an object or on one zaak: see objects.py.
        **OBJECT_OPERATIONS,
        BEHANDELENDE_AFDELING: AFDELING_OPERATION,  # handler.py
    }

    def _options(self) -> ZakenOptions:
        return self.options  # type: ignore[return-value]

    # -- fetching ---------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        session = ZakenSession(self.source, self._options(), self.title)
        if operation.name == ZAAK:
            return self._zaak(session, request)
        if operation.name == ZAKEN_OP_IDENTIFICATIE:
            return self._zaken_op_identificatie(session, request)
        if operation.name in OBJECT_OPERATIONS:
            return object_operation_run(session, request, expand_values(session.options, tuple(request.fields)))
        if operation.name == BEHANDELENDE_AFDELING:
            return afdeling_fetch(session, request)
        return self._zaken_of(session, SUBJECTS[operation.name], request)

    def _zaken_of(self, session: ZakenSession, subject: Subject, request: ConnectorRequest) -> ConnectorResult:
        value = str(request.params.get(subject.param) or "")
        if not re.fullmatch(subject.pattern, value):
            # An empty or odd filter value would make the API ignore the filter: everyone's zaken.
            raise ConnectorError(f"Refused to query zaken without a valid {subject.param}.")
        fields = tuple(request.fields)
        options = session.options
        params = {subject.zaken_filter: value, "ordering": "-startdatum"}
        expand = expand_values(options, fields)
        if expand:
            params["expand"] = ",".join(expand)
        listing = _Listing()

        def read_zaken() -> tuple[list[dict], bool, int | None]:
            answer: tuple[list[dict], bool, int | None] = ([], False, None)
            try:
                answer = session.pages("zaken", params, limit=options.max_zaken, headers=ZAKEN_HEADERS,
                                       enough=listing.so_far)
            finally:
                listing.so_far(answer[0], complete=True)
            self._look_up_zaaktypen(session, answer[0], fields)
            return answer

        def read_rollen() -> tuple[dict[str, list[dict]], bool, int] | ConnectorError:
            try:
                return self._own_rollen(rollen_session, subject, value, listing)
            except ConnectorError as exc:
                return exc  # fails the call only if there are zaken to confirm

        # The rollen are read beside the zaken, with a session of their own (its notes are merged).
        rollen_session = ZakenSession(self.source, options, self.title)
        (zaken, cut, count), confirmed = run_together(read_zaken, read_rollen)
        session.notes.update(rollen_session.notes)
        if not zaken:
            return ConnectorResult(status=Status.OK, data=[], detail="No zaken for this subject.")
        if isinstance(confirmed, ConnectorError):
            raise confirmed
        rollen, rollen_cut, strangers = confirmed

        kept = list({zaak["url"]: zaak for zaak in zaken if zaak.get("url") in rollen}.values())
        data = [compact_zaak(session, zaak, fields, rollen[zaak["url"]]) for zaak in kept]

        detail = []
        dropped = len({zaak.get("url") for zaak in zaken}) - len(kept)
        if dropped and cut:
            raise _foreign_in_cut_list(dropped, "that no rol of this subject confirms", count)
        if cut:
            of = f" of {count}" if count else ""
            detail.append(f"Only the newest {len(zaken)}{of} zaken were read (max_zaken).")
        if dropped:
            detail.append(f"Dropped {dropped} zaken that no rol of this subject confirms.")
            if rollen_cut:
                detail.append("The rollen of this subject were more than could be read.")
        if strangers:
            detail.append(f"Ignored {strangers} rollen of other betrokkenen in the rollen answer.")
        detail.extend(session.detail())
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(detail))

    def _own_rollen(
        self, session: ZakenSession, subject: Subject, value: str, listing: "_Listing"
    ) -> tuple[dict[str, list[dict]], bool, int]:
        """The subject's own rollen by zaak URL, whether the rollen list was cut, and how many
        rollen in the answer were someone else's."""

        def enough(rollen: list[dict]) -> bool:
            return not listing.needs_more_rollen(_own(subject, value, rollen)[0].keys())

        rollen, cut, _ = session.pages(
            "rollen",
            {subject.rollen_filter: value},
            limit=ROLLEN_PER_ZAAK * session.options.max_zaken,
            enough=enough,
        )
        own, strangers = _own(subject, value, rollen)
        return own, cut, strangers

    @staticmethod
    def _look_up_zaaktypen(session: ZakenSession, zaken: list[dict], fields: tuple[str, ...]) -> None:
        """Ask the Catalogi server for the zaaktypen the zaken did not inline, all at once; the
        session keeps them for `compact_zaak`. Each lookup gets a copy of the session with notes
        of its own (merged afterwards), so that no two threads count in the same notes."""
        if not needs_zaaktype(fields) or session.catalogi is None:
            return
        urls = list(dict.fromkeys(
            zaak["zaaktype"] for zaak in zaken
            if isinstance(zaak.get("zaaktype"), str) and not isinstance((zaak.get("_expand") or {}).get("zaaktype"), dict)
        ))
        if len(urls) < 2:
            return  # nothing to do side by side: compact_zaak looks it up itself
        lookups = []
        for url in urls:
            lookup = copy.copy(session)  # shares the session's lookups (`_references`)
            lookup.notes = Counter()
            lookups.append(lookup)
        run_together(*[
            lambda lookup=lookup, url=url: lookup.reference(url, ("identificatie", "omschrijving"))
            for lookup, url in zip(lookups, urls)
        ])
        for lookup in lookups:
            session.notes.update(lookup.notes)

    def _zaak(self, session: ZakenSession, request: ConnectorRequest) -> ConnectorResult:
        url = request.params.get("url")
        root = session.zaken.api_root
        if not (
            isinstance(url, str)
            and session.zaken.is_own_url(url)
            and ZAAK_PATH.fullmatch(url[len(root):])
        ):
            raise ConnectorError("Refused a zaak URL that is not a zaak of the configured Zaken server.")
        fields = tuple(request.fields)
        expand = expand_values(session.options, fields)
        params = {"expand": ",".join(expand)} if expand else None
        zaak = session.get_json(session.zaken, url, params=params, headers=ZAKEN_HEADERS, allow_404=True)
        if zaak is None:
            return ConnectorResult(status=Status.NOT_FOUND, detail="The Zaken API has no zaak at this URL.")
        if not isinstance(zaak, dict) or zaak.get("url") not in (None, url):
            raise ConnectorError("The Zaken API answered with another zaak than asked; dropped.")
        data = compact_zaak(session, dict(zaak, url=url), fields)
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(session.detail()))

    def _zaken_op_identificatie(self, session: ZakenSession, request: ConnectorRequest) -> ConnectorResult:
        unknown = sorted(set(request.params) - {"identificatie", "bronorganisatie"})
        if unknown:
            # A filter name the connector does not know would be dropped, not applied.
            raise ConnectorError(
                f"{ZAKEN_OP_IDENTIFICATIE} takes no parameter(s) {', '.join(unknown)}; "
                "it takes: identificatie, bronorganisatie."
            )
        identificatie = request.params.get("identificatie")
        identificatie = identificatie.strip() if isinstance(identificatie, str) else identificatie
        if identificatie in (None, ""):
            raise MissingInput("No identificatie to look up.")
        if not isinstance(identificatie, str) or not IDENTIFICATIE.fullmatch(identificatie):
            # Never query without a valid filter: the API would answer with everyone's zaken.
            raise ConnectorError("Refused to query zaken without a valid identificatie (1 to 40 characters).")
        params = {"identificatie": identificatie}
        bronorganisatie = request.params.get("bronorganisatie")
        bronorganisatie = bronorganisatie.strip() if isinstance(bronorganisatie, str) else bronorganisatie
        if bronorganisatie not in (None, ""):
            if not isinstance(bronorganisatie, str) or not RSIN.fullmatch(bronorganisatie):
                raise ConnectorError("The bronorganisatie must be an RSIN of 9 digits.")
            params["bronorganisatie"] = bronorganisatie
        fields = tuple(request.fields)
        options = session.options
        query = {**params, "ordering": "-startdatum"}
        expand = expand_values(options, fields)
        if expand:
            query["expand"] = ",".join(expand)
        zaken, cut, count = session.pages("zaken", query, limit=options.max_zaken, headers=ZAKEN_HEADERS)
        kept = list({
            zaak.get("url"): zaak for zaak in zaken
            if all(zaak.get(key) == value for key, value in params.items())
        }.values())
        data = [compact_zaak(session, zaak, fields) for zaak in kept]

        detail = []
        dropped = len({zaak.get("url") for zaak in zaken}) - len(kept)
        if dropped and cut:
            raise _foreign_in_cut_list(dropped, "with another identificatie or bronorganisatie", count)
        if not zaken:
            detail.append("No zaak with this identificatie.")
        if cut:
            of = f" of {count}" if count else ""
            detail.append(f"Only the newest {len(zaken)}{of} zaken were read (max_zaken).")
        if dropped:
            detail.append(f"Dropped {dropped} zaken whose identificatie or bronorganisatie is not the one asked for.")
        detail.extend(session.detail())
        return ConnectorResult(status=Status.OK, data=data, detail=" ".join(detail))

    # -- admin check ------------------------------------------------------------------------
    def check_connection(self) -> CheckResult:
        """Ask each server for a resource with the nil UUID: a 404 proves it is reachable and
        accepts IKO's credentials (Open Zaak checks the scopes first), without reading a zaak."""
        try:
            options = self._options()
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        session = ZakenSession(self.source, options, self.title)
        checks = [("Zaken API", session.zaken, f"zaken/{NIL_UUID}", ZAKEN_HEADERS)]
        if session.catalogi is not None:
            checks.append(("Catalogi API", session.catalogi, f"zaaktypen/{NIL_UUID}", JSON_HEADERS))
        elif options.zaaktype_via == "catalogi":
            return CheckResult(False, "The Catalogi server named in catalogi_service is not configured.")
        return check_servers(self.title, checks)
