"""The repository stands alone: nothing in it points outside the clone or at a tracker's numbers.

A clone has no `../shared/` beside it and no shared design document, so code, tests and docs state
the rule itself or point into `docs/` (or `tests/specs/<api>/` for an API's spec). Issue numbers
mean nothing to a reader of the code either. Only `tests/specs/PROVENANCE.md` may name where the
vendored specs came from.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".html", ".cfg", ".ini", ".json", ""}
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", "_build", ".pytest_cache"}
ALLOWED = {Path("tests/specs/PROVENANCE.md")}
FORBIDDEN = re.compile(
    r"\.\./shared|shared/specs|ARCHITECTURE\.md|STYLE-EXAMPLES\.md"
    r"|\b[Ii]ssues? #?[0-9]+|\b[Ii]ssue \"[A-Z]|\(#[0-9]+\)|\bsee #[0-9]+"
)


def _repository_files():
    """The files of the repository: tracked or new, never what .gitignore leaves out (the install's
    egg-info copies the README, the venv, caches); without git, every file outside SKIPPED_DIRS."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                                cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        yield from (path for path in ROOT.rglob("*")
                    if not any(part in SKIPPED_DIRS for part in path.relative_to(ROOT).parts))
        return
    yield from (ROOT / name for name in listed.decode().split("\0") if name)


def _checked_files():
    for path in _repository_files():
        relative = path.relative_to(ROOT)
        if not path.is_file():
            continue
        if path.suffix not in SUFFIXES or relative in ALLOWED:
            continue
        # The vendored specs are third-party text; only our own README and provenance there count.
        if relative.parts[:2] == ("tests", "specs") and path.suffix != ".md":
            continue
        yield relative


def _offending_lines(text):
    return [number for number, line in enumerate(text.splitlines(), 1) if FORBIDDEN.search(line)]


def test_no_file_points_outside_the_repository_or_at_an_issue_number():
    offences = []
    for relative in _checked_files():
        # This test names the patterns it forbids; it is the one file allowed to.
        if relative == Path(__file__).resolve().relative_to(ROOT):
            continue
        try:
            text = (ROOT / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offences += [f"{relative}:{number}" for number in _offending_lines(text)]
    assert offences == []


def test_the_check_catches_each_kind_of_outside_reference():
    for line in (
        "See ../shared/ARCHITECTURE.md, section 3.",
        "Spec: shared/specs/kvk/zoeken-api-v2.yaml",
        "Clear problem+json (issue 7).",
        'See issue "Profiles as relation trees".',
        "Fixed in (#12).",
    ):
        assert _offending_lines(line) == [1], line
    assert _offending_lines("Spec: tests/specs/kvk/zoeken-api-v2.yaml (docs/developer/architecture.md)") == []
