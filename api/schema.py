"""The OpenAPI document's shared parts (drf-spectacular): our authentication and our errors.

- `ApiClientTokenScheme` describes the API-client token.
- `postprocess_problems`, a postprocessing hook (SPECTACULAR_SETTINGS), documents what every
  operation can answer besides its own results, so clients and schemathesis (tests/test_api_fuzz.py)
  can rely on it: the `Problem` schema (RFC 9457 problem details, as api/problems.py writes them)
  on every problem answer; 401, 406 and 429 (rate limits, with `Retry-After`, api/throttling.py)
  on every operation that needs credentials; 400, 413 and 415 on every operation with a body
  (api/middleware.py, api/parsers.py).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_DESCRIPTION = "Problem details (application/problem+json)."
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details. Some problems add members (e.g. `sources`, `traceId`).",
    "properties": {
        "type": {"type": "string", "description": "URI of the problem type."},
        "code": {"type": "string", "description": "The problem type's short name, e.g. `invalid-subject`."},
        "title": {"type": "string"},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "code", "reason"],
            },
        },
    },
    "required": ["type", "code", "title", "status", "detail"],
}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "description": "Seconds to wait before the next request will be accepted.",
    }
}

AUTHENTICATED_ANSWERS = {
    "401": "Not authenticated: no, an unknown or a disabled token.",
    "406": "Not acceptable: the Accept header asks for a media type the API does not serve.",
    "429": "Too many requests: your rate limit is used up; see Retry-After.",
}
BODY_ANSWERS = {
    "400": "Invalid request: the body is not valid JSON, nested too deeply, or misses fields.",
    "413": "Request too large: the body is larger than the server accepts.",
    "415": "Unsupported media type: send application/json.",
}


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiClientTokenAuthentication"
    name = "apiClientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "API-client token: `Token iko_...` (shown once when the client is created).",
        }


def _problem_response(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def postprocess_problems(result, generator, request, public):
    """drf-spectacular postprocessing hook; see the module docstring."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, response in responses.items():
                if response.get("description") == PROBLEM_DESCRIPTION and "content" not in response:
                    responses[status] = _problem_response(PROBLEM_DESCRIPTION)
            if operation.get("security") and {} not in operation["security"]:
                for status, description in AUTHENTICATED_ANSWERS.items():
                    responses.setdefault(status, _problem_response(description))
                responses["429"].setdefault("headers", RETRY_AFTER)
            if "requestBody" in operation:
                for status, description in BODY_ANSWERS.items():
                    responses.setdefault(status, _problem_response(description))
    return result
