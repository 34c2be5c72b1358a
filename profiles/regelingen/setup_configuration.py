"""The regelingen app's configuration steps (django-setup-configuration): `iko_regelingen` and
`iko_prefill_attributes`, after IKO's core steps (settings.SETUP_CONFIGURATION_STEPS), so that the
profiles, purposes and sources they name exist by then. The format is in configuration.py."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, create_model

from profiles.configuration.step_models import Item, item_model, items_model, model_keys
from profiles.configuration.steps import IkoStep

from . import configuration
from .models import Criterion, PrefillAttribute, Regeling

CriterionItem = create_model("CriterionItem", __base__=Item,
                             **{k: (str, f) for k, (_, f) in model_keys(Criterion, configuration.CRITERION_KEYS).items()})

RegelingItem = item_model(
    "RegelingItem", Regeling, {"name": "name", **configuration.REGELING_KEYS}, key="name",
    profile=(str, Field(description="The profile the regeling is evaluated over, by name.")),
    purpose=(str, Field(description="The purpose it is evaluated for, by code.")),
    criteria=(list[CriterionItem], Field(description="In order; the regeling holds when all of them do.")),
)
PrefillAttributeItem = item_model(
    "PrefillAttributeItem", PrefillAttribute, {"name": "name", "path": "path", "order": "order"}, key="name",
    profile=(str, Field(description="The profile whose view the attribute reads, by name.")),
    source=(Optional[str], Field(default=None, description="The source, by name (left out: from the path).")),
)


class RegelingenStep(IkoStep):
    verbose_name = "Regelingen with their criteria"
    config_model = items_model("RegelingenModel", RegelingItem)
    namespace = "iko_regelingen"
    enable_setting = "iko_regelingen_config_enable"

    def apply(self, run):
        return lambda where, item: configuration.regeling_import(run, where, item)

    @classmethod
    def export_items(cls) -> list[dict[str, Any]]:
        return configuration.regelingen_export()


class PrefillAttributesStep(IkoStep):
    verbose_name = "Prefill attributes of application forms"
    config_model = items_model("PrefillAttributesModel", PrefillAttributeItem)
    namespace = "iko_prefill_attributes"
    enable_setting = "iko_prefill_attributes_config_enable"
    item_key = staticmethod(lambda item: f"{item.get('profile')}/{item.get('name')}")

    def apply(self, run):
        return lambda where, item: configuration.prefill_attribute_import(run, where, item)

    @classmethod
    def export_items(cls) -> list[dict[str, Any]]:
        return configuration.prefill_attributes_export()
