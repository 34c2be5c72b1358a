"""JSON rendering of API answers with orjson: the same bytes as DRF's JSONRenderer, faster.

DRF's renderer runs the standard library's encoder in Python; for a view answer of a few
kilobytes that is a noticeable part of the CPU a view costs. This renderer gives the same
output: compact, UTF-8 (not ASCII-escaped), datetimes, decimals, lazy translations and other
types through DRF's own encoder, and U+2028/U+2029 escaped as DRF does. What orjson cannot
write (an integer beyond 64 bits, say) and answers asked for with an indent (`; indent=4`) go to
DRF's renderer. One difference: a float that is not a number (NaN, infinity) becomes null,
where DRF's renderer would fail the answer.
"""

from __future__ import annotations

import orjson
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_drf_default = JSONEncoder().default


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        except (orjson.JSONEncodeError, TypeError):
            return super().render(data, accepted_media_type, renderer_context)
        return rendered.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
