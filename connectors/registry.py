"""The registry of connector plugins, keyed by their stable id.

Plugins register themselves with `@register("brp")` when their app's `ready()` imports them.
The runner and the services take a `Registry` as a parameter, so tests can use a fresh one.

Registering checks the plugin's declaration, so that a mistake fails at start-up with a message
that names it instead of surfacing later as a misconfigured relation: an id that is a slug short
enough for `Source.connector`, a title, a `Connector` subclass with an `Options` class, and
operations whose keys equal their names, with unique fields, markers among the fields, and a
parameter schema for parameters the operation declares only.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from .base import CONNECTOR_ID_MAX_LENGTH, Connector, Operation
from .options import Options

CONNECTOR_ID = re.compile(r"[a-z][a-z0-9_-]*")


class RegistrationError(ValueError):
    """A plugin's declaration is wrong; the message says what to change."""


def operation_problems(key: str, operation: Operation) -> list[str]:
    """What is wrong with one declared operation ([] when nothing is)."""
    problems = []
    if not isinstance(operation, Operation):
        return [f"operations[{key!r}] is not an Operation."]
    if key != operation.name:
        problems.append(f"operations[{key!r}] is named {operation.name!r}; the key must equal the name.")
    duplicates = sorted({f for f in operation.fields if operation.fields.count(f) > 1})
    if duplicates:
        problems.append(f"operation {key!r} lists fields more than once: {', '.join(duplicates)}.")
    stray_markers = [m for m in operation.markers if m not in operation.fields]
    if stray_markers:
        problems.append(f"operation {key!r} has markers that are not among its fields: {', '.join(stray_markers)}.")
    accepted = {*operation.subject_types, *operation.params}
    stray = [p.name for p in operation.parameters if p.name not in accepted]
    if stray:
        problems.append(
            f"operation {key!r} describes parameters it does not take: {', '.join(stray)} "
            "(list them in params or subject_types)."
        )
    return problems


def declaration_problems(connector_id: str, cls: type) -> list[str]:
    """What is wrong with a plugin class registered under `connector_id` ([] when nothing is)."""
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        return [f"{cls!r} is not a subclass of connectors.base.Connector."]
    problems = []
    if not isinstance(connector_id, str) or not CONNECTOR_ID.fullmatch(connector_id):
        problems.append(f"the id {connector_id!r} must be lower-case letters, digits, - or _, starting with a letter.")
    elif len(connector_id) > CONNECTOR_ID_MAX_LENGTH:
        problems.append(f"the id {connector_id!r} is longer than {CONNECTOR_ID_MAX_LENGTH} characters (Source.connector).")
    title = getattr(cls, "title", None)
    if not isinstance(title, str) or not title.strip():
        problems.append("set `title`: the name admins see.")
    options_class = getattr(cls, "options_class", None)
    if not (isinstance(options_class, type) and issubclass(options_class, Options)):
        problems.append("`options_class` must be a subclass of connectors.options.Options.")
    operations = getattr(cls, "operations", None)
    if not hasattr(operations, "items"):
        problems.append("`operations` must be a mapping of name to Operation.")
    else:
        for key, operation in operations.items():
            problems.extend(operation_problems(key, operation))
    return problems


class Registry:
    def __init__(self) -> None:
        self._connectors: dict[str, type[Connector]] = {}

    def __call__(self, connector_id: str) -> Callable[[type[Connector]], type[Connector]]:
        def decorator(cls: type[Connector]) -> type[Connector]:
            if connector_id in self._connectors:
                raise RegistrationError(f"A connector with id {connector_id!r} is already registered.")
            problems = declaration_problems(connector_id, cls)
            if problems:
                name = getattr(cls, "__name__", repr(cls))
                raise RegistrationError(f"Connector {name} ({connector_id!r}) cannot be registered: " + " ".join(problems))
            cls.id = connector_id
            self._connectors[connector_id] = cls
            return cls

        return decorator

    def __getitem__(self, connector_id: str) -> type[Connector]:
        return self._connectors[connector_id]

    def __contains__(self, connector_id: str) -> bool:
        return connector_id in self._connectors

    def __iter__(self) -> Iterator[type[Connector]]:
        return iter(self._connectors.values())

    def choices(self) -> list[tuple[str, str]]:
        return sorted((cid, cls.title) for cid, cls in self._connectors.items())


registry = Registry()
register = registry
