"""Machtigen: may this parent open this child's view? The BRP's `gezag` of the child decides.

BRP API Personen 2.x (`Persoon.gezag`, a list of
`Gezagsrelatie`) names for a minor who has gezag over them: `GezamenlijkOuderlijkGezag` (both
`ouders`), `EenhoofdigOuderlijkGezag` (one `ouder`), `GezamenlijkGezag` (an `ouder` and a
`derde`), `Voogdij` (`derden`); `TijdelijkGeenGezag` and `GezagNietTeBepalen` name nobody. Each
relation's `minderjarige` must be the child asked for; a relation `inOnderzoek` (under
investigation) is not relied on, and the child must be under 18 (`leeftijd`).

The check is the first outgoing call of such a request, made with the view's purpose (its BRP
doelbinding) and `x-gebruiker: BurgerZelf`; it asks only for `burgerservicenummer`, `leeftijd`
and `gezag`, and releases nothing of them. It is logged as its own record about the child
(`gezag-check`), naming the gezaghouder by pseudonym only.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from connectors.base import CallContext, ConnectorRequest, Status
from connectors.breaker import get_breaker
from connectors.registry import Registry
from connectors.runner import SourceCall, run_calls

from profiles.organisations.selectors import organisation_scope
from profiles.processing_log.models import ProcessingRecord
from profiles.services.self_service.citizen import SELF_SERVICE_USER, Citizen
from profiles.services.self_service.records import gezaghouder_label, self_service_record
from profiles.services.self_service.refusals import GezagUnavailable, NoGezag
from profiles.subjects import Subject
from profiles.tracing import TraceContext

OPERATION = "RaadpleegMetBurgerservicenummer"
FIELDS = ("burgerservicenummer", "leeftijd", "gezag")
HOLDING_TYPES = ("GezamenlijkOuderlijkGezag", "EenhoofdigOuderlijkGezag", "GezamenlijkGezag", "Voogdij")
ADULT = 18
NO_GEZAG = "According to the BRP you have no gezag over a minor with this BSN."


def _bsn(person: Any) -> str:
    return str(person.get("burgerservicenummer") or "") if isinstance(person, dict) else ""


def gezag_holders(persoon: dict, child_bsn: str) -> set[str]:
    """The BSNs with gezag over the child according to its `gezag` (not under investigation)."""
    holders: set[str] = set()
    for relatie in persoon.get("gezag") or ():
        if not isinstance(relatie, dict) or relatie.get("type") not in HOLDING_TYPES or relatie.get("inOnderzoek"):
            continue
        if _bsn(relatie.get("minderjarige")) != child_bsn:
            continue
        people = [relatie.get("ouder"), relatie.get("derde"), *(relatie.get("ouders") or ()), *(relatie.get("derden") or ())]
        holders.update(bsn for bsn in map(_bsn, people) if bsn)
    return holders


def gezag_holds(persoon: dict, *, child: Subject, parent: Subject) -> bool:
    """Whether `parent` has gezag over `child`, a minor, according to the child's BRP data."""
    if _bsn(persoon) != child.value:
        return False
    leeftijd = persoon.get("leeftijd")
    if isinstance(leeftijd, int) and leeftijd >= ADULT:
        return False
    return parent.value in gezag_holders(persoon, child.value)


def _gezag_source(organisation_id: int | None):
    from connectors.models import Source

    return Source.objects.select_related("service").filter(
        organisation_id=organisation_scope(organisation_id), name=settings.IKO_CITIZEN_GEZAG_SOURCE, enabled=True,
    ).first()


def gezag_check(*, citizen: Citizen, child: Subject, purpose: Any, trace: TraceContext, registry: Registry,
                profile_name: str = "") -> None:
    """Return when the citizen has gezag over the child; else raise NoGezag or GezagUnavailable.

    Logged either way, as a `gezag-check` record about the child.
    """
    started = time.monotonic()
    parent = citizen.own("bsn")
    on_behalf_of = gezaghouder_label(parent, citizen.organisation_id) if parent else ""
    purpose_code = getattr(purpose, "code", "")
    log = dict(citizen=citizen, subject=child, action="gezag-check", trace=trace, started=started,
               purpose_code=purpose_code, on_behalf_of=on_behalf_of, profile_name=profile_name,
               processing_activity_id=getattr(purpose, "processing_activity_id", "") or "")
    if parent is None:
        self_service_record(**log, outcome=ProcessingRecord.Outcome.DENIED, http_status=NoGezag.status, reason=NoGezag.code)
        raise NoGezag("Only a person logged in with their BSN can have gezag over a child.")
    source = _gezag_source(citizen.organisation_id)
    if source is None:
        self_service_record(**log, outcome=ProcessingRecord.Outcome.FAILED, http_status=GezagUnavailable.status,
                            reason=GezagUnavailable.code)
        raise GezagUnavailable("The gezag cannot be checked: no BRP source is configured for it.")
    context = CallContext(
        purpose_code=purpose_code, actor=citizen.actor, on_behalf_of=on_behalf_of, trace_id=trace.trace_id,
        doelbinding_consult=getattr(purpose, "brp_doelbinding_consult", "") or "",
        doelbinding_search=getattr(purpose, "brp_doelbinding_search", "") or "",
        verwerking=getattr(purpose, "brp_verwerking", "") or "",
        gebruiker=SELF_SERVICE_USER, origin_oin=getattr(settings, "IKO_ORGANISATION_OIN", ""),
        traceparent=trace.traceparent,
    )
    config = source.to_config()
    call = SourceCall(key="gezag", source=config,
                      request=ConnectorRequest(OPERATION, {"bsn": child.value}, FIELDS, context))
    result = run_calls([call], registry=registry, deadline=time.monotonic() + config.timeout + 1.0,
                       breaker=get_breaker())["gezag"]
    sources = {config.name: result.status.value}
    if result.status not in (Status.OK, Status.NOT_FOUND):
        self_service_record(**log, sources=sources, outcome=ProcessingRecord.Outcome.FAILED,
                            http_status=GezagUnavailable.status, reason=GezagUnavailable.code)
        raise GezagUnavailable("The gezag cannot be checked now: the BRP did not answer. Try again later.")
    persoon = result.data if result.status is Status.OK and isinstance(result.data, dict) else {}
    if not gezag_holds(persoon, child=child, parent=parent):
        self_service_record(**log, sources=sources, outcome=ProcessingRecord.Outcome.DENIED,
                            http_status=NoGezag.status, reason=NoGezag.code)
        # One answer for every reason (unknown BSN, of age, someone else's child): the refusal
        # must not tell a stranger anything about the person behind a BSN.
        raise NoGezag(NO_GEZAG)
    self_service_record(**log, sources=sources, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200)
