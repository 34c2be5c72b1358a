"""Shared by the deployment tests (docker-compose.yml, the Helm chart): does IKO read a variable?"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Where IKO's own code reads its environment (tests excluded).
SOURCE_DIRS = ("iko_project", "connectors", "profiles", "api", "demo")


@lru_cache(maxsize=1)
def _sources() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for directory in SOURCE_DIRS
        for path in (REPO / directory).rglob("*.py")
        if "tests" not in path.parts
    )


def reads_variable(name: str) -> bool:
    """True when IKO's code names the variable as a string ("NAME" or 'NAME'), as every
    env.str("NAME"), os.environ.get("NAME") does."""
    return re.search(rf"""["']{re.escape(name)}["']""", _sources()) is not None
