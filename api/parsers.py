"""The API's JSON parser: DRF's, with a bound on nesting, so every bad body is a 400 problem.

Every rejection is a clear problem+json, never a 500. DRF's `JSONParser` turns invalid JSON and
bodies that are not UTF-8 into a `ParseError` (400 problem+json, api/problems.py), but a body of
a few thousand `[` lets Python's JSON decoder hit its recursion limit, a `RecursionError` that
would be a 500. This parser turns that into a 400 as well, and refuses anything nested deeper
than `IKO_MAX_JSON_DEPTH` (no request of our API needs more than a few levels), so deep input
never reaches the serializers. The body's size is bounded before parsing, by
`api.middleware.RequestSizeLimitMiddleware`.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _deeper_than(value, limit: int) -> bool:
    """True if arrays and objects nest more than `limit` levels (iterative: no recursion)."""
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        children = current.values() if isinstance(current, dict) else current
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.IKO_MAX_JSON_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {limit} levels deep.") from None
        if _deeper_than(data, limit):
            raise ParseError(f"JSON parse error - nested more than {limit} levels deep.")
        return data
