"""The data attribute of an Objecten source: the `data_attr` filter on it, and its value in an
object's `record.data` (Objects API 2.7.0).

A data attribute is a dotted path inside the objecttype's data (`eigenaar.bsn`); the API writes
nesting with double underscores, so the filter is `eigenaar__bsn__exact__<value>`.
"""

from __future__ import annotations

from typing import Any


def data_attr_filter(data_attribute: str, value: str) -> str:
    return "__".join([*data_attribute.split("."), "exact", value])


def value_at(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
