"""The shape of each configuration step's part of the file (pydantic models, as django-setup-configuration
wants them): which keys an item has and of what type, so that a file with an unknown key or a value of
the wrong type is refused before any step runs, with the path of what is wrong
(`iko_sources.items.3.timeout`). What the models cannot know (a name that refers to nothing, options
a connector refuses) is checked by the steps as the admin checks it (importer.py).

An item's keys are those of the file (document.py: the natural key, then file key -> model
attribute); their types and descriptions follow from the Django model's fields, so that they cannot
drift apart. Every key but the natural key may be left out: the model's default is used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from django.db import models
from django_setup_configuration.models import ConfigurationModel
from pydantic import BaseModel, ConfigDict, Field, create_model
from zgw_consumers.contrib.setup_configuration.models import SingleServiceConfigurationModel

from connectors.aliases import OperationAlias
from connectors.models import Source
from connectors.reference_aliases import ALIAS_KEYS
from profiles.access.api_clients import ApiClient
from profiles.access.models import Grant, Purpose
from profiles.configuration.document import (
    API_CLIENT_KEYS,
    GRANT_DATE_KEYS,
    GRANT_KEYS,
    GRANT_PRINCIPAL_KEYS,
    PURPOSE_KEYS,
    SEARCH_ACTION_KEYS,
    SOURCE_KEYS,
)
from profiles.configuration.front_door import SOURCE_TAG_KEYS
from profiles.definitions.models import Profile, Relation, SearchAction
from profiles.definitions.portability import PROFILE_KEYS, RELATION_KEYS

_TYPES: tuple[tuple[type[models.Field], Any], ...] = (
    (models.BooleanField, bool),
    (models.IntegerField, int),  # and its positive and small kinds
    (models.FloatField, float),
    (models.DateTimeField, datetime),
    (models.JSONField, Any),
    (models.CharField, str),  # and SlugField, URLField
    (models.TextField, str),
)


class Item(BaseModel):
    """One object in a step's list: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


def _python_type(field: models.Field) -> Any:
    for field_class, python_type in _TYPES:
        if isinstance(field, field_class):
            return python_type
    raise TypeError(f"No configuration type for {field!r}.")  # a new kind of field: add it above


def model_keys(model: type[models.Model], keymap: dict[str, str]) -> dict[str, Any]:
    """`create_model` fields for these file keys: optional, typed and described as the model field."""
    fields = {}
    for key, attr in keymap.items():
        field = model._meta.get_field(attr)
        description = str(field.help_text or field.verbose_name)
        fields[key] = (Optional[_python_type(field)], Field(default=None, description=description))
    return fields


def item_model(name: str, model: type[models.Model], keymap: dict[str, str], *, key: str,
               **extra: Any) -> type[Item]:
    """The item of a flat section: its natural `key` (required), the keys of `keymap`, and `extra`."""
    fields = model_keys(model, {k: v for k, v in keymap.items() if k != key})
    description = str(model._meta.get_field(keymap.get(key, key)).help_text or key)
    fields[key] = (str, Field(description=description))
    return create_model(name, __base__=Item, **fields, **extra)


def _reference(what: str) -> tuple[Any, Any]:
    return (Optional[str], Field(default=None, description=f"The {what}, by name."))


# --- servers: zgw-consumers' own entry, with IKO's additions ------------------------------------


class ServerFscItem(BaseModel):
    """The FSC outway a server is reached through (connectors.fsc)."""

    model_config = ConfigDict(extra="forbid")
    outway_address: str = Field(description="The outway's address (http or https URL).")
    grant_hash: str = Field(description="The Fsc-Grant-Hash of the contract for this service ($1$3$...).")


