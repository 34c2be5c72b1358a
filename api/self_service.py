"""Self-service paths for citizens and companies (thin views over profiles/services/self_service).

Only tokens of the citizens' issuer are accepted here (`api.citizen_auth`); any other credential is
identified and refused with a logged 403 `citizen-token-required`. Every refusal is
`application/problem+json` with a code a portal can act on. With `IKO_CITIZEN_ISSUER` unset,
self-service is off and these paths answer 404. Personal identifiers travel in POST bodies only
(a child's BSN); the citizen's own number comes from the token.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles.consent.scopes import ConsentScope, InvalidScope
from profiles.refusals import Refusal
from profiles.services.self_service.admission import non_citizen_refuse
from profiles.services.self_service.consent import (
    self_service_consent_give,
    self_service_consent_withdraw,
    self_service_consents,
)
from profiles.services.self_service.insight import insight_csv, insight_page
from profiles.services.self_service.report import report_forward
from profiles.services.self_service.view import self_service_view
from profiles.services.view import profile_get_active
from profiles.subjects import subject_parse

from .organisations import request_organisation_id
from . import self_service_serializers as s
from .authentication import ApiClientTokenAuthentication, OidcBearerAuthentication
from .citizen_auth import CitizenBearerAuthentication, CitizenPrincipal, self_service_enabled
from .problems import ProblemError, problem_response
from .rates import rate_parse
from .service_problems import service_refusal_problem, sources_failed_problem
from .serializers import ViewResponseSerializer
from .throttling import PrincipalRateThrottle, rate_hit
from .tracing import request_trace

PROBLEM = OpenApiResponse(description="Problem details (application/problem+json).")
REFUSALS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 503: PROBLEM}


class CitizenRateThrottle(PrincipalRateThrottle):
    """Citizens count against `IKO_RATE_LIMIT_USER`, per login (issuer and `sub`, hashed)."""

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.user, CitizenPrincipal):
            return super().allow_request(request, view)
        self._wait = None
        rate = rate_parse(settings.IKO_RATE_LIMIT_USER)
        if rate is None:
            return True
        identity = hashlib.sha256(f"citizen:{request.user.issuer}:{request.user.token_subject}".encode()).hexdigest()[:32]
        allowed, wait = rate_hit(f"user:{identity}", rate)
        if not allowed:
            self._wait = max(1, math.ceil(wait))
        return allowed


class IdentifiedToBeRefused:
    """Authentication of the self-service paths that lets nobody in: it only identifies a staff or
    API-client credential, which `SelfServiceView` then refuses with a logged 403
    `citizen-token-required`. The OpenAPI document names no security scheme for it."""


class ApiClientIdentification(IdentifiedToBeRefused, ApiClientTokenAuthentication):
    pass


class StaffBearerIdentification(IdentifiedToBeRefused, OidcBearerAuthentication):
    # Also a staff-issuer token that names a citizen: citizens come only from the citizens' issuer.
    identify_citizen_claims = True


class SessionIdentification(IdentifiedToBeRefused, authentication.SessionAuthentication):
    pass


class IdentifiedToBeRefusedScheme(OpenApiAuthenticationExtension):
    """No security scheme for the identifications above (registered on import)."""

    target_class = "api.self_service.IdentifiedToBeRefused"
    match_subclasses = True
    priority = 1  # before drf-spectacular's own scheme for sessions, which matches subclasses too
    name: list[str] = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []


class SelfServiceView(APIView):
    """Base of the self-service views: citizen tokens only, refusals as problem+json."""

    authentication_classes = [
        CitizenBearerAuthentication,
        # After it, only to identify (and refuse, logged) whoever else calls a self-service path.
        ApiClientIdentification,
        StaffBearerIdentification,
        SessionIdentification,
    ]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [CitizenRateThrottle]
    # The processing log's action of a refused non-citizen request, per HTTP method.
    action_names: dict[str, str] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # DRF answers 405
        if not self_service_enabled():
            raise ProblemError(status_code=404, code="self-service-off", title="Not found",
                               detail="Self-service is not switched on for this IKO.")
        if not isinstance(request.user, CitizenPrincipal):
            from .views import caller_from_request

            caller = caller_from_request(request)
            non_citizen_refuse(actor=caller.name, actor_type=caller.kind, calling_system=caller.system,
                               action=self.action_names.get(request.method, "self-service"),
                               trace=request_trace(request))

    @property
    def citizen(self):
        return self.request.user.citizen

    def handle_exception(self, exc):
        if isinstance(exc, InvalidScope):
            return problem_response(400, "invalid-scope", "Invalid request", str(exc), self.request,
                                    invalidParams=[{"name": "scope", "code": "invalid", "reason": str(exc)}])
        if isinstance(exc, Refusal):  # the view service's, consent's and self-service's own
            return service_refusal_problem(exc, self.request)
        return super().handle_exception(exc)


def profile_or_404(name: str, request):
    profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
    if profile is None:
        raise ProblemError(status_code=404, code="profile-not-found", title="Not found",
                           detail=f"There is no active profile {name!r}.")
    return profile


class SelfServiceViewView(SelfServiceView):
    """A profile's view of your own data (your BSN, or your company's KVK number, from your login);
    with `subject` and `machtiging: gezag`, of a minor child you have gezag over (checked in the BRP
    first). Refusals: 403 `not-own-subject`, `no-gezag`, `no-grant`, `consent-required`,
    `loa-too-low`, `citizen-token-required`."""

    action_names = {"POST": "view"}

    @extend_schema(
        operation_id="self_service_view",
        summary="Your own view (or your child's, as gezaghouder, or your company's)",
        request=s.SelfServiceViewRequestSerializer,
        responses={200: ViewResponseSerializer, **REFUSALS, 502: PROBLEM, 504: PROBLEM},
    )
    def post(self, request, name: str):
        profile = profile_or_404(name, request)
        serializer = s.SelfServiceViewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        subject = None
        if "subject" in body:
            subject = subject_parse(subject_type=body["subject"]["type"], value=body["subject"]["value"])
        result = self_service_view(
            citizen=self.citizen, profile=profile, subject=subject, machtiging=body.get("machtiging", ""),
            purpose_code=body.get("purpose"), trace=request_trace(request),
        )
        if result.http_status != 200:
            return sources_failed_problem(request, http_status=result.http_status, sources=result.body["sources"],
                                          trace_id=result.body["traceId"])
        return Response(result.body)


class InsightView(SelfServiceView):
    """The processing records about you (found by the keyed pseudonym of your number), newest first:
    when, which organisation and system, in which role, for which purpose and legal basis, which
    profile, sources and field names, and the outcome. Never an employee's name, never another
    person's record. Reading it is logged."""

    action_names = {"GET": "self-service-insight"}

    @extend_schema(
        operation_id="self_service_insight",
        summary="What has been done with your data: the processing records about you, newest first",
        parameters=[s.InsightQuerySerializer],
        responses={200: s.InsightPageSerializer, **REFUSALS},
    )
    def get(self, request):
        query = s.InsightQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        page = insight_page(citizen=self.citizen, subject_type=data.get("subjectType"), page=data["page"],
                            page_size=data["pageSize"], trace=request_trace(request))
        return Response({"count": page.count, "page": page.page, "pageSize": page.page_size, "results": page.results})


