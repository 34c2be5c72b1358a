"""Klantinteracties (Open Klant 2.x) connector: a person's or company's partij, klantcontacten and
digitale adressen, and optionally a record of the Contactgegevens API.

Specs: tests/specs/klantinteracties/openapi.yaml (Klantinteracties API 0.9.0, Open Klant 2.18)
and tests/specs/contactgegevens/openapi.yaml (Contactgegevens API 1.1.1). Both authenticate
with `Authorization: Token <key>`, which comes from the server's API-key settings.

Open Klant ignores unknown query parameters and then returns everyone (tests/specs/README.md),
so every item is checked against the subject (see `subject.py`) and the rest is dropped and
counted in `detail`:
* `partij`: `GET partijen` with the four `partijIdentificator__*` filters; a partij is kept only if
  one of its identificatoren carries the subject's exact codes and objectId.
* `klantcontacten`: first the partij lookup above, then `GET klantcontacten` with the four
  `hadBetrokkene__wasPartij__partijIdentificator__*` filters and `expand=hadBetrokkenen`; a
  klantcontact is kept only if one of its betrokkenen `wasPartij` one of the subject's partijen.
  With the parameter `partij` (an object: the partij a parent relation fetched, e.g. input
  `{bsn: $subject.value, partij: .}`) that partij is used instead of asking for it again: it
  must carry the subject's identificator and lie on this server, or nothing is asked; then only
  its own klantcontacten are kept.
  Only those betrokkenen are passed on (not the other people in the same contact). The API offers
  no ordering, so IKO sorts newest first on `plaatsgevondenOp`; Open Klant lists the most recently
  registered first, so a capped list holds the latest registrations.
* `digitale_adressen`: the partij lookup with `expand=digitaleAdressen`; an adres is kept only if
  `verstrektDoorPartij` is the subject's partij. If the server does not expand, IKO falls back to
  `GET digitaleadressen?verstrektDoorPartij__uuid=...`, checked the same way.
* `contactgegevens`: `GET persoon/{uuid}` (BSN) or `GET organisatie/{uuid}` (KVK) on the server of
  the option `contactgegevens_service`. That API has no BSN/KVK field and no filter at all, so a
  record can only be fetched by a uuid (or URL under that server) taken from other data, and its
  ownership cannot be checked: every result carries a warning that says so.

Lists are read with `connectors.listing.collect`: pages are asked for with our own query and
`page=n` (no URL from a response is followed), and a list that holds records of others while
more pages remain is an error rather than an incomplete list.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import CheckResult, Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...errors import http_error
from ...http import SourceHttp
from ...listing import REFUSE, Collected, ListRequest, Paging, collect, drf_page, get_json
from ...options import Integer, Options, Server
from ...params import Param
from ...registry import register
from .fields import (
    CONTACTGEGEVENS_FIELDS,
    DIGITAAL_ADRES_FIELDS,
    KLANTCONTACT_FIELDS,
    PARTIJ_FIELDS,
    asks_for,
)
from .subject import PartijRefs, Subject, adres_of, own_betrokkenen, subject_from_params

TITLE = "Open Klant"
CONTACTGEGEVENS_TITLE = "Open Klant Contactgegevens"
HEADERS = {"Accept": "application/json"}
# Open Klant's page size: default 100, at most 500; IKO reads at most 100 per page.
MAX_PAGE_SIZE = 100
# A lookup by identificator finds one partij, seldom a few; more means a filter was ignored.
PARTIJ_LOOKUP_PAGE_SIZE = 10
CONTACTGEGEVENS_OPTION = "contactgegevens_service"
CONTACTGEGEVENS_KINDS = {"bsn": "persoon", "kvk": "organisatie"}
NIL_UUID = "00000000-0000-0000-0000-000000000000"
SUBJECTS = ("bsn", "kvk")
UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
CONTACTGEGEVENS_UNCHECKED = (
    "Contactgegevens records carry no BSN or KVK number, so IKO could not check that this record "
    "belongs to the subject; it was fetched by the uuid given."
)


class KlantinteractiesOptions(Options):
    max_items = Integer(default=100, minimum=1, maximum=1000, messages={
        "integer": "max_items must be a whole number from {minimum} to {maximum} (the most "
        "klantcontacten or digitale adressen IKO reads per call).",
        "range": "max_items must be a whole number from {minimum} to {maximum} (the most "
        "klantcontacten or digitale adressen IKO reads per call).",
    }, help=_("the most klantcontacten or digitale adressen IKO reads per call"))
    contactgegevens_service = Server(
        help=_("the server of the Contactgegevens API"),
        messages={"server": "contactgegevens_service must be the slug of the server of the Contactgegevens API."},
    )


def _paging(page_size: int) -> Paging:
    return Paging(read=drf_page(TITLE), page_size=page_size, number_first_page=False)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _newest_first_key(klantcontact: Mapping[str, Any]) -> datetime:
    value = klantcontact.get("plaatsgevondenOp")
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@register("klantinteracties")
class KlantinteractiesConnector(Connector):
    title = "Klantinteracties (Open Klant)"
    options_class = KlantinteractiesOptions
    operations = {
        "partij": Operation(
            name="partij",
            description=gettext_noop("The partij (person or organisation) of a BSN or KVK number, with its "
            "digitale adressen under _expand when asked for."),
            subject_types=SUBJECTS,
            fields=PARTIJ_FIELDS,
        ),
        "klantcontacten": Operation(
            name="klantcontacten",
            description=gettext_noop("The klantcontacten of a BSN's or KVK number's partij, newest first."),
            subject_types=SUBJECTS,
            fields=KLANTCONTACT_FIELDS,
            many=True,
            item_params=("partij",),
        ),
        "digitale_adressen": Operation(
            name="digitale_adressen",
            description=gettext_noop("The digitale adressen (e-mail, telefoonnummer) of a BSN's or KVK "
            "number's partij."),
            subject_types=SUBJECTS,
            fields=DIGITAAL_ADRES_FIELDS,
            many=True,
        ),
        "contactgegevens": Operation(
            name="contactgegevens",
            description=gettext_noop("A Contactgegevens API record (persoon for a BSN, organisatie for a KVK "
            "number) by its uuid or URL; needs the option contactgegevens_service."),
            subject_types=SUBJECTS,
            fields=CONTACTGEGEVENS_FIELDS,
            params=("uuid", "url"),
            parameters=(Param("uuid", pattern=UUID_PATTERN, hint="a uuid"), Param("url", max_length=1000)),
            unchecked=CONTACTGEGEVENS_UNCHECKED,
        ),
    }

    @property
    def max_items(self) -> int:
        return self.options.max_items

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        handler = getattr(self, f"_fetch_{operation.name}")
        return handler(request)

    def _fetch_partij(self, request: ConnectorRequest) -> ConnectorResult:
        subject = subject_from_params(request.params)
        expand = asks_for(request.fields, "_expand.digitaleAdressen")
        found = self._partijen(subject, expand_digitale_adressen=expand)
        notes = self._lookup_notes(found, subject)
        if not found.items:
            return self._no_partij(subject, notes)
        partij = next((p for p in found.items if p.get("indicatieActief")), found.items[0])
        if len(found.items) > 1:
            notes.append(
                f"Open Klant holds {len(found.items)} partijen for this {subject.label}; "
                "returned the first active one."
            )
        partij = dict(partij)
        if expand:
            own = self._own_adressen(partij, subject)
            if own.dropped:
                notes.append(self._dropped_adressen(own.dropped))
            if own.cut:
                notes.append(f"Returned the first {self.max_items} digitale adressen (option max_items).")
            partij["_expand"] = {"digitaleAdressen": own.items}
        else:
            partij.pop("_expand", None)
        return ConnectorResult(status=Status.OK, data=partij, detail=" ".join(notes))

    def _fetch_klantcontacten(self, request: ConnectorRequest) -> ConnectorResult:
        subject = subject_from_params(request.params)
        if request.params.get("partij") is not None:
            partijen, notes = [self._given_partij(request.params["partij"], subject)], []
        else:
            found = self._partijen(subject)
            notes = self._lookup_notes(found, subject)
            if not found.items:
                return self._no_partij(subject, notes)
            partijen = found.items
        refs = PartijRefs.of(partijen)
        with_onderwerpobjecten = asks_for(request.fields, "_expand.gingOverOnderwerpobjecten")
        expand = ["hadBetrokkenen"] + (["gingOverOnderwerpobjecten"] if with_onderwerpobjecten else [])
        params = subject.filters("hadBetrokkene__wasPartij__partijIdentificator__")
        params["expand"] = ",".join(expand)
        unverifiable = 0

        def keep(klantcontact: Any) -> dict | None:
            nonlocal unverifiable
            own = own_betrokkenen(klantcontact, refs)
            if own is None:
                unverifiable += 1
                return None
            if not own:
                return None
            shaped = {k: v for k, v in klantcontact.items() if k != "_expand"}
            shaped["_expand"] = {"hadBetrokkenen": own}
            if with_onderwerpobjecten:
                shaped["_expand"]["gingOverOnderwerpobjecten"] = list(
                    klantcontact["_expand"].get("gingOverOnderwerpobjecten") or ()
                )
            return shaped

        listed = collect(
            SourceHttp(self.source), ListRequest("klantcontacten", params, HEADERS),
            paging=_paging(min(self.max_items, MAX_PAGE_SIZE)), cap=self.max_items, keep=keep,
            strangers=REFUSE, title=TITLE, noun="klantcontacten", subject_label=subject.label,
        )
        items = sorted(listed.items, key=_newest_first_key, reverse=True)
        if unverifiable:
            notes.append(
                f"Dropped {_plural(unverifiable, 'klantcontact', 'klantcontacten')} whose "
                "betrokkenen Open Klant did not expand, so they could not be checked to belong "
                f"to this {subject.label}."
            )
        foreign = listed.dropped - unverifiable
        if foreign:
            notes.append(
                f"Dropped {_plural(foreign, 'klantcontact', 'klantcontacten')} that no betrokkene "
                f"of this {subject.label}'s partij took part in (Open Klant may have ignored a "
                "filter)."
            )
        if listed.cut:
            notes.append(self._cut_note(listed, "klantcontacten"))
        return ConnectorResult(status=Status.OK, data=items, detail=" ".join(notes))

    def _fetch_digitale_adressen(self, request: ConnectorRequest) -> ConnectorResult:
        subject = subject_from_params(request.params)
        found = self._partijen(subject, expand_digitale_adressen=True)
        notes = self._lookup_notes(found, subject)
        if not found.items:
            return self._no_partij(subject, notes)
        adressen: list[Any] = []
        dropped = 0
        cut = False
        for partij in found.items:
            own = self._own_adressen(partij, subject)
            adressen.extend(own.items)
            dropped += own.dropped
            cut = cut or own.cut
        if dropped:
            notes.append(self._dropped_adressen(dropped))
        if len(adressen) > self.max_items:
            adressen, cut = adressen[: self.max_items], True
        if cut:
            notes.append(f"Returned the first {self.max_items} digitale adressen (option max_items).")
        return ConnectorResult(status=Status.OK, data=adressen, detail=" ".join(notes))

    def _fetch_contactgegevens(self, request: ConnectorRequest) -> ConnectorResult:
        slug = self.source.options.get(CONTACTGEGEVENS_OPTION)
        if not slug:
            raise ConnectorError(
                f"This source has no {CONTACTGEGEVENS_OPTION}, so it cannot ask the "
                "Contactgegevens API."
            )
        service = self.source.services.get(CONTACTGEGEVENS_OPTION)
        if service is None:
            raise ConnectorError(f"The server named in {CONTACTGEGEVENS_OPTION} is not configured.")
        http = SourceHttp(self.source, service=service)
        kind, record_uuid = self._contactgegevens_target(request.params, http)
        response = http.request("GET", f"{kind}/{quote(record_uuid, safe='')}", headers=HEADERS)
        if response.status_code == 404:
            return ConnectorResult(
                status=Status.NOT_FOUND, detail=f"The Contactgegevens API has no {kind} with this uuid."
            )
        if response.status_code != 200:
            raise http_error(response, CONTACTGEGEVENS_TITLE)
        record = response.json()
        if not isinstance(record, dict) or str(record.get("uuid", "")).lower() != record_uuid:
            raise ConnectorError(
                f"The Contactgegevens API answered with another {kind} than asked for; dropped."
            )
        return ConnectorResult(status=Status.OK, data=record)

    # --- helpers -------------------------------------------------------------------------
    def _partijen(self, subject: Subject, *, expand_digitale_adressen: bool = False) -> Collected:
        params = subject.filters("partijIdentificator__")
        if expand_digitale_adressen:
            params["expand"] = "digitaleAdressen"
        return collect(
            SourceHttp(self.source), ListRequest("partijen", params, HEADERS),
            paging=_paging(PARTIJ_LOOKUP_PAGE_SIZE), cap=PARTIJ_LOOKUP_PAGE_SIZE,
            keep=lambda partij: partij if subject.identifies(partij) else None,
            strangers=REFUSE, title=TITLE, noun="partijen", subject_label=subject.label,
        )

    def _given_partij(self, partij: Any, subject: Subject) -> Mapping[str, Any]:
        """The partij a parent relation fetched, checked as a looked-up one is: it must carry the
        subject's identificator, and name itself by a uuid or a URL on this server."""
        if not subject.identifies(partij):
            raise ConnectorError(
                f"The partij given does not carry this {subject.label}; its klantcontacten were not asked for."
            )
        url = partij.get("url")
        if not (partij.get("uuid") or url) or (url and not SourceHttp(self.source).is_own_url(url)):
            raise ConnectorError("The partij given is not one of this Open Klant server; nothing was asked for.")
        return partij

    def _own_adressen(self, partij: Mapping[str, Any], subject: Subject) -> Collected:
        """The partij's digitale adressen that it provided itself: expanded, or listed."""
        refs = PartijRefs.of([partij])
        expanded = partij.get("_expand")
        if isinstance(expanded, Mapping) and "digitaleAdressen" in expanded:
            listed = expanded.get("digitaleAdressen") or []
            own = [adres for adres in listed if adres_of(adres, refs)]
            return Collected(items=own, dropped=len(listed) - len(own), count=len(listed))
        # This server did not expand: list them, filtered by the partij's uuid.
        partij_uuid = str(partij.get("uuid") or "")
        try:
            uuid_module.UUID(partij_uuid)
        except ValueError:
            raise ConnectorError("Open Klant answered with a partij without a valid uuid.") from None
        return collect(
            SourceHttp(self.source), ListRequest("digitaleadressen", {"verstrektDoorPartij__uuid": partij_uuid}, HEADERS),
            paging=_paging(min(self.max_items, MAX_PAGE_SIZE)), cap=self.max_items,
            keep=lambda adres: adres if adres_of(adres, refs) else None,
            strangers=REFUSE, title=TITLE, noun="digitale adressen", subject_label=subject.label,
        )

    def _contactgegevens_target(self, params: Mapping[str, Any], http: SourceHttp) -> tuple[str, str]:
        """The resource (`persoon` / `organisatie`) and uuid to fetch, from a uuid or a URL."""
        expected = next((CONTACTGEGEVENS_KINDS[k] for k in SUBJECTS if params.get(k)), None)
        url = params.get("url")
        if url:
            root = http.api_root.rstrip("/") + "/"
            # A URL from data is followed only when it lies under the configured server (SSRF).
            if not (isinstance(url, str) and http.is_own_url(url) and url.startswith(root)):
                raise ConnectorError(
                    "Refused a Contactgegevens URL outside the configured Contactgegevens server."
                )
            parts = url[len(root):].split("?")[0].strip("/").split("/")
            if len(parts) != 2 or parts[0] not in CONTACTGEGEVENS_KINDS.values():
                raise ConnectorError("The URL is not a Contactgegevens persoon or organisatie.")
            kind, raw_uuid = parts
        else:
            kind, raw_uuid = expected, params.get("uuid")
            if not raw_uuid:
                raise ConnectorError("The contactgegevens operation needs a uuid or url parameter.")
            if kind is None:
                raise ConnectorError(
                    "Without a BSN or KVK number it is unclear whether to ask for a persoon or an "
                    "organisatie; pass the record's url instead."
                )
        if expected and kind != expected:
            raise ConnectorError(f"A {kind} record was asked for in a view about a different kind of subject.")
        try:
            record_uuid = str(uuid_module.UUID(str(raw_uuid)))
        except ValueError:
            raise ConnectorError("The Contactgegevens uuid is not a valid uuid.") from None
        return kind, record_uuid

    def _lookup_notes(self, found: Collected, subject: Subject) -> list[str]:
        notes = []
        if found.dropped:
            notes.append(
                f"Dropped {_plural(found.dropped, 'partij', 'partijen')} without an identificator "
                f"with this {subject.label} (Open Klant may have ignored a filter)."
            )
        if found.cut:
            notes.append(
                f"Open Klant holds more than {PARTIJ_LOOKUP_PAGE_SIZE} partijen for this "
                f"{subject.label}; only the first {PARTIJ_LOOKUP_PAGE_SIZE} were used."
            )
        return notes

    def _no_partij(self, subject: Subject, notes: list[str]) -> ConnectorResult:
        return ConnectorResult(
            status=Status.NOT_FOUND,
            detail=" ".join([f"Open Klant has no partij with this {subject.label}."] + notes),
        )

    def _cut_note(self, listed: Collected, noun: str) -> str:
        holds = listed.count if listed.count is not None else "more"
        return (
            f"Open Klant holds {holds} {noun} for this filter; IKO read the "
            f"{self.max_items} most recently registered (option max_items)."
        )

    @staticmethod
    def _dropped_adressen(count: int) -> str:
        return (
            f"Dropped {_plural(count, 'digitaal adres', 'digitale adressen')} not provided by "
            "the subject's partij."
        )

    def check_connection(self) -> CheckResult:
        # Categorieën hold no personal data; a 200 proves the server and the token.
        try:
            answer = get_json(SourceHttp(self.source), "categorieen", params={"pageSize": 1}, title=TITLE)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        if not isinstance(answer, dict) or "results" not in answer:
            return CheckResult(False, "The server answered, but not like the Klantinteracties API.")
        details = ["Open Klant Klantinteracties answered."]
        if self.source.options.get(CONTACTGEGEVENS_OPTION):
            check = self._check_contactgegevens()
            if not check.ok:
                return check
            details.append(check.detail)
        return CheckResult(True, " ".join(details))

    def _check_contactgegevens(self) -> CheckResult:
        service = self.source.services.get(CONTACTGEGEVENS_OPTION)
        if service is None:
            return CheckResult(False, f"The server named in {CONTACTGEGEVENS_OPTION} is not configured.")
        # The nil uuid names nobody: a problem+json 404 proves the server and the token.
        try:
            response = SourceHttp(self.source, service=service).request(
                "GET", f"persoon/{NIL_UUID}", headers=HEADERS
            )
        except ConnectorError as exc:
            return CheckResult(False, f"Contactgegevens: {exc.detail}")
        if response.status_code in (200, 404) and response.content_type in (
            "application/json", "application/problem+json"
        ):
            return CheckResult(True, "Open Klant Contactgegevens answered.")
        return CheckResult(False, http_error(response, CONTACTGEGEVENS_TITLE).detail)
