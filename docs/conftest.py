"""Run every Python example of the Markdown docs as a test (Sybil).

* Fenced ```` ```python ```` blocks run in order, one namespace per page: plain
  code is executed, blocks of ``>>>`` examples are checked as doctests.
* The repository root is the working directory while a page runs, as it is
  for a reader following the docs from a clone.
* A block that must not run is preceded by ``% skip: next`` (a MyST comment,
  invisible in the built page); shell sessions go in ```` ```console ````
  blocks, which are never executed.
"""

from __future__ import annotations

import doctest
import os
from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.myst import PythonCodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parent.parent

# Sphinx's configuration and extension, and this file, hold no doctests.
collect_ignore = ["conf.py", "conftest.py", "_ext"]
collect_ignore_glob = ["_build/*"]

_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _enter_root(namespace: dict[str, Any]) -> None:
    namespace["__previous_cwd__"] = Path.cwd()
    os.chdir(ROOT)


def _leave_root(namespace: dict[str, Any]) -> None:
    os.chdir(namespace.pop("__previous_cwd__"))


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=_FLAGS), SkipParser()],
    patterns=["*.md"],
    excludes=["_build/*"],
    setup=_enter_root,
    teardown=_leave_root,
).pytest()
