"""Contract-test helpers: validate JSON against the schemas of a vendored OpenAPI 3.1 spec
(tests/specs/, found through `tests.contracts.spec_path`) with `jsonschema` (Draft 2020-12) and a
`referencing` registry.

OpenAPI's ``discriminator`` is no JSON Schema keyword, so validating against a base schema such
as `AbstractDatum` would not check the subtype (`VolledigeDatum`, ...). `SpecValidator` adds,
for each base with a discriminator mapping, a ``<Base>__poly`` schema that requires a known
``type`` and applies the mapped subtype, and points every use of the base (not the ``allOf``
inheritance of the subtypes themselves) at it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:iko:spec"


def _with_polymorphism(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    prefix = "#/components/schemas/"
    bases = {
        name: schema["discriminator"]
        for name, schema in schemas.items()
        if isinstance(schema, dict) and "mapping" in schema.get("discriminator", {})
    }

    def rewrite(node: Any, inherited: bool = False) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if not inherited and ref.startswith(prefix) and ref[len(prefix):] in bases:
                node["$ref"] = ref + "__poly"
            for key, value in node.items():
                if key == "allOf" and isinstance(value, list):
                    for item in value:
                        rewrite(item, inherited=True)
                else:
                    rewrite(value)
        elif isinstance(node, list):
            for item in node:
                rewrite(item)

    rewrite(schemas)
    for name, discriminator in bases.items():
        prop = discriminator["propertyName"]
        mapping = discriminator["mapping"]
        schemas[f"{name}__poly"] = {
            "$ref": prefix + name,
            "required": [prop],
            "properties": {prop: {"enum": list(mapping)}},
            "allOf": [
                {"if": {"properties": {prop: {"const": value}}}, "then": {"$ref": target}}
                for value, target in mapping.items()
            ],
        }
    return spec


class SpecValidator:
    """Validates instances against ``#/components/schemas/<name>`` of one OpenAPI document."""

    def __init__(self, spec_path: Path) -> None:
        with open(spec_path, encoding="utf-8") as handle:
            self.raw_spec = yaml.safe_load(handle)
        self.spec = _with_polymorphism(self.raw_spec)
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def schema_names(self) -> set[str]:
        return set(self.spec["components"]["schemas"])

    def validator(self, schema_name: str) -> Draft202012Validator:
        """Validator for a schema; a discriminated base is checked as its mapped subtype."""
        if schema_name not in self._validators:
            schemas = self.spec["components"]["schemas"]
            if schema_name not in schemas:
                raise KeyError(schema_name)
            target = f"{schema_name}__poly" if f"{schema_name}__poly" in schemas else schema_name
            self._validators[schema_name] = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#/components/schemas/{target}"},
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[schema_name]

    def iter_errors(self, instance: Any, schema_name: str) -> Iterator[ValidationError]:
        return self.validator(schema_name).iter_errors(instance)

    def errors(self, instance: Any, schema_name: str) -> list[str]:
        """Readable validation errors (path: message), empty when valid."""
        return sorted(describe(error) for error in self.iter_errors(instance, schema_name))


def describe(error: ValidationError) -> str:
    return f"{'/'.join(map(str, error.absolute_path))}: {error.message}"


def property_paths(spec: dict[str, Any], schema_name: str, skip: tuple[str, ...] = ()) -> set[str]:
    """All dot paths of a schema's properties, through ``$ref``, ``allOf``, array ``items`` and
    the subtypes of a discriminator (as a client could ask for them in a ``fields`` list)."""
    schemas = spec["components"]["schemas"]

    def properties(schema: dict[str, Any], seen: frozenset[str]) -> dict[str, list[dict[str, Any]]]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return {} if name in seen else properties(schemas[name], seen | {name})
        found: dict[str, list[dict[str, Any]]] = {}
        parts = [*schema.get("allOf", []), *([schema["items"]] if "items" in schema else [])]
        for ref in schema.get("discriminator", {}).get("mapping", {}).values():
            parts.append({"$ref": ref})
        for part in parts:
            for key, subs in properties(part, seen).items():
                found.setdefault(key, []).extend(subs)
        for key, sub in schema.get("properties", {}).items():
            found.setdefault(key, []).append(sub)
        return found

    def walk(schema: dict[str, Any], prefix: str, seen: frozenset[str]) -> set[str]:
        paths: set[str] = set()
        for key, subs in properties(schema, seen).items():
            if key in skip:
                continue
            paths.add(prefix + key)
            for sub in subs:
                paths |= walk(sub, f"{prefix}{key}.", seen)
        return paths

    return walk(schemas[schema_name], "", frozenset({schema_name}))
