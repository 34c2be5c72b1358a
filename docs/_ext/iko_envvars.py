"""Sphinx extension: the operator's environment-variable reference, generated from the settings.

The settings declare every environment variable they read, with its group and help text
(`iko_project.settings.envvars`). At every build this extension imports the modules that read the
environment (`iko_project.settings.base` and `iko_project.gunicorn_conf`) in a separate Python
process and writes `operator/environment.md` from their declarations, so the reference lists
every variable and cannot drift from the code.

That process gets a clean environment: IKO's variables from the building machine are removed and
the mode is `production` with throw-away keys, so the defaults shown are those of production and
nothing of the machine leaks into the documentation.

`python docs/_ext/iko_envvars.py` prints the same page without building the documentation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent
REPO = DOCS.parent
TARGET = DOCS / "operator" / "environment.md"
# The modules that read the environment; importing them declares every variable.
MODULES = ("iko_project.settings.base", "iko_project.gunicorn_conf")
_COLLECT = (
    "import importlib, json, sys\n"
    f"for name in {MODULES!r}:\n"
    "    importlib.import_module(name)\n"
    "from iko_project.settings.envvars import GROUPS, declarations_as_dicts\n"
    "json.dump({'groups': GROUPS, 'declarations': declarations_as_dicts()}, sys.stdout)\n"
)


def collect(python: str = sys.executable) -> dict:
    """The groups and declarations, read from a fresh interpreter with production defaults."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("IKO_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    with tempfile.TemporaryDirectory() as var_dir:
        env.update(
            IKO_ENV="production",
            IKO_SECRET_KEY="throw-away-key-for-the-documentation-build",
            IKO_PSEUDONYM_KEY="throw-away-key-for-the-documentation-build",
            IKO_SECRETS_KEY="dGhyb3ctYXdheS1rZXktZm9yLXRoZS1kb2NzLWJsZCE=",
            IKO_VAR_DIR=var_dir,
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        )
        result = subprocess.run([python, "-c", _COLLECT], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"reading the settings' declarations failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(collected: dict) -> str:
    """The reference as a MyST page: one table per group, in the settings' group order."""
    groups: dict[str, str] = collected["groups"]
    declarations: list[dict] = collected["declarations"]
    lines = [
        "# Environment variables",
        "",
        "Every environment variable IKO reads, generated from the settings at each build of this",
        "documentation (the settings declare each variable where they read it). Defaults are those",
        "of production (`IKO_ENV=production`). Variables marked **secret** belong in a secret store,",
        "never in a config map or a configuration file.",
        "",
        f"IKO reads {len(declarations)} variables.",
    ]
    for group, title in groups.items():
        members = [d for d in declarations if d["group"] == group]
        if not members:
            continue
        lines += ["", f"## {title}", "", "| variable | default | what it does |", "|---|---|---|"]
        for d in members:
            help_text = ("**Secret.** " if d["secret"] else "") + d["help_text"]
            lines.append(f"| `{d['name']}` | {_cell(d['default'])} | {_cell(help_text)} |")
    return "\n".join(lines) + "\n"


def _write(app) -> None:
    page = render(collect())
    if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != page:
        TARGET.write_text(page, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _write)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.stdout.write(render(collect()))
