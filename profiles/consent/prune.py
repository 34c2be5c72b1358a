"""The consent check of a view: what needs consent is not called without it.

Two checks, both before any source is called:
- `consent_purpose_missing`: a purpose marked `needs_consent` without the subject's consent in
  force refuses the whole view (the view service answers 403 `consent-required`, logged);
- `consent_plan_prune`: a relation marked `needs_consent` without the subject's consent in force
  is taken out of the plan with everything below it, so it makes no call at all; the view then
  reports it (and its source, when nothing else called that source) with status
  `consent_required` (`consent_view_report`).

The plans may be cached and shared between views, so pruning makes new plan objects and never
changes the given ones. A profile without relations that need consent costs nothing (no query);
otherwise one indexed query per view, never cached (see selectors).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from profiles.consent.scopes import ConsentScope
from profiles.consent.selectors import consent_keys_in_force
from profiles.subjects import Subject

CONSENT_REQUIRED = "consent_required"


@dataclass(frozen=True)
class PrunedPlan:
    plan: list
    # relation name -> (its source's name, why it was not called)
    withheld: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        """What the pruning took out: views with different consents never share a computation."""
        return tuple(sorted(self.withheld))


def consent_purpose_missing(*, purpose: Any, subject: Subject) -> str:
    """Why a view for this purpose must be refused for lack of consent ("" when it need not be)."""
    if purpose is None or not getattr(purpose, "needs_consent", False):
        return ""
    scope = ConsentScope.for_purpose(purpose.code)
    if scope.key in consent_keys_in_force(subject=subject, scopes=[scope],
                                          organisation_id=getattr(purpose, "organisation_id", None)):
        return ""
    return (
        f"The purpose {purpose.code} needs the consent of the person or company concerned, and there "
        f"is none in force (consent scope {scope.key})."
    )


def consent_plan_prune(*, plan: list, profile: Any, subject: Subject) -> PrunedPlan:
    """The plan without the relations that need a consent the subject has not given (in force)."""
    needing = [r.name for r in profile.relations.all() if r.needs_consent]
    if not needing:
        return PrunedPlan(plan=plan)
    scopes = {name: ConsentScope.for_relation(profile.name, name) for name in needing}
    in_force = consent_keys_in_force(subject=subject, scopes=scopes.values(), organisation_id=profile.organisation_id)
    missing = {name: scope for name, scope in scopes.items() if scope.key not in in_force}
    if not missing:
        return PrunedPlan(plan=plan)
    withheld: dict[str, tuple[str, str]] = {}

    def prune(node) -> Any:
        if node.name in missing:
            _withhold(node, f"Not called: it needs consent ({missing[node.name].key}), and there is none in force.",
                      withheld)
            return None
        children = [c for c in (prune(child) for child in node.children) if c is not None]
        if len(children) == len(node.children):
            return node
        return dataclasses.replace(node, children=children)

    return PrunedPlan(plan=[p for p in (prune(node) for node in plan) if p is not None], withheld=withheld)


def _withhold(node, detail: str, withheld: dict[str, tuple[str, str]]) -> None:
    withheld[node.name] = (node.source_name, detail)
    for child in node.children:
        _withhold(child, f"Not called: its parent relation {node.name} needs consent.", withheld)


def consent_view_report(*, body: dict, pruned: PrunedPlan) -> None:
    """Add the relations (and sources) the consent check held back to a view's answer."""
    for name, (source, detail) in pruned.withheld.items():
        body["relations"][name] = {"status": CONSENT_REQUIRED, "calls": 0, "detail": detail}
        body["sources"].setdefault(source, {
            "status": CONSENT_REQUIRED, "durationMs": 0.0, "retrievedAt": None, "detail": detail, "calls": 0,
        })