class ServerItem(SingleServiceConfigurationModel):
    """zgw-consumers' service, with IKO's certificates. A secret left out (or whose `value_from`
    variable is not set, with `required: false`) keeps what the environment already has."""

    secret: Optional[str] = Field(default=None, description="The secret (ZGW JWT, OAuth2 client credentials); "
                                  "give it with value_from, never in the file.")
    header_value: Optional[str] = Field(default=None, description="The API key (header value); give it with "
                                        "value_from, never in the file.")
    client_certificate: Optional[str] = Field(default=None, description="Label of the client certificate, "
                                              "uploaded in the admin (Simple certmanager).")
    server_certificate: Optional[str] = Field(default=None, description="Label of the server's CA "
                                              "certificate, uploaded in the admin.")
    fsc: Optional[ServerFscItem] = Field(default=None, description="The FSC outway to reach the server "
                                         "through; left out: the server is called directly.")


class ServersModel(ConfigurationModel):
    services: list[ServerItem] = Field(default_factory=list)


# --- IKO's own sections ------------------------------------------------------------------------

PurposeItem = item_model("PurposeItem", Purpose, {"code": "code", **PURPOSE_KEYS}, key="code")

AliasItem = item_model("AliasItem", OperationAlias, {"name": "name", **ALIAS_KEYS}, key="name")

SourceItem = item_model(
    "SourceItem", Source, {"name": "name", **SOURCE_KEYS, **SOURCE_TAG_KEYS}, key="name",
    server=(str, Field(description="The server (zgw_consumers.services identifier) the source calls.")),
    aliases=(Optional[list[AliasItem]], Field(default=None, description=(
        "The source's operation aliases, all of them (one not listed is removed); left out: kept as they are."))),
)


# One relation of a profile's tree; `relations` are the ones under it.
RelationItem = create_model(
    "RelationItem", __base__=Item, __module__=__name__,
    source=(str, Field(description="The source the relation calls, by name.")),
    relations=(Optional[list["RelationItem"]], Field(default=None, description="The relations under this one.")),
    **{k: v for k, v in model_keys(Relation, RELATION_KEYS).items() if k != "name"},
    name=(str, Field(description="The relation's name, unique in its profile.")),
)
RelationItem.model_rebuild()

ProfileItem = item_model(
    "ProfileItem", Profile, PROFILE_KEYS, key="name",
    relations=(Optional[list[RelationItem]], Field(default=None, description="The relation tree, as a whole.")),
)

SearchActionItem = item_model(
    "SearchActionItem", SearchAction, SEARCH_ACTION_KEYS, key="name",
    profile=(str, Field(description="The profile the action finds subjects for, by name.")),
    source=(str, Field(description="The source it searches, by name.")),
)

ApiClientItem = item_model(
    "ApiClientItem", ApiClient, {"name": "name", **API_CLIENT_KEYS}, key="name",
    defaultPurpose=_reference("purpose used when a call names none"),
    token=(Optional[str], Field(default=None, description=(
        "The client's token (at least 32 characters); give it with value_from, never in the file. "
        "Left out: the stored token is kept."))),
)

GrantItem = create_model(
    "GrantItem", __base__=Item,
    kind=(Optional[Grant.Kind], Field(default=None, description="Who the grant is for (default: apiClient).")),
    **{key: _reference(key) for key in GRANT_PRINCIPAL_KEYS.values()},
    profile=(str, Field(description="The profile, by name.")),
    purpose=(str, Field(description="The purpose, by code.")),
    **model_keys(Grant, {**GRANT_KEYS, **GRANT_DATE_KEYS}),
)


def items_model(name: str, item: type[BaseModel], **extra: Any) -> type[ConfigurationModel]:
    """A step's model: its `items` (and `extra` keys)."""
    return create_model(name, __base__=ConfigurationModel,
                        items=(list[item], Field(default_factory=list)), **extra)


PurposesModel = items_model("PurposesModel", PurposeItem)
SourcesModel = items_model("SourcesModel", SourceItem)
ProfilesModel = items_model("ProfilesModel", ProfileItem)
SearchActionsModel = items_model("SearchActionsModel", SearchActionItem)
ApiClientsModel = items_model("ApiClientsModel", ApiClientItem)
GrantsModel = items_model(
    "GrantsModel", GrantItem,
    prune=(bool, Field(default=False, description=(
        "Delete the grants this list does not name: the list is then the whole truth about who may use what."))),
)
