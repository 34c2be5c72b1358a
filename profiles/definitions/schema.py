"""The JSON Schema of a profile's output, so clients can build widgets against it.

Derived from the relation tree: each relation's release fields become nested object
properties, list operations become arrays, child relations become properties of their parent's
items. Where a JQ transform reshapes data, the schema says so and stops there: a transform can
output any shape, so IKO does not guess it.
"""

from __future__ import annotations

from typing import Any

from connectors.registry import Registry

from profiles.definitions.models import Profile, Relation

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


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


def _relation_schema(relation: Relation, children: dict[int, list[Relation]], registry: Registry) -> dict[str, Any]:
    source = relation.source
    connector = registry[source.connector] if source.connector in registry else None
    operation = source.operations.get(relation.operation) if connector else None
    item = _object_from_paths(relation.allowed_release_fields)
    for child in children.get(relation.pk, []):
        item["properties"][child.name] = _relation_schema(child, children, registry)
    batch = bool(relation.input_expression.strip()) and relation.input_expression.strip().startswith("[")
    shape = {"type": "array", "items": item} if (operation and operation.many) or batch else item
    title = f"{relation.name}: {connector.title if connector else source.connector} {relation.operation}"
    if relation.output_transform.strip():
        return {"title": title, "description": f"Shaped by the JQ transform: {relation.output_transform.strip()}"}
    return {"title": title, "anyOf": [shape, {"type": "null"}],
            "description": "null when the call failed or found nothing; see the view's relations."}


def profile_output_schema(profile: Profile, *, registry: Registry) -> dict[str, Any]:
    children: dict[int, list[Relation]] = {}
    roots = []
    for relation in profile.relations.select_related("source").order_by("order", "name"):
        if relation.parent_id:
            children.setdefault(relation.parent_id, []).append(relation)
        else:
            roots.append(relation)
    data: dict[str, Any] = {"type": "object", "properties": {
        r.name: _relation_schema(r, children, registry) for r in roots
    }}
    if profile.output_transform.strip():
        data = {"description": f"Shaped by the profile's JQ transform: {profile.output_transform.strip()}"}
    return {
        "$schema": JSON_SCHEMA,
        "title": f"View of profile {profile.name} (version {profile.version})",
        "type": "object",
        "properties": {"data": data},
    }



def _path_tree(paths: list[str]) -> dict[str, Any]:
    """Nested names of the paths; True where a path ends (everything below is kept)."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        parts = [p for p in path.split(".") if p]
        for index, part in enumerate(parts):
            if node.get(part) is True:
                break  # a shorter path already keeps everything below it
            if index == len(parts) - 1:
                node[part] = True
            else:
                node = node.setdefault(part, {})
    return tree


def _narrow(node: dict[str, Any], tree: dict[str, Any] | bool) -> dict[str, Any]:
    if tree is True:
        return node
    if "anyOf" in node:
        return {**node, "anyOf": [n if n.get("type") == "null" else _narrow(n, tree) for n in node["anyOf"]]}
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return {**node, "items": _narrow(node["items"], tree)}
    if isinstance(node.get("properties"), dict):
        return {**node, "properties": {name: _narrow(sub, tree[name])
                                       for name, sub in node["properties"].items() if name in tree}}
    return node  # shaped by a transform: its shape is unknown; the view itself is cut at run time


def schema_narrow(schema: dict[str, Any], paths: list[str] | tuple[str, ...] | None) -> dict[str, Any]:
    """The data schema with only what these grant paths (dot paths into the view data) release;
    `None` (a grant that is not narrowed) keeps it whole. A part shaped by a JQ transform keeps its
    description, since its shape is not known (the view itself is cut to the paths)."""
    if paths is None:
        return schema
    return _narrow(schema, _path_tree(list(paths)))
