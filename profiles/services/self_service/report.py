"""Reporting incorrect data, or asking for data to be removed, from the citizen's own view.

The citizen names a field of their self-service view (`persoon.naam.volledigeNaam`, or a whole
relation, `inkomens`) and explains; IKO checks that the field is one the view releases to them
(the profile's released fields, narrowed by their grant), finds the relation and source it comes
from, and forwards the report to the municipality as a klantcontact in Open Klant under the
citizen's partij (`connectors.contrib.klantinteracties.report`). The answer is Open Klant's
reference. IKO keeps nothing of the report but its processing record.

Order, so that nothing is half-done: the record is written in a database transaction around the
forward; when Open Klant fails, the transaction is rolled back and a record of the failure is
written instead (503); when the record cannot be written, nothing is forwarded (503).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from connectors.base import ConnectorError
from connectors.contrib.klantinteracties.report import NoPartij as OpenKlantNoPartij
from connectors.contrib.klantinteracties.report import Registered, Report, klantcontact_report_create

from profiles.access.grants import GrantDecision, grant_resolve, purpose_get
from profiles.access.narrowing import profile_release_paths
from profiles.definitions.models import Profile
from profiles.processing_log.models import ProcessingRecord
from profiles.refusals import ViewDenied
from profiles.services.self_service.admission import citizen_admit
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.records import self_service_record
from profiles.services.self_service.refusals import FieldNotInView, NoPartij, ReportUnavailable
from profiles.services.self_service.view import self_service_subject
from profiles.tracing import TraceContext

CORRECTION, DELETION = "correction", "deletion"
KINDS = (CORRECTION, DELETION)
KANAAL = "mijn-omgeving"
ONDERWERP = {CORRECTION: "Onjuiste gegevens gemeld", DELETION: "Verwijdering van gegevens gevraagd"}
ACTION = "self-service-report"


@dataclass(frozen=True)
class ReportAnswer:
    reference: str
    referentienummer: str
    source: str
    field: str


def _covered(path: str, allowed: list[str]) -> bool:
    return any(path == a or path.startswith(a + ".") or a.startswith(path + ".") for a in allowed)


def report_field_relation(*, profile: Profile, field: str):
    """The relation a view path belongs to (the deepest relation whose path starts it), or None."""
    relations = list(profile.relations.all())
    by_id = {r.pk: r for r in relations}

    def path_of(relation) -> str:
        parent = by_id.get(relation.parent_id)
        return f"{path_of(parent)}.{relation.name}" if parent else relation.name

    matches = [(path_of(r), r) for r in relations]
    matches = [(p, r) for p, r in matches if field == p or field.startswith(p + ".")]
    return max(matches, key=lambda item: len(item[0]))[1] if matches else None


def _field_in_view(profile: Profile, decision: GrantDecision, field: str) -> bool:
    released = profile_release_paths(profile)
    if decision.fields is not None:
        released = [p for p in released if _covered(p, list(decision.fields))]
    relation_paths = {p.rsplit(".", 1)[0] for p in released}
    return _covered(field, released) or field in relation_paths


def report_forward(*, citizen: Citizen, profile: Profile, kind: str, field: str, explanation: str,
                   purpose_code: str | None, trace: TraceContext) -> ReportAnswer:
    """Forward a correction or deletion request; raises the self-service refusals or ViewDenied."""
    started = time.monotonic()
    citizen_admit(citizen=citizen, action=ACTION, trace=trace)
    subject = self_service_subject(citizen=citizen, profile=profile)
    decision = grant_resolve(principal=citizen.grant_principal(subject), profile=profile,
                             purpose_code=purpose_code, subject=subject)
    purpose = purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id)
    log = dict(citizen=citizen, subject=subject, action=ACTION, trace=trace, started=started,
               purpose_code=decision.purpose_code, profile_name=profile.name, profile_version=profile.version,
               processing_activity_id=getattr(purpose, "processing_activity_id", "") or "",
               grant_id=decision.grant_id)
    if not decision.allowed:
        self_service_record(**log, outcome=ProcessingRecord.Outcome.DENIED, http_status=403, reason=decision.reason)
        raise ViewDenied(decision.detail, code="no-grant")
    relation = report_field_relation(profile=profile, field=field)
    if relation is None or not _field_in_view(profile, decision, field):
        self_service_record(**log, outcome=ProcessingRecord.Outcome.DENIED, http_status=FieldNotInView.status,
                            reason=FieldNotInView.code)
        raise FieldNotInView(f"{field!r} is not a field of your view {profile.name}; name a field it shows you.")
    from connectors.models import Source

    target = Source.objects.select_related("service").filter(
        organisation_id=profile.organisation_id, name=settings.IKO_CITIZEN_REPORT_SOURCE, enabled=True,
    ).first()
    if target is None:
        self_service_record(**log, outcome=ProcessingRecord.Outcome.FAILED, http_status=ReportUnavailable.status,
                            reason=ReportUnavailable.code)
        raise ReportUnavailable("Reports cannot be forwarded: no Open Klant source is configured for them.")
    report = Report(
        subject_type=subject.type, subject_value=subject.value,
        onderwerp=f"{ONDERWERP[kind]}: {relation.source.name} {field}", inhoud=explanation, kanaal=KANAAL,
        onderwerpobject={"codeRegister": relation.source.name, "codeObjecttype": relation.name,
                         "codeSoortObjectId": subject.type, "objectId": subject.value},
    )
    sources = {target.name: "ok"}
    try:
        with transaction.atomic():
            # The record first, inside the transaction: if it cannot be written, nothing is sent.
            self_service_record(**log, sources=sources, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=201)
            registered: Registered = klantcontact_report_create(source=target.to_config(), report=report)
    except OpenKlantNoPartij:
        self_service_record(**log, sources={target.name: "not_found"}, outcome=ProcessingRecord.Outcome.DENIED,
                            http_status=NoPartij.status, reason=NoPartij.code)
        raise NoPartij("The municipality has no customer record (partij) for you in Open Klant to register the "
                       "report under; please contact the municipality.") from None
    except ConnectorError as exc:
        self_service_record(**log, sources={target.name: exc.status.value}, outcome=ProcessingRecord.Outcome.FAILED,
                            http_status=ReportUnavailable.status, reason=ReportUnavailable.code)
        raise ReportUnavailable(
            f"Your report could not be forwarded now ({exc.detail}) Nothing was registered; please try again later."
            if exc.status.value != "timeout" else
            f"{exc.detail} Please check your messages from the municipality before you send it again."
        ) from None
    return ReportAnswer(reference=registered.uuid, referentienummer=registered.referentienummer,
                        source=relation.source.name, field=field)
