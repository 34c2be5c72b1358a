"""Search with a profile's search actions: thin views over `profiles.services.search`.

`GET /api/v1/profiles/{name}/search` describes the search actions (criteria, columns, the
identifier that opens the view) so a client can build its form; `POST .../search/{action}` runs
one with the criteria in the body, never in the URL. See docs/integrator/index.md.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles.access.principals import principal_of
from profiles.refusals import Refusal
from profiles.services.search import search_action_get, search_actions_describe, search_run
from profiles.services.selectors import profile_is_granted_to
from profiles.services.view import profile_get_active

from .organisations import request_organisation_id
from .problems import problem_response
from .tracing import request_trace
from .service_problems import service_refusal_problem, sources_failed_problem
from .serializers import EndUserField, SourceStatusSerializer, StrictSlugField, SubjectSerializer
from .views import PROBLEM, caller_from_request


# --- shapes (camelCase JSON) ---------------------------------------------------------------------
class SearchRequestSerializer(serializers.Serializer):
    criteria = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Criterion name -> value, as the search action describes them (GET .../search).",
    )
    purpose = StrictSlugField(
        required=False, max_length=50, help_text="Purpose code; your default purpose if left out."
    )
    onBehalfOf = EndUserField(
        required=False, allow_blank=True, max_length=242,
        help_text="The end user the calling system acts for; goes into the processing log. Line breaks, "
        "control and bidirectional formatting characters are refused.",
    )


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField(help_text="string, date (YYYY-MM-DD), integer, boolean, postcode, bsn, kvk or choice.")
    required = serializers.BooleanField()
    help = serializers.CharField(required=False)
    validation = serializers.DictField(
        required=False,
        help_text="pattern (regular expression), minLength, maxLength, minimum, maximum, choices.",
    )


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Key of the value in each row's values.")
    label = serializers.CharField()
    field = serializers.CharField(help_text="The source field (dot path) the column shows.")


class IdentifierSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column that identifies the subject.")
    subjectType = serializers.CharField(help_text="The subject type it identifies: bsn or kvk.")


class SearchActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    criteria = CriterionSerializer(many=True)
    columns = ColumnSerializer(many=True)
    identifier = IdentifierSerializer(allow_null=True, help_text="null: the rows open no view.")
    maxResults = serializers.IntegerField()


class SearchActionListSerializer(serializers.Serializer):
    profile = serializers.CharField()
    searchActions = SearchActionSerializer(many=True)


class RowSerializer(serializers.Serializer):
    subject = SubjectSerializer(
        allow_null=True,
        help_text="Send this as the subject of POST .../view to open the detail view; null when the "
        "row has no valid identifier.",
    )
    values = serializers.DictField(help_text="Column name -> value (null when the source had none).")


class SearchResponseSerializer(serializers.Serializer):
    profile = serializers.CharField()
    action = serializers.CharField()
    purpose = serializers.CharField()
    generatedAt = serializers.DateTimeField()
    traceId = serializers.CharField()
    complete = serializers.BooleanField()
    columns = ColumnSerializer(many=True, help_text="The columns you may see (a narrowed grant shows fewer).")
    rows = RowSerializer(many=True)
    total = serializers.IntegerField(help_text="How many results the source gave.")
    truncated = serializers.BooleanField(help_text="True when there were more results than the action's maxResults.")
    sources = serializers.DictField(child=SourceStatusSerializer(), help_text="Per source name, its status.")


# --- views ---------------------------------------------------------------------------------------
class ProfileSearchListView(APIView):
    @extend_schema(
        operation_id="profile_search_actions",
        summary="The search actions of a profile: criteria, columns and the identifier (to build a search form)",
        responses={200: SearchActionListSerializer, 401: PROBLEM, 404: PROBLEM},
    )
    def get(self, request, name: str):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        principal = principal_of(request.user)
        # Deny by default: only callers with a grant on the profile learn its searches, and only
        # the columns their grants release.
        if profile is None or not profile_is_granted_to(profile=profile, principal=principal):
            return problem_response(404, "profile-not-found", "Not found", f"There is no active profile {name!r} for you.", request)
        return Response({"profile": profile.name,
                         "searchActions": search_actions_describe(profile=profile, principal=principal)})


class ProfileSearchView(APIView):
    @extend_schema(
        operation_id="profile_search",
        summary="Search with one of a profile's search actions, for a purpose",
        request=SearchRequestSerializer,
        responses={
            200: SearchResponseSerializer,
            400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
            502: PROBLEM, 503: PROBLEM, 504: PROBLEM,
        },
        examples=[
            OpenApiExample(
                "By surname and date of birth",
                request_only=True,
                value={"criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, "purpose": "klantcontact"},
            )
        ],
    )
    def post(self, request, name: str, action: str):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        search_action = search_action_get(profile=profile, name=action) if profile is not None else None
        if search_action is None:
            return problem_response(
                404, "search-action-not-found", "Not found",
                f"There is no active profile {name!r} with a search action {action!r}.", request,
            )
        serializer = SearchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            result = search_run(
                profile=profile,
                action=search_action,
                criteria=body["criteria"],
                caller=caller_from_request(request, body.get("onBehalfOf", "")),
                purpose_code=body.get("purpose"),
                trace=request_trace(request),
            )
        except Refusal as exc:
            return service_refusal_problem(
                exc, request, renamed={"invalid-parameters": ("invalid-criteria", "Invalid criteria")}
            )
        if result.http_status != 200:
            return sources_failed_problem(
                request, http_status=result.http_status, sources=result.body["sources"],
                trace_id=result.body["traceId"], detail="The search's source gave no answer; see sources.",
            )
        return Response(result.body)
