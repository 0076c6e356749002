"""Document paths: where in a file a problem is, written like JSONPath (``$.a[0].b``).

The domain constructors name problems by *domain* paths (``indicator.max_points``,
``rubric.sections[A].weights``, ``cycle.milestones[commendation].date``).  A
user editing a file needs the *document* path instead: ``$.sections[0].weights``.
:func:`reroot` translates one into the other, looking ids up in the raw
document to turn ``[A]`` into the index of the item whose id is ``A``.
"""

from __future__ import annotations

import re

from pbcheck.errors import Problem

#: A document path: keys (str) and list indices (int) from the document root.
Path = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")
# The first segment of a domain path that names the object itself, not a key.
_PREFIXES = frozenset(
    {
        "bonus",
        "calendar",
        "cycle",
        "deduction",
        "frequency",
        "indicator",
        "milestone",
        "observation",
        "policy",
        "quota",
        "results",
        "rounding",
        "rubric",
        "rule",
        "section",
        "tier",
        "tree",
        "veto",
    }
)
# Keys under which list items are identified in domain paths (``units[czj]``).
_ID_KEYS = (
    "id",
    "key",
    "unit_id",
    "label",
    "indicator_id",
    "section_id",
    "deduction_id",
    "veto_id",
)
# Domain field names that a document spells differently.
_RENAMED = {("cycle", "kind"): "cycle_kind"}


def render_path(path: Path) -> str:
    """A path as text: ``$``, then ``.key``, ``[3]`` or ``["键"]`` per step.

    >>> render_path(("sections", 1, "indicators", 3, "max_points"))
    '$.sections[1].indicators[3].max_points'
    >>> render_path(("by_category", "县处级及以上"))
    '$.by_category["县处级及以上"]'
    """
    out = ["$"]
    for step in path:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif _IDENTIFIER.fullmatch(step):
            out.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


def at(raw: object, path: Path) -> object:
    """The raw value at *path* inside *raw*, or ``None`` if there is none."""
    current = raw
    for step in path:
        if isinstance(step, int) and isinstance(current, list) and step < len(current):
            current = current[step]
        elif isinstance(step, str) and isinstance(current, dict):
            current = current.get(step)
        else:
            return None
    return current


def _tokens(domain_path: str) -> list[tuple[str, bool]]:
    """``a.b[c].d`` → ``[("a", False), ("b", False), ("c", True), ("d", False)]``."""
    return [
        (name, False) if name is not None else (selector, True)
        for name, selector in (m.groups() for m in _TOKEN.finditer(domain_path))
    ]


def _find(items: list[object], selector: str) -> int | None:
    """The index *selector* names: ``#3`` is a position; else an id, else a position.

    Domain paths name an item by its id (``sections[A]``), or by its position
    as ``[#1]`` where the id cannot tell it apart (the second of two items
    with the same id).  A bare number is an id if some item has it (section
    ids such as ``"1"``), otherwise a position (``units[2]``).
    """
    if selector.startswith("#") and selector[1:].isdigit():
        index = int(selector[1:])
        return index if index < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and any(
            item.get(key) == selector for key in _ID_KEYS
        ):
            return index
    if selector.isdigit():
        index = int(selector)
        return index if index < len(items) else None
    return None


def reroot(problem: Problem, base: Path, raw: object) -> Problem:
    """*problem* with its domain path replaced by a document path below *base*.

    *raw* is the whole raw document; ids in the domain path are looked up in
    it to find list indices.

    >>> from pbcheck.errors import InvalidValueError
    >>> raw = {"sections": [{"id": "A"}, {"id": "B", "sections": [{"id": "B1"}]}]}
    >>> moved = reroot(
    ...     InvalidValueError("rubric.sections[B].sections[B1].weights", 1, "bad"),
    ...     (),
    ...     raw,
    ... )
    >>> moved.path
    '$.sections[1].sections[0].weights'
    """
    tokens = _tokens(problem.path)
    if tokens and not tokens[0][1] and tokens[0][0] in _PREFIXES:
        prefix = tokens.pop(0)[0]
        tokens = [
            (_RENAMED.get((prefix, text), text), False)
            if not selector
            else (text, True)
            for text, selector in tokens[:1]
        ] + tokens[1:]
    path: list[str | int] = list(base)
    current = at(raw, base)
    for text, selector in tokens:
        if selector and isinstance(current, list):
            index = _find(current, text)
            if index is not None:
                path.append(index)
                current = current[index]
                continue
        path.append(text)
        current = current.get(text) if isinstance(current, dict) else None
    return type(problem)(render_path(tuple(path)), problem.value, problem.message)
