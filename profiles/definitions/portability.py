"""Profiles as portable documents (JSON or YAML), and draft revisions built on the same format.

A document holds one profile: its own settings, its relation tree (`relations`) and its search
actions (`searchActions`). It names sources by their stable name, so a file made on a test
environment imports on production where those sources exist. Importing validates every relation
and search action as the admin does and replaces the profile's tree and search actions in one
transaction; a document without a `searchActions` key (written before profiles had them) leaves
the profile's search actions alone. A draft revision is a copy of a live profile, search actions
included, that an admin edits and previews; publishing it copies it over the live profile (same
name, same grants, version + 1).

`profile_to_dict` gives the tree without search actions unless asked: the whole-configuration
document (profiles/configuration/) carries search actions in a section of their own.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from connectors.models import Source

from profiles.definitions.models import Profile, Relation, SearchAction

FORMAT_VERSION = 1
PROFILE_KEYS = {"name": "name", "title": "title", "description": "description",
                "subjectTypes": "subject_types", "status": "status", "outputTransform": "output_transform",
                "alwaysPassMarkers": "always_pass_markers"}
RELATION_KEYS = {"name": "name", "operation": "operation", "inputExpression": "input_expression",
                 "outputTransform": "output_transform", "fields": "fields", "releaseFields": "release_fields",
                 "maxCalls": "max_calls", "required": "required", "order": "order",
                 "needsConsent": "needs_consent"}
SEARCH_ACTION_KEYS = {"name": "name", "title": "title", "description": "description", "operation": "operation",
                      "criteria": "criteria", "columns": "columns", "identifierColumn": "identifier_column",
                      "identifierType": "identifier_type", "brpDoelbinding": "brp_doelbinding",
                      "maxResults": "max_results", "order": "order"}


def _relation_to_dict(relation: Relation, children: dict[int | None, list[Relation]]) -> dict[str, Any]:
    data = {key: getattr(relation, attr) for key, attr in RELATION_KEYS.items()}
    data["source"] = relation.source.name
    data["relations"] = [_relation_to_dict(c, children) for c in children.get(relation.pk, [])]
    return data


def _search_action_to_dict(action: SearchAction) -> dict[str, Any]:
    data = {key: getattr(action, attr) for key, attr in SEARCH_ACTION_KEYS.items()}
    data["identifierType"] = str(action.identifier_type)  # a choice: plain text in the document
    data["source"] = action.source.name
    return data


def profile_to_dict(profile: Profile, *, search_actions: bool = False) -> dict[str, Any]:
    """The profile document; with `search_actions`, including the profile's search actions."""
    children: dict[int | None, list[Relation]] = {}
    for relation in profile.relations.select_related("source").order_by("order", "name"):
        children.setdefault(relation.parent_id, []).append(relation)
    data = {key: getattr(profile, attr) for key, attr in PROFILE_KEYS.items()}
    data["status"] = str(profile.status)  # a TextChoices member until the row is reloaded
    data["relations"] = [_relation_to_dict(r, children) for r in children.get(None, [])]
    if search_actions:
        data["searchActions"] = [
            _search_action_to_dict(a)
            for a in profile.search_actions.select_related("source").order_by("order", "name")
        ]
    return {"formatVersion": FORMAT_VERSION, "profile": data}


def profile_export(profile: Profile, *, fmt: str = "yaml") -> str:
    document = profile_to_dict(profile, search_actions=True)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _create_relations(profile: Profile, items: list[dict], parent: Relation | None, path: str) -> None:
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(gettext("%(where)s: a relation must be a mapping.") % {"where": where})
        unknown = set(item) - set(RELATION_KEYS) - {"source", "relations"}
        if unknown:
            raise ValidationError(gettext("%(where)s: unknown keys %(value1)s.") % {"where": where, "value1": sorted(unknown)})
        source = Source.objects.filter(name=item.get("source")).first()
        if source is None:
            raise ValidationError(gettext("%(where)s: there is no source named %(value1)r here.") % {"where": where, "value1": item.get('source')})
        relation = Relation(profile=profile, parent=parent, source=source)
        for key, attr in RELATION_KEYS.items():
            if key in item:
                setattr(relation, attr, item[key] if item[key] is not None else "")
        try:
            relation.full_clean(exclude=["profile", "parent", "source"])
        except ValidationError as exc:
            raise ValidationError(gettext("%(where)s (%(name)s): %(value1)s") % {"where": where, "name": relation.name, "value1": '; '.join(_messages(exc))}) from None
        relation.save()
        _create_relations(profile, item.get("relations") or [], relation, f"{where}.relations")


