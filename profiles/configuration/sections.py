"""Sections that an installed app adds to the configuration document, after the core sections.

An app with configuration of its own (regelingen and their prefill attributes, for one) registers
its sections from its `AppConfig.ready` with `configuration_sections_register`: their names, a
function that exports them as plain data, and one that imports them. The configuration package so
depends on no app above it, and a document that names the sections of an app that is not
installed is refused like any unknown section.

The import function is called with the running import (importer.py) and the whole document,
after the core sections (so the profiles, purposes and sources it refers to exist by then) and
in the same transaction. The running import's helpers validate, save and report exactly as for
the core sections: `shape` (an item's name, after checking its keys), `ref` (an object a
reference names), `diff`, `record`, `save` and `flat`, with `problems` collecting every problem
with its place in the document. Export output follows the core sections, in registration order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class ExtraSections:
    names: tuple[str, ...]
    # (organisation_id=...): the sections of that organisation only (None: the default one).
    export: Callable[..., dict[str, list[dict[str, Any]]]]
    # (the running import, the whole document): imports every section in `names`.
    import_document: Callable[[Any, dict[str, Any]], None]


_registered: dict[tuple[str, ...], ExtraSections] = {}


def configuration_sections_register(*, names: tuple[str, ...],
                                    export: Callable[..., dict[str, list[dict[str, Any]]]],
                                    import_document: Callable[[Any, dict[str, Any]], None]) -> None:
    """Add sections to the document (once per set of names: registering again replaces them)."""
    _registered[tuple(names)] = ExtraSections(tuple(names), export, import_document)


def extra_sections() -> tuple[ExtraSections, ...]:
    """The registered sections, in registration order."""
    return tuple(_registered.values())


def extra_section_names() -> tuple[str, ...]:
    return tuple(name for extra in _registered.values() for name in extra.names)
