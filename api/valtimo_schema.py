"""`GET /aggregated-data-profiles/{name}/schema`: the reference IKO Server's schema path on the
Valtimo front door, answered from profiles/services/profile_schema.py (the JSON Schema of what
`GET /aggregated-data-profiles/{name}` answers, narrowed to the caller's grant)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.registry import registry
from profiles.refusals import Refusal
from profiles.services.profile_schema import profile_front_door_schema
from profiles.services.view import profile_get_active

from .organisations import request_organisation_id
from .problems import problem_response
from .service_problems import service_refusal_problem
from .views import PROBLEM, caller_from_request


class AggregatedDataProfileSchemaView(APIView):
    @extend_schema(
        operation_id="valtimo_aggregated_data_profile_schema",
        summary="Valtimo front door: the JSON Schema of a profile's answer (the reference IKO Server's path)",
        description=(
            "The JSON Schema (2020-12) of what `GET /aggregated-data-profiles/{name}` answers: the view's "
            "data at the root, as far as your grant for its default purpose releases it, and `_iko`."
        ),
        responses={200: OpenApiResponse(description="A JSON Schema (2020-12)."), 400: PROBLEM, 401: PROBLEM,
                   403: PROBLEM, 404: PROBLEM},
    )
    def get(self, request, name: str):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        if profile is None:
            return problem_response(404, "profile-not-found", "Not found", f"There is no active profile {name!r}.", request)
        try:
            schema = profile_front_door_schema(profile=profile, caller=caller_from_request(request), registry=registry)
        except Refusal as exc:
            return service_refusal_problem(exc, request)
        return Response(schema)
