"""The registry of connector plugins, keyed by their stable id.

Plugins register themselves with `@register("brp")` when their app's `ready()` imports them.
The runner and the services take a `Registry` as a parameter, so tests can use a fresh one.
"""

from __future__ import annotations

from typing import Callable, Iterator

from .base import Connector


class Registry:
    def __init__(self) -> None:
        self._connectors: dict[str, type[Connector]] = {}

    def __call__(self, connector_id: str) -> Callable[[type[Connector]], type[Connector]]:
        def decorator(cls: type[Connector]) -> type[Connector]:
            if connector_id in self._connectors:
                raise ValueError(f"A connector with id {connector_id!r} is already registered.")
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
