# ruff: noqa: INP001 - a Sphinx extension loaded from docs/conf.py, not a package
"""Sphinx glue for pbcheck's API reference.

* Discovers the public modules (``pbcheck`` and every ``pbcheck.<name>`` whose
  name does not start with ``_``) and writes one reference page per module into
  ``reference/api/`` (generated, not committed), so a new module appears in the
  reference without anyone editing the docs.
* Documents each public object once, at its *canonical* place: the public
  module that defines it, or, for names defined in a private module (such as
  ``pbcheck._numbers``), the public module that exports it.
* Resolves every other spelling of the same object (``pbcheck.Rubric``,
  ``pbcheck.model.rubric.Rubric``, ``pbcheck._numbers.RoundingPolicy``, …) to that
  place, so cross-references and type hints link wherever they were written.
* Offline, references into the standard library, attrs, cattrs and dateutil
  cannot be resolved through intersphinx; they are then shown as plain code
  instead of failing a nitpicky build.  Online, intersphinx links them first.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import PycodeError
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer

# Modules that need an optional extra at import time are documented only when
# the extra is installed; the others import their extras lazily.
_EXTERNAL = {
    "attr",
    "attrs",
    "cattr",
    "cattrs",
    "dask",
    "dateutil",
    "hypothesis",
    "icalendar",
    "matplotlib",
    "numpy",
    "openpyxl",
    "pandas",
    "pyarrow",
    "typing_extensions",
}
# Conventional import abbreviations that show up in type hints.
_ABBREVIATIONS = {"pd": "pandas", "np": "numpy", "plt": "matplotlib.pyplot"}


# Short names that type hints leave unqualified, and where they live.
_SHORT_NAMES = {
    "date": "datetime.date",
    "datetime": "datetime.datetime",
    "timedelta": "datetime.timedelta",
    "tzinfo": "datetime.tzinfo",
    "Fraction": "fractions.Fraction",
    "Decimal": "decimal.Decimal",
    "ZoneInfo": "zoneinfo.ZoneInfo",
    "Path": "pathlib.Path",
    "Random": "random.Random",
    "NDArray": "numpy.typing.NDArray",
    "ArrayLike": "numpy.typing.ArrayLike",
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "Workbook": "openpyxl.Workbook",
}

# Napoleon reads a property or attribute docstring such as "The total as shown:
# rounded once" as "<type>: <description>".  Only text that looks like a type
# (ASCII names, dots, brackets, ``|`` and commas) is taken as one here.
_TYPE_LIKE = re.compile(r"[A-Za-z0-9_.\[\]|,~`:()]+")
_original_inline_attribute = GoogleDocstring._consume_inline_attribute  # noqa: SLF001


def _inline_attribute(self: GoogleDocstring) -> tuple[str, list[str]]:
    kind, lines = _original_inline_attribute(self)
    compact = re.sub(r"\s*([|,])\s*", r"\1", kind)
    if kind and not _TYPE_LIKE.fullmatch(compact):
        first = f"{kind}: {lines[0]}" if lines else f"{kind}:"
        return "", [first, *lines[1:]]
    return kind, lines


GoogleDocstring._consume_inline_attribute = _inline_attribute  # type: ignore[method-assign]  # noqa: SLF001


def public_modules() -> list[str]:
    """``pbcheck`` and its public modules and packages, at any depth, that import here, sorted."""
    import pbcheck  # noqa: PLC0415

    names = ["pbcheck"]
    # walk_packages imports each package to look inside it, so a package that
    # needs a missing extra is skipped along with everything below it.
    for info in pkgutil.walk_packages(
        pbcheck.__path__, "pbcheck.", onerror=lambda _name: None
    ):
        if _is_private(info.name) or info.name.endswith(".__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional extra is missing: nothing to document
            continue
        names.append(info.name)
    return sorted(names)


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def canonical_places(modules: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Where each object is documented, and every alias that leads there.

    Returns ``(members, aliases)``: the names each module documents, and a map
    from every spelling (``module.name`` for each exporting module, and the
    defining ``__module__.__qualname__``) to the canonical dotted name.
    """
    exports: dict[int, list[tuple[str, str]]] = {}
    objects: dict[int, Any] = {}
    for module_name in modules:
        module = sys.modules[module_name]
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            objects[id(obj)] = obj
            exports.setdefault(id(obj), []).append((module_name, name))
    members: dict[str, list[str]] = {name: [] for name in modules}
    aliases: dict[str, str] = {}
    for key, places in exports.items():
        obj = objects[key]
        home = getattr(obj, "__module__", None)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)) or not isinstance(
            home, str
        ):
            home = None
        chosen = None
        if home is not None and not _is_private(home):
            chosen = next((p for p in places if p[0] == home), None)
        if chosen is None and home is not None:
            # Defined privately: the most specific public module above its home.
            prefixed = [p for p in places if home.startswith(p[0] + ".")]
            if prefixed:
                chosen = max(prefixed, key=lambda p: len(p[0]))
        if chosen is None:
            chosen = max(places, key=lambda p: (p[0] != "pbcheck", len(p[0])))
        canonical = f"{chosen[0]}.{chosen[1]}"
        members[chosen[0]].append(chosen[1])
        for module_name, name in places:
            aliases[f"{module_name}.{name}"] = canonical
        qualname = getattr(obj, "__qualname__", None)
        if home is not None and isinstance(qualname, str):
            aliases[f"{home}.{qualname}"] = canonical
    for module_name in modules:
        members[module_name].sort(key=_source_order(module_name))
    return members, aliases


