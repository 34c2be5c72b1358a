"""The fields the Objects API 2.x can deliver for an `Object`, and their names in `fields=`.

Derived from the `Object` and `ObjectRecord` schemas of the Objects API 2.7.0 spec
(tests/specs/objecten/openapi.yaml). What sits inside `record.data` depends on the
objecttype's JSON schema, so `record.data` is offered as one field. The API selects fields with a
comma-separated `fields` query parameter that writes nesting with double underscores
(`record__startAt`); a name that is absent from an object makes the API answer 400, so only
properties every object has are asked for by name.
"""

from __future__ import annotations

OBJECT_FIELDS: tuple[str, ...] = (
    "url",
    "uuid",
    "type",
    "record.index",
    "record.typeVersion",
    "record.data",
    "record.startAt",
    "record.endAt",
    "record.registrationAt",
)

# What `objecten_in_pand` (pand.py) can deliver: the same, and where the object lies. Only there:
# its search answers whole objects, and each one it keeps has a geometry (the list operations ask
# with `fields=`, where a geometry missing from one object would make the API answer 400).
GEOMETRY_OBJECT_FIELDS: tuple[str, ...] = (*OBJECT_FIELDS, "record.geometry")


def api_field_name(path: str) -> str:
    """`record.startAt` -> `record__startAt`, the notation of the API's `fields` parameter."""
    return path.replace(".", "__")


def fields_to_request(allowed: tuple[str, ...], data_attribute: str) -> list[str]:
    """The `fields` to ask for: the allowed declared ones, plus what the ownership check needs.

    The object's `type` and the subject's data attribute are always asked for, so every object
    can be checked to be of the configured objecttype and about the subject. When `record.data` as
    a whole is not allowed, only the data attribute is asked for, not the rest of the data.
    """
    wanted = [path for path in OBJECT_FIELDS if path in allowed]
    if "type" not in wanted:
        wanted.insert(0, "type")
    names = [api_field_name(path) for path in wanted]
    if "record.data" not in wanted:
        names.append(api_field_name(f"record.data.{data_attribute}"))
    return names
