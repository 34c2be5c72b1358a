"""Sphinx configuration of IKO's documentation: Markdown pages (MyST) in five parts, one per
reader, and an environment-variable reference generated from the settings at every build
(`_ext/iko_envvars.py`). Built with warnings as errors: `make docs`, and by the test suite."""

import sys
import tomllib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "IKO"
author = "the IKO contributors"
copyright = "the IKO contributors, licensed under the EUPL-1.2"
release = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
version = release

extensions = ["myst_parser", "iko_envvars"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_tools"]
language = "en"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# Every reference must resolve: a broken link between pages is a build error (-W).
nitpicky = True

html_theme = "alabaster"
html_title = f"IKO {release}"
html_static_path: list[str] = []
# No link leaves the documentation: no "powered by" footer links to the tools' websites.
html_show_sphinx = False
html_theme_options = {"show_powered_by": False}
