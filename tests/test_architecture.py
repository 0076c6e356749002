"""The architecture's promises that import-linter cannot check.

``python3 tasks.py test`` runs ``lint-imports`` with the contracts in
``pyproject.toml`` (layers, no circles, no tests or examples in library code,
no adapters in the core, private modules kept private).  These tests add what
those contracts do not cover: the public-API rule stated in
``pbcheck/__init__.py`` and that docstrings teach public modules only.
"""

from __future__ import annotations

import ast
import inspect
import re
import types
import typing
from pathlib import Path

import pytest

import pbcheck

SRC = Path(pbcheck.__file__).parent


def _pbcheck_classes(annotation: object) -> set[type]:
    """Every pbcheck class named in a (possibly generic, possibly union) annotation."""
    found: set[type] = set()
    if isinstance(annotation, type) and annotation.__module__.startswith("pbcheck"):
        found.add(annotation)
    for argument in typing.get_args(annotation):
        found |= _pbcheck_classes(argument)
    return found


def _verbs() -> list[tuple[str, object]]:
    """The top level's functions, and the named constructors of its classes."""
    verbs: list[tuple[str, object]] = []
    for name in pbcheck.__all__:
        obj = getattr(pbcheck, name)
        if inspect.isfunction(obj):
            verbs.append((name, obj))
        elif inspect.isclass(obj):
            for attribute, member in vars(obj).items():
                if isinstance(member, classmethod) and not attribute.startswith("_"):
                    verbs.append((f"{name}.{attribute}", getattr(obj, attribute)))
    return verbs


@pytest.mark.parametrize(("name", "verb"), _verbs(), ids=[n for n, _ in _verbs()])
def test_top_level_verbs_return_top_level_types(name, verb):
    """What a top-level verb returns can be named from the top level too."""
    # Names imported under TYPE_CHECKING are resolved through the top level.
    namespace = {**vars(pbcheck), **vars(inspect.getmodule(verb))}
    hints = typing.get_type_hints(verb, namespace)
    exported = {getattr(pbcheck, n) for n in pbcheck.__all__}
    missing = {
        cls.__qualname__
        for cls in _pbcheck_classes(hints.get("return"))
        if cls not in exported
    }
    assert not missing, f"{name} returns {sorted(missing)}, not in pbcheck.__all__"


def test_top_level_names_exist_once():
    """Every name of ``pbcheck.__all__`` exists and is listed once."""
    assert len(set(pbcheck.__all__)) == len(pbcheck.__all__)
    for name in pbcheck.__all__:
        assert hasattr(pbcheck, name), name


_PRIVATE_IMPORT = re.compile(
    r"^\s*(?:>>>|\.\.\.)\s+(?:from|import)\s+(pbcheck(?:\.\w+)*)"
)


def _docstrings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                line = getattr(node, "lineno", 1)
                found.append((line, doc))
    return found


def test_no_docstring_imports_a_private_module():
    """Examples teach public modules: none imports ``pbcheck.<…>._private``."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for line, doc in _docstrings(path):
            for text in doc.splitlines():
                match = _PRIVATE_IMPORT.match(text)
                if match and any(p.startswith("_") for p in match[1].split(".")):
                    offenders.append(f"{path.relative_to(SRC)}:{line}: {text.strip()}")
    assert not offenders, "\n".join(offenders)


def test_stage_packages_say_what_they_hold():
    """Each stage package's docstring names each of its public modules."""
    for package in (
        SRC / name for name in ("model", "scoring", "outcomes", "whatif", "io", "views")
    ):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc, package
        dotted = "pbcheck." + package.name
        for module in sorted(package.iterdir()):
            name = module.stem if module.suffix == ".py" else module.name
            if name.startswith("_") or not (
                module.suffix == ".py" or (module / "__init__.py").exists()
            ):
                continue
            assert f"{dotted}.{name}" in doc, f"{dotted} does not mention {name}"


def test_types_module_is_not_shadowed():
    """``pbcheck.io`` is a subpackage: the standard library's ``io`` stays itself."""
    import io

    assert isinstance(io, types.ModuleType)
    assert io.__name__ == "io"
    assert hasattr(io, "StringIO")
