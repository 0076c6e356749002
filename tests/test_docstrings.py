"""Every public name carries a runnable example in its docstring.

The public API is ``pbcheck.__all__`` plus the ``__all__`` of every public
module or package at any depth (``pbcheck.model.rules``; no part of
the path starting with ``_``).  A module that cannot be
imported because its optional extra is missing is skipped.

* Classes and functions need a ``>>>`` example in their own docstring; the
  test suite runs them (``--doctest-modules``), so the examples cannot rot.
* Plain constants and type aliases are exempt from examples but must be
  documented with a ``#:`` comment right above their assignment, which is what
  Sphinx shows in the API reference.

Each object is checked once, at its canonical place: the public module that
defines it, or, for names defined in a private module (``pbcheck._numbers``),
the most specific public module that exports it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from types import ModuleType

import pytest

import pbcheck


def _public_modules() -> list[str]:
    names = ["pbcheck"]
    names += [
        info.name
        for info in pkgutil.walk_packages(
            pbcheck.__path__, "pbcheck.", onerror=lambda _name: None
        )
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    return sorted(names)


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # MissingExtraError is an ImportError too
        pytest.skip(f"{name} needs an optional extra that is not installed: {exc}")


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _needs_example(obj: object) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj)


def _home(obj: object) -> str | None:
    home = getattr(obj, "__module__", None)
    return home if _needs_example(obj) and isinstance(home, str) else None


def _canonical_module(obj: object, exporters: list[str]) -> str:
    home = _home(obj)
    if home in exporters and not _is_private(home):
        return home
    if home is not None:
        above = [m for m in exporters if home.startswith(m + ".")]
        if above:
            return max(above, key=len)
    return max(exporters, key=lambda m: (m != "pbcheck", len(m)))


def _owned_names(module_name: str) -> list[str]:
    """Names of *module_name*'s ``__all__`` that are checked there."""
    exporters: dict[int, list[str]] = {}
    for other in _public_modules():
        try:
            module = importlib.import_module(other)
        except ImportError:
            continue
        for name in getattr(module, "__all__", ()):
            exporters.setdefault(id(getattr(module, name)), []).append(other)
    module = sys.modules[module_name]
    return [
        name
        for name in module.__all__
        if not name.startswith("__")
        and _canonical_module(
            getattr(module, name), exporters[id(getattr(module, name))]
        )
        == module_name
    ]


def _has_example(obj: object) -> bool:
    # Not inspect.getdoc: it falls back to a base class's docstring.
    return ">>>" in (getattr(obj, "__doc__", None) or "")


def _has_doc_comment(module: ModuleType, name: str) -> bool:
    source = inspect.getsource(module)
    return (
        re.search(rf"^#:.*\n(?:#:.*\n)*{re.escape(name)}\b", source, re.MULTILINE)
        is not None
    )


def _where_assigned(obj: object, module_name: str, name: str) -> list[ModuleType]:
    """The modules whose source may hold *name*'s ``#:`` comment."""
    candidates = [sys.modules[module_name]]
    candidates += [
        m
        for m in list(sys.modules.values())
        if isinstance(m, ModuleType)
        and m.__name__.startswith("pbcheck.")
        and getattr(m, name, None) is obj
    ]
    return candidates


@pytest.mark.parametrize("module_name", _public_modules())
def test_every_public_class_and_function_has_an_example(module_name: str) -> None:
    module = _import(module_name)
    assert module.__doc__, f"{module_name} has no module docstring"
    missing = [
        f"{module_name}.{name}"
        for name in _owned_names(module_name)
        if _needs_example(getattr(module, name))
        and not _has_example(getattr(module, name))
    ]
    assert not missing, "public names without a >>> example:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("module_name", _public_modules())
def test_every_public_constant_is_documented(module_name: str) -> None:
    module = _import(module_name)
    undocumented = []
    for name in _owned_names(module_name):
        obj = getattr(module, name)
        if _needs_example(obj):
            continue
        places = _where_assigned(obj, module_name, name)
        if not any(_has_doc_comment(place, name) for place in places):
            undocumented.append(f"{module_name}.{name}")
    assert not undocumented, "public constants without a #: comment:\n  " + (
        "\n  ".join(undocumented)
    )


def test_the_check_notices_a_missing_example() -> None:
    """The detector itself: a bare function fails, a documented one passes."""

    def bare() -> None:
        """No example here."""

    def shown() -> None:
        """Example.

        >>> 1 + 1
        2
        """

    assert not _has_example(bare)
    assert _has_example(shown)
