"""JSON Pointers (RFC 6901) for the generic connector: where the list or the subject sits in an
answer, e.g. ``/results`` or ``/_embedded/items/0/bsn``.

Small and strict on purpose: a pointer is checked when the options are saved, and resolving one
never raises, it answers `MISSING` when the document has no such place.
"""

from __future__ import annotations

import re
from typing import Any

MISSING = object()
# RFC 6901: array indexes are decimal ASCII digits without leading zeros.
ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """The reference tokens of a pointer; ValueError with a readable message when invalid."""
    if not isinstance(pointer, str):
        raise ValueError("must be a string such as \"/results\"")
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON Pointer: it must start with \"/\", e.g. \"/results\"")
    tokens = []
    for raw in pointer[1:].split("/"):
        # "~" may only start the escapes "~0" (~) and "~1" (/).
        if "~" in raw.replace("~0", "").replace("~1", ""):
            raise ValueError(f"{pointer!r} has a \"~\" that is not part of \"~0\" or \"~1\"")
        tokens.append(raw.replace("~1", "/").replace("~0", "~"))
    return tuple(tokens)


def resolve(document: Any, tokens: tuple[str, ...]) -> Any:
    """The value at the parsed pointer, or `MISSING`."""
    node = document
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return MISSING
            node = node[token]
        elif isinstance(node, list):
            if not ARRAY_INDEX.fullmatch(token):
                return MISSING
            index = int(token)
            if index >= len(node):
                return MISSING
            node = node[index]
        else:
            return MISSING
    return node
