"""Profiles as portable documents (JSON or YAML), and draft revisions built on the same format.

An exported profile names its sources by their stable name, so a file made on a test
environment imports on production where those sources exist. Importing validates every
relation as the admin does and replaces the profile's tree in one transaction. A draft revision
is a copy of a live profile that an admin edits and previews; publishing it copies it over the
live profile (same name, same grants, version + 1).
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from connectors.models import Source

from .models import Profile, Relation

FORMAT_VERSION = 1
PROFILE_KEYS = {"name": "name", "title": "title", "description": "description",
                "subjectTypes": "subject_types", "status": "status", "outputTransform": "output_transform"}
RELATION_KEYS = {"name": "name", "operation": "operation", "inputExpression": "input_expression",
                 "outputTransform": "output_transform", "fields": "fields", "releaseFields": "release_fields",
                 "maxCalls": "max_calls", "required": "required", "order": "order"}


def _relation_to_dict(relation: Relation, children: dict[int | None, list[Relation]]) -> dict[str, Any]:
    data = {key: getattr(relation, attr) for key, attr in RELATION_KEYS.items()}
    data["source"] = relation.source.name
    data["relations"] = [_relation_to_dict(c, children) for c in children.get(relation.pk, [])]
    return data


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    children: dict[int | None, list[Relation]] = {}
    for relation in profile.relations.select_related("source").order_by("order", "name"):
        children.setdefault(relation.parent_id, []).append(relation)
    data = {key: getattr(profile, attr) for key, attr in PROFILE_KEYS.items()}
    data["status"] = str(profile.status)  # a TextChoices member until the row is reloaded
    data["relations"] = [_relation_to_dict(r, children) for r in children.get(None, [])]
    return {"formatVersion": FORMAT_VERSION, "profile": data}


def profile_export(profile: Profile, *, fmt: str = "yaml") -> str:
    document = profile_to_dict(profile)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _create_relations(profile: Profile, items: list[dict], parent: Relation | None, path: str) -> None:
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(f"{where}: a relation must be a mapping.")
        unknown = set(item) - set(RELATION_KEYS) - {"source", "relations"}
        if unknown:
            raise ValidationError(f"{where}: unknown keys {sorted(unknown)}.")
        source = Source.objects.filter(name=item.get("source")).first()
        if source is None:
            raise ValidationError(f"{where}: there is no source named {item.get('source')!r} here.")
        relation = Relation(profile=profile, parent=parent, source=source)
        for key, attr in RELATION_KEYS.items():
            if key in item:
                setattr(relation, attr, item[key] if item[key] is not None else "")
        try:
            relation.full_clean(exclude=["profile", "parent", "source"])
        except ValidationError as exc:
            raise ValidationError(f"{where} ({relation.name}): {'; '.join(_messages(exc))}") from None
        relation.save()
        _create_relations(profile, item.get("relations") or [], relation, f"{where}.relations")


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return exc.messages


def _apply(profile: Profile, data: dict[str, Any]) -> Profile:
    for key, attr in PROFILE_KEYS.items():
        if key in data and key != "name":
            setattr(profile, attr, data[key])
    try:
        profile.full_clean(exclude=["name"] if profile.draft_of_id else None, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(f"profile: {'; '.join(_messages(exc))}") from None
    profile.save()
    profile.relations.all().delete()
    _create_relations(profile, data.get("relations") or [], None, "relations")
    return profile


def parse_document(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)  # YAML is a superset of JSON: one parser for both
    except yaml.YAMLError as exc:
        raise ValidationError(f"Not valid JSON or YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("profile"), dict):
        raise ValidationError("The document needs a 'profile' mapping.")
    if document.get("formatVersion") != FORMAT_VERSION:
        raise ValidationError(f"Unsupported formatVersion {document.get('formatVersion')!r}; expected {FORMAT_VERSION}.")
    return document["profile"]


@transaction.atomic
def profile_import(text: str) -> Profile:
    """Create or replace the live profile named in the document."""
    data = parse_document(text)
    name = data.get("name")
    profile = Profile.objects.filter(name=name, draft_of__isnull=True).first() or Profile(name=name)
    return _apply(profile, data)


@transaction.atomic
def profile_draft_create(profile: Profile) -> Profile:
    """A draft revision of a live profile, with a copy of its tree, for editing and previewing."""
    data = profile_to_dict(profile)["profile"]
    data["status"] = Profile.Status.DRAFT
    draft = Profile(name=profile.name, draft_of=profile)
    return _apply(draft, data)


@transaction.atomic
def profile_draft_publish(draft: Profile) -> Profile:
    """Copy a draft over its live profile (keeping the live profile's status and grants)."""
    live = Profile.objects.select_for_update().get(pk=draft.draft_of_id)
    data = profile_to_dict(draft)["profile"]
    data["status"] = live.status
    _apply(live, data)
    draft.delete()
    return live
