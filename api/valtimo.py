"""The Valtimo front door: the reference IKO Server's public paths, so that a Valtimo installation
can point its IKO Server URL at this IKO and work unchanged (docs/integrator/index.md,
"Valtimo and other clients of the reference IKO server").

- `GET /aggregated-data-profiles/{name}?id=...&containerParam=...` (and the older
  `/aggregated-data-profiles/{name}/{id}`): the profile's view of subject `id`, answered as the
  view's data itself, so Valtimo's JSON Pointers (`/persoon/naam/volledigeNaam`) work from the
  root. Each `containerParam` (Base64 JSON, see `valtimo_containers.py`) filters, sorts and pages
  one collection into `{"content": [...], "totalElements": n}`. IKO's own status of the view
  (complete, per-source status, trace id) is under `_iko`, which holds no array, so Valtimo's
  "first array, breadth-first" never lands on it; also in the headers `IKO-Complete` and
  `IKO-Trace-Id`. `id` and the container parameters also reach the profile's JQ expressions as
  the reference server's transform context (`$idParam`, `$sortParams`, `$filterParams`); a
  profile that reads the latter pages itself. A subject no top-level relation finds anything
  about is a 404 problem. The schema of this answer is `/aggregated-data-profiles/{name}/schema`
  (valtimo_schema.py).
- `GET /endpoints/{connectorTag}/{instanceTag}/{operation}` and `.../{id}`: one operation of one
  source, the source by its front-door tags (by default connector id and source name), the
  operation by its name or one of the source's aliases (profiles/services/aliases.py). A search
  answers `{"type", "results": [...], "totalElements"}` (the rows are the first array); a detail
  call of a single-object operation answers the object. Query parameters are passed only as the
  operation declares them (through the alias's mapping of names), and only about one subject or
  as a search action (profiles/services/endpoints.py, `endpoint_route`).

Both: authentication as everywhere (API-client token, or the case worker's OIDC bearer token
that Valtimo passes on), the default purpose of the caller's grant (Valtimo sends none), grants
and field minimisation as for views, and a processing record for every request. Identical
requests in flight at the same moment share one computation (profiles/engine/inflight.py).

The BSN travels in these URLs because that is how Valtimo calls; IKO never writes it to its logs:
Django's request and development-server loggers get `RedactFrontDoorUrls` (below), and the
gunicorn access log is off unless `IKO_ACCESS_LOG` is set (docs/operator/index.md,
"Logs").
"""

from __future__ import annotations

import logging
import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles.definitions.expressions import reads_variable
from profiles.refusals import InvalidSubject, Refusal
from profiles.services.aliases import endpoint_front_door_call, source_for_front_door
from profiles.services.view import profile_get_active, view_build_default_purpose
from profiles.subjects import Subject, subject_parse

from .organisations import request_organisation_id
from .problems import problem_response
from .tracing import request_trace
from .service_problems import service_refusal_problem, sources_failed_problem
from .valtimo_containers import ContainerParamInvalid, apply_containers, decode_container_param, transform_variables
from .views import PROBLEM, caller_from_request

logger = logging.getLogger(__name__)

FREE_FORM = OpenApiResponse(response=OpenApiTypes.OBJECT, description="The data as JSON.")
TRACE_HEADER = "IKO-Trace-Id"


