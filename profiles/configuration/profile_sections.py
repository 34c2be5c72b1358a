"""The profile and search-action steps of a configuration file: a profile's relation tree
is compared in its canonical form and replaced as a whole when it differs."""

from __future__ import annotations

from typing import Any


from connectors.models import Source

from profiles.definitions.models import Profile, Relation, SearchAction
from profiles.definitions.portability import PROFILE_KEYS, RELATION_KEYS, profile_to_dict
from profiles.configuration.document import SEARCH_ACTION_KEYS, Change, configuration_objects, values_with_defaults


class ProfileSections:
    """The profiles and search actions of `ConfigurationRun` (importer.py), which provides
    `shape`, `ref`, `save`, `flat`, `problems`, `failed` and `result`."""

    # -- profiles --------------------------------------------------------------------------

    def profiles(self, where: str, item: Any) -> None:
        name = self.shape(where, item, key="name", allowed={*PROFILE_KEYS, "relations"})
        if name is None:
            self.failed.add(("profiles", str(item.get("name") if isinstance(item, dict) else None)))
            return
        wanted = self._profile_canonical(where, name, item)
        if wanted is None:
            self.failed.add(("profiles", name))
            return
        profile = configuration_objects(Profile).filter(name=name, draft_of__isnull=True).first()
        if profile is not None:
            current = profile_to_dict(profile)["profile"]
            if current == wanted:
                self.result.changes.append(Change("profile", name, "unchanged"))
                return
            changed = [k for k in wanted if wanted[k] != current.get(k)]
            self.result.changes.append(Change("profile", name, "update", tuple(changed)))
        else:
            self.result.changes.append(Change("profile", name, "create"))
            profile = Profile(name=name)
        for key, attr in PROFILE_KEYS.items():
            if key != "name":
                setattr(profile, attr, wanted[key])
        keymap = dict(PROFILE_KEYS)
        if not self.save(where, "profiles", name, profile, keymap=keymap,
                         clean=lambda p: p.full_clean(validate_constraints=False)) and profile.pk is None:
            return
        profile.relations.all().delete()
        self._relations_create(profile, wanted["relations"], None, f"{where}.relations", name)

    def _profile_canonical(self, where: str, name: str, item: dict[str, Any]) -> dict[str, Any] | None:
        """The profile as profile_to_dict would give it once imported (defaults filled in, children
        in their stored order), so that an unchanged profile is recognised and left alone."""
        defaults = values_with_defaults(Profile, item, PROFILE_KEYS)
        data = {key: defaults[attr] for key, attr in PROFILE_KEYS.items()}
        data["name"] = name
        names: list[str] = []
        relations = self._relations_canonical(f"{where}.relations", name, item.get("relations"), names)
        if relations is None:
            return None
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            self.problems.append(f"{where} ({name}): relation names must be unique in a profile: {duplicates}.")
            return None
        data["relations"] = relations
        return data

    def _relations_canonical(self, where: str, profile: str, items: Any, names: list[str]) -> list | None:
        if items is None:
            return []
        if not isinstance(items, list):
            self.problems.append(f"{where} ({profile}): must be a list of relations.")
            return None
        result, ok = [], True
        allowed = {*RELATION_KEYS, "source", "relations"}
        for index, relation in enumerate(items):
            here = f"{where}[{index}]"
            if not isinstance(relation, dict):
                self.problems.append(f"{here} ({profile}): a relation must be a mapping.")
                ok = False
                continue
            unknown = sorted(set(relation) - allowed)
            if unknown:
                self.problems.append(f"{here} ({profile}.{relation.get('name')}): unknown keys {unknown}.")
                ok = False
                continue
            defaults = values_with_defaults(Relation, relation, RELATION_KEYS)
            data = {key: defaults[attr] for key, attr in RELATION_KEYS.items()}
            data["source"] = relation.get("source")
            names.append(data["name"])
            children = self._relations_canonical(f"{here}.relations", profile, relation.get("relations"), names)
            if children is None:
                ok = False
                continue
            data["relations"] = children
            result.append(data)
        if not ok:
            return None
        return sorted(result, key=lambda r: (r["order"] if isinstance(r["order"], int) else 0, str(r["name"])))

    def _relations_create(self, profile: Profile, items: list[dict], parent: Relation | None, where: str,
                          profile_name: str) -> None:
        for index, item in enumerate(items):
            here = f"{where}[{index}]"
            label = f"{profile_name}.{item['name']}"
            source = self.ref(here, "source", "sources", Source, name=item["source"])
            if source is None:
                self.failed.add(("profiles", profile_name))
                continue
            relation = Relation(profile=profile, parent=parent, source=source)
            for key, attr in RELATION_KEYS.items():
                setattr(relation, attr, item[key])
            ok = self.save(here, "profiles", profile_name, relation, keymap=RELATION_KEYS, label=label,
                           clean=lambda r: r.full_clean(exclude=["profile", "parent", "source"]))
            if relation.pk is not None:
                self._relations_create(profile, item["relations"], relation, f"{here}.relations", profile_name)
            elif ok:
                self.failed.add(("profiles", profile_name))

    # -- search actions --------------------------------------------------------------------

    def search_actions(self, where: str, item: Any) -> None:
        name = self.shape(where, item, key="name", allowed={"profile", "name", "source", *SEARCH_ACTION_KEYS})
        if name is None:
            return
        profile = self.ref(where, "profile", "profiles", Profile, name=item.get("profile"), draft_of__isnull=True)
        source = self.ref(where, "source", "sources", Source, name=item.get("source"))
        if profile is None or source is None:
            return
        values = values_with_defaults(SearchAction, item, SEARCH_ACTION_KEYS)
        values["source"] = source
        self.flat(where, "searchActions", "search action", SearchAction, f"{profile.name}/{name}",
                  {"profile": profile, "name": name}, values, {**SEARCH_ACTION_KEYS, "source": "source"})