class InsightCsvView(SelfServiceView):
    """The processing records about you as CSV (at most the newest 10,000). Reading it is logged."""

    action_names = {"GET": "self-service-insight-export"}

    @extend_schema(
        operation_id="self_service_insight_csv",
        summary="The same records as CSV, for download",
        parameters=[s.SubjectTypeQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(description="CSV, header row first."), **REFUSALS},
    )
    def get(self, request):
        query = s.SubjectTypeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lines = insight_csv(citizen=self.citizen, subject_type=query.validated_data.get("subjectType"),
                            trace=request_trace(request))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="verwerkingen.csv"'
        return response


class ConsentsView(SelfServiceView):
    """GET: what you can consent to (with the current text and its version) and your consents.
    POST: give consent for a scope, for the current version of its text (409 `consent-text-outdated`
    otherwise). Logged."""

    action_names = {"GET": "consent-list", "POST": "consent-give"}

    @extend_schema(
        operation_id="self_service_consents",
        summary="What you can consent to, and your consents",
        parameters=[s.SubjectTypeQuerySerializer],
        responses={200: s.ConsentListSerializer, **REFUSALS},
    )
    def get(self, request):
        query = s.SubjectTypeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = self_service_consents(citizen=self.citizen, subject_type=query.validated_data.get("subjectType"),
                                      trace=request_trace(request))
        return Response({"consents": items})

    @extend_schema(
        operation_id="self_service_consent_give",
        summary="Give consent (for the current version of its text)",
        request=s.ConsentGiveSerializer,
        responses={200: s.ConsentItemSerializer, 201: s.ConsentItemSerializer, 409: PROBLEM, **REFUSALS},
    )
    def post(self, request):
        serializer = s.ConsentGiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        item, created = self_service_consent_give(
            citizen=self.citizen, subject_type=body.get("subjectType"), scope=ConsentScope.parse(body["scope"]),
            text_version=body["textVersion"], trace=request_trace(request),
        )
        return Response(item, status=201 if created else 200)


class ConsentWithdrawView(SelfServiceView):
    """Withdraw a consent: from this moment no view calls what needed it, on every instance
    (409 `consent-not-in-force` when there is none to withdraw). Logged."""

    action_names = {"POST": "consent-withdraw"}

    @extend_schema(
        operation_id="self_service_consent_withdraw",
        summary="Withdraw a consent; it stops at once",
        request=s.ConsentWithdrawSerializer,
        responses={200: s.ConsentItemSerializer, 409: PROBLEM, **REFUSALS},
    )
    def post(self, request):
        serializer = s.ConsentWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        item = self_service_consent_withdraw(
            citizen=self.citizen, subject_type=body.get("subjectType"), scope=ConsentScope.parse(body["scope"]),
            trace=request_trace(request),
        )
        return Response(item)


class ReportView(SelfServiceView):
    """Report that a field of your view is wrong (`correction`) or ask for it to be removed
    (`deletion`): forwarded to the municipality as a klantcontact in Open Klant under your partij;
    the answer is its reference. 400 `field-not-in-view`, 409 `no-partij`, 503 `report-unavailable`
    (nothing registered)."""

    action_names = {"POST": "self-service-report"}

    @extend_schema(
        operation_id="self_service_report",
        summary="Report incorrect data in your view, or ask for it to be removed",
        request=s.ReportRequestSerializer,
        responses={201: s.ReportAnswerSerializer, 409: PROBLEM, **REFUSALS},
    )
    def post(self, request, name: str):
        profile = profile_or_404(name, request)
        serializer = s.ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        answer = report_forward(
            citizen=self.citizen, profile=profile, kind=body["kind"], field=body["field"].strip(),
            explanation=body["explanation"], purpose_code=body.get("purpose"), trace=request_trace(request),
        )
        return Response({"reference": answer.reference, "referentienummer": answer.referentienummer,
                         "source": answer.source, "field": answer.field}, status=201)
