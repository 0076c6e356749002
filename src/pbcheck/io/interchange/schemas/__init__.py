"""The JSON Schemas of the document kinds, shipped as ``<kind>.schema.json`` files.

The files are generated from the same description as the loader
(:func:`pbcheck.io.interchange.schema`); a test checks that they are current.
Regenerate them with::

    python -m pbcheck.io.interchange.schemas
"""

from __future__ import annotations

import json
from pathlib import Path

from pbcheck._files import write_atomic

__all__ = ["HERE", "expected_files", "regenerate"]

#: The folder that holds the schema files.
HERE = Path(__file__).resolve().parent


def expected_files() -> dict[str, str]:
    """File name → the text it must hold, for every document kind.

    >>> sorted(expected_files())[0]
    'cycle.schema.json'
    """
    from pbcheck.io.interchange import KINDS, schema  # noqa: PLC0415 - avoid a cycle

    return {
        f"{kind}.schema.json": json.dumps(
            schema(kind), ensure_ascii=False, indent=2, sort_keys=True
        )
        + "\n"
        for kind in KINDS
    }


def regenerate(folder: Path = HERE) -> list[Path]:
    """Write every schema file into *folder*; returns the files that changed.

    >>> import tempfile
    >>> len(regenerate(Path(tempfile.mkdtemp())))
    6
    """
    changed = []
    for name, text in expected_files().items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_atomic(target, text)
            changed.append(target)
    return changed
