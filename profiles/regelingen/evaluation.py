"""Evaluating regelingen over a view's data: plain data in, outcomes out (no ORM, no I/O).

A regeling holds when each of its criteria, in order, gives `true`. A criterion that gives `false`
or `null` does not hold, and the regeling is not eligible (the remaining criteria are not run).
A criterion that fails on the data or gives anything else (a number, no answer, several
answers) makes the regeling "could not be evaluated", as does a failed source that its criteria
read: missing data is never taken for "not eligible".

The outcome names the criteria and the field names they read; it never holds a value from the
view. The one exception is `CriterionResult.error`, jq's own message, which may quote a value: it
is for the admin's preview (whose user holds a grant on that data) and never goes into an API
answer or a record.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from profiles.definitions.expressions import ExpressionError, evaluate_all
from profiles.definitions.jq_paths import WHOLE_VIEW


class Outcome(str, enum.Enum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NOT_EVALUATED = "could_not_be_evaluated"


class Reason(str, enum.Enum):
    """Why a regeling could not be evaluated."""

    SOURCE_FAILED = "source-failed"
    CONSENT_REQUIRED = "consent-required"
    FIELDS_NOT_GRANTED = "fields-not-granted"
    CRITERION_ERROR = "criterion-error"


@dataclass(frozen=True)
class CriterionRule:
    order: int
    expression: str
    text: str
    fields: tuple[str, ...]  # dot paths it reads; WHOLE_VIEW: all of the view


@dataclass(frozen=True)
class RegelingRule:
    """A regeling as the evaluation needs it: read once from the database, then plain data."""

    name: str
    title: str
    description: str
    product_url: str
    upl_code: str
    purpose_code: str
    needs_consent: bool
    criteria: tuple[CriterionRule, ...]
    relations: frozenset[str]  # the profile's relations its criteria read

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for c in self.criteria for f in c.fields))


@dataclass(frozen=True)
class CriterionResult:
    criterion: CriterionRule
    holds: bool | None  # None: no yes-or-no answer
    error: str = ""  # jq's message (may quote data): for the admin preview only


@dataclass
class RegelingResult:
    rule: RegelingRule
    outcome: Outcome
    reason: Reason | None = None
    sources: tuple[str, ...] = ()  # the failed sources, for SOURCE_FAILED
    # The relations its criteria read that were not called for want of consent, for CONSENT_REQUIRED.
    withheld: tuple[str, ...] = ()
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def held(self) -> list[CriterionRule]:
        return [r.criterion for r in self.criteria if r.holds]

    def explain(self) -> str:
        """Why it could not be evaluated, in words; names of sources and criteria only."""
        if self.reason is Reason.SOURCE_FAILED:
            return f"A source the criteria read gave no answer: {', '.join(self.sources)}."
        if self.reason is Reason.CONSENT_REQUIRED and self.withheld:
            return f"Data its criteria read needs consent that is not in force: {', '.join(self.withheld)}."
        if self.reason is Reason.CONSENT_REQUIRED:
            return f"This regeling is evaluated only with consent for purpose {self.rule.purpose_code}."
        if self.reason is Reason.FIELDS_NOT_GRANTED:
            return "The grant for this regeling's purpose does not include all the fields its criteria read."
        if self.reason is Reason.CRITERION_ERROR:
            failed = next((r for r in self.criteria if r.holds is None), None)
            which = f"criterion {failed.criterion.order}" if failed else "a criterion"
            return f"The regeling's {which} gave no yes-or-no answer on this data."
        return ""


def not_evaluated(rule: RegelingRule, reason: Reason, sources: tuple[str, ...] = ()) -> RegelingResult:
    return RegelingResult(rule=rule, outcome=Outcome.NOT_EVALUATED, reason=reason, sources=sources)


def criterion_evaluate(criterion: CriterionRule, data: Any) -> CriterionResult:
    try:
        outputs = evaluate_all(criterion.expression, data)
    except ExpressionError as exc:
        return CriterionResult(criterion, None, str(exc))
    if len(outputs) != 1:
        return CriterionResult(criterion, None, f"The predicate gave {len(outputs)} answers instead of one.")
    answer = outputs[0]
    if answer is True:
        return CriterionResult(criterion, True)
    if answer is False or answer is None:
        return CriterionResult(criterion, False)
    return CriterionResult(criterion, None, f"The predicate gave a {type(answer).__name__}, not true or false.")


def regeling_evaluate(*, rule: RegelingRule, data: Any, failed: Mapping[str, str],
                      withheld: Collection[str] = ()) -> RegelingResult:
    """The outcome of one regeling over the view's data.

    `failed` maps the relations that gave no answer (error, timeout, skipped) to their source;
    `withheld` names the relations not called for want of consent; a regeling that reads either is
    not evaluated, never "not eligible". `data` None means the view as a whole has no data (every
    source failed, or its transform).
    """
    unconsented = sorted(name for name in rule.relations if name in withheld)
    if unconsented:
        return RegelingResult(rule=rule, outcome=Outcome.NOT_EVALUATED, reason=Reason.CONSENT_REQUIRED,
                              withheld=tuple(unconsented))
    broken = sorted({failed[name] for name in rule.relations if name in failed})
    if broken:
        return not_evaluated(rule, Reason.SOURCE_FAILED, tuple(broken))
    if data is None:
        return not_evaluated(rule, Reason.SOURCE_FAILED, tuple(sorted(set(failed.values()))))
    result = RegelingResult(rule=rule, outcome=Outcome.ELIGIBLE)
    for criterion in rule.criteria:
        outcome = criterion_evaluate(criterion, data)
        result.criteria.append(outcome)
        if outcome.holds is None:
            result.outcome, result.reason = Outcome.NOT_EVALUATED, Reason.CRITERION_ERROR
            return result
        if not outcome.holds:
            result.outcome = Outcome.NOT_ELIGIBLE
            return result
    return result


def criterion_fields(criterion: CriterionRule) -> list[str]:
    """The field names an explanation shows (none for a criterion that reads the whole view)."""
    return [f for f in criterion.fields if f != WHOLE_VIEW]


def outcome_counts(results: list[RegelingResult]) -> dict[str, int]:
    return {outcome.value: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
