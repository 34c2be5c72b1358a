"""A source's front-door names in a configuration file: its tags and its operation aliases.

In the `iko_sources` step's items, a source may carry (all optional):

```yaml
- name: brp-valtimo
  connector: brp
  connectorTag: brp          # /endpoints/{connectorTag}/...; empty or absent: the connector id
  instanceTag: brp1          # /endpoints/.../{instanceTag}/...; empty or absent: the source's name
  aliases:                   # connectors/aliases.py; absent: the source's aliases stay as they are
  - name: Personen
    operations: [RaadpleegMetBurgerservicenummer, ZoekMetGeslachtsnaamEnGeboortedatum]
    selectorParam: type
    selectorValues: {ZoekMetAdres: ZoekMetPostcodeEnHuisnummer}
    params: {burgerservicenummer: bsn, toevoeging: huisnummertoevoeging}
    fixedParams: {}
    fieldsParam: fields
    resultTransform: ''
```

When a source lists `aliases`, they are its whole set: an alias it does not list is removed (as a
profile's relation tree is replaced), so that a file stays the truth about the source. The export
writes tags and aliases only where a source has them, so a file without them stays what
`config_export` writes.
"""

from __future__ import annotations

from typing import Any

from connectors.aliases import OperationAlias
from connectors.models import Source
from connectors.reference_aliases import ALIAS_KEYS

from profiles.configuration.document import Change, values_with_defaults

SOURCE_TAG_KEYS = {"connectorTag": "connector_tag", "instanceTag": "instance_tag"}
SOURCE_FRONT_DOOR_KEYS = {*SOURCE_TAG_KEYS, "aliases"}


def source_front_door_to_dict(source: Source) -> dict[str, Any]:
    """The tags and aliases of a source for its entry in an exported file (only those set)."""
    data: dict[str, Any] = {key: getattr(source, attr) for key, attr in SOURCE_TAG_KEYS.items() if getattr(source, attr)}
    aliases = [alias.as_dict() for alias in source.aliases.order_by("name")]
    if aliases:
        data["aliases"] = aliases
    return data


def source_tag_values(item: dict[str, Any]) -> dict[str, Any]:
    """Source attribute -> value of the tags in a file's source entry (empty when absent)."""
    return {attr: item.get(key) or "" for key, attr in SOURCE_TAG_KEYS.items()}


class SourceAliasSection:
    """Imports the `aliases` of one source entry; a mixin of `ConfigurationRun` (importer.py), which
    provides `shape`, `save`, `problems`, `failed` and `result`."""

    def source_aliases(self, where: str, source: Source, items: Any) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.problems.append(f"{where}.aliases ({source.name}): must be a list of aliases.")
            return
        listed: set[str] = set()
        keymap = {"name": "name", **ALIAS_KEYS}
        for index, item in enumerate(items):
            at = f"{where}.aliases[{index}]"
            name = self.shape(at, item, key="name", allowed=set(keymap))
            if name is None:
                continue
            if name in listed:
                self.problems.append(f"{at} ({name}): listed more than once for source {source.name}.")
                continue
            listed.add(name)
            values = values_with_defaults(OperationAlias, item, ALIAS_KEYS)
            alias = source.aliases.filter(name=name).first()
            key = f"{source.name}/{name}"
            if alias is None:
                alias = OperationAlias(source=source, name=name)
                changed = list(ALIAS_KEYS)
                self.result.changes.append(Change("alias", key, "create"))
            else:
                changed = [k for k, attr in ALIAS_KEYS.items() if getattr(alias, attr) != values[attr]]
                self.result.changes.append(Change("alias", key, "update" if changed else "unchanged", tuple(changed)))
            if not changed:
                continue
            for attr, value in values.items():
                setattr(alias, attr, value)
            self.save(at, "aliases", key, alias, keymap=keymap, label=name)
        for alias in source.aliases.exclude(name__in=listed):
            self.result.changes.append(Change("alias", f"{source.name}/{alias.name}", "delete"))
            alias.delete()
