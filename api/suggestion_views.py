"""Suggestions of regelingen and prefill attributes for forms: thin views over
`profiles.regelingen.services` and `profiles.regelingen.prefill`.

`POST /api/v1/profiles/{name}/suggestions` evaluates the regelingen that read the profile's view
for one subject and answers which hold and why (field names, never values); the data behind them
only with `dataPurpose` and the caller's own grant for it. `POST /api/v1/profiles/{name}/prefill`
answers a view as flat attributes for a form engine. The subject travels in the body.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles.regelingen.consent import regelingen_consent_check
from profiles.regelingen.prefill import NoPrefillAttributes, prefill_build
from profiles.refusals import Refusal
from profiles.regelingen.services import NoRegelingen, suggestions_build
from profiles.services.view import profile_get_active
from profiles.subjects import subject_parse

from .organisations import request_organisation_id
from .problems import problem_response
from .serializers import SourceStatusSerializer, StrictCharField, StrictSlugField, SubjectSerializer
from .service_problems import service_refusal_problem, sources_failed_problem
from .tracing import request_trace
from .views import PROBLEM, caller_from_request


# --- shapes (camelCase JSON) ---------------------------------------------------------------------
class SuggestionsRequestSerializer(serializers.Serializer):
    subject = SubjectSerializer()
    dataPurpose = StrictSlugField(
        required=False, max_length=50,
        help_text="Also return the data the criteria read, for this purpose of yours, as far as your grant "
        "for it allows. Leave out for the suggestions only.",
    )
    onBehalfOf = StrictCharField(
        required=False, allow_blank=True, max_length=242,
        help_text="The end user the calling system acts for; goes into the processing log.",
    )


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's text.")
    fields = serializers.ListField(child=serializers.CharField(), help_text="The field names it read (never values).")


class SuggestionSerializer(serializers.Serializer):
    regeling = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    productUrl = serializers.URLField(allow_null=True)
    uplCode = serializers.CharField(allow_null=True)
    why = ReasonSerializer(many=True, help_text="The criteria that held.")


class NotEvaluatedSerializer(serializers.Serializer):
    regeling = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    productUrl = serializers.URLField(allow_null=True)
    uplCode = serializers.CharField(allow_null=True)
    reason = serializers.ChoiceField(choices=["source-failed", "consent-required", "fields-not-granted", "criterion-error"])
    detail = serializers.CharField()


class CountsSerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    eligible = serializers.IntegerField()
    notEligible = serializers.IntegerField()
    couldNotBeEvaluated = serializers.IntegerField()


class SuggestionsResponseSerializer(serializers.Serializer):
    profile = serializers.CharField()
    subject = SubjectSerializer()
    generatedAt = serializers.DateTimeField()
    traceId = serializers.CharField()
    complete = serializers.BooleanField(help_text="False when a source the regelingen read failed.")
    purposes = serializers.ListField(child=serializers.CharField(), help_text="The purposes the data were fetched under.")
    suggestions = SuggestionSerializer(many=True, help_text="The regelingen that hold, with why.")
    couldNotBeEvaluated = NotEvaluatedSerializer(many=True, help_text="Never 'not eligible': the data was incomplete.")
    counts = CountsSerializer()
    sources = serializers.DictField(child=SourceStatusSerializer())
    dataPurpose = serializers.CharField(allow_null=True)
    data = serializers.DictField(allow_null=True, help_text="Only with dataPurpose and your grant for it.")
    dataWithheld = serializers.CharField(required=False, help_text="Why data is null although you asked for it.")


class PrefillRequestSerializer(serializers.Serializer):
    subject = SubjectSerializer()
    purpose = StrictSlugField(required=False, max_length=50, help_text="Purpose code; your default if left out.")
    onBehalfOf = StrictCharField(required=False, allow_blank=True, max_length=242)


class AttributeSerializer(serializers.Serializer):
    value = serializers.JSONField()
    source = serializers.CharField()
    retrievedAt = serializers.DateTimeField(allow_null=True)


class MissingAttributeSerializer(serializers.Serializer):
    source = serializers.CharField()
    status = serializers.CharField(help_text="not_found, withheld (your grant), error, timeout or skipped.")


class PrefillResponseSerializer(serializers.Serializer):
    profile = serializers.CharField()
    purpose = serializers.CharField()
    subject = SubjectSerializer()
    generatedAt = serializers.DateTimeField()
    traceId = serializers.CharField()
    complete = serializers.BooleanField()
    attributes = serializers.DictField(child=AttributeSerializer(), help_text="Attribute name -> what is known.")
    missing = serializers.DictField(child=MissingAttributeSerializer(), help_text="Attributes without a value, and why.")
    sources = serializers.DictField(child=SourceStatusSerializer())


# --- views ---------------------------------------------------------------------------------------
def _not_found(request, code: str, detail: str):
    return problem_response(404, code, "Not found", detail, request)


class ProfileSuggestionsView(APIView):
    @extend_schema(
        operation_id="profile_suggestions",
        summary="Which regelingen may apply to one subject, and why (evaluated now, nothing stored)",
        request=SuggestionsRequestSerializer,
        responses={200: SuggestionsResponseSerializer, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM,
                   404: PROBLEM, 503: PROBLEM},
    )
    def post(self, request, name: str):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        if profile is None:
            return _not_found(request, "profile-not-found", f"There is no active profile {name!r}.")
        serializer = SuggestionsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            answer = suggestions_build(
                profile=profile,
                subject=subject_parse(subject_type=body["subject"]["type"], value=body["subject"]["value"]),
                caller=caller_from_request(request, body.get("onBehalfOf", "")),
                data_purpose_code=body.get("dataPurpose"),
                trace=request_trace(request),
                consent_check=regelingen_consent_check,
            )
        except NoRegelingen as exc:
            return _not_found(request, "no-regelingen", str(exc))
        except Refusal as exc:
            return service_refusal_problem(exc, request)
        return Response(answer)


class ProfilePrefillView(APIView):
    @extend_schema(
        operation_id="profile_prefill",
        summary="A view as flat attributes for a form engine (self-service or staff grants only)",
        request=PrefillRequestSerializer,
        responses={200: PrefillResponseSerializer, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
                   502: PROBLEM, 503: PROBLEM, 504: PROBLEM},
    )
    def post(self, request, name: str):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        if profile is None:
            return _not_found(request, "profile-not-found", f"There is no active profile {name!r}.")
        serializer = PrefillRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            result = prefill_build(
                profile=profile,
                subject=subject_parse(subject_type=body["subject"]["type"], value=body["subject"]["value"]),
                caller=caller_from_request(request, body.get("onBehalfOf", "")),
                purpose_code=body.get("purpose"),
                trace=request_trace(request),
            )
        except NoPrefillAttributes as exc:
            return _not_found(request, "no-prefill-attributes", str(exc))
        except Refusal as exc:
            return service_refusal_problem(exc, request)
        if result.http_status != 200:
            return sources_failed_problem(
                request, http_status=result.http_status, sources=result.body["sources"],
                trace_id=result.body["traceId"], detail="None of the profile's sources gave an answer; see sources.",
            )
        return Response(result.body)
