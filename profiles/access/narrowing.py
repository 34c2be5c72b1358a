"""Field narrowing: which paths of a view a profile releases, and a grant's narrower share of them.

A grant may release fewer fields than its profile. These functions compare a grant's paths with
the profile's relation tree (used when a grant is saved, and to report what was withheld) and cut
a view's plan down so that no source is asked for what the grant does not release: a narrowed
relation asks its source for the released fields plus only those that the input expressions of
its surviving child relations read (derived from their JQ paths, profiles/definitions/jq_paths.py;
an expression that reads its whole input, or that module cannot follow, keeps every field the
relation asks for). They read only
the profile's relations, so the Grant model itself can use them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from profiles.definitions.jq_paths import WHOLE_VIEW, expression_read_paths


def _covered(path: str, allowed: Iterable[str]) -> bool:
    return any(path == a or path.startswith(a + ".") for a in allowed)


def _relation_paths(profile) -> list[tuple[str, Any]]:
    """(view path, relation) for every relation of the profile, parents before children."""
    relations = list(profile.relations.all())
    by_id = {r.pk: r for r in relations}
    paths: dict[int, str] = {}

    def path_of(relation) -> str:
        if relation.pk not in paths:
            parent = by_id.get(relation.parent_id)
            paths[relation.pk] = f"{path_of(parent)}.{relation.name}" if parent else relation.name
        return paths[relation.pk]

    return sorted(((path_of(r), r) for r in relations), key=lambda item: item[0].count("."))


def profile_release_paths(profile) -> list[str]:
    """The paths of a view's data the profile may release: relation name plus release field."""
    released: list[str] = []
    for path, relation in _relation_paths(profile):
        released.extend(f"{path}.{field}" for field in relation.allowed_release_fields)
    return released


def grant_fields_outside_profile(*, profile, fields: Iterable[str]) -> list[str]:
    """The grant paths that name nothing the profile releases (empty: all fine).

    A path may name a relation (all of it), a released field or a part of it, or a path above
    released fields. Below a relation with an output transform, and with a profile transform,
    the shape is the transform's, so IKO cannot check it here; the view applies it anyway.
    """
    if profile.output_transform.strip():
        return []
    relation_paths = _relation_paths(profile)
    released = profile_release_paths(profile)
    transformed = [path for path, relation in relation_paths if relation.output_transform.strip()]
    names = [path for path, _ in relation_paths]
    outside = []
    for field in fields:
        field = field.strip()
        if (
            _covered(field, released)
            or _covered(field, transformed)
            or any(p.startswith(field + ".") for p in released)
            or field in names
        ):
            continue
        outside.append(field)
    return outside


def grant_withheld_paths(*, profile, fields: Iterable[str]) -> list[str]:
    """The profile's release paths a narrowed grant does not release in full (names only)."""
    if profile.output_transform.strip():
        return []  # the view's paths are the transform's: see the view's own comparison
    fields = list(fields)
    return [path for path in profile_release_paths(profile) if not _covered(path, fields)]


def plan_marker_paths(roots: list, prefix: str = "") -> list[str]:
    """The view paths of the markers the plan's relations pass on (`RelationPlan.markers`): a
    narrowed grant's final cut keeps them, since a profile that passes markers on does so
    whatever else is released."""
    paths: list[str] = []
    for plan in roots:
        path = f"{prefix}{plan.name}"
        paths.extend(f"{path}.{marker}" for marker in getattr(plan, "markers", ()))
        paths.extend(plan_marker_paths(plan.children, f"{path}."))
    return paths


def plan_narrow(roots: list, fields: Iterable[str] | None) -> list:
    """The relation plans a narrowed grant needs: fewer fields asked and released, and no call at
    all to a relation none of whose fields (or children's) the grant allows.

    Returns new plan objects: the given plans may be cached and shared, so they are not changed.
    """
    if fields is None:
        return roots
    fields = [f.strip() for f in fields if f.strip()]
    return [p for p in (_plan_narrow(plan, plan.name, fields) for plan in roots) if p is not None]


def _plan_narrow(plan, path: str, fields: list[str]):
    if _covered(path, fields):
        return plan  # the grant names this relation (or above it): all of it
    below = [f[len(path) + 1:] for f in fields if f.startswith(path + ".")]
    if not below:
        return None  # nothing of this relation or its children is granted: no call at all
    if plan.output_transform:
        return plan  # the paths name the transform's output; the view's final filter applies
    children = [
        c for c in (_plan_narrow(child, f"{path}.{child.name}", fields) for child in plan.children)
        if c is not None
    ]
    child_names = {child.name for child in plan.children}
    own = [b for b in below if b.split(".")[0] not in child_names]
    release = tuple(dict.fromkeys(
        [b for b in own if _covered(b, plan.release_fields)]
        + [r for r in plan.release_fields if _covered(r, own)]
    ))
    if not release and not children:
        return None
    needed = list(release)
    for child in children:
        read = expression_read_paths(child.input_expression) if child.input_expression else ()
        if WHOLE_VIEW in read:
            needed = None  # the child's input may read any field: ask for all of them
            break
        needed.extend(read)
    if needed is None:
        asked = plan.fields
    else:
        # The released fields, and those the surviving children's input expressions read.
        asked = tuple(f for f in plan.fields if _covered(f, needed) or any(n.startswith(f + ".") for n in needed))
    return dataclasses.replace(plan, fields=asked, release_fields=release, children=children)
