"""IKO's configuration steps for django-setup-configuration: `manage.py setup_configuration --yaml-file
FILE` sets up servers, purposes, sources, profiles (with their relation trees), search actions, API
clients and grants, in that order (settings.SETUP_CONFIGURATION_STEPS; the regelingen app adds its
own steps after these, profiles/regelingen/setup_configuration.py).

Each step reads the `items` of its namespace (step_models.py gives their shape), when its
`*_config_enable` flag is true. The servers are zgw-consumers' own namespace (`zgw_consumers.services`,
enabled by `zgw_consumers_config_enable`), read by a step that replaces zgw-consumers' so that a
server is validated as the admin does, keeps its stored secret when the file gives none, and gets
IKO's certificates.

A step applies its items with a `ConfigurationRun` (importer.py) and, when the run found any
problem, raises `ConfigurationRunFailed` listing every one with its place in the file;
django-setup-configuration then rolls back every step (they run in one transaction). What a step
changed is logged (never a secret: the changes name keys, not values) and kept on the step as
`result` (profiles/configuration/apply.py gathers them).

A step also writes its part of the file (`export_document`, used by `manage.py config_export`), so
the file it writes is what it reads.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from django_setup_configuration.configuration import BaseConfigurationStep
from django_setup_configuration.exceptions import ConfigurationRunFailed
from zgw_consumers.contrib.setup_configuration.steps import ServiceConfigurationStep

from profiles.configuration import export
from profiles.configuration.document import ImportResult
from profiles.configuration.importer import ConfigurationRun, grant_key, items_import
from profiles.configuration.step_models import (
    ApiClientsModel,
    GrantsModel,
    ProfilesModel,
    PurposesModel,
    SearchActionsModel,
    ServersModel,
    SourcesModel,
)

logger = logging.getLogger(__name__)


class ConfigurationProblems(ConfigurationRunFailed):
    """A step's items have problems; `problems` lists every one, each with its place in the file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"- {p}" for p in problems))


class IkoStep(BaseConfigurationStep):
    """A step that applies a list of items with a ConfigurationRun and can write them back.

    Subclasses give `items_key` (the list's key in the namespace), `apply` (the run's method for
    one item), `item_key` (an item's natural key, to find one listed twice) and `export_items`."""

    items_key = "items"
    item_key: Callable[[dict[str, Any]], Any] = staticmethod(lambda item: item.get("name"))
    result: ImportResult | None = None

    def apply(self, run: ConfigurationRun) -> Callable[[str, Any], None]:
        raise NotImplementedError

    def execute(self, model) -> None:
        run = ConfigurationRun()
        items = [item.model_dump(mode="json", exclude_unset=True) for item in getattr(model, self.items_key)]
        items_import(run, f"{self.namespace}.{self.items_key}", items, self.apply(run), self.item_key)
        self.after(run, model)
        self.result = run.result
        if run.problems:
            raise ConfigurationProblems(run.problems)
        for change in run.result.changed:
            logger.info("%s: %s", self.namespace, change)
        for notice in run.result.notices:
            logger.warning("%s: needs attention: %s", self.namespace, notice)

    def after(self, run: ConfigurationRun, model) -> None:
        """What a step does once its items are applied (the grants step prunes)."""

    @classmethod
    def export_items(cls) -> list[dict[str, Any]]:
        raise NotImplementedError

    @classmethod
    def export_document(cls) -> dict[str, Any]:
        """This step's part of a file: its enable flag and its namespace."""
        return {cls.enable_setting: True, cls.namespace: {cls.items_key: cls.export_items()}}


class ServersStep(IkoStep, ServiceConfigurationStep):
    """zgw-consumers' services step, validated as the admin does, with IKO's secrets and certificates."""

    verbose_name = "Servers (zgw-consumers services) that IKO's sources call"
    config_model = ServersModel
    items_key = "services"
    item_key = staticmethod(lambda item: item.get("identifier"))

    def apply(self, run):
        return run.servers

    @classmethod
    def export_items(cls):
        return export.servers_export()


class PurposesStep(IkoStep):
    verbose_name = "Purposes (doelbinding)"
    config_model = PurposesModel
    namespace = "iko_purposes"
    enable_setting = "iko_purposes_config_enable"
    item_key = staticmethod(lambda item: item.get("code"))

    def apply(self, run):
        return run.purposes

    @classmethod
    def export_items(cls):
        return export.purposes_export()


class SourcesStep(IkoStep):
    verbose_name = "Sources (a connector on a server) with their front-door tags and aliases"
    config_model = SourcesModel
    namespace = "iko_sources"
    enable_setting = "iko_sources_config_enable"

    def apply(self, run):
        return run.sources

    @classmethod
    def export_items(cls):
        return export.sources_export()


class ProfilesStep(IkoStep):
    verbose_name = "Profiles with their relation trees"
    config_model = ProfilesModel
    namespace = "iko_profiles"
    enable_setting = "iko_profiles_config_enable"

    def apply(self, run):
        return run.profiles

    @classmethod
    def export_items(cls):
        return export.profiles_export()


class SearchActionsStep(IkoStep):
    verbose_name = "Search actions of the profiles"
    config_model = SearchActionsModel
    namespace = "iko_search_actions"
    enable_setting = "iko_search_actions_config_enable"
    item_key = staticmethod(lambda item: f"{item.get('profile')}/{item.get('name')}")

    def apply(self, run):
        return run.search_actions

    @classmethod
    def export_items(cls):
        return export.search_actions_export()


class ApiClientsStep(IkoStep):
    verbose_name = "API clients (case systems, portals) with their tokens"
    config_model = ApiClientsModel
    namespace = "iko_api_clients"
    enable_setting = "iko_api_clients_config_enable"

    def apply(self, run):
        return run.api_clients

    @classmethod
    def export_items(cls):
        return export.api_clients_export()


class GrantsStep(IkoStep):
    verbose_name = "Grants: who may see which profile for which purpose"
    config_model = GrantsModel
    namespace = "iko_grants"
    enable_setting = "iko_grants_config_enable"
    item_key = staticmethod(grant_key)

    def apply(self, run):
        return run.grants

    def after(self, run, model) -> None:
        if model.prune and not run.problems:
            run.prune_grants()

    @classmethod
    def export_items(cls):
        return export.grants_export()


# The steps of this package, in the order they run (settings.SETUP_CONFIGURATION_STEPS lists them).
CORE_STEPS = (ServersStep, PurposesStep, SourcesStep, ProfilesStep, SearchActionsStep, ApiClientsStep, GrantsStep)
