"""The documentation in docs/ builds with Sphinx with warnings as errors (as `make docs` does),
has its five parts, lists every environment variable, and links nowhere outside itself."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("beheerder", "integrator", "operator", "privacy", "developer")

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_parser") is None,
    reason="Sphinx and myst-parser are not installed; they come with the dev (or docs) extra: "
    "pip install -c requirements/constraints.txt -e '.[dev]'",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs-html")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / ".doctrees"), str(ROOT / "docs"), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    return result, out


def test_the_documentation_builds_without_a_single_warning(built):
    result, _ = built

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_the_documentation_has_a_part_for_each_reader(built):
    _, out = built

    for part in PARTS:
        assert (out / part / "index.html").is_file(), part
    assert "Functioneel beheer" in (out / "beheerder" / "index.html").read_text(encoding="utf-8")


def test_the_environment_reference_lists_every_declared_variable(built):
    _, out = built
    spec = importlib.util.spec_from_file_location("iko_envvars", ROOT / "docs" / "_ext" / "iko_envvars.py")
    extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extension)
    page = (out / "operator" / "environment.html").read_text(encoding="utf-8")

    names = [d["name"] for d in extension.collect()["declarations"]]
    assert len(names) > 50
    assert [name for name in names if f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{name}</span>" not in page] == []


def test_no_page_links_outside_the_documentation(built):
    _, out = built

    external = {
        str(page.relative_to(out)): re.findall(r'href="((?:https?:)?//[^"]+)"', page.read_text(encoding="utf-8"))
        for page in out.rglob("*.html")
    }
    assert {page: links for page, links in external.items() if links} == {}