def _source_order(module_name: str) -> Callable[[str], tuple[int, int]]:
    """Sort key: the order of definition in the module's source, as written.

    Names the analyser cannot place (defined in a private module and
    re-exported) follow, in ``__all__`` order.
    """
    names = list(getattr(sys.modules[module_name], "__all__", ()))
    try:
        analyzer = ModuleAnalyzer.for_module(module_name)
        analyzer.analyze()
        tags = analyzer.tagorder
    except PycodeError:
        tags = {}
    return lambda name: (tags.get(name, len(tags)), names.index(name))


def _page(module_name: str, members: list[str], aliases: dict[str, str]) -> str:
    module = sys.modules[module_name]
    lines = [
        f"# `{module_name}`",
        "",
        "```{eval-rst}",
        f".. automodule:: {module_name}",
    ]
    if members:
        lines.append(f"   :members: {', '.join(members)}")
        lines.append("   :member-order: bysource")
    lines += ["```", ""]
    elsewhere = [
        (name, aliases[f"{module_name}.{name}"])
        for name in getattr(module, "__all__", ())
        if name not in members
    ]
    if elsewhere:
        lines += [
            "## Also exported here",
            "",
            "These names are documented where they are defined:",
            "",
        ]
        lines += [f"- {{py:obj}}`{name} <{target}>`" for name, target in elsewhere]
        lines.append("")
    return "\n".join(lines)


def write_pages(srcdir: Path) -> None:
    """(Re)write ``reference/api/<module>.md``, touching only changed files."""
    modules = public_modules()
    members, aliases = canonical_places(modules)
    out = srcdir / "reference" / "api"
    out.mkdir(parents=True, exist_ok=True)
    wanted = {f"{name}.md": _page(name, members[name], aliases) for name in modules}
    for stale in out.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for filename, text in wanted.items():
        path = out / filename
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _builder_inited(app: Sphinx) -> None:
    write_pages(Path(app.srcdir))
    app.env.pbcheck_aliases = canonical_places(public_modules())[1]  # type: ignore[attr-defined]


def _canonical(target: str, aliases: dict[str, str]) -> str | None:
    """The documented name for *target*, or ``None`` if it is not an alias."""
    if not target.startswith("pbcheck"):
        # An unqualified pbcheck name used in another module's docstring.
        head, dot, rest = target.partition(".")
        found = {v for k, v in aliases.items() if k.rpartition(".")[2] == head}
        return found.pop() + dot + rest if len(found) == 1 else None
    head, rest = target, ""
    while head:
        if head in aliases:
            return aliases[head] + rest
        head, _, tail = head.rpartition(".")
        rest = f".{tail}{rest}"
    return None


def _resolve_alias(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve ``pbcheck.Rubric`` and friends to where the object is documented."""
    if node.get("refdomain") != "py":
        return None
    target: str = node["reftarget"]
    head, dot, rest = target.partition(".")
    if target in _SHORT_NAMES or (dot and head in _ABBREVIATIONS):
        # Let intersphinx (or the offline fallback) see the qualified name.
        node["reftarget"] = (
            _SHORT_NAMES.get(target) or _ABBREVIATIONS[head] + dot + rest
        )
        return None
    canonical = _canonical(target, getattr(env, "pbcheck_aliases", {}))
    if canonical is None or canonical == target:
        return None
    return env.domains["py"].resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
    )


def _qualify_short_names(_app: Sphinx, doctree: nodes.document) -> None:
    """Qualify type names that postponed annotations left bare (``date``).

    Done before resolution: a bare ``date`` would otherwise match any
    attribute called ``date`` in the API.
    """
    for node in doctree.findall(pending_xref):
        target = node.get("reftarget", "")
        if (
            node.get("refdomain") == "py"
            and node.get("reftype") in {"class", "obj"}
            and target in _SHORT_NAMES
        ):
            node["reftarget"] = _SHORT_NAMES[target]


def _private(target: str) -> bool:
    """A pbcheck name that is not public (``pbcheck._files.write_atomic``)."""
    parts = target.lstrip("~.").split(".")
    return parts[0] == "pbcheck" and any(p.startswith("_") for p in parts[1:])


def _external(target: str) -> bool:
    top = target.lstrip("~.").split(".", 1)[0]
    return (
        top in sys.stdlib_module_names
        or top in _EXTERNAL
        or (("." not in target) and hasattr(builtins, target))
    )


def _plain_external(
    _app: Sphinx, _env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Last resort: plain code for names that have no page to link to.

    Those are standard-library and third-party names that intersphinx could
    not link (offline, or with no inventory configured), and private pbcheck
    names, which are deliberately left out of the reference.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") == "py" and (_external(target) or _private(target)):
        return contnode
    return None


def setup(app: Sphinx) -> dict[str, object]:
    """Register the page generator and the two reference resolvers."""
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _qualify_short_names)
    # intersphinx answers at the default priority (500): aliases before it, the
    # offline fallback after it.
    app.connect("missing-reference", _resolve_alias, priority=400)
    app.connect("missing-reference", _plain_external, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