def _create_search_actions(profile: Profile, items: Any) -> None:
    if not isinstance(items, list):
        raise ValidationError(gettext("searchActions: must be a list of search actions."))
    names: set[str] = set()
    for index, item in enumerate(items):
        where = f"searchActions[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(gettext("%(where)s: a search action must be a mapping.") % {"where": where})
        unknown = set(item) - set(SEARCH_ACTION_KEYS) - {"source"}
        if unknown:
            raise ValidationError(gettext("%(where)s: unknown keys %(value1)s.") % {"where": where, "value1": sorted(unknown)})
        name = item.get("name")
        if name in names:
            raise ValidationError(gettext("%(where)s (%(name)s): the name is used twice in this profile.") % {"where": where, "name": name})
        names.add(name)
        source = Source.objects.filter(name=item.get("source")).first()
        if source is None:
            raise ValidationError(gettext("%(where)s: there is no source named %(value1)r here.") % {"where": where, "value1": item.get('source')})
        action = SearchAction(profile=profile, source=source)
        for key, attr in SEARCH_ACTION_KEYS.items():
            if item.get(key) is not None:  # null: the field's default
                setattr(action, attr, item[key])
        try:
            # Field types first: the model's clean compares numbers and reads lists.
            action.clean_fields(exclude=["profile", "source"])
            action.full_clean(exclude=["profile", "source"])
        except ValidationError as exc:
            raise ValidationError(gettext("%(where)s (%(name)s): %(value1)s") % {"where": where, "name": action.name, "value1": '; '.join(_messages(exc))}) from None
        action.save()


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
        raise ValidationError(gettext("profile: %(value1)s") % {"value1": '; '.join(_messages(exc))}) from None
    profile.save()
    profile.relations.all().delete()
    _create_relations(profile, data.get("relations") or [], None, "relations")
    if "searchActions" in data:
        profile.search_actions.all().delete()
        _create_search_actions(profile, data["searchActions"] or [])
    return profile


def parse_document(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)  # YAML is a superset of JSON: one parser for both
    except yaml.YAMLError as exc:
        raise ValidationError(gettext("Not valid JSON or YAML: %(exc)s") % {"exc": exc}) from None
    if not isinstance(document, dict) or not isinstance(document.get("profile"), dict):
        raise ValidationError(gettext("The document needs a 'profile' mapping."))
    if document.get("formatVersion") != FORMAT_VERSION:
        raise ValidationError(gettext("Unsupported formatVersion %(value1)r; expected %(FORMAT_VERSION)s.") % {"value1": document.get('formatVersion'), "FORMAT_VERSION": FORMAT_VERSION})
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
    """A draft revision of a live profile, with a copy of its tree and search actions, for editing
    and previewing."""
    data = profile_to_dict(profile, search_actions=True)["profile"]
    data["status"] = Profile.Status.DRAFT
    draft = Profile(name=profile.name, draft_of=profile)
    return _apply(draft, data)


@transaction.atomic
def profile_draft_publish(draft: Profile) -> Profile:
    """Copy a draft over its live profile, search actions included (keeping the live profile's
    status and grants)."""
    live = Profile.objects.select_for_update().get(pk=draft.draft_of_id)
    data = profile_to_dict(draft, search_actions=True)["profile"]
    data["status"] = live.status
    _apply(live, data)
    draft.delete()
    return live
