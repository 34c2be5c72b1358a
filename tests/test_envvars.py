"""Every environment variable IKO's settings read is declared there with a group and a help text
(`iko_project.settings.envvars`), so the generated operator reference lists them all."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from iko_project.settings.envvars import GROUPS, DeclaredEnv

ROOT = Path(__file__).resolve().parent.parent
# Where IKO reads its environment: the Django settings and the gunicorn configuration.
READERS = sorted((ROOT / "iko_project").rglob("*.py"))
READS = [
    re.compile(r"\b_?env\.(?:str|bool|int|float|list|db_url)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
    re.compile(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
    re.compile(r"os\.environ\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']\s*\]"),
    re.compile(r"os\.getenv\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
]


def envvars_extension():
    """docs/_ext/iko_envvars.py, the generator of the reference, imported from its file."""
    spec = importlib.util.spec_from_file_location("iko_envvars", ROOT / "docs" / "_ext" / "iko_envvars.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def collected():
    return envvars_extension().collect()


def names_read_in_code() -> dict[str, str]:
    found = {}
    for path in READERS:
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            for match in pattern.finditer(text):
                found.setdefault(match[1], str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_reads_it_is_meant_to_find():
    read = names_read_in_code()

    # One read of each style: a declared settings read, a gunicorn read, a plain os.environ read.
    assert {"IKO_SECRET_KEY", "IKO_WORKERS", "IKO_VIEW_DEADLINE_SECONDS", "DATABASE_URL"} <= set(read)
    assert "DJANGO_SETTINGS_MODULE" not in read  # os.environ.setdefault sets it; it is no read


def test_every_environment_variable_the_settings_read_is_declared(collected):
    declared = {d["name"] for d in collected["declarations"]}

    missing = {name: where for name, where in names_read_in_code().items() if name not in declared}
    assert missing == {}, "read but not declared (declare them with env.<type>(..., help_text=, group=))"


def test_every_declaration_has_a_help_text_a_known_group_and_a_default(collected):
    for declaration in collected["declarations"]:
        assert declaration["group"] in GROUPS, declaration["name"]
        assert len(declaration["help_text"]) > 10, declaration["name"]
        assert declaration["default"], declaration["name"]


def test_the_settings_read_the_environment_only_through_the_declaring_reader():
    direct = [
        str(path.relative_to(ROOT)) for path in READERS
        if path.name != "envvars.py" and "environ.Env(" in path.read_text(encoding="utf-8")
    ]
    assert direct == []


def test_the_reference_has_a_row_for_every_declared_variable(collected):
    page = envvars_extension().render(collected)

    for declaration in collected["declarations"]:
        assert f"| `{declaration['name']}` |" in page
    assert f"IKO reads {len(collected['declarations'])} variables." in page


def test_the_reference_shows_production_defaults_whatever_the_building_machine_has_set(monkeypatch):
    monkeypatch.setenv("IKO_WORKERS", "7")
    monkeypatch.setenv("IKO_ENV", "test")

    declarations = {d["name"]: d for d in envvars_extension().collect()["declarations"]}

    assert declarations["IKO_WORKERS"]["default"] == "`2`"
    assert declarations["IKO_RATE_LIMIT_CLIENT"]["default"] == "`3000/minute` (none in tests)"
    assert declarations["IKO_SECRET_KEY"]["secret"] is True


def test_a_read_without_a_help_text_or_with_an_unknown_group_is_refused(monkeypatch):
    env = DeclaredEnv("tests.test_envvars", registry={})
    monkeypatch.setenv("IKO_TEST_ONLY_SETTING", "on")

    with pytest.raises(ValueError, match="needs a help text"):
        env.bool("IKO_TEST_ONLY_SETTING", default=False, group="core", help_text=" ")
    with pytest.raises(ValueError, match="group 'misc'"):
        env.bool("IKO_TEST_ONLY_SETTING", default=False, group="misc", help_text="A test-only switch.")


def test_the_declaring_reader_parses_values_as_django_environ_does(monkeypatch):
    registry = {}
    env = DeclaredEnv("tests.test_envvars", registry=registry)
    monkeypatch.setenv("IKO_TEST_ONLY_LIST", "a,b")
    monkeypatch.setenv("IKO_TEST_ONLY_FLAG", "true")
    monkeypatch.delenv("IKO_TEST_ONLY_NUMBER", raising=False)

    assert env.list("IKO_TEST_ONLY_LIST", default=[], group="core", help_text="A test-only list.") == ["a", "b"]
    assert env.bool("IKO_TEST_ONLY_FLAG", default=False, group="core", help_text="A test-only switch.") is True
    assert env.float("IKO_TEST_ONLY_NUMBER", default=2.5, group="core", help_text="A test-only number.") == 2.5
    assert registry["IKO_TEST_ONLY_NUMBER"].default == "`2.5`"
