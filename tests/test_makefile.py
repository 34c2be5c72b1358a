"""`make install` recovers from a bad .venv: the Makefile's `venv` step, run for real with `make` in
a temporary copy of the Makefile, rebuilds a .venv that was made with another Python, has no
working bin/python, or holds an install that did not finish; it refuses an interpreter that is not
Python 3.11 and leaves a healthy .venv alone.

Most cases use a stand-in interpreter (a shell script that answers the version question and
"creates" a venv by copying itself) so they take milliseconds; one case builds a real .venv with
the Python 3.11 running these tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make on the PATH")

STAND_IN = """#!/bin/sh
# A stand-in interpreter: says it is Python {version}, makes a "venv" holding a copy of itself,
# and fails at everything else (such as pip), as a broken install would.
case "$1" in
  -c) echo "{version}" ;;
  -m) [ "$2" = venv ] && mkdir -p "$3/bin" && cp "$0" "$3/bin/python" || exit 1 ;;
  *) exit 1 ;;
esac
"""


@pytest.fixture
def project(tmp_path):
    """A temporary copy of what the Makefile's install step reads."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "requirements" / "constraints.txt", tmp_path / "requirements" / "constraints.txt")
    return tmp_path


def stand_in(path: Path, version: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STAND_IN.format(version=version))
    path.chmod(0o755)
    return path


def make(project: Path, *goals: str, python: Path | str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *goals, f"PYTHON={python}"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )


def venv_version(project: Path) -> str:
    python = project / ".venv" / "bin" / "python"
    return subprocess.run(
        [python, "-c", 'import sys; print("%d.%d" % sys.version_info[:2])'],
        capture_output=True, text=True, check=True,
    ).stdout.strip()


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="builds a real .venv with the running Python 3.11")
def test_a_venv_built_with_another_python_is_rebuilt_with_python_3_11_and_the_make_says_so(project):
    stand_in(project / ".venv" / "bin" / "python", "3.10")

    result = make(project, "venv", python=sys.executable)

    assert result.returncode == 0, result.stderr
    assert "Rebuilding .venv: it was built with Python 3.10." in result.stdout
    assert "Created .venv with" in result.stdout
    assert venv_version(project) == "3.11"


def test_a_venv_without_a_working_python_is_rebuilt(project):
    python = stand_in(project / "bin" / "python3.11", "3.11")
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "lib").mkdir()

    result = make(project, "venv", python=python)

    assert result.returncode == 0, result.stderr
    assert "Rebuilding .venv: it has no working bin/python." in result.stdout
    assert (project / ".venv" / "bin" / "python").is_file()
    assert not (project / ".venv" / "lib").exists()


def test_an_install_that_failed_leaves_a_mark_and_the_next_make_rebuilds_the_venv(project):
    python = stand_in(project / "bin" / "python3.11", "3.11")
    assert make(project, "venv", python=python).returncode == 0

    # The stand-in's pip fails, like an install broken off halfway.
    failed = make(project, "install", python=python)
    retried = make(project, "venv", python=python)

    assert failed.returncode != 0
    assert "Rebuilding .venv: an earlier install in it did not finish." in retried.stdout
    assert not (project / ".venv" / ".install-pending").exists()
    assert not (project / ".venv" / ".installed").exists()


def test_a_healthy_venv_is_left_alone(project):
    python = stand_in(project / "bin" / "python3.11", "3.11")
    assert make(project, "venv", python=python).returncode == 0
    keep = project / ".venv" / "kept-by-a-healthy-venv"
    keep.touch()

    result = make(project, "venv", python=python)

    assert result.returncode == 0
    assert result.stdout == ""
    assert keep.exists()


@pytest.mark.parametrize("version, described_as", [("3.12", "is 3.12"), (None, "is not a working Python")])
def test_an_interpreter_that_is_not_python_3_11_is_refused_before_anything_changes(project, version, described_as):
    healthy = stand_in(project / "bin" / "python3.11", "3.11")
    assert make(project, "venv", python=healthy).returncode == 0
    wrong = stand_in(project / "bin" / "python3.12", version) if version else project / "bin" / "missing"

    result = make(project, "install", python=wrong)

    assert result.returncode != 0
    assert f"IKO needs Python 3.11, but PYTHON={wrong} {described_as}." in result.stderr
    assert "make PYTHON=/path/to/python3.11 install" in result.stderr
    assert (project / ".venv" / "bin" / "python").is_file()
