"""Sphinx configuration for pbcheck's documentation.

Build (as ``python3 tasks.py test`` does)::

    python -m sphinx -n -W --keep-going -q -b html docs docs/_build/html

The build is nitpicky and turns warnings into errors, online and offline alike:
intersphinx inventories that cannot be fetched fall back to an empty local one,
and names from the standard library, attrs, cattrs and dateutil that are then
left unlinked are shown as plain code (see ``_ext/pbcheck_api.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from pbcheck import __version__  # noqa: E402

project = "pbcheck"
author = "The pbcheck developers"
copyright = "2025–2026, the pbcheck developers"
version = release = __version__
language = "zh_CN"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinxarg.ext",
    "pbcheck_api",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/.ipynb_checkpoints"]
templates_path: list[str] = []

# -- Pages that may not exist yet ----------------------------------------------
#: Pages index.md lists that are written separately; while one's file is
#: missing its toctree entry is dropped instead of failing the build.
OPTIONAL_PAGES = ("formats", "performance")

# -- MyST ----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# -- autodoc and napoleon --------------------------------------------------------
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_preserve_defaults = False
autodoc_default_options = {"show-inheritance": True, "undoc-members": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True
# Fields are documented by autodoc (undoc-members); an "Attributes:" section
# becomes a field list rather than a second description of the same attribute.
napoleon_use_ivar = True

# -- intersphinx ---------------------------------------------------------------
# Each inventory falls back to an empty local one: offline, intersphinx then
# reports an informational message instead of a warning.
_EMPTY = "_intersphinx/empty.inv"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", (None, _EMPTY)),
    "attrs": ("https://www.attrs.org/en/stable", (None, _EMPTY)),
    "cattrs": ("https://catt.rs/en/stable", (None, _EMPTY)),
    "dateutil": ("https://dateutil.readthedocs.io/en/stable", (None, _EMPTY)),
}
intersphinx_timeout = 5

nitpicky = True

# -- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = "pbcheck"
html_static_path: list[str] = []
html_show_sourcelink = False


def _drop_missing_optional_pages(_app: object, docname: str, source: list[str]) -> None:
    if docname != root_doc:
        return
    source[0] = "\n".join(
        line
        for line in source[0].splitlines()
        if not (
            line.strip() in OPTIONAL_PAGES
            and not (HERE / f"{line.strip()}.md").exists()
        )
    )


def setup(app: Sphinx) -> None:
    """Project-specific hooks."""
    app.connect("source-read", _drop_missing_optional_pages)