# --- keeping identifiers out of the logs ----------------------------------------------------------
_REDACTIONS = [
    # /endpoints/{connector}/{instance}/{operation}/{id} and /aggregated-data-profiles/{name}/{id}
    (re.compile(r"(/endpoints/[^/\s?\"']+/[^/\s?\"']+/[^/\s?\"']+)/[^\s?\"']+"), r"\1/{id}"),
    (re.compile(r"(/aggregated-data-profiles/[^/\s?\"']+)/[^\s?\"']+"), r"\1/{id}"),
    # Every query string of the front door: id, containerParam and search parameters alike.
    (re.compile(r"((?:/endpoints|/aggregated-data-profiles)/[^\s?\"']*)\?[^\s\"']*"), r"\1?[redacted]"),
    # Anything else that looks like a BSN.
    (re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])"), "[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactFrontDoorUrls(logging.Filter):
    """Rewrites log lines of Django's request loggers so that no front-door identifier remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REDACTED_LOGGERS = ("django.request", "django.server", "django.security", "gunicorn.access")


def install_log_redaction() -> None:
    """Idempotent: adds the filter to the loggers that write request URLs."""
    for name in REDACTED_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactFrontDoorUrls) for f in target.filters):
            target.addFilter(RedactFrontDoorUrls())


install_log_redaction()


# --- helpers --------------------------------------------------------------------------------------
def _subject_for(profile, identifier: str) -> Subject:
    """The subject `id` names: the first of the profile's subject types it is valid for."""
    errors = []
    for subject_type in profile.subject_types:
        try:
            return subject_parse(subject_type=subject_type, value=identifier)
        except InvalidSubject as exc:
            errors.append(str(exc))
    raise InvalidSubject(" ".join(errors) or f"Profile {profile.name} takes no subjects.")


def _pages_itself(profile) -> bool:
    """Whether the profile's expressions read `$sortParams` or `$filterParams`: then the profile
    pages and filters its collections itself, and the front door leaves them as they are."""
    expressions = [profile.output_transform] + [
        text for relation in profile.relations.all() for text in (relation.input_expression, relation.output_transform)
    ]
    return any(reads_variable(text, name) for text in expressions for name in ("sortParams", "filterParams"))


def _subject_unknown(profile, relations: dict) -> bool:
    """Every top-level relation of the profile found nothing: its sources do not know the subject
    (a widget then says "not found" instead of showing an empty card)."""
    roots = [relation.name for relation in profile.relations.all() if relation.parent_id is None]
    return bool(roots) and all((relations.get(name) or {}).get("status") == "not_found" for name in roots)


# --- GET /aggregated-data-profiles/{name} -----------------------------------------------------------
class AggregatedDataProfileView(APIView):
    @extend_schema(
        operation_id="valtimo_aggregated_data_profile",
        summary="Valtimo front door: a profile's view of one subject (the reference IKO Server's path)",
        description=(
            "For Valtimo's IKO client. The answer is the view's data itself, so JSON Pointers work "
            "from its root; `_iko` holds IKO's status (complete, per-source status, trace id). "
            "Uses the default purpose of your grant. Prefer `POST /api/v1/profiles/{name}/view`, "
            "which keeps the identifier out of the URL."
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                             description="The subject: a BSN or KVK number (the profile's subject types)."),
            OpenApiParameter(
                "containerParam", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, many=True,
                explode=True,
                description='Base64 (either alphabet, padding optional) of {"containerId", "pageable", '
                '"filters"}; one per collection to filter, sort and page.',
            ),
        ],
        responses={200: FREE_FORM, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
                   502: PROBLEM, 503: PROBLEM, 504: PROBLEM},
    )
    def get(self, request, name: str, identifier: str | None = None):
        profile = profile_get_active(name=name, organisation_id=request_organisation_id(request))
        if profile is None:
            return problem_response(404, "profile-not-found", "Not found", f"There is no active profile {name!r}.", request)
        ids = request.query_params.getlist("id")
        if identifier is not None:
            ids = [identifier, *ids]
        if len(ids) != 1 or not ids[0].strip():
            return problem_response(
                400, "id-missing" if not ids else "invalid", "Invalid request",
                "Give the subject as one id (a BSN or KVK number).", request,
                invalidParams=[{"name": "id", "code": "required" if not ids else "invalid",
                                "reason": "give exactly one id"}],
            )
        params = []
        problems = []
        for index, raw in enumerate(request.query_params.getlist("containerParam")):
            try:
                params.append(decode_container_param(raw))
            except ContainerParamInvalid as exc:
                problems.append({"name": f"containerParam[{index}]", "code": "invalid", "reason": str(exc)})
        if problems:
            return problem_response(400, "invalid-container-param", "Invalid request",
                                    "A containerParam cannot be read; see invalidParams.", request,
                                    invalidParams=problems)
        trace = request_trace(request)
        try:
            subject = _subject_for(profile, ids[0])
            result = view_build_default_purpose(
                profile=profile, subject=subject, caller=caller_from_request(request), trace=trace,
                variables=transform_variables(params, ids[0]),
            )
        except Refusal as exc:
            return service_refusal_problem(exc, request, subject_param="id")
        body = result.body
        if result.http_status != 200:
            return sources_failed_problem(request, http_status=result.http_status, sources=body["sources"],
                                          trace_id=body["traceId"])
        if _subject_unknown(profile, body.get("relations") or {}):
            return problem_response(404, "subject-not-found", "Not found",
                                    f"The sources of profile {profile.name} know no such subject.", request,
                                    sources=body["sources"], traceId=body["traceId"])
        data, unknown = (body["data"], []) if _pages_itself(profile) else apply_containers(body["data"], params)
        if data is None:
            data = {}
        if isinstance(data, dict):
            status = {"complete": body["complete"], "traceId": body["traceId"], "purpose": body["purpose"],
                      "sources": body["sources"]}
            if unknown:
                status["detail"] = f"No collection named {', '.join(sorted(set(unknown)))} in this view."
            data = {**data, "_iko": status}
        response = Response(data)
        response[TRACE_HEADER] = body["traceId"]
        response["IKO-Complete"] = "true" if body["complete"] else "false"
        return response


