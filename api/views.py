"""Thin API views: authenticate, validate, call one service, serialize.

Personal identifiers travel in POST bodies, never in URLs (docs/integrator/index.md, "The API").
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.registry import registry
from profiles.access.api_clients import ApiClient
from profiles.access.grants import grant_fields_union
from profiles.access.principals import OidcPrincipal, principal_of
from profiles.definitions.schema import profile_output_schema
from profiles.refusals import Refusal
from profiles.services.selectors import profile_is_granted_to, profile_list_for_principal
from profiles.services.view import (
    Caller,
    profile_get_active,
    view_build,
)
from profiles.services.subject_resolution import subject_from_request

from .problems import problem_response
from .timing import server_timing
from .tracing import request_trace
from .service_problems import service_refusal_problem, sources_failed_problem
from .serializers import ProfileListSerializer, ViewRequestSerializer, ViewResponseSerializer

PROBLEM = OpenApiResponse(description="Problem details (application/problem+json).")


def caller_from_request(request, on_behalf_of: str = "") -> Caller:
    """The caller of a request, for grants (profiles.access.grants), the processing log and x-gebruiker.

    - API client (its token): the end user is what it says in `onBehalfOf`, if anything.
    - OIDC bearer token passed on by a case system: the token's user is the end user (the token
      proves it, so an `onBehalfOf` in the body does not override it); the system is the
      token's client (azp).
    - A staff-issuer token that names a citizen (let through only on the self-service paths, which
      refuse it and log that): the actor is its client, and it has no end user, since its username
      may be the citizen's BSN. Citizens themselves use the self-service paths (api/self_service.py).
    - Staff with a session (browsable API): the user, through its groups.

    The services get the principal as plain data (`principal_of`), never the request's user.
    """
    user = request.user
    principal = principal_of(user)
    if isinstance(user, ApiClient):
        return Caller(
            api_client=None, name=f"api-client:{user.name}", on_behalf_of=on_behalf_of,
            principal=principal, kind="api_client", system=user.name, gebruiker=on_behalf_of,
        )
    if isinstance(user, OidcPrincipal) and user.names_citizen:
        return Caller(api_client=None, name=user.name, principal=principal, kind="oidc", system=user.client_id)
    if isinstance(user, OidcPrincipal):
        return Caller(
            api_client=None, name=user.name, on_behalf_of=user.username,
            principal=principal, kind="oidc", system=user.client_id, gebruiker=user.username,
        )
    return Caller(
        api_client=None, name=f"user:{user.get_username()}", on_behalf_of=on_behalf_of,
        principal=principal, kind="user", system="session", gebruiker=user.get_username(),
    )


class ProfileListView(APIView):
    @extend_schema(
        operation_id="profiles_list",
        summary="The profiles you may use, with the purposes granted to you",
        responses={200: ProfileListSerializer, 401: PROBLEM},
    )
    def get(self, request):
        return Response({"profiles": profile_list_for_principal(principal=principal_of(request.user))})


class ProfileSchemaView(APIView):
    @extend_schema(
        operation_id="profile_schema",
        summary="The JSON Schema of a profile's view data (for building widgets)",
        description="Only what your grants on the profile release: a narrowed grant sees the fields it releases.",
        responses={200: OpenApiResponse(description="A JSON Schema (2020-12)."), 401: PROBLEM, 404: PROBLEM},
    )
    def get(self, request, name: str):
        profile = profile_get_active(name=name)
        principal = principal_of(request.user)
        # Deny by default: only callers with a grant on the profile learn its shape, and only as
        # far as their grants release it.
        if profile is None or not profile_is_granted_to(profile=profile, principal=principal):
            return problem_response(404, "profile-not-found", "Not found", f"There is no active profile {name!r} for you.", request)
        fields = grant_fields_union(principal=principal, profile=profile)
        return Response(profile_output_schema(profile, registry=registry, fields=fields))


class ProfileViewView(APIView):
    @extend_schema(
        operation_id="profile_view",
        summary="Build a view of one subject with a profile, for a purpose",
        request=ViewRequestSerializer,
        responses={
            200: ViewResponseSerializer,
            400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
            502: PROBLEM, 503: PROBLEM, 504: PROBLEM,
        },
    )
    def post(self, request, name: str):
        profile = profile_get_active(name=name)
        if profile is None:
            return problem_response(404, "profile-not-found", "Not found", f"There is no active profile {name!r}.", request)
        serializer = ViewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        try:
            caller = caller_from_request(request, body.get("onBehalfOf", ""))
            subject = subject_from_request(profile=profile, given=body["subject"], caller=caller,
                                           purpose_code=body.get("purpose"), trace=request_trace(request))
            result = view_build(
                profile=profile,
                subject=subject,
                caller=caller,
                purpose_code=body.get("purpose"),
                trace=request_trace(request),
            )
        except Refusal as exc:
            return service_refusal_problem(exc, request)
        if result.http_status != 200:
            return sources_failed_problem(
                request, http_status=result.http_status, sources=result.body["sources"],
                trace_id=result.body["traceId"], detail="None of the profile's sources gave an answer; see sources.",
            )
        response = Response(result.body)
        if settings.IKO_SERVER_TIMING and result.calls:
            response["Server-Timing"] = server_timing(result.calls)
        return response
