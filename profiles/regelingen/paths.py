"""Dot paths of a view's data: where each relation sits, which relations a path reads, and the
paths two narrowings both allow.

A path names a property and everything below it (`persoon.inkomens` is every income, with all its
fields), as everywhere in IKO (profiles/definitions/fields.py). Relations sit at the path of their
parents' names: `persoon.inkomens` is the relation `inkomens` under `persoon`.
"""

from __future__ import annotations

from typing import Iterable

from profiles.definitions.jq_paths import WHOLE_VIEW


def covered(path: str, allowed: Iterable[str]) -> bool:
    """Whether `allowed` includes the whole of `path` (the path itself or one above it)."""
    return any(path == a or path.startswith(a + ".") for a in allowed)


def relation_paths(profile) -> dict[str, str]:
    """Relation name -> its path in the view; `profile.relations` may be prefetched."""
    relations = list(profile.relations.all())
    by_id = {r.pk: r for r in relations}
    paths: dict[int, str] = {}

    def path_of(relation) -> str:
        if relation.pk not in paths:
            parent = by_id.get(relation.parent_id)
            paths[relation.pk] = f"{path_of(parent)}.{relation.name}" if parent else relation.name
        return paths[relation.pk]

    return {r.name: path_of(r) for r in relations}


def relations_read(fields: Iterable[str], paths: dict[str, str], *, transformed: bool) -> frozenset[str]:
    """The relations whose data the fields come from: the relation a field lies in and every
    relation above it (a failed parent means no child data), or below it when the field names
    a relation as a whole. With a profile output transform the view's shape is the transform's:
    every relation counts."""
    fields = list(fields)
    if transformed or WHOLE_VIEW in fields:
        return frozenset(paths)
    found = set()
    for name, path in paths.items():
        if any(f == path or f.startswith(path + ".") or path.startswith(f + ".") for f in fields):
            found.add(name)
    return frozenset(found)


def relation_of(path: str, paths: dict[str, str]) -> str | None:
    """The deepest relation a field path lies in, or None."""
    best = None
    for name, relation_path in paths.items():
        if covered(path, [relation_path]) and (best is None or len(relation_path) > len(paths[best])):
            best = name
    return best


def paths_intersect(wanted: Iterable[str], allowed: Iterable[str] | None) -> tuple[str, ...] | None:
    """The paths both allow: a wanted path inside an allowed one, or an allowed path inside a
    wanted one. `allowed` None allows everything; None back means everything (the whole view
    wanted, and everything allowed)."""
    wanted = list(dict.fromkeys(wanted))
    if WHOLE_VIEW in wanted:
        return None if allowed is None else tuple(allowed)
    if allowed is None:
        return tuple(wanted)
    allowed = list(allowed)
    both = [w for w in wanted if covered(w, allowed)]
    both += [a for a in allowed if covered(a, wanted) and not covered(a, both)]
    return tuple(dict.fromkeys(both))
