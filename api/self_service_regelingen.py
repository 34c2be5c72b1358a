"""Self-service paths for regelingen: a citizen's own suggestions and a prefilled form (thin views
over profiles/regelingen/self_service.py).

Like every self-service path, only a token of the citizens' issuer is accepted (any other credential
is refused with a logged 403 `citizen-token-required`), and the subject is the login's own BSN or
KVK number; a `subject` in the body must be that same one (else 403 `not-own-subject`).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from profiles.regelingen.prefill import NoPrefillAttributes
from profiles.regelingen.self_service import self_service_prefill, self_service_suggestions
from profiles.regelingen.services import NoRegelingen
from profiles.subjects import subject_parse

from .problems import problem_response
from .self_service import PROBLEM, REFUSALS, SelfServiceView, profile_or_404
from .serializers import StrictSlugField, SubjectSerializer
from .service_problems import sources_failed_problem
from .suggestion_views import PrefillResponseSerializer, SuggestionsResponseSerializer
from .tracing import request_trace

OWN = "Leave out: the BSN or KVK number you logged in with (another one is refused as not your own)."


class SelfServiceSuggestionsRequestSerializer(serializers.Serializer):
    subject = SubjectSerializer(required=False, help_text=OWN)
    dataPurpose = StrictSlugField(
        required=False, max_length=50,
        help_text="Also return the data the criteria read, for this purpose of the portal's grants, as far as "
        "that grant allows.",
    )


class SelfServicePrefillRequestSerializer(serializers.Serializer):
    subject = SubjectSerializer(required=False, help_text=OWN)
    purpose = StrictSlugField(required=False, max_length=50, help_text="Purpose code; the grant's default if left out.")


def _subject(body: dict):
    if "subject" not in body:
        return None
    return subject_parse(subject_type=body["subject"]["type"], value=body["subject"]["value"])


class SelfServiceSuggestionsView(SelfServiceView):
    """The regelingen that may apply to you, and why (field names, never values); evaluated now,
    nothing stored. A regeling that needs your consent is evaluated only with it."""

    action_names = {"POST": "suggestions"}

    @extend_schema(
        operation_id="self_service_suggestions",
        summary="Which regelingen may apply to you, and why",
        request=SelfServiceSuggestionsRequestSerializer,
        responses={200: SuggestionsResponseSerializer, **REFUSALS},
    )
    def post(self, request, name: str):
        profile = profile_or_404(name, request)
        serializer = SelfServiceSuggestionsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            answer = self_service_suggestions(
                citizen=self.citizen, profile=profile, subject=_subject(body),
                data_purpose_code=body.get("dataPurpose"), trace=request_trace(request),
            )
        except NoRegelingen as exc:
            return problem_response(404, "no-regelingen", "Not found", str(exc), request)
        return Response(answer)


class SelfServicePrefillView(SelfServiceView):
    """Your own data as flat attributes for a form (the portal's form engine prefills it)."""

    action_names = {"POST": "prefill"}

    @extend_schema(
        operation_id="self_service_prefill",
        summary="Your own data as flat attributes for a form",
        request=SelfServicePrefillRequestSerializer,
        responses={200: PrefillResponseSerializer, **REFUSALS, 502: PROBLEM, 504: PROBLEM},
    )
    def post(self, request, name: str):
        profile = profile_or_404(name, request)
        serializer = SelfServicePrefillRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            result = self_service_prefill(
                citizen=self.citizen, profile=profile, subject=_subject(body), purpose_code=body.get("purpose"),
                trace=request_trace(request),
            )
        except NoPrefillAttributes as exc:
            return problem_response(404, "no-prefill-attributes", "Not found", str(exc), request)
        if result.http_status != 200:
            return sources_failed_problem(request, http_status=result.http_status, sources=result.body["sources"],
                                          trace_id=result.body["traceId"])
        return Response(result.body)
