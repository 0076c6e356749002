"""Regenerate the bundled example files from ``pbcheck.examples``.

Run from the repository root::

    python examples/jiangcheng/generate.py

The files are exactly what :mod:`pbcheck.io.interchange` writes for the objects of
:mod:`pbcheck.examples`; a test checks that the checked-in files still are.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pbcheck._files import write_atomic
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import dumps

HERE = Path(__file__).resolve().parent


def files() -> dict[str, str]:
    """File name → the text it must hold."""
    out = {
        # The season's rubric set (分类考核): common sections, and slot B3
        # filled with each series' own indicators.
        "rubric.toml": dumps(example_rubrics(), format="toml"),
        "org-tree.toml": dumps(example_tree(), format="toml"),
    }
    for year in EXAMPLE_YEARS:
        out[f"cycle-{year}.toml"] = dumps(example_cycle(year), format="toml")
        out[f"evaluations-{year}.json"] = dumps(example_evaluations(year))
    return out


def main() -> None:
    for name, text in files().items():
        target = HERE / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_atomic(target, text)
            print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
