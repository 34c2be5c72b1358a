"""What a consent is for: a purpose, or one relation of a profile. Plain data, no ORM.

A scope is written as a key that portals send and show: `purpose:<purpose code>` or
`relation:<profile name>.<relation name>` (profile and relation names are slugs, so neither holds a
dot or a colon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PURPOSE = "purpose"
RELATION = "relation"
SLUG = r"[-a-zA-Z0-9_]+"
KEY = re.compile(rf"^(?:purpose:(?P<code>{SLUG})|relation:(?P<profile>{SLUG})\.(?P<relation>{SLUG}))$")


class InvalidScope(ValueError):
    """Not a scope key; the message says what one looks like."""


@dataclass(frozen=True)
class ConsentScope:
    kind: str
    purpose_code: str = ""
    profile_name: str = ""
    relation_name: str = ""

    @classmethod
    def for_purpose(cls, code: str) -> "ConsentScope":
        return cls(PURPOSE, purpose_code=code)

    @classmethod
    def for_relation(cls, profile_name: str, relation_name: str) -> "ConsentScope":
        return cls(RELATION, profile_name=profile_name, relation_name=relation_name)

    @classmethod
    def parse(cls, key: str) -> "ConsentScope":
        match = KEY.match(key or "") if isinstance(key, str) else None
        if match is None:
            raise InvalidScope(
                "A consent scope is purpose:<purpose code> or relation:<profile name>.<relation name>, "
                "e.g. relation:mijn-omgeving.inkomens."
            )
        if match.group("code"):
            return cls.for_purpose(match.group("code"))
        return cls.for_relation(match.group("profile"), match.group("relation"))

    @property
    def key(self) -> str:
        if self.kind == PURPOSE:
            return f"purpose:{self.purpose_code}"
        return f"relation:{self.profile_name}.{self.relation_name}"

    def lookup(self) -> dict[str, str]:
        """The model fields (profiles.consent.models) that name this scope."""
        return {
            "scope_kind": self.kind, "purpose_code": self.purpose_code,
            "profile_name": self.profile_name, "relation_name": self.relation_name,
        }

    def __str__(self) -> str:
        return self.key
