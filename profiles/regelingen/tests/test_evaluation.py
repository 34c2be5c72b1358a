"""Evaluating one regeling over a view's data: plain data, no database, no network."""

import pytest

from profiles.regelingen.evaluation import CriterionRule, Outcome, Reason, RegelingRule, regeling_evaluate

DATA = {"persoon": {"leeftijd": 44, "inkomens": [{"jaar": 2025, "bedrag": 18012.0}]}}


def rule(*expressions: str, relations=("persoon", "inkomens")) -> RegelingRule:
    return RegelingRule(
        name="r", title="R", description="", product_url="", upl_code="", purpose_code="p", needs_consent=False,
        criteria=tuple(CriterionRule(order=i, expression=e, text=f"criterion {i}", fields=()) for i, e in enumerate(expressions)),
        relations=frozenset(relations),
    )


def test_a_regeling_holds_when_every_criterion_gives_true():
    result = regeling_evaluate(rule=rule(".persoon.leeftijd >= 18", ".persoon.inkomens[0].bedrag < 24000"),
                               data=DATA, failed={})

    assert result.outcome is Outcome.ELIGIBLE
    assert [c.text for c in result.held] == ["criterion 0", "criterion 1"]


@pytest.mark.parametrize("second", [".persoon.leeftijd >= 67", ".persoon.ontbreekt"])
def test_false_or_null_means_the_criterion_does_not_hold_and_the_rest_is_not_run(second):
    result = regeling_evaluate(rule=rule(".persoon.leeftijd >= 18", second, "error(\"never run\")"), data=DATA, failed={})

    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert [c.holds for c in result.criteria] == [True, False]


@pytest.mark.parametrize("expression", [
    '.persoon.leeftijd < "veertig"' " | error(\"weird\")",  # fails on the data
    ".persoon.leeftijd",  # a number, not true or false
    ".persoon.inkomens[] | .bedrag > 1",  # one answer per income is not one answer
    "empty",  # no answer at all
])
def test_a_criterion_without_one_yes_or_no_answer_makes_the_regeling_could_not_be_evaluated(expression):
    result = regeling_evaluate(rule=rule(expression), data={"persoon": {"leeftijd": 44, "inkomens": [{"bedrag": 1}, {"bedrag": 2}]}}, failed={})

    assert result.outcome is Outcome.NOT_EVALUATED and result.reason is Reason.CRITERION_ERROR
    # The explanation names the criterion, never jq's message (which may quote the data).
    assert result.explain() == "The regeling's criterion 0 gave no yes-or-no answer on this data."
    assert "44" not in result.explain()


def test_a_failed_source_it_reads_makes_it_could_not_be_evaluated_without_running_a_criterion():
    result = regeling_evaluate(rule=rule(".persoon.leeftijd >= 18"), data=DATA, failed={"inkomens": "inkomensregister"})

    assert result.outcome is Outcome.NOT_EVALUATED and result.reason is Reason.SOURCE_FAILED
    assert result.sources == ("inkomensregister",) and result.criteria == []
    assert result.explain() == "A source the criteria read gave no answer: inkomensregister."


def test_a_failed_source_it_does_not_read_does_not_matter():
    result = regeling_evaluate(rule=rule(".persoon.leeftijd >= 18", relations=("persoon",)), data=DATA,
                               failed={"inkomens": "inkomensregister"})

    assert result.outcome is Outcome.ELIGIBLE
