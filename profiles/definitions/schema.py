"""The JSON Schema of a profile's output, so clients can build widgets against it.

Derived from the relation tree: each relation's release fields become nested object
properties, list operations become arrays, child relations become properties of their parent's
items. Where a JQ transform reshapes data, the schema says so and stops there: a transform can
output any shape, so IKO does not guess it.

For a caller whose grants narrow the profile (`fields`: the paths they release), the schema
holds only what those grants release, as a view narrowed to them would: relations they do not
touch are left out, and a transform's text (which names the fields it reads) is not shown.
"""

from __future__ import annotations

from typing import Any, Iterable

from connectors.registry import Registry

from profiles.definitions.models import Profile, Relation

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def _covered(path: str, allowed: Iterable[str]) -> bool:
    return any(path == a or path.startswith(a + ".") for a in allowed)


def _object_from_paths(paths: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    for path in paths:
        node = schema
        parts = path.split(".")
        for i, part in enumerate(parts):
            properties = node.setdefault("properties", {})
            if i == len(parts) - 1:
                properties.setdefault(part, {"description": f"Source field {path}."})
            else:
                node = properties.setdefault(part, {"type": "object", "properties": {}})
    return schema


def _released(relation: Relation, path: str, child_names: set[str], fields: list[str] | None) -> list[str] | None:
    """The release fields of the relation at view path `path` that `fields` leave (None: the
    relation is not touched at all)."""
    release = list(relation.allowed_release_fields)
    if fields is None or _covered(path, fields):
        return release
    below = [f[len(path) + 1:] for f in fields if f.startswith(path + ".")]
    if not below:
        return None
    own = [b for b in below if b.split(".")[0] not in child_names]
    return list(dict.fromkeys([b for b in own if _covered(b, release)] + [r for r in release if _covered(r, own)]))


def _markers(relation: Relation, operation, release: list[str]) -> list[str]:
    """The markers a profile that passes them on adds to this relation's released data."""
    if operation is None or not relation.profile.always_pass_markers or not release:
        return []
    return [m for m in operation.markers
            if "." not in m or any(r == m.rsplit(".", 1)[0] or r.startswith(m.rsplit(".", 1)[0] + ".") for r in release)]


def _relation_schema(relation: Relation, path: str, children: dict[int, list[Relation]], registry: Registry,
                     fields: list[str] | None) -> dict[str, Any] | None:
    source = relation.source
    connector = registry[source.connector] if source.connector in registry else None
    operation = source.operations.get(relation.operation) if connector else None
    kids = children.get(relation.pk, [])
    release = _released(relation, path, {c.name for c in kids}, fields)
    if release is None:
        return None
    title = f"{relation.name}: {connector.title if connector else source.connector} {relation.operation}"
    if relation.output_transform.strip():
        shaped = "Shaped by a JQ transform." if fields is not None else (
            f"Shaped by the JQ transform: {relation.output_transform.strip()}")
        return {"title": title, "description": shaped}
    item = _object_from_paths(release + _markers(relation, operation, release))
    for child in kids:
        child_schema = _relation_schema(child, f"{path}.{child.name}", children, registry, fields)
        if child_schema is not None:
            item["properties"][child.name] = child_schema
    if not release and not item["properties"]:
        return None
    batch = bool(relation.input_expression.strip()) and relation.input_expression.strip().startswith("[")
    shape = {"type": "array", "items": item} if (operation and operation.many) or batch else item
    return {"title": title, "anyOf": [shape, {"type": "null"}],
            "description": "null when the call failed or found nothing; see the view's relations."}


def profile_output_schema(profile: Profile, *, registry: Registry, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The schema of the profile's view data; `fields`: the paths a narrowed caller's grants
    release (None: everything the profile releases)."""
    narrowed = None if fields is None else [f.strip() for f in fields if f.strip()]
    children: dict[int, list[Relation]] = {}
    roots = []
    for relation in profile.relations.select_related("source", "profile").order_by("order", "name"):
        if relation.parent_id:
            children.setdefault(relation.parent_id, []).append(relation)
        else:
            roots.append(relation)
    properties = {}
    for relation in roots:
        schema = _relation_schema(relation, relation.name, children, registry, narrowed)
        if schema is not None:
            properties[relation.name] = schema
    data: dict[str, Any] = {"type": "object", "properties": properties}
    if profile.output_transform.strip():
        data = {"description": "Shaped by the profile's JQ transform." if narrowed is not None else
                f"Shaped by the profile's JQ transform: {profile.output_transform.strip()}"}
    return {
        "$schema": JSON_SCHEMA,
        "title": f"View of profile {profile.name} (version {profile.version})",
        "type": "object",
        "properties": {"data": data},
    }
