"""The orjson renderer writes the same bytes as DRF's JSON renderer."""

from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from api.renderers import FastJSONRenderer

SAMPLE = {
    "profile": "klantbeeld",
    "generatedAt": "2026-12-07T16:50:07.008564+00:00",
    "naam": "Zoë d'Ancona \u2028 \u2029 “quoted” \\ / \t",
    "when": datetime(2026, 12, 7, 16, 50, 7, 8564, tzinfo=timezone.utc),
    "day": date(2026, 12, 7),
    "bedrag": Decimal("1234.50"),
    "id": UUID("4bf92f35-77b3-4da6-a3ce-929d0e0e4736"),
    "title": gettext_lazy("Not found"),
    "numbers": [1, -2, 3.25, 1e20, True, False, None],
    "nested": {"a": [{"b": {}}], "1": ()},
}


def test_the_same_bytes_as_drfs_json_renderer(monkeypatch):
    expected = JSONRenderer().render(SAMPLE)
    monkeypatch.setattr(JSONRenderer, "render", lambda *args, **kwargs: b"not this")  # no fallback
    assert FastJSONRenderer().render(SAMPLE) == expected


def test_what_orjson_cannot_write_falls_back_to_drf():
    data = {"big": 2**70, "set": {1}}
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_an_indent_asked_for_is_drfs_pretty_print():
    rendered = FastJSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert rendered == JSONRenderer().render({"a": [1]}, "application/json; indent=2") == b'{\n  "a": [\n    1\n  ]\n}'
