"""The import rules of docs/developer/architecture.md: imports run only downward (front doors -> services ->
domain -> connectors), production code never imports the demo, and no package has an import
cycle. The contracts are import-linter's, configured in pyproject.toml ([tool.importlinter]); this
test runs them, so the suite (and CI) fails on an upward import or a cycle.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter.application.use_cases import read_user_options
from importlinter.cli import lint_imports
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract, "acyclic_siblings": AcyclicSiblingsContract}


@pytest.fixture(scope="module")
def options(request):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return read_user_options(config_filename=str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(options):
    return grimp.build_graph(*options.session_options["root_packages"], cache_dir=None)


def broken_contracts(options, graph, *extra_imports: tuple[str, str]) -> set[str]:
    """The ids of the contracts the code breaks once `extra_imports` (importer, imported) are added."""
    graph = deepcopy(graph)
    for importer, imported in extra_imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    broken = set()
    for contract_options in options.contracts_options:
        contract = CONTRACT_TYPES[contract_options["type"]](
            name=contract_options["name"], session_options=options.session_options, contract_options=contract_options,
        )
        if not contract.check(deepcopy(graph), verbose=False).kept:
            broken.add(contract_options["id"])
    return broken


@pytest.fixture
def loggers_kept():
    """lint-imports configures logging the way a command line tool does, which disables every
    logger that exists at that moment; later tests of this process need theirs back."""
    import logging

    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    disabled = {logger: logger.disabled for logger in loggers if isinstance(logger, logging.Logger)}
    yield
    for logger, was_disabled in disabled.items():
        logger.disabled = was_disabled


def test_the_code_keeps_every_import_rule(monkeypatch, loggers_kept):
    monkeypatch.chdir(ROOT)
    # On failure, lint-imports' report (printed, shown by pytest) names every offending import.
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_the_rules_cover_the_layers_the_demo_and_cycles(options):
    assert {c["id"] for c in options.contracts_options} == {"layers", "no-demo", "no-cycles"}
    assert {c["type"] for c in options.contracts_options} <= set(CONTRACT_TYPES)


@pytest.mark.parametrize("importer, imported", [
    ("connectors.base", "profiles.subjects"),  # the bottom layer reaching up
    ("profiles.access.grants", "api.views"),  # the domain importing a front door
    ("profiles.definitions.models", "profiles.services.view"),  # the domain importing a service
    ("profiles.access.grants", "profiles.engine.execute"),  # a domain package importing a higher one
    ("profiles.refusals", "profiles.subjects"),
    ("profiles.services.view", "profiles.regelingen.services"),  # the view use case importing one built on it
    ("profiles.configuration.importer", "profiles.regelingen.configuration"),  # apps register their sections
    ("profiles.regelingen.services", "api.suggestion_views"),
])
def test_an_upward_import_breaks_the_layers(options, graph, importer, imported):
    assert "layers" in broken_contracts(options, graph, (importer, imported))


def test_two_packages_of_one_layer_may_not_import_each_other(options, graph):
    assert "layers" in broken_contracts(options, graph, ("profiles.engine.inflight", "profiles.processing_log.sinks"))
    assert "layers" in broken_contracts(options, graph, ("api.views", "profiles.admin.definitions"))


def test_a_cycle_between_two_modules_breaks_the_rules(options, graph):
    # profiles.access.grants imports profiles.access.models; the reverse would close a cycle.
    assert broken_contracts(options, graph, ("profiles.access.models", "profiles.access.grants")) == {"no-cycles"}


def test_production_code_importing_the_demo_breaks_the_rules(options, graph):
    assert "no-demo" in broken_contracts(options, graph, ("profiles.services.view", "demo.universe"))


def test_tests_may_import_anything(options, graph):
    assert broken_contracts(options, graph, ("connectors.tests.test_http", "api.views")) == set()
