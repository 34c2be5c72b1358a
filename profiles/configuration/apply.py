"""Applying a setup_configuration file from code (the demo, tests), with every problem listed: what
`manage.py setup_configuration --yaml-file FILE` does, and the checks IKO adds before it.

django-setup-configuration reads only the keys of the configured steps and skips a step whose
`*_config_enable` flag is absent, so a misspelt namespace or a forgotten flag would silently set up
nothing. `file_problems` refuses both (the setup_configuration command runs it first too, see
profiles/management/commands/setup_configuration.py). Then every step's part is validated
(pydantic, step_models.py) before any step runs, and the steps run in one transaction: when one
fails, nothing is changed.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml
from django.conf import settings
from django.utils.module_loading import import_string
from django_setup_configuration.exceptions import ValidateRequirementsFailure
from django_setup_configuration.runner import SetupConfigurationRunner

from profiles.configuration.document import ConfigurationInvalid, ImportResult


def configured_steps() -> list[Any]:
    """The step classes of settings.SETUP_CONFIGURATION_STEPS, in the order they run."""
    return [import_string(s) if isinstance(s, str) else s for s in settings.SETUP_CONFIGURATION_STEPS]


def file_problems(document: Any) -> list[str]:
    """What is wrong with a file's top level: not a mapping, a key no step reads, a step's
    namespace without its enable flag, or no step enabled at all."""
    if not isinstance(document, dict):
        return ["The file must be a mapping of step namespaces and their *_config_enable flags."]
    steps = configured_steps()
    known = {key for step in steps for key in (step.namespace, step.enable_setting)}
    problems = []
    unknown = sorted(set(document) - known)
    if unknown:
        problems.append(f"Unknown keys {unknown}: no configuration step reads them; known: {sorted(known)}. "
                        "(A file of the earlier config_import format is converted with `manage.py config_convert`.)")
    for step in steps:
        if step.namespace in document and step.enable_setting not in document:
            problems.append(f"{step.namespace} is given but {step.enable_setting} is not: set it to true to apply "
                            "it (or to false to skip it).")
    if not problems and not any(document.get(step.enable_setting) is True for step in steps):
        problems.append("No step is enabled: set one or more *_config_enable flags to true.")
    return problems


def _validation_problems(failure: ValidateRequirementsFailure) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
        for exc in failure.exceptions for error in exc.validation_error.errors()
    ]


@contextmanager
def environment(variables: Mapping[str, str] | None) -> Iterator[None]:
    """These environment variables while a file is applied (its value_from reads them), then as before."""
    saved = {name: os.environ.get(name) for name in variables or {}}
    os.environ.update(variables or {})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def configuration_apply(path: Path | None = None, *, text: str | None = None,
                        environ: Mapping[str, str] | None = None) -> ImportResult:
    """Apply a setup_configuration file (a path, or its `text`) with all configured steps; `environ`
    adds environment variables for its value_from. Raises ConfigurationInvalid listing every
    problem, having changed nothing."""
    if text is not None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "configuration.yaml"
            path.write_text(text, encoding="utf-8")
            return configuration_apply(path, environ=environ)
    try:
        problems = file_problems(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        problems = [f"Not valid YAML: {exc}"]
    if problems:
        raise ConfigurationInvalid(problems)
    with environment(environ):
        try:
            runner = SetupConfigurationRunner(yaml_source=path)
            runner.validate_all_requirements()
        except ValidateRequirementsFailure as failure:
            raise ConfigurationInvalid(_validation_problems(failure)) from None
        except ValueError as exc:  # a value_from whose variable is not set (and has no default)
            raise ConfigurationInvalid([str(exc).replace("\n", " ")]) from None
        results = runner.execute_all()
    problems = []
    for result in results:
        if result.run_exception is not None:
            problems.extend(getattr(result.run_exception, "problems", None) or [f"{result.step}: {result.run_exception}"])
    if problems:
        raise ConfigurationInvalid(problems)
    total = ImportResult()
    for result in results:
        if getattr(result.step, "result", None) is not None:
            total.changes.extend(result.step.result.changes)
            total.notices.extend(result.step.result.notices)
    return total