# --- GET /endpoints/{connectorTag}/{instanceTag}/{operation}[/{id}] ---------------------------------
class EndpointView(APIView):
    @extend_schema(
        operation_id="valtimo_endpoint",
        summary="Valtimo front door: one operation of one source (the reference IKO Server's path)",
        description=(
            "connectorTag is the connector (e.g. `brp`, `kvk`), instanceTag the source's name, "
            "operation one of the source's operations. Query parameters: only those the operation "
            "declares (others are refused); `[a, b]` and repeated keys give a list. Allowed when "
            "you hold a grant (default purpose) on an active profile that uses this source "
            "operation, and only about one subject (a `bsn` or `kvk` parameter, which the source's "
            "answers are checked against) or with the criteria of one of that profile's search "
            "actions; an object's id (a zaak URL, a BAG id) is never taken from the caller: 403 "
            "`not-subject-bound`, or `source-unchecked` for a source whose answers cannot be "
            "checked. The answer holds only the fields those profiles release. A search answers "
            '`{"type", "results": [...], "totalElements"}`.'
        ),
        responses={200: FREE_FORM, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
                   502: PROBLEM, 503: PROBLEM, 504: PROBLEM},
    )
    def get(self, request, connector_tag: str, instance_tag: str, operation: str):
        return self._call(request, connector_tag, instance_tag, operation, None)

    def _call(self, request, connector_tag: str, instance_tag: str, operation: str, identifier: str | None):
        # The source by its front-door tags, the operation by its name or one of its aliases.
        source = source_for_front_door(
            connector_tag=connector_tag, instance_tag=instance_tag, organisation_id=request_organisation_id(request),
        )
        trace = request_trace(request)
        try:
            found = source and endpoint_front_door_call(
                source=source, name=operation, query=dict(request.query_params.lists()),
                identifier=identifier, caller=caller_from_request(request), trace=trace,
            )
        except Refusal as exc:
            return service_refusal_problem(exc, request)
        if not found:
            return problem_response(
                404, "endpoint-not-found", "Not found",
                f"There is no operation {operation!r} of a {connector_tag!r} source {instance_tag!r}.", request,
            )
        result, resolved = found
        status = next(iter(result.sources.values()))["status"]
        if result.http_status != 200:
            return sources_failed_problem(request, http_status=result.http_status, sources=result.sources,
                                          trace_id=trace.trace_id)
        if identifier is not None and status == "not_found" and not resolved.many:
            return problem_response(404, "not-found", "Not found", "The source has no data for this identifier.",
                                    request, sources=result.sources, traceId=trace.trace_id)
        response = Response(result.body)
        response[TRACE_HEADER] = trace.trace_id
        return response


class EndpointDetailView(EndpointView):
    @extend_schema(
        operation_id="valtimo_endpoint_detail",
        summary="Valtimo front door: one operation of one source for one identifier",
        description=(
            "As the search form, with the identifier in the path: it fills the operation's subject "
            "(a BSN or KVK number) or its first parameter (allowed only as a search action's "
            "criterion). A single-object operation answers the object itself."
        ),
        responses={200: FREE_FORM, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
                   502: PROBLEM, 503: PROBLEM, 504: PROBLEM},
    )
    def get(self, request, connector_tag: str, instance_tag: str, operation: str, identifier: str):
        return self._call(request, connector_tag, instance_tag, operation, identifier)


class AggregatedDataProfileDetailView(AggregatedDataProfileView):
    @extend_schema(
        operation_id="valtimo_aggregated_data_profile_by_path",
        summary="Valtimo front door: a profile's view, with the subject in the path (older Valtimo clients)",
        parameters=[
            OpenApiParameter(
                "containerParam", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, many=True,
                explode=True, description="As on /aggregated-data-profiles/{name}.",
            ),
        ],
        responses={200: FREE_FORM, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
                   502: PROBLEM, 503: PROBLEM, 504: PROBLEM},
    )
    def get(self, request, name: str, identifier: str):
        return super().get(request, name, identifier)
