"""The vendored API specs in tests/specs/ are exactly the files PROVENANCE.md names: same size,
same SHA-256, none unlisted, and every one reachable through `tests.contracts.spec_path`."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.contracts import SPECS_DIR, spec_path

DOCUMENTS = {"README.md", "PROVENANCE.md"}
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<size>\d+) \| `(?P<sha>[0-9a-f]{64})` \|")


def provenance_rows() -> dict[str, tuple[int, str]]:
    rows = {}
    for line in (SPECS_DIR / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["file"]] = (int(match["size"]), match["sha"])
    return rows


def vendored_files() -> set[str]:
    return {
        path.relative_to(SPECS_DIR).as_posix()
        for path in SPECS_DIR.rglob("*")
        if path.is_file() and path.name not in DOCUMENTS
    }


def test_every_vendored_file_is_listed_in_the_provenance_and_every_listed_file_is_there():
    assert vendored_files() == set(provenance_rows())


@pytest.mark.parametrize("relative_path", sorted(provenance_rows()))
def test_each_vendored_spec_is_byte_for_byte_the_file_the_provenance_describes(relative_path):
    size, sha = provenance_rows()[relative_path]
    content = spec_path(relative_path).read_bytes()

    assert len(content) == size
    assert hashlib.sha256(content).hexdigest() == sha


def test_asking_for_a_spec_that_is_not_vendored_is_an_error_not_a_skip():
    with pytest.raises(FileNotFoundError, match="PROVENANCE.md"):
        spec_path("zgw-zaken/openapi-1.7.yaml")
