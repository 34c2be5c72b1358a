"""Field minimisation: keep only the allowed dot paths of a source's answer.

A path names a property and everything below it (`naam` keeps the whole name, `naam.voornamen`
only the first names). Lists are walked element by element, so `partners.naam` keeps the name of
every partner. Whatever a source sends beyond the allowed paths never leaves IKO.
"""

from __future__ import annotations

from typing import Any, Iterable


def _path_tree(paths: Iterable[str]) -> dict:
    tree: dict = {}
    for path in paths:
        node = tree
        parts = [p for p in path.split(".") if p]
        for i, part in enumerate(parts):
            if node.get(part) is True:
                break  # a shorter path already allows the whole subtree
            if i == len(parts) - 1:
                node[part] = True
            else:
                node = node.setdefault(part, {})
    return tree


def _select(data: Any, tree: dict) -> Any:
    if isinstance(data, list):
        # Scalars in a list where the paths expect objects are not released at all.
        return [value for value in (_select(item, tree) for item in data) if value is not None]
    if not isinstance(data, dict):
        return None  # a scalar where the allowed paths expect an object: release nothing
    selected = {}
    for key, subtree in tree.items():
        if key not in data:
            continue
        if subtree is True:
            selected[key] = data[key]
        else:
            value = _select(data[key], subtree)
            if value not in (None, {}, []):
                selected[key] = value
    return selected


def select_fields(data: Any, paths: Iterable[str]) -> Any:
    return _select(data, _path_tree(paths))


def markers_pass_on(item: Any, released: Any, markers: Iterable[str]) -> Any:
    """`released` (what `select_fields` kept of `item`) with the markers `item` carries added back:
    a source's fields about the data itself, such as the BRP's `geheimhoudingPersoonsgegevens` or
    `inOnderzoek`. A top-level marker goes with any released item; a group's marker
    (`naam.inOnderzoek`) only where some of that group is released. Lists are walked element by
    element, as `select_fields` walks them."""
    for marker in markers:
        _marker_keep(item, released, [p for p in marker.split(".") if p])
    return released


def _marker_keep(source: Any, released: Any, parts: list[str]) -> None:
    if isinstance(source, list) and isinstance(released, list):
        kept = [s for s in source if isinstance(s, dict)]  # select_fields keeps the objects, in order
        if len(kept) == len(released):
            for one, into in zip(kept, released):
                _marker_keep(one, into, parts)
        return
    if not isinstance(source, dict) or not isinstance(released, dict) or not parts or parts[0] not in source:
        return
    head, rest = parts[0], parts[1:]
    if not rest:
        released.setdefault(head, source[head])
    elif head in released:
        _marker_keep(source[head], released[head], rest)


def released_paths(data: Any, prefix: str = "") -> list[str]:
    """The leaf paths present in released data: what the processing log records (names only)."""
    if isinstance(data, list):
        found: list[str] = []
        for item in data:
            found.extend(p for p in released_paths(item, prefix) if p not in found)
        return found
    if isinstance(data, dict):
        paths: list[str] = []
        for key, value in data.items():
            paths.extend(released_paths(value, f"{prefix}{key}."))
        return paths
    return [prefix.rstrip(".")] if prefix else []


def fields_within(allowed: Iterable[str], requested: Iterable[str]) -> list[str]:
    """The dot paths of `allowed` that a caller asked for in `requested`: an allowed path at or
    under a requested one (`naam` asks for `naam.volledigeNaam`), or a requested path under an
    allowed one (`naam` allowed, `naam.voornamen` asked: only that). Never more than `allowed`."""
    requested = [path for path in requested if path]
    kept: list[str] = []
    for path in allowed:
        for wanted in requested:
            if path == wanted or path.startswith(wanted + "."):
                choice = path
            elif wanted.startswith(path + "."):
                choice = wanted
            else:
                continue
            if choice not in kept:
                kept.append(choice)
    return kept
