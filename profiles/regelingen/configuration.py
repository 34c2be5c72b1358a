"""The regelingen and prefill attributes in a setup_configuration file: the steps `iko_regelingen`
and `iko_prefill_attributes` (setup_configuration.py), after IKO's core steps.

    iko_regelingen_config_enable: true
    iko_regelingen:
      items:
      - name: bijzondere-bijstand
        title: Bijzondere bijstand
        profile: regelingen-toets          # by name, as everything in the file
        purpose: proactieve-dienstverlening
        criteria:                          # in order; a regeling holds when all of them do
        - text: U bent 18 jaar of ouder.
          expression: .persoon.leeftijd >= 18
    iko_prefill_attributes_config_enable: true
    iko_prefill_attributes:
      items:
      - {profile: aanvraagformulier, name: inkomen.brutoJaar, path: persoon.inkomen.brutoJaar, source: inkomensregister}

This module writes and applies their items with the running step's `ConfigurationRun`
(profiles/configuration/importer.py), whose helpers validate, save and report exactly as for the
core steps: every problem with its place in the file, nothing saved when there is one, nothing
saved when nothing changed. A regeling's criteria are replaced as a whole when they differ.
Nothing is deleted otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from connectors.models import Source
from profiles.access.models import Purpose
from profiles.configuration.document import configuration_objects, values_with_defaults
from profiles.definitions.models import Profile

from .models import Criterion, PrefillAttribute, Regeling

REGELING_KEYS = {
    "title": "title", "description": "description", "productUrl": "product_url", "uplCode": "upl_code",
    "needsConsent": "needs_consent", "enabled": "enabled", "order": "order",
}
CRITERION_KEYS = {"text": "text", "expression": "expression"}
PREFILL_KEYS = {"path": "path", "order": "order", "source": "source"}


# --- export ----------------------------------------------------------------------------------


def _regeling_to_dict(regeling: Regeling) -> dict[str, Any]:
    return {
        "name": regeling.name,
        **{key: getattr(regeling, attr) for key, attr in REGELING_KEYS.items()},
        "profile": regeling.profile.name,
        "purpose": regeling.purpose.code,
        "criteria": [{"text": c.text, "expression": c.expression} for c in regeling.criteria.all()],
    }


def _prefill_to_dict(attribute: PrefillAttribute) -> dict[str, Any]:
    return {"profile": attribute.profile.name, "name": attribute.name, "path": attribute.path,
            "source": attribute.source.name if attribute.source_id else None, "order": attribute.order}


def regelingen_export() -> list[dict[str, Any]]:
    regelingen = configuration_objects(Regeling).select_related("profile", "purpose").prefetch_related("criteria").order_by("name")
    return [_regeling_to_dict(r) for r in regelingen]


def prefill_attributes_export() -> list[dict[str, Any]]:
    attributes = configuration_objects(PrefillAttribute).select_related("profile", "source").order_by("profile__name", "order", "name")
    return [_prefill_to_dict(a) for a in attributes]


# --- import ----------------------------------------------------------------------------------


def _criteria_wanted(run, where: str, name: str, items: Any) -> list[tuple[str, str]] | None:
    if not isinstance(items, list) or not items:
        run.problems.append(f"{where} ({name}): give at least one criterion, as a list of {{text, expression}}.")
        return None
    wanted = []
    for index, item in enumerate(items):
        here = f"{where}.criteria[{index}] ({name})"
        if not isinstance(item, dict) or set(item) - set(CRITERION_KEYS):
            run.problems.append(f"{here}: a criterion is a mapping with text and expression only.")
            return None
        text, expression = item.get("text"), item.get("expression")
        if not isinstance(text, str) or not isinstance(expression, str):
            run.problems.append(f"{here}: text and expression are both texts.")
            return None
        wanted.append((text, expression.strip()))
    return wanted


def regeling_import(run, where: str, item: Any) -> None:
    name = run.shape(where, item, key="name", allowed={"name", "profile", "purpose", "criteria", *REGELING_KEYS})
    if name is None:
        return
    profile = run.ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
    purpose = run.ref(where, "purpose", "purposes", Purpose, code=item.get("purpose"))
    criteria = _criteria_wanted(run, where, name, item.get("criteria"))
    if profile is None or purpose is None or criteria is None:
        return
    keymap = {**REGELING_KEYS, "profile": "profile", "purpose": "purpose", "criteria": "criteria"}
    values = values_with_defaults(Regeling, item, REGELING_KEYS)
    values.update(profile=profile, purpose=purpose)
    regeling = configuration_objects(Regeling).filter(name=name).first()
    existing = regeling is not None
    changed = run.diff(regeling, values) if existing else list(values)
    if existing and [(c.text, c.expression) for c in regeling.criteria.all()] != criteria:
        changed.append("criteria")
    run.record("regeling", name, regeling if existing else None, changed, keymap)
    if existing and not changed:
        return
    regeling = regeling or Regeling(name=name)
    for attr, value in values.items():
        setattr(regeling, attr, value)
    run.save(where, "regelingen", name, regeling, keymap=keymap)
    if regeling.pk is None:
        return  # the database refused it; the problem is reported
    regeling.criteria.all().delete()
    for index, (text, expression) in enumerate(criteria):
        criterion = Criterion(regeling=regeling, order=index, text=text, expression=expression)
        run.save(f"{where}.criteria[{index}]", "regelingen", name, criterion, keymap=CRITERION_KEYS,
                 clean=lambda c: c.full_clean(exclude=["regeling"]))


def prefill_attribute_import(run, where: str, item: Any) -> None:
    name = run.shape(where, item, key="name", allowed={"profile", "name", *PREFILL_KEYS})
    if name is None:
        return
    profile = run.ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
    source = None
    if item.get("source"):
        source = run.ref(where, "source", "sources", Source, name=item["source"])
        if source is None:
            return
    if profile is None:
        return
    values = {"path": item.get("path") or "", "order": item.get("order") or 0, "source": source}
    if source is None:
        # The source follows from the path: compare with what saving would store, so that an
        # unchanged attribute is not saved again.
        candidate = PrefillAttribute(profile=profile, name=name, path=values["path"])
        try:
            candidate.clean()
        except ValidationError:
            pass  # reported when it is saved
        values["source"] = candidate.source if candidate.source_id else None
    run.flat(where, "prefillAttributes", "prefill attribute", PrefillAttribute, f"{profile.name}/{name}",
             {"profile": profile, "name": name}, values, PREFILL_KEYS)
