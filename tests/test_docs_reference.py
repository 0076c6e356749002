"""The API reference is generated from the code: every public name, once.

``docs/_ext/pbcheck_api.py`` writes one reference page per public module and
resolves every spelling of a name (``pbcheck.Rubric``,
``pbcheck.model.rubric.Rubric``, ``pbcheck._numbers.RoundingPolicy``) to the one
place where it is documented.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

import pbcheck

pytest.importorskip("sphinx")

EXTENSION = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "pbcheck_api.py"


@pytest.fixture(scope="module")
def api():
    spec = importlib.util.spec_from_file_location("pbcheck_api", EXTENSION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("pbcheck_api", module)
    spec.loader.exec_module(module)
    return module


def test_every_public_module_is_documented(api):
    """pbcheck and each importable pbcheck.<name> not starting with "_"."""
    modules = api.public_modules()
    assert modules[0] == "pbcheck"
    assert {"pbcheck.model.rubric", "pbcheck.testing", "pbcheck.examples"} <= set(
        modules
    )
    assert not [
        m for m in modules if m.split(".")[1:2] and m.split(".")[1].startswith("_")
    ]


def test_each_public_name_has_one_canonical_place(api):
    """Every name of every __all__ is documented exactly once, where it is defined."""
    modules = api.public_modules()
    members, aliases = api.canonical_places(modules)
    documented = [
        f"{module}.{name}" for module, names in members.items() for name in names
    ]
    assert len(documented) == len(set(documented))
    for module in modules:
        for name in sys.modules[module].__all__:
            assert aliases[f"{module}.{name}"] in documented
    assert aliases["pbcheck.Rubric"] == "pbcheck.model.rubric.Rubric"
    assert aliases["pbcheck._numbers.RoundingPolicy"] == "pbcheck.RoundingPolicy"
    assert aliases["pbcheck.testing.rubrics"] == "pbcheck.testing.rubrics"
    assert "Rubric" not in members["pbcheck"]
    assert len(pbcheck.__all__) > len(members["pbcheck"])


def test_pages_are_written_once_per_module(api, tmp_path):
    """One page per module; stale pages go; unchanged pages are not rewritten."""
    stale = tmp_path / "reference" / "api" / "pbcheck.gone.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    api.write_pages(tmp_path)
    pages = sorted(p.stem for p in (tmp_path / "reference" / "api").glob("*.md"))
    assert pages == api.public_modules()
    rubric_page = tmp_path / "reference" / "api" / "pbcheck.model.rubric.md"
    assert ".. automodule:: pbcheck.model.rubric" in rubric_page.read_text(
        encoding="utf-8"
    )
    before = rubric_page.stat().st_mtime_ns
    api.write_pages(tmp_path)
    assert rubric_page.stat().st_mtime_ns == before
