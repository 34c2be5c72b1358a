"""The consent check of a view's plan: what needs consent is taken out with its subtree, shared plans
are never changed, and one query (or none) is all it costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectors.registry import registry
from profiles.consent.models import Consent
from profiles.consent.prune import consent_plan_prune, consent_purpose_missing, consent_view_report
from profiles.consent.scopes import ConsentScope, InvalidScope
from profiles.engine.execute import plan_profile
from profiles.models import Profile, Purpose, Relation
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import Subject

SUBJECT = Subject("bsn", "999993653")


@pytest.fixture
def tree(profile, brp_source):
    """klantbeeld: persoon -> partner (needs consent) -> kind; persoon -> ouder."""
    persoon = profile.relations.get(name="persoon")
    partner = Relation.objects.create(profile=profile, parent=persoon, name="partner", source=brp_source,
                                      operation="RaadpleegMetBurgerservicenummer", input_expression="{bsn: .x}",
                                      fields=["naam.volledigeNaam"], needs_consent=True)
    Relation.objects.create(profile=profile, parent=partner, name="kind", source=brp_source,
                            operation="RaadpleegMetBurgerservicenummer", input_expression="{bsn: .y}",
                            fields=["naam.volledigeNaam"])
    Relation.objects.create(profile=profile, parent=persoon, name="ouder", source=brp_source,
                            operation="RaadpleegMetBurgerservicenummer", input_expression="{bsn: .z}",
                            fields=["naam.volledigeNaam"])
    return Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)


def names(plans) -> list[str]:
    found = []
    for plan in plans:
        found.append(plan.name)
        found.extend(names(plan.children))
    return found


def give(scope: ConsentScope, subject: Subject = SUBJECT) -> Consent:
    return Consent.objects.create(**scope.lookup(), subject_type=subject.type, text_version="1", channel="counter",
                                  subject_pseudonym=subject_pseudonym(subject_type=subject.type, value=subject.value))


def test_without_consent_the_relation_and_everything_below_it_leave_the_plan(tree):
    plan = plan_profile(tree, registry=registry)

    pruned = consent_plan_prune(plan=plan, profile=tree, subject=SUBJECT)

    assert names(pruned.plan) == ["persoon", "ouder"]
    assert set(pruned.withheld) == {"partner", "kind"}
    assert "needs consent (relation:klantbeeld.partner)" in pruned.withheld["partner"][1]
    assert "parent relation partner" in pruned.withheld["kind"][1]
    assert names(plan) == ["persoon", "ouder", "partner", "kind"]  # the shared plan is unchanged


def test_with_consent_in_force_nothing_is_pruned_and_the_plan_is_the_same_object(tree):
    give(ConsentScope.for_relation("klantbeeld", "partner"))
    plan = plan_profile(tree, registry=registry)

    pruned = consent_plan_prune(plan=plan, profile=tree, subject=SUBJECT)

    assert pruned.plan is plan and pruned.withheld == {}


def test_a_withdrawn_consent_a_consent_of_someone_else_and_one_for_another_profile_do_not_count(tree):
    withdrawn = give(ConsentScope.for_relation("klantbeeld", "partner"))
    Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=withdrawn.given_at)
    give(ConsentScope.for_relation("klantbeeld", "partner"), Subject("bsn", "999993847"))
    give(ConsentScope.for_relation("andere", "partner"))

    pruned = consent_plan_prune(plan=plan_profile(tree, registry=registry), profile=tree, subject=SUBJECT)

    assert set(pruned.withheld) == {"partner", "kind"}


def test_a_profile_without_relations_that_need_consent_costs_no_query(profile):
    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)
    plan = plan_profile(profile, registry=registry)

    with CaptureQueriesContext(connection) as queries:
        pruned = consent_plan_prune(plan=plan, profile=profile, subject=SUBJECT)

    assert pruned.plan is plan and len(queries) == 0


def test_a_profile_with_relations_that_need_consent_costs_one_query(tree):
    plan = plan_profile(tree, registry=registry)
    consent_plan_prune(plan=plan, profile=tree, subject=SUBJECT)  # the organisation's key, then cached

    with CaptureQueriesContext(connection) as queries:
        consent_plan_prune(plan=plan, profile=tree, subject=SUBJECT)

    assert len(queries) == 1


def test_the_view_reports_withheld_relations_and_their_source_when_nothing_else_called_it(tree):
    pruned = consent_plan_prune(plan=plan_profile(tree, registry=registry), profile=tree, subject=SUBJECT)
    body = {"relations": {}, "sources": {"brp": {"status": "ok"}}}

    consent_view_report(body=body, pruned=pruned)

    assert body["relations"]["partner"]["status"] == "consent_required"
    assert body["relations"]["partner"]["calls"] == 0
    assert body["sources"] == {"brp": {"status": "ok"}}  # the source answered for other relations


def test_a_purpose_that_needs_consent_is_missing_it_until_given(purpose):
    purpose.needs_consent = True
    purpose.save()

    assert "needs the consent" in consent_purpose_missing(purpose=purpose, subject=SUBJECT)
    give(ConsentScope.for_purpose(purpose.code))
    assert consent_purpose_missing(purpose=purpose, subject=SUBJECT) == ""
    assert consent_purpose_missing(purpose=Purpose(code="x"), subject=SUBJECT) == ""


@pytest.mark.parametrize(
    ("key", "scope"),
    [
        ("purpose:klantcontact", ConsentScope("purpose", purpose_code="klantcontact")),
        ("relation:mijn-omgeving.inkomens", ConsentScope("relation", profile_name="mijn-omgeving", relation_name="inkomens")),
    ],
)
def test_a_scope_key_reads_back_as_itself(key, scope):
    assert ConsentScope.parse(key) == scope
    assert scope.key == key


@pytest.mark.parametrize("key", ["", "purpose:", "relation:x", "relation:a.b.c", "source:brp", "purpose:a b", None, 3])
def test_anything_else_is_no_scope(key):
    with pytest.raises(InvalidScope):
        ConsentScope.parse(key)
