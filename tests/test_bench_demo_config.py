"""The benchmarks of bench/ read the demo's profiles and regelingen from demo/config.yaml; when that
file's format changed (to django-setup-configuration steps) they broke without any test noticing.
These tests run the reading part of each script, not the benchmarks themselves."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def bench_module(monkeypatch):
    # bench/ is not a package: its scripts import each other from their own folder.
    monkeypatch.syspath_prepend(str(BENCH))

    def load(name: str):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


def test_realistic_reads_every_demo_profile_tree(bench_module):
    parents = bench_module("realistic").tree_parents()
    for profile in ("klantbeeld", "bedrijfsbeeld", "adresbeeld", "zaakbeeld"):
        assert parents.get(profile), f"no relations read for {profile}"
    # A child relation names its parent; a root names none.
    assert None in parents["klantbeeld"].values()
    assert any(parent is not None for parent in parents["klantbeeld"].values())


@pytest.mark.django_db
def test_regelingen_reads_the_demo_regelingen(bench_module):
    rules = bench_module("regelingen").demo_rules()
    assert {rule.name for rule in rules} >= {"bijzondere-bijstand", "kwijtschelding-gemeentelijke-belastingen"}
    assert all(rule.criteria for rule in rules)
